// @ts-nocheck
import assert from "node:assert/strict";
import type { RunningEmulator } from "../../provider/emulator";
import { Api, as, cleanup, ISO_SECONDS, read, start, TOE } from "./harness";

const JANE = { name: "Jane Doe", email: "jane@example.com", role: "Editor" };

describe("emulator: POST /v1/users", () => {
  let emulator: RunningEmulator;
  let api: Api;
  beforeEach(async () => {
    emulator = await start();
    api = await Api.connect(emulator);
  });
  afterEach(cleanup);

  it("creates a user with Domo's response shape (200, no timezone/locale, Default group)", async () => {
    const reply = await api.post("/v1/users?sendInvite=false", {
      ...JANE,
      title: "Analyst",
      phone: "555-0100",
      location: "Lehi",
      timezone: "America/Denver",
      locale: "en-US",
      employeeNumber: "42",
      alternateEmail: "jd@example.org",
    });
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get("content-type") ?? "", /^application\/json/);
    const user = as.user(reply);
    assert.ok(user.id >= 100_000_000 && user.id < 10_000_000_000, "9-10 digit id");
    assert.equal(user.name, "Jane Doe");
    assert.equal(user.role, "Editor");
    assert.equal(user.roleId, "3");
    assert.equal(user.employeeNumber, 42);
    assert.deepEqual(user.groups, [{ id: 1, name: "Default" }]);
    assert.match(user.createdAt, ISO_SECONDS);
    assert.equal(user.updatedAt, user.createdAt);
    assert.match(user.image, /^https:\/\/.+\/\d+/);
    assert.ok(!("timezone" in user) && !("locale" in user), "create omits timezone and locale");
    const fetched = as.user(await api.get(`/v1/users/${user.id}`));
    assert.equal(fetched.timezone, "America/Denver");
    assert.equal(fetched.locale, "en-US");
  });

  it("omits unset fields instead of answering null", async () => {
    const reply = await api.post("/v1/users", { ...JANE, title: "", phone: null });
    const body = as.object(reply);
    for (const field of ["title", "phone", "location", "employeeNumber", "deleted"]) {
      assert.ok(!(field in body), `${field} omitted`);
    }
    assert.ok(!Object.values(body).includes(null));
  });

  it("accepts a trailing slash and sendInvite=True/False/true/false", async () => {
    let n = 0;
    for (const flag of ["True", "False", "true", "false"]) {
      const reply = await api.post(`/v1/users/?sendInvite=${flag}`, {
        ...JANE,
        email: `u${n++}@example.com`,
      });
      assert.equal(reply.status, 200, flag);
      assert.equal(emulator.store.getUser(as.user(reply).id)?.invited, /true/i.test(flag) ? true : undefined);
    }
    const bad = await api.post("/v1/users?sendInvite=yes", { ...JANE, email: "bad@example.com" });
    assert.equal(bad.status, 400);
  });

  it("allocates ascending ids", async () => {
    const a = await api.create({ ...JANE, email: "a@example.com" });
    const b = await api.create({ ...JANE, email: "b@example.com" });
    assert.ok(b.id > a.id && a.id > emulator.adminUserId);
  });

  it("answers 400 naming each missing required field", async () => {
    for (const field of ["name", "email", "role"] as const) {
      const body: Record<string, string> = { ...JANE };
      delete body[field];
      const reply = await api.post("/v1/users", body);
      assert.equal(reply.status, 400, field);
      const error = as.gateway(reply);
      assert.equal(error.statusReason, "Bad Request");
      assert.match(error.message, new RegExp(field));
      assert.match(error.toe, TOE);
    }
  });

  it("matches role names exactly and case-sensitively", async () => {
    for (const role of ["editor", "ADMIN", "Nope"]) {
      const reply = await api.post("/v1/users", { ...JANE, role });
      assert.equal(reply.status, 400, role);
      assert.match(as.gateway(reply).message, /role/);
    }
    const custom = await api.create({ ...JANE, role: "Data Steward" });
    assert.equal(custom.roleId, "6");
  });

  it("accepts roleId as an integer or numeric string, alone or agreeing with role", async () => {
    const alone = await api.create({ name: "A", email: "a@example.com", roleId: 6 });
    assert.equal(alone.role, "Data Steward");
    assert.equal(alone.roleId, "6");
    const asString = await api.create({ name: "B", email: "b@example.com", roleId: "4" });
    assert.equal(asString.role, "Participant");
    const both = await api.create({ name: "C", email: "c@example.com", role: "Admin", roleId: 1 });
    assert.equal(both.roleId, "1");
    const unknown = await api.post("/v1/users", { name: "D", email: "d@example.com", roleId: 99 });
    assert.equal(unknown.status, 400);
    const conflict = await api.post("/v1/users", {
      name: "E",
      email: "e@example.com",
      role: "Admin",
      roleId: 3,
    });
    assert.equal(conflict.status, 400);
    const notNumeric = await api.post("/v1/users", { name: "F", email: "f@example.com", roleId: "abc" });
    assert.equal(notNumeric.status, 400);
  });

  it("refuses roleId alone when createAcceptsRoleIdAlone is false", async () => {
    emulator.setBehaviour({ createAcceptsRoleIdAlone: false });
    const reply = await api.post("/v1/users", { name: "A", email: "a@example.com", roleId: 3 });
    assert.equal(reply.status, 400);
    assert.match(as.gateway(reply).message, /role/);
  });

  it("refuses a duplicate email with 409, case-insensitively, and stores emails lowercased", async () => {
    const first = await api.create({ ...JANE, email: "Jane.Doe@Example.com" });
    assert.equal(first.email, "jane.doe@example.com");
    const dup = await api.post("/v1/users", { ...JANE, email: "JANE.DOE@example.COM" });
    assert.equal(dup.status, 409);
    assert.match(as.gateway(dup).message, /already/);
  });

  it("answers 400 for duplicates when duplicateEmailStatus is 400", async () => {
    emulator.setBehaviour({ duplicateEmailStatus: 400 });
    await api.create(JANE);
    assert.equal((await api.post("/v1/users", JANE)).status, 400);
  });

  it("keeps case and compares exactly when both email options are off", async () => {
    emulator.setBehaviour({ storeEmailLowercase: false, emailCaseInsensitive: false });
    const mixed = await api.create({ ...JANE, email: "Jane@Example.com" });
    assert.equal(mixed.email, "Jane@Example.com");
    const other = await api.post("/v1/users", { ...JANE, email: "jane@example.com" });
    assert.equal(other.status, 200);
    assert.equal((await api.post("/v1/users", { ...JANE, email: "Jane@Example.com" })).status, 409);
  });

  it("compares case-insensitively while keeping case when only storeEmailLowercase is off", async () => {
    emulator.setBehaviour({ storeEmailLowercase: false });
    assert.equal((await api.create({ ...JANE, email: "Jane@Example.com" })).email, "Jane@Example.com");
    assert.equal((await api.post("/v1/users", { ...JANE, email: "jane@example.com" })).status, 409);
  });

  it("lets a deleted user's email be reused", async () => {
    const first = await api.create(JANE);
    assert.equal((await api.delete(`/v1/users/${first.id}`)).status, 204);
    assert.equal((await api.post("/v1/users", JANE)).status, 200);
  });

  it("answers 201 when createStatus is 201", async () => {
    emulator.setBehaviour({ createStatus: 201 });
    assert.equal((await api.post("/v1/users", JANE)).status, 201);
  });

  it("answers 400 for malformed JSON, a non-object body, an empty body, bad types and a bad email", async () => {
    const malformed = await api.call("POST", "/v1/users", "{not json", {
      "Content-Type": "application/json",
    });
    assert.equal(malformed.status, 400);
    assert.match(as.gateway(malformed).message, /JSON/);
    assert.equal((await api.post("/v1/users", [JANE])).status, 400);
    assert.equal((await api.call("POST", "/v1/users")).status, 400);
    assert.equal((await api.post("/v1/users", { ...JANE, name: 7 })).status, 400);
    assert.equal((await api.post("/v1/users", { ...JANE, employeeNumber: "E-1" })).status, 400);
    assert.equal((await api.post("/v1/users", { ...JANE, email: "not an email" })).status, 400);
  });
});

