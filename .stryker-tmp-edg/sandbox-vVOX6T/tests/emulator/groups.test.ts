// @ts-nocheck
import assert from "node:assert/strict";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RunningEmulator } from "../../provider/emulator";
import { ROUTE_KEYS } from "../../provider/emulator";
import { Api, admin, as, cleanup, read, start, stop, TOE, tempDir, token } from "./harness";

const JANE = { name: "Jane Doe", email: "jane@example.com", role: "Editor" };
const DEFAULT_GROUP = { id: 1, name: "Default" };

async function setup(
  options: Parameters<typeof start>[0] = {},
): Promise<{ emulator: RunningEmulator; api: Api }> {
  const emulator = await start(options);
  return { emulator, api: await Api.connect(emulator) };
}

/** Creates a group over the API, failing loudly unless it answers 200 or 201. */
async function createGroup(api: Api, body: Record<string, unknown>) {
  const reply = await api.post("/v1/groups", body);
  if (reply.status !== 201 && reply.status !== 200) {
    throw new Error(`group create failed: ${reply.status} ${reply.text}`);
  }
  return as.group(reply);
}

/** Resolves to the error a fetch rejects with, failing if it does not reject. */
async function connectionError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail("expected the connection to be dropped");
}

describe("emulator: POST and GET /v1/groups", () => {
  afterEach(cleanup);

  it("creates a group (201, trailing slash too) with the SDKs' fields and no nulls", async () => {
    const { emulator, api } = await setup();
    const reply = await api.post("/v1/groups/", { name: "Sales" });
    assert.equal(reply.status, 201);
    const group = as.group(reply);
    assert.deepEqual(group, {
      id: group.id,
      name: "Sales",
      active: true,
      default: false,
      creatorId: emulator.adminUserId,
      memberCount: 0,
    });
    assert.match(String(group.id), /^\d{9}$/, "group ids are 9 digits, never a user id");
    assert.deepEqual(as.group(await api.get(`/v1/groups/${group.id}/`)), group);
    assert.deepEqual(emulator.store.getGroup(group.id)?.memberIds, []);
  });

  it("answers 200 on create when groupCreateStatus is 200", async () => {
    const { api } = await setup({ behaviour: { groupCreateStatus: 200 } });
    assert.equal((await api.post("/v1/groups", { name: "Ops" })).status, 200);
  });

  it('accepts what the SDKs send: "true" strings (pydomo), active/default, read-only fields', async () => {
    const { api } = await setup();
    const group = await createGroup(api, {
      name: "  Py  ",
      active: "true",
      default: "False",
      memberCount: 9,
    });
    assert.deepEqual([group.name, group.active, group.default, group.memberCount], ["Py", true, false, 0]);
    const off = await createGroup(api, { name: "Off", active: false, default: true, id: 5, creatorId: 7 });
    assert.deepEqual([off.active, off.default], [false, true]);
    assert.notEqual(off.id, 5);
  });

  it("refuses a missing or blank name and a non-boolean flag with 400 in the gateway shape", async () => {
    const { api } = await setup();
    for (const [body, message] of [
      [{}, "Missing required field: name"],
      [{ name: "  " }, "name must not be empty"],
      [{ name: null }, "name must not be empty"],
      [{ name: "X", active: "yes" }, "Invalid value for active: must be a boolean"],
      [[], "Request body must be a JSON object"],
    ] as const) {
      const reply = await api.post("/v1/groups", body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      const error = as.gateway(reply);
      assert.equal(error.message, message);
      assert.equal(error.path, "/v1/groups");
      assert.match(error.toe, TOE);
    }
  });

  it("shows the seeded Default group (id 1) with the admin as its member", async () => {
    const { api } = await setup();
    assert.deepEqual(as.group(await api.get("/v1/groups/1")), {
      ...DEFAULT_GROUP,
      active: true,
      default: true,
      memberCount: 1,
    });
  });

  it("answers 404 for an unknown group and 400 for a non-numeric id", async () => {
    const { api } = await setup();
    const missing = await api.get("/v1/groups/999");
    assert.equal(missing.status, 404);
    assert.equal(as.gateway(missing).message, "Group 999 not found");
    for (const route of ["/v1/groups/abc", "/v1/groups/abc/users", "/v1/groups/1/users/x"]) {
      assert.equal((await api.get(route)).status, route.endsWith("/x") ? 405 : 400, route);
    }
    assert.equal((await api.call("PUT", "/v1/groups/1/users/x")).status, 400);
    assert.equal((await api.call("PUT", "/v1/groups/999/users/1")).status, 404);
    assert.equal((await api.delete("/v1/groups/999/users/1")).status, 404);
    assert.equal((await api.get("/v1/groups/999/users")).status, 404);
    assert.equal((await api.put("/v1/groups/999", { name: "X" })).status, 404);
    assert.equal((await api.delete("/v1/groups/999")).status, 404);
  });
});

describe("emulator: GET /v1/groups paging", () => {
  afterEach(cleanup);

  it("lists every group in ascending id, 50 by default, paged by limit/offset (strings too)", async () => {
    const { emulator, api } = await setup();
    for (let i = 0; i < 59; i++) await emulator.store.createGroup({ name: `G${i}` });
    const first = as.groups(await api.get("/v1/groups"));
    assert.equal(first.length, 50);
    assert.equal(first[0]?.id, 1);
    const ids = first.map((g) => g.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    const rest = as.groups(await api.get("/v1/groups?limit=50&offset=50"));
    assert.equal(rest.length, 10);
    assert.deepEqual(
      as.groups(await api.get("/v1/groups/?limit=2&offset=1")).map((g) => g.name),
      ["G0", "G1"],
    );
    assert.deepEqual(as.groups(await api.get("/v1/groups?offset=500")), []);
  });

  it("clamps limit into 1..500 and offset to 0, or answers 400 with limitOutOfRange error", async () => {
    const { emulator, api } = await setup();
    for (let i = 0; i < 3; i++) await emulator.store.createGroup({ name: `G${i}` });
    assert.equal(as.groups(await api.get("/v1/groups?limit=0")).length, 1);
    assert.equal(as.groups(await api.get("/v1/groups?limit=9999")).length, 4);
    assert.equal(as.groups(await api.get("/v1/groups?offset=-3")).length, 4);
    assert.equal((await api.get("/v1/groups?limit=ten")).status, 400);
    emulator.setBehaviour({ limitOutOfRange: "error" });
    for (const q of ["limit=0", "limit=501", "offset=-1"]) {
      assert.equal((await api.get(`/v1/groups?${q}`)).status, 400, q);
    }
  });

  it("counts only active members in memberCount", async () => {
    const { emulator, api } = await setup();
    const a = await api.create(JANE);
    const b = await api.create({ ...JANE, email: "b@example.com" });
    const group = await emulator.store.createGroup({ name: "Team", memberIds: [a.id, b.id] });
    await api.delete(`/v1/users/${b.id}`);
    const listed = as.groups(await api.get("/v1/groups")).find((g) => g.id === group.id);
    assert.equal(listed?.memberCount, 1);
    assert.equal(as.group(await api.get("/v1/groups/1")).memberCount, 2, "admin and Jane");
  });
});

describe("emulator: PUT /v1/groups/{id}", () => {
  afterEach(cleanup);

  it("renames and deactivates (merge), echoing the object read back, and members see the new name", async () => {
    const { api } = await setup();
    const user = await api.create(JANE);
    const group = await createGroup(api, { name: "Sales" });
    assert.equal((await api.call("PUT", `/v1/groups/${group.id}/users/${user.id}`)).status, 204);
    const renamed = await api.put(`/v1/groups/${group.id}/`, { ...group, name: "Revenue", memberCount: 99 });
    assert.equal(renamed.status, 200);
    assert.deepEqual(as.group(renamed), { ...group, name: "Revenue", memberCount: 1 });
    const deactivated = as.group(await api.put(`/v1/groups/${group.id}`, { active: false }));
    assert.deepEqual([deactivated.name, deactivated.active], ["Revenue", false]);
    assert.deepEqual(as.user(await api.get(`/v1/users/${user.id}`)).groups, [
      DEFAULT_GROUP,
      { id: group.id, name: "Revenue" },
    ]);
    const flagged = as.group(await api.put(`/v1/groups/${group.id}`, { default: "true", active: null }));
    assert.deepEqual([flagged.active, flagged.default], [false, true], "null means not given");
    assert.equal((await api.put(`/v1/groups/${group.id}`, { name: "" })).status, 400);
  });

  it("refuses to rename, deactivate or un-default the Default group unless protectDefaultGroup is off", async () => {
    const { emulator, api } = await setup();
    for (const body of [{ name: "Everyone" }, { active: false }, { default: false }]) {
      const reply = await api.put("/v1/groups/1", body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(as.gateway(reply).message, /^The Default group /);
    }
    assert.equal((await api.put("/v1/groups/1", { name: "Default", active: true })).status, 200);
    emulator.setBehaviour({ protectDefaultGroup: false });
    assert.equal(as.group(await api.put("/v1/groups/1", { name: "Everyone" })).name, "Everyone");
    assert.deepEqual(as.user(await api.get(`/v1/users/${emulator.adminUserId}`)).groups, [
      { id: 1, name: "Everyone" },
    ]);
  });
});

describe("emulator: duplicate group names", () => {
  afterEach(cleanup);

  it("answers 409 for a taken name, compared case-insensitively, on create and rename", async () => {
    const { api } = await setup();
    const sales = await createGroup(api, { name: "Sales" });
    const ops = await createGroup(api, { name: "Ops" });
    const dup = await api.post("/v1/groups", { name: "SALES" });
    assert.equal(dup.status, 409);
    assert.equal(as.gateway(dup).message, "There is already a group with the name SALES");
    assert.equal((await api.put(`/v1/groups/${ops.id}`, { name: "sales" })).status, 409);
    assert.equal((await api.post("/v1/groups", { name: "default" })).status, 409, "Default is taken");
    const recased = await api.put(`/v1/groups/${sales.id}`, { name: "SALES" });
    assert.equal(recased.status, 200, "a group may change the case of its own name");
  });

  it("answers 400 with duplicateGroupName 400, and allows duplicates with allow", async () => {
    const { emulator, api } = await setup({ behaviour: { duplicateGroupName: 400 } });
    await createGroup(api, { name: "Sales" });
    assert.equal((await api.post("/v1/groups", { name: "Sales" })).status, 400);
    emulator.setBehaviour({ duplicateGroupName: "allow" });
    const second = await createGroup(api, { name: "Sales" });
    assert.equal(emulator.store.listGroups().filter((g) => g.name === "Sales").length, 2);
    assert.equal(second.name, "Sales");
  });

  it("compares exactly with groupNameCaseInsensitive false", async () => {
    const { api } = await setup({ behaviour: { groupNameCaseInsensitive: false } });
    await createGroup(api, { name: "Sales" });
    assert.equal((await api.post("/v1/groups", { name: "sales" })).status, 201);
    assert.equal((await api.post("/v1/groups", { name: "Sales" })).status, 409);
  });
});

describe("emulator: DELETE /v1/groups/{id}", () => {
  afterEach(cleanup);

  it("deletes a group with members (204, no body), taking it off their groups field", async () => {
    const { emulator, api } = await setup();
    const user = await api.create(JANE);
    const group = await createGroup(api, { name: "Temp" });
    await api.call("PUT", `/v1/groups/${group.id}/users/${user.id}`);
    const reply = await api.delete(`/v1/groups/${group.id}/`);
    assert.equal(reply.status, 204);
    assert.equal(reply.text, "");
    assert.equal((await api.get(`/v1/groups/${group.id}`)).status, 404);
    assert.equal((await api.delete(`/v1/groups/${group.id}`)).status, 404);
    assert.deepEqual(as.user(await api.get(`/v1/users/${user.id}`)).groups, [DEFAULT_GROUP]);
    assert.equal(emulator.store.getGroup(group.id), undefined);
  });

  it("refuses a group that still has members with deleteGroupWithMembers refuse", async () => {
    const { api } = await setup({ behaviour: { deleteGroupWithMembers: "refuse" } });
    const user = await api.create(JANE);
    const group = await createGroup(api, { name: "Temp" });
    await api.call("PUT", `/v1/groups/${group.id}/users/${user.id}`);
    const refused = await api.delete(`/v1/groups/${group.id}`);
    assert.equal(refused.status, 400);
    assert.match(as.gateway(refused).message, /still has 1 members/);
    await api.delete(`/v1/groups/${group.id}/users/${user.id}`);
    assert.equal((await api.delete(`/v1/groups/${group.id}`)).status, 204, "pydomo's groups_delete order");
  });

  it("refuses to delete the Default group; with protection off, new users then land in no group", async () => {
    const { emulator, api } = await setup();
    const refused = await api.delete("/v1/groups/1");
    assert.equal(refused.status, 400);
    assert.equal(as.gateway(refused).message, "The Default group cannot be deleted");
    emulator.setBehaviour({ protectDefaultGroup: false });
    assert.equal((await api.delete("/v1/groups/1")).status, 204);
    assert.deepEqual(as.user(await api.get(`/v1/users/${emulator.adminUserId}`)).groups, []);
    assert.deepEqual((await api.create(JANE)).groups, []);
  });
});

describe("emulator: group members", () => {
  afterEach(cleanup);

  it("adds (204, no body, idempotent), lists ids ascending and removes (204) members", async () => {
    const { emulator, api } = await setup();
    const a = await api.create(JANE);
    const b = await api.create({ ...JANE, email: "b@example.com" });
    const group = await createGroup(api, { name: "Team" });
    const added = await api.call("PUT", `/v1/groups/${group.id}/users/${b.id}/`);
    assert.equal(added.status, 204);
    assert.equal(added.text, "");
    assert.equal((await api.put(`/v1/groups/${group.id}/users/${a.id}`, {})).status, 204, "pydomo sends {}");
    assert.equal((await api.call("PUT", `/v1/groups/${group.id}/users/${a.id}`)).status, 204, "twice");
    assert.deepEqual(as.ids(await api.get(`/v1/groups/${group.id}/users`)), [a.id, b.id]);
    assert.deepEqual(as.ids(await api.get(`/v1/groups/${group.id}/users/?limit=1&offset=1`)), [b.id]);
    assert.deepEqual(as.ids(await api.get(`/v1/groups/${group.id}/users?offset=2`)), []);
    assert.equal(as.group(await api.get(`/v1/groups/${group.id}`)).memberCount, 2);
    assert.deepEqual(as.user(await api.get(`/v1/users/${a.id}`)).groups, [
      DEFAULT_GROUP,
      { id: group.id, name: "Team" },
    ]);
    const removed = await api.delete(`/v1/groups/${group.id}/users/${a.id}/`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, "");
    assert.equal((await api.delete(`/v1/groups/${group.id}/users/${a.id}`)).status, 204, "not a member");
    assert.deepEqual(as.ids(await api.get(`/v1/groups/${group.id}/users`)), [b.id]);
    assert.deepEqual(as.user(await api.get(`/v1/users/${a.id}`)).groups, [DEFAULT_GROUP]);
    assert.deepEqual(emulator.store.getGroup(group.id)?.memberIds, [b.id]);
  });

  it("switches: addMemberTwiceStatus 409/400, removeNonMemberStatus 404", async () => {
    const { emulator, api } = await setup({ behaviour: { addMemberTwiceStatus: 409 } });
    const user = await api.create(JANE);
    const group = await createGroup(api, { name: "Team" });
    const path1 = `/v1/groups/${group.id}/users/${user.id}`;
    assert.equal((await api.call("PUT", path1)).status, 204);
    const twice = await api.call("PUT", path1);
    assert.equal(twice.status, 409);
    assert.match(as.gateway(twice).message, /already a member/);
    emulator.setBehaviour({ addMemberTwiceStatus: 400, removeNonMemberStatus: 404 });
    assert.equal((await api.call("PUT", path1)).status, 400);
    assert.equal((await api.delete(path1)).status, 204);
    const again = await api.delete(path1);
    assert.equal(again.status, 404);
    assert.match(as.gateway(again).message, /is not a member/);
  });

  it("answers 404 for an unknown or deleted user (400 with addMissingUserStatus 400)", async () => {
    const { emulator, api } = await setup();
    const user = await api.create(JANE);
    await api.delete(`/v1/users/${user.id}`);
    const group = await createGroup(api, { name: "Team" });
    for (const id of [user.id, 1999999999]) {
      const reply = await api.call("PUT", `/v1/groups/${group.id}/users/${id}`);
      assert.equal(reply.status, 404);
      assert.equal(as.gateway(reply).message, `User ${id} not found`);
    }
    assert.equal((await api.delete(`/v1/groups/${group.id}/users/1999999999`)).status, 404);
    assert.equal((await api.delete(`/v1/groups/${group.id}/users/${user.id}`)).status, 204, "not a member");
    emulator.setBehaviour({ addMissingUserStatus: 400 });
    assert.equal((await api.call("PUT", `/v1/groups/${group.id}/users/${user.id}`)).status, 400);
  });

  it("refuses to take a user out of the Default group unless removeFromDefaultGroup is allow", async () => {
    const { emulator, api } = await setup();
    const user = await api.create(JANE);
    const refused = await api.delete(`/v1/groups/1/users/${user.id}`);
    assert.equal(refused.status, 400);
    assert.equal(as.gateway(refused).message, "Users cannot be removed from the Default group");
    emulator.setBehaviour({ removeFromDefaultGroup: "allow" });
    assert.equal((await api.delete(`/v1/groups/1/users/${user.id}`)).status, 204);
    assert.deepEqual(as.user(await api.get(`/v1/users/${user.id}`)).groups, []);
    assert.equal((await api.call("PUT", `/v1/groups/1/users/${user.id}`)).status, 204, "may rejoin");
  });

  it("pages members 50 by default (max 500), or all with groupUsersDefaultLimit all", async () => {
    const { emulator, api } = await setup();
    const group = await emulator.store.createGroup({ name: "Big" });
    for (let i = 0; i < 60; i++) {
      const user = await emulator.store.createUser({ email: `m${i}@example.com` });
      await emulator.store.addMember(group.id, user.id);
    }
    const first = as.ids(await api.get(`/v1/groups/${group.id}/users`));
    assert.equal(first.length, 50);
    assert.deepEqual(
      first,
      [...first].sort((a, b) => a - b),
    );
    assert.equal(as.ids(await api.get(`/v1/groups/${group.id}/users?limit=9999`)).length, 60);
    assert.equal(as.ids(await api.get(`/v1/groups/${group.id}/users?limit=0`)).length, 1);
    emulator.setBehaviour({ groupUsersDefaultLimit: "all" });
    assert.equal(as.ids(await api.get(`/v1/groups/${group.id}/users`)).length, 60);
    assert.equal(as.ids(await api.get(`/v1/groups/${group.id}/users?limit=10`)).length, 10);
    emulator.setBehaviour({ groupUsersDefaultLimit: 20, limitOutOfRange: "error" });
    assert.equal(as.ids(await api.get(`/v1/groups/${group.id}/users`)).length, 20);
    assert.equal((await api.get(`/v1/groups/${group.id}/users?limit=501`)).status, 400);
  });
});

describe("emulator: groups and users stay consistent", () => {
  afterEach(cleanup);

  it("puts new users in the Default group and in every active group flagged default", async () => {
    const { api } = await setup();
    assert.deepEqual((await api.create(JANE)).groups, [DEFAULT_GROUP]);
    const onboard = await createGroup(api, { name: "Onboarding", default: true });
    await createGroup(api, { name: "Dormant", default: true, active: false });
    const next = await api.create({ ...JANE, email: "next@example.com" });
    assert.deepEqual(next.groups, [DEFAULT_GROUP, { id: onboard.id, name: "Onboarding" }]);
  });

  it("takes a deleted user out of every group; a user PUT cannot change groups", async () => {
    const { emulator, api } = await setup();
    const user = await api.create(JANE);
    const group = await createGroup(api, { name: "Team" });
    await api.call("PUT", `/v1/groups/${group.id}/users/${user.id}`);
    const put = as.user(await api.put(`/v1/users/${user.id}`, { groups: [] }));
    assert.equal(put.groups.length, 2, "groups is read-only on users");
    await api.delete(`/v1/users/${user.id}`);
    assert.deepEqual(as.ids(await api.get(`/v1/groups/${group.id}/users`)), []);
    assert.ok(!as.ids(await api.get("/v1/groups/1/users")).includes(user.id));
    assert.deepEqual(emulator.store.getUser(user.id)?.groups, []);
    assert.equal(as.tombstone(await api.get(`/v1/users/${user.id}`)).deleted, true);
  });

  it("offers out-of-band store methods that keep both sides in step", async () => {
    const { emulator, api } = await setup();
    const { store } = emulator;
    const user = await store.createUser({ email: "oob@example.com" });
    assert.deepEqual(user.groups, [DEFAULT_GROUP]);
    const group = await store.createGroup({ name: "OOB", memberIds: [user.id], creatorId: user.id });
    assert.deepEqual(store.getGroup(group.id)?.memberIds, [user.id]);
    assert.equal(await store.addMember(group.id, user.id), false, "already a member");
    await store.updateGroup(group.id, { name: "Renamed" });
    assert.deepEqual(store.getUser(user.id)?.groups, [DEFAULT_GROUP, { id: group.id, name: "Renamed" }]);
    assert.equal(as.group(await api.get(`/v1/groups/${group.id}`)).creatorId, user.id);
    assert.equal(await store.removeMember(group.id, user.id), true);
    assert.equal(await store.removeMember(group.id, user.id), false);
    await store.addMember(group.id, user.id);
    assert.equal(await store.deleteGroup(group.id), true);
    assert.equal(await store.deleteGroup(group.id), false);
    assert.deepEqual(store.getUser(user.id)?.groups, [DEFAULT_GROUP]);
    await assert.rejects(store.addMember(1, 42), /No user 42/);
    await assert.rejects(store.addMember(42, user.id), /No group 42/);
    // A user written with a ref to a group not yet known brings that group into being.
    await store.updateUser(user.id, { groups: [DEFAULT_GROUP, { id: 77, name: "Imported" }] });
    assert.deepEqual(store.getGroup(77)?.memberIds, [user.id]);
    assert.deepEqual(
      store.listGroups().map((g) => g.id),
      [1, 77],
    );
    assert.equal((await admin(emulator, "GET", "/groups")).status, 200);
  });

  it("seeds groups and their members", async () => {
    const { emulator, api } = await setup({
      seed: {
        users: [{ id: 1000000005, name: "Seeded", email: "s@example.com" }],
        groups: [
          { name: "Seeded Group", memberIds: [1000000005] },
          { id: 100000050, name: "Fixed" },
        ],
      },
    });
    const groups = as.groups(await api.get("/v1/groups"));
    assert.deepEqual(
      groups.map((g) => [g.id, g.name, g.memberCount]),
      [
        [1, "Default", 2],
        [100000050, "Fixed", 0],
        [100000051, "Seeded Group", 1],
      ],
    );
    assert.equal(
      (await createGroup(api, { name: "Next" })).id,
      100000052,
      "explicit ids first, as for users",
    );
    assert.deepEqual(emulator.store.getUser(1000000005)?.groups, [
      DEFAULT_GROUP,
      { id: 100000051, name: "Seeded Group" },
    ]);
  });
});

describe("emulator: groups are durable", () => {
  afterEach(cleanup);

  it("keeps groups, memberships, renames and the group id counter across a restart", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const first = await start({ dataFile });
    const api = await Api.connect(first);
    const user = await api.create(JANE);
    const kept = await createGroup(api, { name: "Kept" });
    const gone = await createGroup(api, { name: "Gone" });
    await api.call("PUT", `/v1/groups/${kept.id}/users/${user.id}`);
    await api.put(`/v1/groups/${kept.id}`, { name: "Kept Renamed" });
    await api.delete(`/v1/groups/${gone.id}`);
    await stop(first);

    const second = await start({ dataFile });
    const again = new Api(second, api.accessToken);
    assert.deepEqual(as.group(await again.get(`/v1/groups/${kept.id}`)), {
      ...kept,
      name: "Kept Renamed",
      memberCount: 1,
    });
    assert.deepEqual(as.ids(await again.get(`/v1/groups/${kept.id}/users`)), [user.id]);
    assert.deepEqual(as.user(await again.get(`/v1/users/${user.id}`)).groups, [
      DEFAULT_GROUP,
      { id: kept.id, name: "Kept Renamed" },
    ]);
    assert.equal((await again.get(`/v1/groups/${gone.id}`)).status, 404);
    assert.equal((await createGroup(again, { name: "Next" })).id, gone.id + 1);
  });

  it("loads a data file written before groups existed, rebuilding groups from the users' refs", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const first = await start({ dataFile });
    const user = await first.store.createUser({ email: "old@example.com" });
    await stop(first);
    const state = JSON.parse(await readFile(dataFile, "utf8"));
    delete state.groups;
    delete state.nextGroupId;
    const stored = state.users.find((u: { id: number }) => u.id === user.id);
    stored.groups = [DEFAULT_GROUP, { id: 7, name: "Legacy" }];
    await writeFile(dataFile, JSON.stringify(state));

    const second = await start({ dataFile });
    const api = await Api.connect(second);
    assert.deepEqual(
      as.groups(await api.get("/v1/groups")).map((g) => [g.id, g.name, g.memberCount, g.default]),
      [
        [1, "Default", 2, true],
        [7, "Legacy", 1, false],
      ],
    );
    assert.equal((await createGroup(api, { name: "New" })).id, 100000001);
    const onDisk = JSON.parse(await readFile(dataFile, "utf8"));
    assert.equal(onDisk.groups.length, 3, "written back with groups");
  });

  it("answers 500 and rolls a group write back when the state cannot be written", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const emulator = await start({ dataFile });
    const api = await Api.connect(emulator);
    const user = await api.create(JANE);
    const group = await createGroup(api, { name: "Team" });
    await mkdir(`${dataFile}.tmp`);
    assert.equal((await api.post("/v1/groups", { name: "Lost" })).status, 500);
    assert.equal((await api.call("PUT", `/v1/groups/${group.id}/users/${user.id}`)).status, 500);
    assert.equal((await api.put(`/v1/groups/${group.id}`, { name: "X" })).status, 500);
    assert.deepEqual(
      emulator.store.listGroups().map((g) => [g.name, g.memberIds]),
      [
        ["Default", [emulator.adminUserId, user.id]],
        ["Team", []],
      ],
    );
    assert.deepEqual(emulator.store.getUser(user.id)?.groups, [DEFAULT_GROUP]);
    await rmdir(`${dataFile}.tmp`);
    assert.equal((await api.post("/v1/groups", { name: "Lost" })).status, 201);
  });
});

