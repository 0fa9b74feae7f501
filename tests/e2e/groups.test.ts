import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { parseGroupInputs, parseGroupMembershipInputs, parseGroupMembersInputs } from "../../provider/model";
import { checkedInputs } from "../../provider/resources/engine";
import { StackFixture } from "./stack-fixture";

/**
 * A program of users, groups and memberships from groups.json beside it (edited by tests):
 * members name users by key (their `id`, known at preview even while a user changes).
 */
const program = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { DomoUser, DomoGroup, DomoGroupMembers, DomoGroupMembership } = require("pulumi-domo");
const d = JSON.parse(fs.readFileSync(path.join(__dirname, "groups.json"), "utf8"));
const users = {};
for (const { key, ...args } of d.users ?? []) users[key] = new DomoUser(key, args);
const groups = {};
for (const { key, ...args } of d.groups ?? []) groups[key] = new DomoGroup(key, args);
for (const { key, group, users: keys = [], ...rest } of d.members ?? [])
  new DomoGroupMembers(key, { groupId: groups[group].id, userIds: keys.map((k) => users[k].id), ...rest });
for (const { key, group, user, ...rest } of d.memberships ?? [])
  new DomoGroupMembership(key, { groupId: groups[group].id, ...(user ? { userId: users[user].id } : {}), ...rest });
