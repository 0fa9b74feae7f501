import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StackFixture } from "./stack-fixture";

/**
 * One placeholder rule (issue 21): a DomoUser whose roleId comes from another resource's output
 * (unknown until apply) previews through the real CLI with no call to Domo, and `up` applies it.
 */
const program = `"use strict";
const { DomoUser } = require("pulumi-domo");
const lead = new DomoUser("lead", { email: "lead@example.com", name: "Lead", role: "Editor" });
// A custom role's id computed from another resource: unknown in the first preview.
const roleId = lead.userId.apply(() => 6);
new DomoUser("analyst", { email: "analyst@example.com", name: "Analyst", roleId });
`;

describe("preview with a roleId from another resource's output (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture;
  before(async () => {
    f = await StackFixture.create("e2e-preview-unknowns");
    fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
  });
  after(async () => {
    await f?.dispose();
  });

  it("previews with 0 calls, then up gives the user that role", async () => {
    f.emu.resetCounters();
    const preview = await f.stack.preview();
    assert.match(preview.stdout, /domo:User analyst create/);
    assert.match(preview.stdout, /3 to create/, "the stack and the two users");
    assert.equal(
      Object.values(f.calls()).reduce((a, b) => a + b, 0),
      0,
    );
    await f.stack.up();
    assert.equal(f.liveUsers().find((u) => u.email === "analyst@example.com")?.roleId, 6);
    await f.stack.preview(["--expect-no-changes"]);
  });
});
