// @ts-nocheck
import assert from "node:assert/strict";
import { settingsFromSources } from "../../provider/client/config";
import { RequestLimiter } from "../../provider/client/limiter";
import { parseRetryAfter } from "../../provider/client/retry";

// Edges the other mutant specs leave: decimals in settings, Retry-After junk, a double release.

describe("client edges", () => {
  it("reads settings with several decimals", () => {
    const env = { DOMO_CLIENT_ID: "i", DOMO_CLIENT_SECRET: "s", DOMO_REQUESTS_PER_SECOND: "2.25" };
    assert.equal(settingsFromSources(() => undefined, env).requestsPerSecond, 2.25);
  });

  it("ignores Retry-After values with junk around the number", () => {
    for (const junk of ["x5", "5x", "1.5x", "a1.5"]) assert.equal(parseRetryAfter(junk, 0), undefined, junk);
  });

  it("a release called twice frees one slot only", async () => {
    const limiter = new RequestLimiter({ requestsPerSecond: 10_000, maxConcurrency: 1 });
    const release = await limiter.acquire();
    release();
    release();
    const first = await limiter.acquire();
    let second = false;
    const pending = limiter.acquire().then((r) => {
      second = true;
      return r;
    });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(second, false, "the one slot is still taken");
    first();
    (await pending)();
    assert.equal(second, true);
  });
});