describe("emulator: GET /v1/users/{id}", () => {
  afterEach(cleanup);

  it("answers the user, 404 for an unknown id, 400 for a non-numeric id, and a tombstone once deleted", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const user = await api.create(JANE);
    assert.deepEqual(as.user(await api.get(`/v1/users/${user.id}/`)), user);
    const missing = await api.get("/v1/users/999999999");
    assert.equal(missing.status, 404);
    assert.equal(as.gateway(missing).statusReason, "Not Found");
    assert.equal((await api.get("/v1/users/abc")).status, 400);
    await api.delete(`/v1/users/${user.id}`);
    const tombstone = await api.get(`/v1/users/${user.id}`);
    assert.equal(tombstone.status, 200);
    assert.deepEqual(as.tombstone(tombstone), {
      id: user.id,
      name: user.name,
      email: user.email,
      deleted: true,
    });
  });

  it("gives each error a fresh toe", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const a = as.gateway(await api.get("/v1/users/1"));
    const b = as.gateway(await api.get("/v1/users/1"));
    assert.notEqual(a.toe, b.toe);
  });
});

describe("emulator: GET /v1/users paging", () => {
  let emulator: RunningEmulator;
  let api: Api;
  before(async () => {
    emulator = await start();
    api = await Api.connect(emulator);
    // 1,233 more users out of band, plus the seeded admin: 1,234 in all.
    for (let i = 0; i < 1233; i++) {
      await emulator.store.createUser({
        name: `User ${i}`,
        email: `user${i}@example.com`,
        role: "Participant",
      });
    }
  });
  after(cleanup);

  it("pages through 1,234 users with limit 500 in 3 ascending pages without duplicates", async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = as.users(await api.get(`/v1/users?limit=500&offset=${offset}`));
      sizes.push(page.length);
      seen.push(...page.map((u) => u.id));
      if (page.length < 500) break;
    }
    assert.deepEqual(sizes, [500, 500, 234]);
    assert.equal(new Set(seen).size, 1234);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
  });

  it("defaults to limit 50, offset 0", async () => {
    const page = as.users(await api.get("/v1/users"));
    assert.equal(page.length, 50);
    assert.equal(page[0]?.id, emulator.adminUserId);
  });

  it("clamps limit into 1..500 and a negative offset to 0 by default", async () => {
    assert.equal(as.users(await api.get("/v1/users?limit=600")).length, 500);
    assert.equal(as.users(await api.get("/v1/users?limit=0")).length, 1);
    assert.equal(as.users(await api.get("/v1/users?limit=-5")).length, 1);
    assert.equal(as.users(await api.get("/v1/users?limit=2&offset=-1"))[0]?.id, emulator.adminUserId);
    assert.equal((await api.get("/v1/users?limit=abc")).status, 400);
  });

  it("answers 400 for out-of-range limit and offset when limitOutOfRange is error", async () => {
    emulator.setBehaviour({ limitOutOfRange: "error" });
    try {
      for (const q of ["limit=600", "limit=0", "offset=-1"]) {
        const reply = await api.get(`/v1/users?${q}`);
        assert.equal(reply.status, 400, q);
        assert.equal(as.gateway(reply).statusReason, "Bad Request");
      }
      assert.equal(as.users(await api.get("/v1/users?limit=500")).length, 500);
    } finally {
      emulator.setBehaviour({ limitOutOfRange: "clamp" });
    }
  });

  it("leaves deleted users out and answers [] past the end", async () => {
    const first = as.users(await api.get("/v1/users?limit=3&offset=1"));
    const victim = first[0];
    assert.ok(victim);
    await emulator.store.deleteUser(victim.id);
    const after = as.users(await api.get("/v1/users?limit=3&offset=1"));
    assert.ok(!after.some((u) => u.id === victim.id));
    assert.equal(after[0]?.id, first[1]?.id);
    assert.deepEqual(as.users(await api.get("/v1/users?offset=5000")), []);
  });
});

