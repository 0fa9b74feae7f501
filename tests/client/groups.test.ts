import assert from "node:assert/strict";
import { DomoClient } from "../../provider/client";
import { parseClientSettings } from "../../provider/client/config";
import { DomoError } from "../../provider/client/errors";
import { GroupsApi, maxGroupPageSize } from "../../provider/client/groups";
import { DebugLog, Redactor } from "../../provider/client/log";
import type { Transport } from "../../provider/client/transport";
import { drive, type FakeClock, fakeClock } from "../support/clock";
import { emulatorClient, useEmulator } from "../support/emulator-client";
import { refusal } from "../support/refusal";
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
    const emu = useEmulator();
    const client = () => emulatorClient(emu);

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

// The Groups API over a scripted transport: paging, the shared listings, create's look-up.

type Call = { method: string; path: string; query?: Record<string, unknown>; body?: unknown };
type Handler = (call: Call) => unknown;

function harness(handler: Handler, settings: Record<string, unknown> = {}) {
  const calls: Call[] = [];
  const lines: string[] = [];
  let now = 0;
  const transport = {
    request: async (
      method: string,
      path: string,
      options: { query?: Record<string, unknown>; body?: unknown } = {},
    ) => {
      const call = { method, path, query: options.query, body: options.body };
      calls.push(call);
      return handler(call);
    },
  } as unknown as Transport;
  const s = parseClientSettings({
    clientId: "i",
    clientSecret: "s",
    maxRetries: 2,
    listingTtlMs: 1000,
    ...settings,
  });
  const api = new GroupsApi(transport, s, new DebugLog(true, new Redactor(), (l) => lines.push(l)), {
    now: () => now,
    random: () => 0,
  });
  return {
    api,
    calls,
    lines,
    advance: (ms: number) => {
      now += ms;
    },
    count: (method: string, path: string) =>
      calls.filter((c) => c.method === method && c.path === path).length,
  };
}

const g = (id: number, name = `G${id}`, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  active: true,
  ...extra,
});
const err = (kind: DomoError["kind"], extra: Partial<ConstructorParameters<typeof DomoError>[0]> = {}) =>
  new DomoError({ kind, message: kind, ...extra });

function pages(groups: ReturnType<typeof g>[]): Handler {
  return (c) => {
    if (c.method === "GET" && c.path === "/v1/groups") {
      const offset = Number(c.query?.offset);
      return groups.slice(offset, offset + Number(c.query?.limit));
    }
    throw err("not_found");
  };
}

