import assert from "node:assert/strict";
import { settingsFromSources } from "../../provider/client/config";
import { parseRetryAfter } from "../../provider/client/retry";

// Edges the other mutant specs leave: decimals in settings, Retry-After junk.

describe("client edges", () => {
  it("reads settings with several decimals", () => {
    const env = { DOMO_CLIENT_ID: "i", DOMO_CLIENT_SECRET: "s", DOMO_REQUESTS_PER_SECOND: "2.25" };
    assert.equal(settingsFromSources(() => undefined, env).requestsPerSecond, 2.25);
  });

  it("ignores Retry-After values with junk around the number", () => {
    for (const junk of ["x5", "5x", "1.5x", "a1.5"]) assert.equal(parseRetryAfter(junk, 0), undefined, junk);
  });
});