describe("emulator: PUT /v1/users/{id}", () => {
  let emulator: RunningEmulator;
  let api: Api;
  beforeEach(async () => {
    emulator = await start();
    api = await Api.connect(emulator);
  });
  afterEach(cleanup);

  it("merges: unspecified fields unchanged, updatedAt moves, 200 with the user", async () => {
    const user = await api.create({ ...JANE, title: "Analyst", timezone: "UTC" });
    await emulator.store.updateUser(user.id, { updatedAt: "2017-06-12T20:23:57Z" });
    const reply = await api.put(`/v1/users/${user.id}`, { phone: "555-0199" });
    assert.equal(reply.status, 200);
    const updated = as.user(reply);
    assert.equal(updated.title, "Analyst");
    assert.equal(updated.phone, "555-0199");
    assert.equal(updated.timezone, "UTC");
    assert.equal(updated.createdAt, user.createdAt);
    assert.notEqual(updated.updatedAt, "2017-06-12T20:23:57Z");
    assert.match(updated.updatedAt, ISO_SECONDS);
  });

  it("accepts the whole object read back, read-only fields included (trailing slash too)", async () => {
    const user = await api.create(JANE);
    const read1 = as.user(await api.get(`/v1/users/${user.id}`));
    const reply = await api.put(`/v1/users/${user.id}/`, {
      ...read1,
      title: "Lead",
      id: 1,
      image: "x",
      groups: [],
    });
    assert.equal(reply.status, 200);
    const updated = as.user(reply);
    assert.equal(updated.id, user.id);
    assert.equal(updated.title, "Lead");
    assert.deepEqual(updated.groups, [{ id: 1, name: "Default" }]);
    assert.match(updated.image, /^https:/);
  });

  it('clears a field sent as "" or null', async () => {
    const user = await api.create({ ...JANE, title: "Analyst", phone: "555", employeeNumber: 7 });
    const updated = as.user(
      await api.put(`/v1/users/${user.id}`, { title: "", phone: null, employeeNumber: null }),
    );
    assert.ok(!("title" in updated) && !("phone" in updated) && !("employeeNumber" in updated));
    assert.equal((await api.put(`/v1/users/${user.id}`, { name: "" })).status, 400);
    assert.equal((await api.put(`/v1/users/${user.id}`, { email: null })).status, 400);
  });

  it("changes role by name even when a stale roleId is echoed, and by roleId when role is stale", async () => {
    const user = await api.create(JANE);
    const byName = as.user(await api.put(`/v1/users/${user.id}`, { ...user, role: "Participant" }));
    assert.deepEqual([byName.role, byName.roleId], ["Participant", "4"]);
    const byId = as.user(await api.put(`/v1/users/${user.id}`, { ...byName, roleId: 6 }));
    assert.deepEqual([byId.role, byId.roleId], ["Data Steward", "6"]);
    const idOnly = as.user(await api.put(`/v1/users/${user.id}`, { roleId: "3" }));
    assert.equal(idOnly.role, "Editor");
    const conflict = await api.put(`/v1/users/${user.id}`, { role: "Admin", roleId: 4 });
    assert.equal(conflict.status, 400);
    assert.equal((await api.put(`/v1/users/${user.id}`, { role: "editor" })).status, 400);
    assert.equal((await api.put(`/v1/users/${user.id}`, { roleId: 77 })).status, 400);
  });

  it("refuses a duplicate email but allows a user's own email in another case", async () => {
    const a = await api.create(JANE);
    const b = await api.create({ ...JANE, email: "b@example.com" });
    assert.equal((await api.put(`/v1/users/${b.id}`, { email: "JANE@example.com" })).status, 409);
    const own = await api.put(`/v1/users/${a.id}`, { email: "Jane@Example.com" });
    assert.equal(own.status, 200);
  });

  it("answers 404 for unknown and deleted users (putDeletedStatus switches the latter)", async () => {
    assert.equal((await api.put("/v1/users/999999999", { title: "x" })).status, 404);
    const user = await api.create(JANE);
    await api.delete(`/v1/users/${user.id}`);
    assert.equal((await api.put(`/v1/users/${user.id}`, { title: "x" })).status, 404);
    emulator.setBehaviour({ putDeletedStatus: 410 });
    assert.equal((await api.put(`/v1/users/${user.id}`, { title: "x" })).status, 410);
  });

  it("refuses to demote the last Admin, unless deleteLastAdmin is allow", async () => {
    const admin = emulator.adminUserId;
    const refused = await api.put(`/v1/users/${admin}`, { role: "Editor" });
    assert.equal(refused.status, 400);
    assert.match(as.gateway(refused).message, /last Admin/);
    const second = await api.create({ ...JANE, role: "Admin" });
    assert.equal((await api.put(`/v1/users/${second.id}`, { role: "Editor" })).status, 200);
    emulator.setBehaviour({ deleteLastAdmin: "allow" });
    assert.equal((await api.put(`/v1/users/${admin}`, { role: "Editor" })).status, 200);
  });

  it("strict mode requires name, email and role; replace mode also clears absent fields", async () => {
    const user = await api.create({ ...JANE, title: "Analyst" });
    emulator.setBehaviour({ putMode: "strict" });
    const partial = await api.put(`/v1/users/${user.id}`, { name: "New" });
    assert.equal(partial.status, 400);
    assert.match(as.gateway(partial).message, /email/);
    const full = as.user(
      await api.put(`/v1/users/${user.id}`, { name: "New", email: JANE.email, roleId: 3 }),
    );
    assert.equal(full.title, "Analyst");
    emulator.setBehaviour({ putMode: "replace" });
    const replaced = as.user(await api.put(`/v1/users/${user.id}`, { ...JANE, phone: "1" }));
    assert.ok(!("title" in replaced));
    assert.equal(replaced.phone, "1");
  });

  it("answers 204 without a body when putStatus is 204", async () => {
    const user = await api.create(JANE);
    emulator.setBehaviour({ putStatus: 204 });
    const reply = await api.put(`/v1/users/${user.id}`, { title: "x" });
    assert.equal(reply.status, 204);
    assert.equal(reply.text, "");
    assert.equal(emulator.store.getUser(user.id)?.title, "x");
  });
});