describe("GroupsApi (client/groups.ts) over a scripted transport", () => {
  it("pages through groups until a short page, clamping the page size", async () => {
    assert.equal(maxGroupPageSize, 500);
    const all = [g(1), g(2), g(3), g(4)];
    const h = harness(pages(all));
    const seen: number[][] = [];
    for await (const page of h.api.list(2)) seen.push(page.map((x) => x.id));
    assert.deepEqual(seen, [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(
      h.calls.map((c) => c.query),
      [
        { limit: 2, offset: 0 },
        { limit: 2, offset: 2 },
        { limit: 2, offset: 4 },
      ],
    );
    const small = harness(pages(all));
    for await (const _ of small.api.list(0)) break;
    assert.deepEqual(small.calls[0]?.query, { limit: 1, offset: 0 });
    const big = harness(pages(all));
    assert.equal((await big.api.listAll()).length, 4);
    assert.deepEqual(
      big.calls.map((c) => c.query),
      [{ limit: 500, offset: 0 }],
    );
  });

  it("drops a group repeated across pages and yields no empty page", async () => {
    const h = harness((c) =>
      Number(c.query?.offset) === 0 ? [g(1), g(2)] : Number(c.query?.offset) === 2 ? [g(2), g(1)] : [g(3)],
    );
    const seen: number[][] = [];
    for await (const page of h.api.list(2)) seen.push(page.map((x) => x.id));
    assert.deepEqual(seen, [[1, 2], [3]]);
  });

  it("get: undefined on 404, other failures thrown", async () => {
    const h = harness((c) => {
      if (c.path === "/v1/groups/1") return g(1);
      if (c.path === "/v1/groups/2") throw err("not_found");
      throw err("forbidden");
    });
    assert.equal((await h.api.get(1))?.name, "G1");
    assert.equal(await h.api.get(2), undefined);
    assert.equal((await refusal(h.api.get(3))).kind, "forbidden");
  });

  it("serves getCached and findByName from one listing within the TTL", async () => {
    const h = harness((c) => {
      if (c.path === "/v1/groups") return [g(1, "Sales Team"), g(2)];
      if (c.path === "/v1/groups/9") return g(9);
      throw err("not_found");
    });
    assert.equal((await h.api.getCached(1))?.name, "Sales Team");
    assert.equal((await h.api.findByName("  sales TEAM "))?.id, 1);
    assert.equal(await h.api.findByName("nobody"), undefined);
    assert.equal((await h.api.getCached(9))?.id, 9, "an id the listing lacks is read");
    assert.equal(h.count("GET", "/v1/groups"), 1);
    h.advance(1000);
    await h.api.findByName("g2");
    assert.equal(h.count("GET", "/v1/groups"), 1, "still fresh at exactly the TTL");
    h.advance(1);
    await h.api.findByName("g2");
    assert.equal(h.count("GET", "/v1/groups"), 2);
    await h.api.findByName("g2", { fresh: true });
    assert.equal(h.count("GET", "/v1/groups"), 3);
    await Promise.all([h.api.findByName("a", { fresh: true }), h.api.getCached(1), h.api.findByName("b")]);
    assert.equal(h.count("GET", "/v1/groups"), 4, "one listing in flight for concurrent readers");
  });

  it("creates with only the fields given, and keeps the listings current", async () => {
    const h = harness((c) => {
      if (c.method === "POST") return g(5, "New", { active: false });
      if (c.path === "/v1/groups") return [g(1)];
      throw err("not_found");
    });
    await h.api.findByName("G1");
    const made = await h.api.create({ name: "New" });
    assert.equal(made.id, 5);
    assert.deepEqual(h.calls.find((c) => c.method === "POST")?.body, { name: "New" });
    assert.equal((await h.api.findByName("new"))?.id, 5);
    assert.deepEqual(await h.api.membersCached(5), []);
    assert.equal(h.count("GET", "/v1/groups"), 1);
    assert.equal(h.count("GET", "/v1/groups/5/users"), 0);
    await h.api.create({ name: "Other", active: true });
    assert.deepEqual(h.calls.filter((c) => c.method === "POST")[1]?.body, { name: "Other", active: true });
  });

  it("create: a lost response is looked up by name, and returned when it committed", async () => {
    let listed = 0;
    const h = harness((c) => {
      if (c.method === "POST") throw err("network", { maybeCommitted: true, attempts: 1 });
      if (c.path === "/v1/groups") return listed++ === 0 ? [] : [g(8, "Lost")];
      throw err("not_found");
    });
    await h.api.findByName("x");
    const got = await h.api.create({ name: "Lost" });
    assert.equal(got.id, 8);
    assert.equal(h.count("POST", "/v1/groups"), 1);
    assert.ok(
      h.lines.includes("[pulumi-domo] create of group Lost: outcome unknown (network); checking by name"),
    );
    assert.ok(h.lines.includes("[pulumi-domo] create of group Lost had committed as group 8"));
  });

  it("create: posts again when the name is not found, up to the retry limit", async () => {
    const h = harness((c) => {
      if (c.method === "POST") throw err("server", { status: 500, attempts: 1 });
      if (c.path === "/v1/groups") return [];
      throw err("not_found");
    });
    const e = await refusal(h.api.create({ name: "Never" }));
    assert.equal(e.kind, "server");
    assert.equal(h.count("POST", "/v1/groups"), 3);
    assert.equal(h.count("GET", "/v1/groups"), 3);
    assert.match(e.message, /^Gave up after 3 attempt\(s\)/);
  });

  it("create: a refusal is thrown at once; a failed look-up is thrown while retrying, the create's error after", async () => {
    const conflict = harness((c) => {
      if (c.method === "POST") throw err("conflict");
      return [];
    });
    assert.equal((await refusal(conflict.api.create({ name: "X" }))).kind, "conflict");
    assert.equal(conflict.count("GET", "/v1/groups"), 0);
    const committed = harness((c) => {
      if (c.method === "POST") throw err("rejected", { maybeCommitted: false });
      return [];
    });
    assert.equal((await refusal(committed.api.create({ name: "X" }))).kind, "rejected");

    const lookupFails = harness((c) => {
      if (c.method === "POST") throw err("server", { attempts: 1 });
      throw err("forbidden");
    });
    assert.equal((await refusal(lookupFails.api.create({ name: "X" }))).kind, "forbidden");

    const last = harness(
      (c) => {
        if (c.method === "POST") throw err("server", { attempts: 1 });
        throw err("forbidden");
      },
      { maxRetries: 0 },
    );
    const e = await refusal(last.api.create({ name: "X" }));
    assert.equal(e.kind, "server");
    assert.equal(last.count("POST", "/v1/groups"), 1);
  });

  it("update: keeps unset fields, sends the default flag, reads back a 204, remembers the result", async () => {
    let gone = false;
    const h = harness((c) => {
      if (c.method === "GET" && c.path === "/v1/groups/3") {
        if (gone) throw err("not_found");
        return g(3, "Old", { active: false, default: true });
      }
      if (c.method === "PUT") return c.path === "/v1/groups/3" ? undefined : g(4, "Four");
      if (c.path === "/v1/groups") return [g(3, "Old")];
      throw err("not_found");
    });
    await h.api.findByName("old");
    const updated = await h.api.update(3, { name: "Renamed" });
    assert.equal(updated.name, "Old", "read back after a 204");
    assert.deepEqual(h.calls.find((c) => c.method === "PUT")?.body, {
      id: 3,
      name: "Renamed",
      active: false,
      default: true,
    });
    await h.api.update(3, { active: true });
    assert.deepEqual(h.calls.filter((c) => c.method === "PUT")[1]?.body, {
      id: 3,
      name: "Old",
      active: true,
      default: true,
    });
    gone = true;
    const e = await refusal(h.api.update(3, {}));
    assert.equal(e.kind, "not_found");
    assert.equal(
      e.message,
      "Domo group 3 no longer exists; run `pulumi refresh` so Pulumi recreates it (PUT /v1/groups/3)",
    );
  });

  it("update: the group vanishing between the write and the read-back is not_found", async () => {
    let reads = 0;
    const h = harness((c) => {
      if (c.method === "GET" && c.path === "/v1/groups/3") {
        if (reads++ > 0) throw err("not_found");
        return g(3);
      }
      return undefined;
    });
    const e = await refusal(h.api.update(3, { name: "X" }));
    assert.equal(e.kind, "not_found");
    assert.equal(e.message, "Domo group 3 vanished during update");
  });

  it("update remembers the new name in the listing, dropping the old", async () => {
    const h = harness((c) => {
      if (c.method === "GET" && c.path === "/v1/groups/3") return g(3, "Old");
      if (c.method === "PUT") return g(3, "New");
      if (c.path === "/v1/groups") return [g(3, "Old")];
      throw err("not_found");
    });
    await h.api.findByName("old");
    await h.api.update(3, { name: "New" });
    assert.equal(await h.api.findByName("old"), undefined);
    assert.equal((await h.api.findByName("new"))?.id, 3);
    assert.equal(h.count("GET", "/v1/groups"), 1);
  });

  it("delete: true, false on 404, other failures thrown; forgotten either way", async () => {
    const h = harness((c) => {
      if (c.method === "DELETE" && c.path === "/v1/groups/1") return undefined;
      if (c.method === "DELETE" && c.path === "/v1/groups/2") throw err("not_found");
      if (c.method === "DELETE") throw err("server");
      if (c.path === "/v1/groups") return [g(1), g(2), g(3)];
      if (c.path === "/v1/groups/1/users") return [7];
      throw err("not_found");
    });
    await h.api.findByName("g1");
    assert.deepEqual(await h.api.membersCached(1), [7]);
    assert.equal(await h.api.delete(1), true);
    assert.equal(await h.api.delete(2), false);
    assert.equal((await refusal(h.api.delete(3))).kind, "server");
    assert.equal(await h.api.findByName("g1"), undefined);
    assert.equal(await h.api.findByName("g3"), undefined);
    assert.equal(h.count("GET", "/v1/groups"), 1);
    await h.api.membersCached(1);
    assert.equal(h.count("GET", "/v1/groups/1/users"), 2, "the member listing was forgotten");
  });

  it("lists members page by page, sorted and unique", async () => {
    const h = harness((c) => {
      const offset = Number(c.query?.offset);
      return [[5, 3], [3, 9], [1]][offset / 2] ?? [];
    });
    assert.deepEqual(await h.api.listMembers(4, 2), [1, 3, 5, 9]);
    assert.deepEqual(
      h.calls.map((c) => [c.path, c.query]),
      [
        ["/v1/groups/4/users", { limit: 2, offset: 0 }],
        ["/v1/groups/4/users", { limit: 2, offset: 2 }],
        ["/v1/groups/4/users", { limit: 2, offset: 4 }],
      ],
    );
    const clamp = harness(() => []);
    await clamp.api.listMembers(4, 0);
    await clamp.api.listMembers(4, 9999);
    assert.deepEqual(
      clamp.calls.map((c) => c.query?.limit),
      [1, 500],
    );
  });

  it("caches members per group within the TTL, shares one listing, and says undefined for a gone group", async () => {
    const h = harness((c) => {
      if (c.path === "/v1/groups/1/users") return [2, 1];
      throw err("not_found");
    });
    const [a, b] = await Promise.all([h.api.membersCached(1), h.api.membersCached(1)]);
    assert.deepEqual(a, [1, 2]);
    assert.deepEqual(b, [1, 2]);
    assert.equal(h.count("GET", "/v1/groups/1/users"), 1);
    h.advance(1000);
    await h.api.membersCached(1);
    assert.equal(h.count("GET", "/v1/groups/1/users"), 1);
    h.advance(1);
    await h.api.membersCached(1);
    assert.equal(h.count("GET", "/v1/groups/1/users"), 2);
    await h.api.membersCached(1, { fresh: true });
    assert.equal(h.count("GET", "/v1/groups/1/users"), 3);
    assert.equal(await h.api.membersCached(2), undefined);
    const broken = harness(() => {
      throw err("forbidden");
    });
    assert.equal((await refusal(broken.api.membersCached(1))).kind, "forbidden");
  });

  it("adds and removes members, keeping the cached listing current", async () => {
    const h = harness((c) => {
      if (c.method === "GET") return [1];
      if (c.path === "/v1/groups/1/users/404")
        throw err("not_found", { status: 404, method: c.method, path: c.path, toe: "T" });
      if (c.path === "/v1/groups/1/users/500") throw err("server");
      return undefined;
    });
    assert.deepEqual(await h.api.membersCached(1), [1]);
    await h.api.addMember(1, 2);
    assert.deepEqual(await h.api.membersCached(1), [1, 2]);
    assert.equal(await h.api.removeMember(1, 1), true);
    assert.deepEqual(await h.api.membersCached(1), [2]);
    await h.api.addMember(1, 3);
    assert.equal(await h.api.removeMember(1, 404), false);
    const add = await refusal(h.api.addMember(1, 404));
    assert.equal(add.kind, "not_found");
    assert.equal(add.toe, "T");
    assert.equal(add.status, 404);
    assert.match(
      add.message,
      /^Cannot add Domo user 404 to group 1: the group or the user does not exist \(deleted outside Pulumi\?\)\. Check the ids, or run `pulumi refresh` \(PUT \/v1\/groups\/1\/users\/404 -> 404\) \[Domo trace id: T\]$/,
    );
    assert.equal((await refusal(h.api.addMember(1, 500))).kind, "server");
    assert.equal((await refusal(h.api.removeMember(1, 500))).kind, "server");
    assert.deepEqual(await h.api.membersCached(1), [2, 3]);
    assert.equal(h.count("GET", "/v1/groups/1/users"), 1);
    // The 404'd removal also drops the id from the cache.
    const r = harness((c) => {
      if (c.method === "GET") return [1, 2];
      throw err("not_found");
    });
    await r.api.membersCached(1);
    assert.equal(await r.api.removeMember(1, 2), false);
    assert.deepEqual(await r.api.membersCached(1), [1]);
  });
});
