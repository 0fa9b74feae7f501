import assert from "node:assert/strict";
import { StackFixture } from "./stack-fixture";

/**
 * Domo has been seen answering a rate limit with `403 {"message":"API Rate limit reached."}`
 * rather than 429 (issue 20, case 6). Through the real Pulumi CLI, with the emulator answering
 * its rate limits that way: `up` waits and retries, creates each person exactly once, and a
 * plain 403 still fails at once.
 */
describe("rate limits answered as 403 (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture;
  before(async () => {
    f = await StackFixture.create("e2e-ratelimit-403");
    f.emu.setBehaviour({ rateLimitStatus: 403 });
  });
  after(async () => {
    await f?.dispose();
  });

  it("a 403 that says the rate limit was reached is retried: each user created exactly once", async () => {
    f.declare([
      { key: "ada", email: "ada@example.com", name: "Ada", role: "Editor" },
      { key: "bob", email: "bob@example.com", name: "Bob", role: "Editor" },
    ]);
    f.emu.faults.add({ kind: "status", status: 429, route: "POST /v1/users", count: 3 });
    const since = Date.now();
    await f.stack.up();
    const creates = f.emu.requestLog().filter((r) => r.at >= since && r.route === "POST /v1/users");
    assert.equal(creates.filter((r) => r.status === 403).length, 3, "three rate limits, answered as 403");
    assert.equal(creates.filter((r) => r.status < 300).length, 2);
    for (const email of ["ada@example.com", "bob@example.com"])
      assert.equal(f.liveUsers().filter((u) => u.email === email).length, 1);
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("any other 403 fails at once, with no retry", async () => {
    f.declare([
      { key: "ada", email: "ada@example.com", name: "Ada", role: "Editor" },
      { key: "bob", email: "bob@example.com", name: "Bob", role: "Editor" },
      { key: "cy", email: "cy@example.com", name: "Cy", role: "Editor" },
    ]);
    // A token without the user scope: Domo answers 403 for a permission, not a rate limit.
    await f.stack.setConfig("domo:scope", "data");
    const since = Date.now();
    const up = await f.stack.up([], { allowFailure: true });
    assert.notEqual(up.code, 0);
    assert.equal(f.emu.requestLog().filter((r) => r.at >= since && r.route === "POST /v1/users").length, 1);
    assert.equal(
      f.liveUsers().some((u) => u.email === "cy@example.com"),
      false,
    );
  });
});