describe("emulator: DELETE /v1/users/{id}", () => {
  let emulator: RunningEmulator;
  let api: Api;
  beforeEach(async () => {
    emulator = await start({
      seed: { users: [{ name: "Owner", email: "owner@example.com", role: "Editor", ownsContent: true }] },
    });
    api = await Api.connect(emulator);
  });
  afterEach(cleanup);

  it("answers 204, keeps a tombstone, then 404 for the already deleted and the unknown", async () => {
    const user = await api.create(JANE);
    const reply = await api.delete(`/v1/users/${user.id}/`);
    assert.equal(reply.status, 204);
    assert.equal(reply.text, "");
    assert.equal(emulator.store.getUser(user.id)?.deleted, true);
    assert.equal((await api.delete(`/v1/users/${user.id}`)).status, 404);
    assert.equal((await api.delete("/v1/users/999999999")).status, 404);
    emulator.setBehaviour({ deleteDeletedStatus: 204 });
    assert.equal((await api.delete(`/v1/users/${user.id}`)).status, 204);
  });

  it("refuses to delete the last Admin unless deleteLastAdmin is allow", async () => {
    const reply = await api.delete(`/v1/users/${emulator.adminUserId}`);
    assert.equal(reply.status, 400);
    assert.match(as.gateway(reply).message, /last Admin/);
    emulator.setBehaviour({ deleteLastAdmin: "allow" });
    assert.equal((await api.delete(`/v1/users/${emulator.adminUserId}`)).status, 204);
  });

  it("refuses to delete a user who owns content (400, or 409 by option)", async () => {
    const owner = emulator.store.listUsers().find((u) => u.ownsContent);
    assert.ok(owner);
    const reply = await api.delete(`/v1/users/${owner.id}`);
    assert.equal(reply.status, 400);
    assert.match(as.gateway(reply).message, /owns DataSets or DataFlows/);
    emulator.setBehaviour({ ownsContentStatus: 409 });
    assert.equal((await api.delete(`/v1/users/${owner.id}`)).status, 409);
    await emulator.store.updateUser(owner.id, { ownsContent: false });
    assert.equal((await api.delete(`/v1/users/${owner.id}`)).status, 204);
  });
});

