import assert from "node:assert/strict";
import nodeFetch from "node-fetch";
import { type DomoClient, DomoError } from "../../provider/client";
import { emulatorClient, useEmulator } from "../support/emulator-client";

/**
 * The Users API client as the DomoUser provider relies on it: paging, the shared listing kept
 * current by writes, the create that never duplicates, and the whole-object PUT. (Here rather
 * than in tests/client: these run against the emulator, as the provider does.)
 */
describe("UsersApi against the emulator (what the provider relies on)", () => {
  const emu = useEmulator();
  let sent: Array<{ method: string; url: string; body?: Record<string, unknown> }>;
  let logged: string[];

  function client(extra: Record<string, unknown> = {}): DomoClient {
    return emulatorClient(
      emu,
      { debug: true, ...extra },
      {
        logSink: (line) => logged.push(line),
        fetch: (url, init) => {
          const body =
            typeof init.body === "string" && url.includes("/v1/") ? JSON.parse(init.body) : undefined;
          sent.push({ method: init.method ?? "GET", url, body });
          return nodeFetch(url, init);
        },
      },
    );
  }
  const puts = () => sent.filter((s) => s.method === "PUT");

  beforeEach(() => {
    sent = [];
    logged = [];
  });

  it("pages with a limit clamped to 1..500 and yields no empty page", async () => {
    for (let i = 0; i < 3; i++)
      await emu.store.createUser({ email: `p${i}@example.com`, name: `P${i}`, role: "Editor" });
    const c = client();
    const pages: number[] = [];
    for await (const page of c.users.list(2)) pages.push(page.length);
    assert.deepEqual(pages, [2, 2], "4 users in pages of 2, and no empty third page");
    sent = [];
    for await (const _ of c.users.list(1000)) break;
    assert.match(sent[0]?.url ?? "", /limit=500/);
    sent = [];
    for await (const _ of c.users.list(0)) break;
    assert.match(sent[0]?.url ?? "", /limit=1\b/);
  });

  it("serves lookups from the listing until a fresh one is asked for", async () => {
    const c = client();
    assert.ok(await c.users.findByEmail("admin@example.com"));
    await emu.store.createUser({ email: "late@example.com", name: "L", role: "Editor" });
    assert.equal(await c.users.findByEmail("late@example.com"), undefined, "served from the listing");
    assert.ok(await c.users.findByEmail("LATE@example.com", { fresh: true }));
  });

  it("keeps the listing current through its own creates, updates and deletes", async () => {
    const c = client();
    await c.users.findByEmail("admin@example.com"); // the shared listing, taken before
    emu.resetCounters();
    const created = await c.users.create(
      { email: "n@example.com", name: "N", role: "Editor" },
      { sendInvite: false },
    );
    assert.equal((await c.users.findByEmail("n@example.com"))?.id, created.id);
    assert.equal((await c.users.getCached(created.id))?.name, "N");
    await c.users.update(created.id, { email: "m@example.com" });
    assert.equal(await c.users.findByEmail("n@example.com"), undefined, "the old email is forgotten");
    assert.equal((await c.users.findByEmail("m@example.com"))?.id, created.id);
    assert.equal(emu.counters()["GET /v1/users"] ?? 0, 0, "no new listing taken");
    assert.equal(await c.users.delete(created.id), true);
    assert.equal(await c.users.findByEmail("m@example.com"), undefined);
    assert.equal(await c.users.delete(created.id), false, "already gone");
    assert.equal((await c.users.admins()).length, 1);
  });

  it("a create whose response is lost is found by a fresh lookup, not posted twice", async () => {
    const c = client();
    await c.users.findByEmail("admin@example.com"); // the shared listing, taken before
    emu.faults.add({ route: "POST /v1/users", kind: "lostResponse", count: 1 });
    const created = await c.users.create(
      { email: "lost@example.com", name: "L", role: "Editor" },
      { sendInvite: false },
    );
    assert.equal(emu.store.listUsers().filter((u) => u.email === "lost@example.com").length, 1);
    assert.equal(created.email, "lost@example.com");
    assert.equal(emu.counters()["POST /v1/users"], 1);
    assert.ok(
      logged.some((l) => /create of lost@example.com: outcome unknown \(\w+\); checking by email/.test(l)),
    );
    assert.ok(
      logged.some((l) =>
        new RegExp(`create of lost@example.com had committed as user ${created.id}`).test(l),
      ),
    );
  });

  it("with no retries left, a failed create is not posted again", async () => {
    const c = client({ maxRetries: 0 });
    emu.faults.add({ route: "POST /v1/users", kind: "status", status: 500, count: 1 });
    await assert.rejects(
      c.users.create({ email: "f@example.com", name: "F", role: "Editor" }, { sendInvite: false }),
      (e: unknown) => e instanceof DomoError && e.kind === "server",
    );
    assert.equal(emu.counters()["POST /v1/users"], 1);
    assert.equal(emu.store.listUsers().filter((u) => u.email === "f@example.com").length, 0);
  });

  it("PUTs the whole user, with the declared role winning over the stored roleId and vice versa", async () => {
    const user = await emu.store.createUser({
      email: "r@example.com",
      name: "R",
      role: "Editor",
      title: "T",
    });
    const c = client();
    await c.users.update(user.id, { roleId: 6 });
    assert.equal(puts()[0]?.body?.roleId, 6);
    assert.ok(!("role" in (puts()[0]?.body ?? {})), "a roleId alone drops the stale role name");
    assert.equal(puts()[0]?.body?.title, "T", "fields read are sent back");
    assert.equal(puts()[0]?.body?.id, user.id);
    await c.users.update(user.id, { role: "Editor" });
    assert.equal(puts()[1]?.body?.role, "Editor");
    assert.ok(!("roleId" in (puts()[1]?.body ?? {})), "a role name alone drops the stale roleId");
    await c.users.update(user.id, { role: "Editor", roleId: 3 });
    assert.equal(puts()[2]?.body?.role, "Editor");
    assert.equal(puts()[2]?.body?.roleId, 3, "both declared: both sent");
    await c.users.update(user.id, { name: "R2" });
    assert.deepEqual(
      Object.keys(puts()[3]?.body ?? {}).sort(),
      ["email", "id", "name", "role", "roleId", "title"].sort(),
      "nothing undeclared or unknown is added",
    );
  });

  it("clears the listed fields (employeeNumber as null) and nothing else", async () => {
    const user = await emu.store.createUser({
      email: "c@example.com",
      name: "C",
      role: "Editor",
      title: "T",
      employeeNumber: 7,
      phone: "555",
    });
    const c = client();
    await c.users.update(user.id, {}, { clear: ["title", "employeeNumber"] });
    assert.equal(puts()[0]?.body?.title, "");
    assert.equal(puts()[0]?.body?.employeeNumber, null);
    const stored = emu.store.getUser(user.id);
    assert.equal(stored?.title, undefined);
    assert.equal(stored?.employeeNumber, undefined);
    assert.equal(stored?.phone, "555");
  });

  it("a PUT to a user gone since the state was written names the method, path and fix", async () => {
    const user = await emu.store.createUser({ email: "g@example.com", name: "G", role: "Editor" });
    await emu.store.deleteUser(user.id);
    await assert.rejects(client().users.update(user.id, { name: "X" }), (e: unknown) => {
      assert.ok(e instanceof DomoError);
      assert.equal(e.kind, "not_found");
      assert.equal(e.method, "PUT");
      assert.equal(e.path, `/v1/users/${user.id}`);
      assert.match(e.message, /no longer exists; run `pulumi refresh`/);
      return true;
    });
    assert.equal(puts().length, 0);
  });
});
