import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { maxInWindow } from "../support/reliability-kit";
import { StackFixture } from "./stack-fixture";

/**
 * One run, one client (issue 21): a `pulumi up` managing 200 users in 10 groups, through the
 * real CLI, fetches one token and never exceeds `domo:requestsPerSecond` in any second at the
 * emulator, although DomoUser, DomoGroup and DomoGroupMembers are three provider objects.
 */
const program = `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const people = new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
exports.groupIds = people.groupIds;
`;

describe("one run, one client: users and groups share a token and the rate limit (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture;
  const rate = 40;
  before(async () => {
    f = await StackFixture.create("e2e-one-run");
    fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
    await f.stack.setConfig("domo:requestsPerSecond", String(rate));
  });
  after(async () => {
    await f?.dispose();
  });

  it(`200 users in 10 groups: one token, at most ${rate} requests in any second`, async () => {
    const groups = Array.from({ length: 10 }, (_, g) => `Team ${g}`);
    const users = Array.from(
      { length: 200 },
      (_, i) => `  - {email: user${i}@example.com, name: User ${i}, groups: [${groups[i % 10]}]}`,
    );
    fs.writeFileSync(
      path.join(f.projectDir, "users.yaml"),
      `defaults:\n  role: Participant\ngroups:\n${groups.map((g) => `  - name: ${g}`).join("\n")}\nusers:\n${users.join("\n")}\n`,
    );
    const since = Date.now();
    await f.stack.up();
    const log = f.emu.requestLog().filter((r) => r.at >= since);
    const tokens = log.filter((r) => r.route.endsWith("/oauth/token"));
    assert.equal(tokens.length, 1, "one token for users and groups alike");
    const busiest = maxInWindow(log.map((r) => r.at));
    assert.ok(busiest <= rate, `${busiest} requests in one second (domo:requestsPerSecond ${rate})`);
    assert.equal(log.filter((r) => r.route === "POST /v1/users").length, 200);
    assert.equal(log.filter((r) => r.route === "POST /v1/groups").length, 10);
    for (const g of f.emu.store.listGroups().filter((x) => x.name.startsWith("Team ")))
      assert.equal(f.emu.store.memberIds(g.id).length, 20);
    await f.stack.preview(["--expect-no-changes"]);
  });
});