describe("emulator: POST /v1/users/bulk/emails and routing", () => {
  afterEach(cleanup);

  it("returns the active users matching any of the emails, case-insensitively", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const a = await api.create({ ...JANE, email: "a@example.com" });
    const b = await api.create({ ...JANE, email: "b@example.com" });
    const c = await api.create({ ...JANE, email: "c@example.com" });
    await api.delete(`/v1/users/${c.id}`);
    const reply = await api.post("/v1/users/bulk/emails", [
      "B@EXAMPLE.com",
      "a@example.com",
      "c@example.com",
      "z@x.y",
    ]);
    assert.equal(reply.status, 200);
    assert.deepEqual(
      as.users(reply).map((u) => u.id),
      [a.id, b.id],
    );
    assert.equal((await api.post("/v1/users/bulk/emails/", [])).status, 200);
    assert.equal((await api.post("/v1/users/bulk/emails", { emails: [] })).status, 400);
  });

  it("answers 404 in the gateway shape for unknown routes and case-mismatched paths", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    for (const path of ["/v1/nothing", "/V1/users", "/v1/Users", "/v2/users"]) {
      const reply = await api.get(path);
      assert.equal(reply.status, 404, path);
      const body = as.gateway(reply);
      assert.equal(body.path, path);
      assert.match(body.toe, TOE);
    }
  });

  it("answers 405 for a method a route does not serve", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const reply = await api.call("PATCH", "/v1/users/1");
    assert.equal(reply.status, 405);
    assert.equal(as.gateway(reply).statusReason, "Method Not Allowed");
    assert.equal(emulator.counters()["PATCH /v1/users/{id}"], 1);
  });

  it("requires a token on every /v1/users route", async () => {
    const emulator = await start();
    const id = emulator.adminUserId;
    for (const [method, path] of [
      ["GET", `/v1/users/${id}`],
      ["PUT", `/v1/users/${id}`],
      ["DELETE", `/v1/users/${id}`],
      ["POST", "/v1/users"],
      ["POST", "/v1/users/bulk/emails"],
    ] as const) {
      const reply = await read(
        await fetch(`${emulator.url}${path}`, { method, body: method === "GET" ? null : "{}" }),
      );
      assert.equal(reply.status, 401, `${method} ${path}`);
    }
  });
});
