// @ts-nocheck
import assert from "node:assert/strict";
import { Api, admin, as, cleanup, start } from "./harness";

describe("emulator: /__admin over HTTP", () => {
  afterEach(cleanup);

  it("reports and resets counters, without counting itself", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    await api.get("/v1/users");
    await api.get(`/v1/users/${emulator.adminUserId}`);
    await admin(emulator, "GET", "/log");
    const counters = await admin(emulator, "GET", "/counters/");
    assert.equal(counters.status, 200);
    assert.deepEqual(counters.json, { "GET /oauth/token": 1, "GET /v1/users": 1, "GET /v1/users/{id}": 1 });
    assert.deepEqual(emulator.counters(), counters.json);
    assert.equal((await admin(emulator, "POST", "/counters/reset")).status, 204);
    assert.deepEqual((await admin(emulator, "GET", "/counters")).json, {});
  });

  it("serves the request log", async () => {
    const emulator = await start();
    const before = Date.now();
    const api = await Api.connect(emulator);
    await api.get("/v1/users/42");
    const log = await admin(emulator, "GET", "/log");
    assert.equal(log.status, 200);
    assert.ok(Array.isArray(log.json));
    assert.deepEqual(log.json, emulator.requestLog());
    const last = emulator.requestLog().at(-1);
    assert.ok(last !== undefined && last.at >= before && last.at <= Date.now());
    assert.deepEqual(
      { method: last.method, route: last.route, path: last.path, status: last.status },
      { method: "GET", route: "GET /v1/users/{id}", path: "/v1/users/42", status: 404 },
    );
    assert.equal((await admin(emulator, "DELETE", "/log")).status, 204);
    assert.deepEqual(emulator.requestLog(), []);
  });

  it("adds, lists and clears faults", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const added = await admin(emulator, "POST", "/faults", {
      route: "GET /v1/users",
      kind: "status",
      status: 503,
      count: 1,
    });
    assert.equal(added.status, 201);
    assert.equal(as.object(added).remaining, 1);
    assert.ok(Array.isArray((await admin(emulator, "GET", "/faults")).json));
    assert.equal((await api.get("/v1/users")).status, 503);
    await admin(emulator, "POST", "/faults", { kind: "latency", ms: 1 });
    const id = String(as.object(await admin(emulator, "POST", "/faults", { kind: "reset" })).id);
    assert.equal(emulator.faults.list().length, 2);
    assert.equal((await admin(emulator, "DELETE", `/faults/${id}`)).status, 204);
    assert.equal(emulator.faults.list().length, 1);
    assert.equal((await admin(emulator, "DELETE", "/faults")).status, 204);
    assert.deepEqual(emulator.faults.list(), []);
    const bad = await admin(emulator, "POST", "/faults", { kind: "status", status: 200 });
    assert.equal(bad.status, 400);
    assert.equal((await admin(emulator, "POST", "/faults", "nonsense")).status, 400);
  });

  it("lists raw users, deleted ones and internal flags included", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const user = await api.create({ name: "A", email: "a@example.com", role: "Editor" });
    await api.delete(`/v1/users/${user.id}`);
    const users = await admin(emulator, "GET", "/users");
    assert.equal(users.status, 200);
    assert.deepEqual(users.json, emulator.store.listUsers());
    assert.ok(Array.isArray(users.json) && users.json.length === 2);
    assert.equal(emulator.store.getUser(user.id)?.deleted, true);
  });

  it("patches behaviour and refuses invalid patches", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const patched = await admin(emulator, "POST", "/behaviour", {
      createStatus: 201,
      duplicateEmailStatus: 400,
    });
    assert.equal(patched.status, 200);
    assert.equal(as.object(patched).createStatus, 201);
    assert.equal(as.object(await admin(emulator, "GET", "/behaviour")).putMode, "merge");
    assert.equal((await api.post("/v1/users", { name: "A", email: "a@x.io", role: "Editor" })).status, 201);
    assert.equal((await api.post("/v1/users", { name: "A", email: "a@x.io", role: "Editor" })).status, 400);
    assert.equal((await admin(emulator, "POST", "/behaviour", { createStatus: 202 })).status, 400);
    assert.equal(emulator.behaviour().createStatus, 201);
  });

  it("expires tokens", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    assert.equal((await admin(emulator, "POST", "/expire-tokens")).status, 204);
    assert.equal((await api.get("/v1/users")).status, 401);
  });

  it("answers 404 for unknown admin routes", async () => {
    const emulator = await start();
    assert.equal((await admin(emulator, "GET", "/nothing")).status, 404);
    assert.deepEqual(emulator.counters(), {});
  });
});