exports.groupIds = Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, g.groupId]));
`;

interface Program {
  users?: Array<Record<string, unknown>>;
  groups?: Array<Record<string, unknown>>;
  members?: Array<Record<string, unknown>>;
  memberships?: Array<Record<string, unknown>>;
}

const team = [
  { key: "ada", email: "ada@example.com", name: "Ada", role: "Editor" },
  { key: "bob", email: "bob@example.com", name: "Bob", role: "Editor" },
  { key: "cy", email: "cy@example.com", name: "Cy", role: "Participant" },
];
const base: Program = {
  users: team,
  groups: [
    { key: "eng", name: "Engineering" },
    { key: "ops", name: "Operations" },
  ],
  members: [
    { key: "eng-members", group: "eng", users: ["ada", "bob"] },
    { key: "ops-members", group: "ops", users: ["cy"] },
  ],
};

describe("end to end: groups and memberships with the real Pulumi CLI", function () {
  this.timeout(300_000);
  let f: StackFixture;

  async function fixture(name: string): Promise<StackFixture> {
    f = await StackFixture.create(name);
    fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
    return f;
  }
  const declare = (p: Program) =>
    fs.writeFileSync(path.join(f.projectDir, "groups.json"), JSON.stringify(p, null, 2));
  const group = (name: string) => f.emu.store.listGroups().find((g) => g.name === name);
  const userId = (email: string) => f.liveUsers().find((u) => u.email === email)?.id ?? -1;
  const ids = (...emails: string[]) => emails.map(userId).sort((a, b) => a - b);
  async function deployed(p: Program = base): Promise<void> {
    declare(p);
    await f.stack.up();
    f.emu.resetCounters();
  }

  afterEach(async () => {
    await f?.dispose();
  });

  it("1. creates groups with exactly their declared members; preview and a second up make no call", async () => {
    await fixture("groups-create");
    await deployed();
    assert.deepEqual(group("Engineering")?.memberIds, ids("ada@example.com", "bob@example.com"));
    assert.deepEqual(group("Operations")?.memberIds, ids("cy@example.com"));
    await f.stack.preview(["--expect-no-changes"]);
    const up = await f.stack.up();
    assert.deepEqual(f.calls(), {}, "no-change preview and up: 0 calls");
    assert.doesNotMatch(up.stdout, /updated|created|deleted/);
  });

  it("2. moves a user between groups with one removal and one addition", async () => {
    await fixture("groups-move");
    await deployed();
    declare({
      ...base,
      members: [
        { key: "eng-members", group: "eng", users: ["ada"] },
        { key: "ops-members", group: "ops", users: ["cy", "bob"] },
      ],
    });
    const preview = await f.stack.preview();
    assert.match(preview.stdout, /2 to update/);
    assert.deepEqual(f.calls(), {}, "preview makes no call");
    await f.stack.up();
    assert.deepEqual(group("Engineering")?.memberIds, ids("ada@example.com"));
    assert.deepEqual(group("Operations")?.memberIds, ids("bob@example.com", "cy@example.com"));
    assert.equal(f.calls()["PUT /v1/groups/{id}/users/{userId}"], 1);
    assert.equal(f.calls()["DELETE /v1/groups/{id}/users/{userId}"], 1);
  });

  it("3. refresh finds members added and removed in Domo through shared listings; up corrects them", async () => {
    await fixture("groups-drift");
    await deployed();
    const eng = group("Engineering");
    assert.ok(eng);
    await f.emu.store.addMember(eng.id, userId("cy@example.com"));
    await f.emu.store.removeMember(eng.id, userId("ada@example.com"));
    const refresh = await f.stack.refresh();
    assert.match(refresh.stdout, /1 updated/);
    const c = f.calls();
    assert.equal(c["GET /v1/groups"], 1, "N groups: one page of the group listing");
    assert.equal(c["GET /v1/groups/{id}"] ?? 0, 0);
    assert.equal(c["GET /v1/groups/{id}/users"], 2, "one member listing per group, never per member");
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.match(preview.stdout, /1 to update/);
    assert.deepEqual(f.calls(), {});
    await f.stack.up();
    assert.deepEqual(group("Engineering")?.memberIds, ids("ada@example.com", "bob@example.com"));
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("4. renames a group in place: same id, no replacement", async () => {
    await fixture("groups-rename");
    await deployed();
    const before = group("Engineering")?.id;
    declare({
      ...base,
      groups: [
        { key: "eng", name: "Platform Engineering" },
        { key: "ops", name: "Operations" },
      ],
    });
    const preview = await f.stack.preview(["--diff"]);
    assert.match(preview.stdout, /1 to update/);
    assert.doesNotMatch(preview.stdout, /to replace/);
    await f.stack.up();
    assert.equal(group("Platform Engineering")?.id, before);
    assert.equal(f.calls()["POST /v1/groups"] ?? 0, 0);
    assert.equal(f.calls()["PUT /v1/groups/{id}"], 1);
    assert.deepEqual(group("Platform Engineering")?.memberIds, ids("ada@example.com", "bob@example.com"));
  });

  it("5. deletes a group removed with its members when it allows that; refuses one with members it does not manage", async () => {
    await fixture("groups-delete");
    const eng = { key: "eng", name: "Engineering" };
    const ops = { key: "ops", name: "Operations", allowDeleteWithMembers: true };
    await deployed({ ...base, groups: [eng, ops, { key: "tmp", name: "Temporary" }] });
    const opsId = group("Operations")?.id;
    const tmp = group("Temporary");
    assert.ok(opsId && tmp);
    await f.emu.store.addMember(tmp.id, userId("cy@example.com")); // by hand
    const withTmp = [eng, { key: "tmp", name: "Temporary" }];
    declare({ ...base, groups: withTmp, members: [base.members?.[0] ?? {}] });
    await f.stack.up();
    assert.equal(f.emu.store.getGroup(opsId), undefined, "the group went, its members with it");
    assert.equal(
      f.calls()["DELETE /v1/groups/{id}/users/{userId}"] ?? 0,
      0,
      "its DomoGroupMembers left the members to the group's delete",
    );
    declare({ ...base, groups: withTmp.slice(0, 1), members: [base.members?.[0] ?? {}] });
    const up = await f.stack.up([], { allowFailure: true });
    assert.notEqual(up.code, 0);
    assert.match(
      up.stdout + up.stderr,
      /Refusing to delete Domo group \d+ \("Temporary"\): it still has 1 member/,
    );
    assert.match(up.stdout + up.stderr, /allowDeleteWithMembers: true/);
    assert.ok(group("Temporary"), "the guarded group stays");
    assert.ok(userId("cy@example.com") > 0, "its members' accounts stay");
  });

  it("6. additive mode: one membership leaves the group's other members alone", async () => {
    await fixture("groups-additive");
    const guests = await f.emu.store.createGroup({ name: "Guests" });
    const outsider = await f.emu.store.createUser({ email: "out@example.com", name: "Out", role: "Social" });
    await f.emu.store.addMember(guests.id, outsider.id);
    const additive: Program = {
      users: team,
      groups: [{ key: "guests", name: "Guests", adoptExisting: true }],
      memberships: [
        { key: "cy-guest", group: "guests", user: "cy" },
        { key: "ada-guest", group: "guests", email: "ada@example.com" },
      ],
    };
    declare({ ...additive, memberships: [additive.memberships?.[0] ?? {}] });
    await f.stack.up();
    assert.equal(group("Guests")?.id, guests.id, "adopted by name");
    assert.deepEqual(
      group("Guests")?.memberIds,
      [outsider.id, userId("cy@example.com")].sort((a, b) => a - b),
    );
    declare(additive);
    await f.stack.up();
    assert.equal(group("Guests")?.memberIds.length, 3);
    declare({ ...additive, memberships: [] });
    await f.stack.up();
    assert.deepEqual(group("Guests")?.memberIds, [outsider.id], "only the memberships it added go");
  });

  it("7. mixing authoritative and additive on one group fails preview naming both, with 0 writes", async () => {
    await fixture("groups-mixing");
    await deployed();
    declare({ ...base, memberships: [{ key: "cy-eng", group: "eng", user: "cy" }] });
    const preview = await f.stack.preview([], { allowFailure: true });
    assert.notEqual(preview.code, 0);
    assert.match(
      preview.stdout + preview.stderr,
      /DomoGroupMembership \(additive\) "cy-eng" and DomoGroupMembers \(authoritative\) "eng-members" both manage Domo group \d+/,
    );
    const up = await f.stack.up([], { allowFailure: true });
    assert.notEqual(up.code, 0);
    assert.equal(f.writes(), 0, JSON.stringify(f.calls()));
    assert.deepEqual(group("Engineering")?.memberIds, ids("ada@example.com", "bob@example.com"));
  });

  it("8. removing a group together with its DomoGroupMembers cannot bypass the guard: up fails, 0 removals, members stay", async () => {
    await fixture("groups-delete-guard");
    await deployed();
    const ops = group("Operations");
    assert.ok(ops);
    const since = Date.now();
    declare({ ...base, groups: base.groups?.slice(0, 1), members: base.members?.slice(0, 1) });
    const up = await f.stack.up([], { allowFailure: true });
    assert.notEqual(up.code, 0);
    const out = up.stdout + up.stderr;
    assert.match(out, /Refusing to delete Domo group \d+ \("Operations"\): it still has 1 member/);
    assert.match(out, /allowDeleteWithMembers: true/);
    assert.match(out, /deletionPolicy: "retain"/);
    assert.match(out, /not removing the members of Domo group \d+: its DomoGroup leaves the program too/);
    const removals = f.emu
      .requestLog()
      .filter((r) => r.at >= since && r.route === "DELETE /v1/groups/{id}/users/{userId}");
    assert.deepEqual(removals, [], "no member was removed");
    assert.equal(f.calls()["DELETE /v1/groups/{id}"] ?? 0, 0);
    assert.deepEqual(group("Operations")?.memberIds, ids("cy@example.com"), "the group keeps its members");
    assert.deepEqual(group("Engineering")?.memberIds, ids("ada@example.com", "bob@example.com"));
    // The fix the message names: put the group back allowing it, `up`, then remove it.
    declare({
      ...base,
      groups: [base.groups?.[0] ?? {}, { key: "ops", name: "Operations", allowDeleteWithMembers: true }],
      members: base.members?.slice(0, 1),
    });
    await f.stack.up();
    declare({ ...base, groups: base.groups?.slice(0, 1), members: base.members?.slice(0, 1) });
    await f.stack.up();
    assert.equal(f.emu.store.getGroup(ops.id), undefined);
  });
  it("9. state written before the one defaults convention (group inputs with their defaults) previews and ups with no change, 0 calls", async () => {
    await fixture("groups-defaults");
    const program: Program = {
      ...base,
      groups: [...(base.groups ?? []), { key: "readers", name: "Readers", deletionPolicy: "retain" }],
      memberships: [{ key: "ada-reads", group: "readers", user: "ada" }],
    };
    await deployed(program);
    // Rewrite every group resource's inputs as the previous check wrote them: the parsed
    // declaration with every setting at its default spelled out.
    const exported = path.join(f.projectDir, "old-state.json");
    await f.stack.run(["stack", "export", "--file", exported]);
    const deployment = JSON.parse(fs.readFileSync(exported, "utf8")) as {
      deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown> }> };
    };
    const oldCheck: Record<string, (news: Record<string, unknown>) => Record<string, unknown> | undefined> = {
      "domo:Group": (n) => checkedInputs(parseGroupInputs(n), n).inputs,
      "domo:GroupMembers": (n) => checkedInputs(parseGroupMembersInputs(n), n).inputs,
      "domo:GroupMembership": (n) => checkedInputs(parseGroupMembershipInputs(n), n).inputs,
    };
    let rewritten = 0;
    for (const r of deployment.deployment.resources) {
      const kind = r.type.split("/").pop() ?? "";
      const check = oldCheck[kind];
      if (!check || !r.inputs) continue;
      assert.ok(
        !("deletionPolicy" in r.inputs) || r.inputs.deletionPolicy === "retain",
        "new inputs leave defaults out",
      );
      r.inputs = check(r.inputs);
      assert.ok(r.inputs && "deletionPolicy" in r.inputs, `${kind}: old inputs spell the default out`);
      rewritten++;
    }
    assert.equal(rewritten, 3 + 2 + 1, "3 groups, 2 member lists, 1 membership");
    fs.writeFileSync(exported, JSON.stringify(deployment));
    await f.stack.run(["stack", "import", "--file", exported]);
    f.emu.resetCounters();
    await f.stack.preview(["--expect-no-changes"]);
    const up = await f.stack.up(["--expect-no-changes"]);
    assert.doesNotMatch(up.stdout, /updated|created|deleted/);
    assert.deepEqual(f.calls(), {}, "no-change preview and up: 0 calls");
    // A real edit afterwards is that edit alone: the retained group back to the default policy.
    declare({ ...program, groups: [...(base.groups ?? []), { key: "readers", name: "Readers" }] });
    const preview = await f.stack.preview(["--diff"]);
    assert.match(preview.stdout, /1 to update/);
    assert.match(preview.stdout, /deletionPolicy/);
    assert.deepEqual(f.calls(), {}, "preview makes no call");
  });
});
