// @ts-nocheck
import assert from "node:assert/strict";
import { DomoClient, type DomoError } from "../../provider/client";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { drive, type FakeClock, fakeClock } from "../support/clock";
import { ScriptedServer, testSecret } from "../support/scripted-server";

const group = (id: number, name = `Group ${id}`) => ({
  id,
  name,
  active: true,
  default: false,
  memberCount: 0,
});

describe("Domo client: Groups API", () => {
  describe("against a scripted server", () => {
    let server: ScriptedServer;
    let clock: FakeClock;

    const client = (overrides: Record<string, unknown> = {}) =>
      new DomoClient(
        {
          apiHost: server.url,
          clientId: "test-client",
          clientSecret: testSecret,
          requestsPerSecond: 1000,
          maxConcurrency: 32,
          ...overrides,
        },
        { random: () => 0.5 },
      );
    const seen = () => server.api().map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ""}`);

    beforeEach(async () => {
      server = await new ScriptedServer().start();
      clock = fakeClock();
    });
    afterEach(async () => {
      clock.restore();
      await server.close();
    });

    it("never repeats a create whose response was lost: it finds the committed group by name, without case", async () => {
      server.next(() => ({ reset: true })); // POST committed, response lost
      server.otherwise((r) =>
        r.method === "GET" ? { status: 200, body: [group(7, "SALES")] } : { status: 500 },
      );
      const got = await drive(clock, client().groups.create({ name: "Sales" }));
      assert.equal(got.id, 7);
      assert.deepEqual(seen(), ["POST /v1/groups", "GET /v1/groups?limit=500&offset=0"]);
    });

    it("posts again after a 5xx only when Domo has no group with that name", async () => {
      server.next(
        () => ({ status: 503 }),
        () => ({ status: 200, body: [group(1, "Default")] }),
        () => ({ status: 201, body: group(8, "Ops") }),
      );
      const got = await drive(clock, client().groups.create({ name: "Ops", active: true }));
      assert.equal(got.id, 8);
      assert.deepEqual(
        server.api().map((r) => r.method),
        ["POST", "GET", "POST"],
      );
      assert.deepEqual(JSON.parse(server.api()[0]?.body ?? "{}"), { name: "Ops", active: true });
    });

    it("gives up after the retry limit with the look-up made, never posting blindly", async () => {
      server.otherwise((r) => (r.method === "GET" ? { status: 200, body: [] } : { status: 503 }));
      await assert.rejects(
        drive(clock, client({ maxRetries: 1 }).groups.create({ name: "X" })),
        (e: DomoError) => {
          assert.equal(e.kind, "server");
          return true;
        },
      );
      assert.deepEqual(
        server.api().map((r) => r.method),
        ["POST", "GET", "POST", "GET"],
      );
    });

    it("lists in pages of 500 until a short page; one shared listing serves every read", async () => {
      const all = Array.from({ length: 503 }, (_, i) => group(i + 1));
      server.otherwise((r) => {
        const offset = Number(r.query.get("offset"));
        const limit = Number(r.query.get("limit"));
        return { status: 200, body: all.slice(offset, offset + limit) };
      });
      const c = client();
      const found = await drive(
        clock,
        Promise.all([c.groups.getCached(3), c.groups.getCached(502), c.groups.findByName("group 77")]),
      );
      assert.deepEqual(
        found.map((g) => g?.id),
        [3, 502, 77],
      );
      assert.deepEqual(seen(), ["GET /v1/groups?limit=500&offset=0", "GET /v1/groups?limit=500&offset=500"]);
    });

    it("404 means gone: get is undefined, delete and removing an absent member succeed", async () => {
      server.otherwise(() => ({ status: 404, body: { status: 404, message: "not found" } }));
      const c = client();
      assert.equal(await drive(clock, c.groups.get(5)), undefined);
      assert.equal(await drive(clock, c.groups.delete(5)), false);
      assert.equal(await drive(clock, c.groups.removeMember(5, 9)), false);
      assert.equal(await drive(clock, c.groups.membersCached(5)), undefined);
      await assert.rejects(drive(clock, c.groups.addMember(5, 9)), (e: DomoError) => {
        assert.equal(e.kind, "not_found");
        assert.match(e.message, /Cannot add Domo user 9 to group 5/);
        return true;
      });
    });

    it("other errors fail the read (never taken for gone)", async () => {
      server.otherwise(() => ({ status: 403, body: { status: 403, message: "scope" } }));
      await assert.rejects(drive(clock, client().groups.get(5)), (e: DomoError) => e.kind === "forbidden");
    });

    it("pages a group's members and keeps the shared member listing current through writes", async () => {
      const ids = Array.from({ length: 501 }, (_, i) => i + 10);
      server.otherwise((r) => {
        if (r.method === "GET") {
          const offset = Number(r.query.get("offset"));
          return { status: 200, body: ids.slice(offset, offset + 500).map(String) };
        }
        return { status: 204 };
      });
      const c = client();
      const [first, second] = await drive(
        clock,
        Promise.all([c.groups.membersCached(4), c.groups.membersCached(4)]),
      );
      assert.equal(first?.length, 501);
      assert.deepEqual(first, second);
      await drive(clock, c.groups.addMember(4, 2));
      await drive(clock, c.groups.removeMember(4, 10));
      const after = await drive(clock, c.groups.membersCached(4));
      assert.equal(after?.[0], 2);
      assert.ok(!after?.includes(10));
      assert.deepEqual(seen(), [
        "GET /v1/groups/4/users?limit=500&offset=0",
        "GET /v1/groups/4/users?limit=500&offset=500",
        "PUT /v1/groups/4/users/2",
        "DELETE /v1/groups/4/users/10",
      ]);
    });

    it("renames in place with the whole group, reading it back after a 204", async () => {
      server.next(
        () => ({ status: 200, body: group(6, "Old") }),
        () => ({ status: 204 }),
        () => ({ status: 200, body: group(6, "New") }),
      );
      const updated = await drive(clock, client().groups.update(6, { name: "New" }));
      assert.equal(updated.name, "New");
      const put = server.api()[1];
      assert.equal(put?.method, "PUT");
      assert.deepEqual(JSON.parse(put?.body ?? "{}"), { id: 6, name: "New", active: true, default: false });
    });
  });

  describe("against the emulator", () => {
    let emu: RunningEmulator;
    beforeEach(async () => {
      emu = await startEmulator();
    });
    afterEach(async () => {
      await emu.close();
    });

    const client = () =>
      new DomoClient({
        apiHost: emu.url,
        clientId: emu.credentials.clientId,
        clientSecret: emu.credentials.clientSecret,
        requestsPerSecond: 500,
      });

    it("a create whose response is lost leaves exactly one group", async () => {
      emu.faults.add({ route: "POST /v1/groups", kind: "lostResponse", count: 1 });
      const got = await client().groups.create({ name: "Lost And Found" });
      const named = emu.store.listGroups().filter((g) => g.name === "Lost And Found");
      assert.equal(named.length, 1);
      assert.equal(named[0]?.id, got.id);
      assert.equal(emu.counters()["POST /v1/groups"], 1);
    });

    it("round-trips create, members, rename and delete", async () => {
      const c = client();
      const u = await emu.store.createUser({ email: "m@example.com", name: "M", role: "Editor" });
      const g = await c.groups.create({ name: "Round" });
      await c.groups.addMember(g.id, u.id);
      await c.groups.addMember(g.id, u.id); // idempotent
      assert.deepEqual(await c.groups.listMembers(g.id), [u.id]);
      assert.equal((await c.groups.update(g.id, { name: "Trip" })).name, "Trip");
      assert.equal(await c.groups.removeMember(g.id, u.id), true);
      assert.equal(await c.groups.delete(g.id), true);
      assert.equal(await c.groups.get(g.id), undefined);
    });
  });
});