describe("emulator: group routes under auth, faults, counters and the rate limit", () => {
  afterEach(cleanup);

  it("lists every group route key in ROUTE_KEYS", () => {
    for (const key of [
      "POST /v1/groups",
      "GET /v1/groups",
      "GET /v1/groups/{id}",
      "PUT /v1/groups/{id}",
      "DELETE /v1/groups/{id}",
      "GET /v1/groups/{id}/users",
      "PUT /v1/groups/{id}/users/{userId}",
      "DELETE /v1/groups/{id}/users/{userId}",
    ]) {
      assert.ok((ROUTE_KEYS as readonly string[]).includes(key), key);
    }
  });

  it("needs a token with the user scope on every group route (401, 403), and answers 405 otherwise", async () => {
    const emulator = await start({
      clients: [
        { clientId: "full", clientSecret: "full-secret", scopes: ["user", "data"] },
        { clientId: "data", clientSecret: "data-secret", scopes: ["data"] },
      ],
    });
    const dataOnly = new Api(
      emulator,
      await token(emulator, { clientId: "data", clientSecret: "data-secret" }),
    );
    const routes: Array<[string, string]> = [
      ["POST", "/v1/groups"],
      ["GET", "/v1/groups"],
      ["GET", "/v1/groups/1"],
      ["PUT", "/v1/groups/1"],
      ["DELETE", "/v1/groups/1"],
      ["GET", "/v1/groups/1/users"],
      ["PUT", `/v1/groups/1/users/${emulator.adminUserId}`],
      ["DELETE", `/v1/groups/1/users/${emulator.adminUserId}`],
    ];
    for (const [method, route] of routes) {
      const anonymous = await read(await fetch(`${emulator.url}${route}`, { method }));
      assert.equal(anonymous.status, 401, `${method} ${route}`);
      assert.equal(as.oauthError(anonymous).error, "invalid_token");
      const body = method === "GET" || method === "DELETE" ? undefined : { name: "X" };
      assert.equal((await dataOnly.call(method, route, body)).status, 403, `${method} ${route}`);
    }
    const patch = await read(await fetch(`${emulator.url}/v1/groups/1`, { method: "PATCH" }));
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get("allow"), "GET, PUT, DELETE");
    const post = await read(await fetch(`${emulator.url}/v1/groups/1/users/2`, { method: "POST" }));
    assert.equal(post.headers.get("allow"), "PUT, DELETE");
  });

  it("loses the response of a committed POST /v1/groups, so a client must look up by name first", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const { emulator, api } = await setup({ dataFile });
    emulator.faults.add({ route: "POST /v1/groups", kind: "lostResponse", count: 1 });
    await connectionError(api.post("/v1/groups", { name: "Sales" }));
    const found = as.groups(await api.get("/v1/groups")).filter((g) => g.name === "Sales");
    assert.equal(found.length, 1, "the group exists although the client never saw the response");
    const onDisk = JSON.parse(await readFile(dataFile, "utf8"));
    assert.ok(
      onDisk.groups.some((g: { id: number }) => g.id === found[0]?.id),
      "and it is durable",
    );
    const lost = emulator.requestLog().find((e) => e.route === "POST /v1/groups");
    assert.deepEqual([lost?.status, lost?.fault], [201, "lostResponse"]);
    assert.equal((await api.post("/v1/groups", { name: "Sales" })).status, 409, "a naive repeat conflicts");
  });

  it("injects statuses, resets and latency on group routes, counted and logged by route key", async () => {
    const { emulator, api } = await setup();
    const user = await api.create(JANE);
    const group = await createGroup(api, { name: "Team" });
    emulator.resetCounters();
    emulator.faults.add({
      route: "PUT /v1/groups/{id}/users/{userId}",
      kind: "status",
      status: 503,
      retryAfter: 1,
      count: 1,
    });
    emulator.faults.add({ route: "GET /v1/groups/{id}/users", kind: "reset", count: 1 });
    emulator.faults.add({
      route: "DELETE /v1/groups/{id}/users/{userId}",
      kind: "latency",
      ms: 30,
      count: 1,
    });
    const member = `/v1/groups/${group.id}/users/${user.id}`;
    const faulted = await api.call("PUT", member);
    assert.equal(faulted.status, 503);
    assert.equal(faulted.headers.get("retry-after"), "1");
    assert.deepEqual(emulator.store.getGroup(group.id)?.memberIds, [], "nothing done");
    assert.equal((await api.call("PUT", member)).status, 204);
    await connectionError(api.get(`/v1/groups/${group.id}/users`));
    assert.deepEqual(as.ids(await api.get(`/v1/groups/${group.id}/users`)), [user.id]);
    const started = Date.now();
    assert.equal((await api.delete(member)).status, 204);
    assert.ok(Date.now() - started >= 25, "latency applied");
    assert.deepEqual(emulator.counters(), {
      "PUT /v1/groups/{id}/users/{userId}": 2,
      "GET /v1/groups/{id}/users": 2,
      "DELETE /v1/groups/{id}/users/{userId}": 1,
    });
    assert.deepEqual(
      emulator
        .requestLog()
        .filter((e) => e.fault !== undefined)
        .map((e) => [e.route, e.status, e.fault]),
      [
        ["PUT /v1/groups/{id}/users/{userId}", 503, "status:503"],
        ["GET /v1/groups/{id}/users", 0, "reset"],
        ["DELETE /v1/groups/{id}/users/{userId}", 204, "latency:30"],
      ],
    );
    const paths = emulator.requestLog().map((e) => e.path);
    assert.ok(paths.includes(member));
  });

  it("throttles group routes with the rate limit", async () => {
    const { emulator, api } = await setup({ rateLimit: { requestsPerSecond: 1, burst: 3 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.get("/v1/groups")).status);
    assert.deepEqual(statuses, [200, 200, 429], "the token request took the first of 3");
    assert.equal(emulator.requestLog().at(-1)?.route, "GET /v1/groups");
    assert.equal(emulator.requestLog().at(-1)?.fault, "rateLimit");
  });
});
