import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StackFixture } from "./stack-fixture";

/**
 * Groups and memberships declared in a users file, converged by DomoUserDirectory through the
 * real Pulumi CLI. One stack walks through the steps a team's pull requests would take.
 */
const program = `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const people = new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
exports.userIds = people.userIds;
exports.groupIds = people.groupIds;
`;

function total(counters: Record<string, number>): number {
  return Object.values(counters).reduce((a, b) => a + b, 0);
}

describe("groups and memberships from a users file (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture;
  const write = (yaml: string) => fs.writeFileSync(path.join(f.projectDir, "users.yaml"), yaml);
  const users = (groupsOf: Record<string, string[]>) =>
    ["ada", "grace", "alan"]
      .map(
        (n) =>
          `  - {email: ${n}@example.com, name: ${n}, role: Editor, groups: [${(groupsOf[n] ?? []).join(", ")}]}`,
      )
      .join("\n");
  const group = (name: string) => f.emu.store.listGroups().find((g) => g.name === name);
  const memberEmails = (name: string) =>
    (group(name)?.memberIds ?? []).map((id) => f.emu.store.getUser(id)?.email).sort();

  before(async () => {
    f = await StackFixture.create("e2e-dir-groups");
    fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
  });
  after(async () => {
    await f?.dispose();
  });

  it("creates the groups and exactly the declared memberships; a second up makes no call", async () => {
    write(
      `groups:\n  - name: Analysts\n  - name: Engineers\n    members: additive\nusers:\n${users({ ada: ["Analysts"], grace: ["Analysts", "Engineers"], alan: ["Engineers"] })}\n`,
    );
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(f.calls()), 0, "preview makes no call");
    assert.match(preview.stdout, /DomoGroup|domo:Group/);
    await f.stack.up();
    assert.deepEqual(memberEmails("Analysts"), ["ada@example.com", "grace@example.com"]);
    assert.deepEqual(memberEmails("Engineers"), ["alan@example.com", "grace@example.com"]);
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(total(f.calls()), 0, "a no-change up makes no call");
  });

  it("moves a user between groups", async () => {
    write(
      `groups:\n  - name: Analysts\n  - name: Engineers\n    members: additive\nusers:\n${users({ ada: ["Engineers"], grace: ["Analysts", "Engineers"], alan: ["Engineers"] })}\n`,
    );
    await f.stack.up();
    assert.deepEqual(memberEmails("Analysts"), ["grace@example.com"]);
    assert.deepEqual(memberEmails("Engineers"), ["ada@example.com", "alan@example.com", "grace@example.com"]);
  });

  it("an out-of-band membership change shows after refresh and up corrects it (authoritative)", async () => {
    const analysts = group("Analysts");
    const alan = f.liveUsers().find((u) => u.email === "alan@example.com");
    assert.ok(analysts && alan);
    await f.emu.store.addMember(analysts.id, alan.id);
    await f.stack.refresh();
    const preview = await f.stack.preview(["--diff"]);
    assert.match(preview.stdout, /1 to update/);
    await f.stack.up();
    assert.deepEqual(memberEmails("Analysts"), ["grace@example.com"], "the extra member was removed");
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("renames a group in place once its id is in the file", async () => {
    const id = group("Analysts")?.id;
    assert.ok(id);
    write(
      `groups:\n  - {name: Analysts, id: ${id}}\n  - name: Engineers\n    members: additive\nusers:\n${users({ ada: ["Engineers"], grace: ["Analysts", "Engineers"], alan: ["Engineers"] })}\n`,
    );
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(f.writes(), 0, "adding the id is no change in Domo (the alias keeps the resource)");
    write(
      `groups:\n  - {name: Data Analysts, id: ${id}}\n  - name: Engineers\n    members: additive\nusers:\n${users({ ada: ["Engineers"], grace: ["Data Analysts", "Engineers"], alan: ["Engineers"] })}\n`,
    );
    const preview = await f.stack.preview(["--diff"]);
    assert.doesNotMatch(preview.stdout, /replace/);
    await f.stack.up();
    assert.equal(f.emu.store.getGroup(id)?.name, "Data Analysts", "same id, new name");
    assert.deepEqual(memberEmails("Data Analysts"), ["grace@example.com"]);
  });

  it("a group removed from the file keeps its members: its delete is refused unless allowDeleteWithMembers", async () => {
    const id = group("Data Analysts")?.id;
    assert.ok(id);
    const rest = `  - name: Engineers\n    members: additive\nusers:\n${users({ ada: ["Engineers"], grace: ["Engineers"], alan: ["Engineers"] })}\n`;
    write(`groups:\n${rest}`);
    f.emu.resetCounters();
    const up = await f.stack.up([], { allowFailure: true });
    assert.notEqual(up.code, 0);
    // The directory's guard refuses at check (so at preview too), before anything reaches Domo.
    assert.match(
      up.stdout + up.stderr,
      /would delete group "Data Analysts", which still has members in the file \(1 in "Data Analysts"\).*allowDeleteWithMembers: true/s,
    );
    assert.equal(
      Object.values(f.calls()).reduce((a, b) => a + b, 0),
      0,
      "nothing reached Domo: no member removed, no group deleted",
    );
    assert.deepEqual(memberEmails("Data Analysts"), ["grace@example.com"]);
    // The file put back as it was, the group now allowing it; then removed: Domo deletes the
    // group with its members (its members resource, gone from the state with the refused run,
    // is created again over the same members, with no write).
    write(
      `groups:\n  - {name: Data Analysts, id: ${id}, allowDeleteWithMembers: true}\n  - name: Engineers\n    members: additive\nusers:\n${users({ ada: ["Engineers"], grace: ["Data Analysts", "Engineers"], alan: ["Engineers"] })}\n`,
    );
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(f.writes(), 0, JSON.stringify(f.calls()));
    write(`groups:\n${rest}`);
    await f.stack.up();
    assert.equal(group("Data Analysts"), undefined);
    assert.ok(
      f.liveUsers().some((u) => u.email === "grace@example.com"),
      "its members' accounts stay",
    );
  });
});
