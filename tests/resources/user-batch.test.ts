import assert from "node:assert/strict";
import type { RunningEmulator } from "../../provider/emulator";
import { PartialBatchError, UserBatchRuntime } from "../../provider/resources/user/batch-runtime";
import { type PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import { UserLedger } from "../../provider/runtime/user-ledger";
import { person, usersOf } from "../support/batch-users";
import { emulatorSettings, useEmulator, emulatorWrites as writes } from "../support/emulator-client";

// As in a provider process, everything by package path: the guard, the user runtime and the run
// they share (runtime/run.ts, reached by each through a relative import: one module instance).
const deletionGuardProvider =
  require("pulumi-domo/provider/deletion-guard") as typeof import("../../provider/resources/directory/deletion-guard-provider");
const { resetSharedUserRuntime, sharedUserLedger } =
  require("pulumi-domo/dist/resources/user/runtime.js") as typeof import("../../provider/resources/user/runtime");

const count = (emu: RunningEmulator, route: string) => emu.counters()[route] ?? 0;

/**
 * DomoUserBatch's provider called directly against the emulator. Each `run()` is a new provider
 * process (a new `pulumi up`): a new ledger, a new runtime, the batch on top of it.
 */
describe("DomoUserBatch provider (direct calls against the emulator)", () => {
  const emu = useEmulator();
  let notices: string[];

  function run(extra: Record<string, unknown> = {}, ledger = new UserLedger()) {
    const settings = emulatorSettings(emu, extra);
    const users = new UserProviderRuntime(() => settings, { notice: (l) => notices.push(l), ledger });
    return { users, batch: new UserBatchRuntime(users, { progressEvery: 5 }), ledger };
  }

  async function checked(b: UserBatchRuntime, olds: PropertyMap, users: PropertyMap): Promise<PropertyMap> {
    const result = await b.check(olds, { users, batch: "people-users-0" });
    assert.deepEqual(result.failures ?? [], [], "check failed");
    return result.inputs ?? {};
  }

  /** One `pulumi up` of an existing batch: check, diff, update when diff says so. */
  async function up(olds: { inputs: PropertyMap; outs: PropertyMap }, users: PropertyMap, extra = {}) {
    const { batch } = run(extra);
    const inputs = await checked(batch, olds.inputs, users);
    const d = await batch.diff("people-users-0", olds.outs, inputs);
    if (!d.changes) return { inputs, outs: olds.outs, changed: false };
    const r = await batch.update("people-users-0", olds.outs, inputs);
    return { inputs, outs: r.outs, changed: true };
  }

  async function first(list: PropertyMap[]) {
    const { batch } = run();
    const inputs = await checked(batch, {}, usersOf(list));
    const created = await batch.create(inputs);
    return { inputs, outs: created.outs, id: created.id };
  }

  const stateOf = (outs: PropertyMap) => outs.users as Record<string, PropertyMap>;
  const liveByEmail = (email: string) => emu.store.listUsers().filter((u) => !u.deleted && u.email === email);

  beforeEach(() => {
    notices = [];
  });

  it("creates every user, keeps a slim state keyed by email, and reports progress", async () => {
    const list = Array.from({ length: 12 }, (_, i) => person(i));
    const { id, outs } = await first(list);
    assert.equal(id, "people-users-0");
    const state = stateOf(outs);
    assert.deepEqual(Object.keys(state), Object.keys(usersOf(list)).sort());
    assert.equal(count(emu, "POST /v1/users"), 12);
    for (const s of Object.values(state)) {
      assert.ok(typeof s.userId === "number" && s.userId > 0);
      assert.deepEqual(s.managedFields, ["email", "name", "role"]);
      for (const dropped of ["createdAt", "updatedAt", "image", "groups", "deletionPolicy", "sendInvite"])
        assert.equal(s[dropped], undefined, `${dropped} is not kept`);
    }
    assert.ok(
      notices.some((l) => /people-users-0: 5\/12 user\(s\) converged/.test(l)),
      notices.join("\n"),
    );
    assert.ok(notices.some((l) => /12\/12/.test(l)));
  });

  it("an unchanged batch diffs clean with no call; editing one user updates that user alone", async () => {
    const list = Array.from({ length: 6 }, (_, i) => person(i));
    const base = await first(list);
    emu.resetCounters();
    const same = await up(base, usersOf(list));
    assert.equal(same.changed, false);
    assert.equal(
      Object.values(emu.counters()).reduce((a, b) => a + b, 0),
      0,
      "no call at all",
    );

    const edited = list.map((u, i) => (i === 3 ? { ...u, title: "Analyst" } : u));
    const next = await up(base, usersOf(edited));
    assert.equal(next.changed, true);
    assert.equal(writes(emu), 1);
    assert.equal(count(emu, "PUT /v1/users/{id}"), 1);
    assert.equal(stateOf(next.outs)["user3@example.com"]?.title, "Analyst");
    assert.deepEqual(stateOf(next.outs)["user2@example.com"], stateOf(base.outs)["user2@example.com"]);
  });

  it("removing a user deletes that account; a retained one is left in Domo", async () => {
    const list = [person(0), person(1), person(2, { deletionPolicy: "retain" })];
    const base = await first(list);
    emu.resetCounters();
    const next = await up(base, usersOf([person(0)]));
    assert.equal(count(emu, "DELETE /v1/users/{id}"), 1);
    assert.deepEqual(Object.keys(stateOf(next.outs)), ["user0@example.com"]);
    assert.equal(liveByEmail("user1@example.com").length, 0);
    assert.equal(liveByEmail("user2@example.com").length, 1, "retained");
  });

  it("a failure half-way records every user that converged; the re-run continues with no duplicate", async () => {
    const base = await first([person(0), person(1)]);
    const grown = usersOf([0, 1, 2, 3, 4, 5].map((n) => person(n)));
    const { batch } = run({ maxRetries: 0 });
    const inputs = await checked(batch, base.inputs, grown);
    emu.faults.add({ kind: "status", status: 500, route: "POST /v1/users", count: 1 });
    const e = await batch.update("people-users-0", base.outs, { ...inputs, __provider: "text" }).then(
      () => assert.fail("expected a partial failure"),
      (err: unknown) => err,
    );
    assert.ok(e instanceof PartialBatchError, String(e));
    assert.equal(e.id, "people-users-0");
    assert.equal(e.reasons.length, 1);
    assert.match(e.message, /1 of 4 user change\(s\) in people-users-0 failed/);
    assert.equal(e.properties.__provider, "text", "the engine keeps the provider with the partial state");
    const recorded = stateOf(e.properties);
    assert.equal(Object.keys(recorded).length, 5, "the two kept and the three created");
    const missing = Object.keys(grown).find((k) => !(k in recorded));
    assert.ok(missing);

    emu.resetCounters();
    const next = await up({ inputs, outs: e.properties }, grown);
    assert.equal(count(emu, "POST /v1/users"), 1, "only the missing user is created");
    assert.equal(Object.keys(stateOf(next.outs)).length, 6);
    for (const email of Object.keys(grown)) assert.equal(liveByEmail(email).length, 1, `${email} once`);
  });

  it("the admin guards hold inside a batch: the credentials' own account is not deleted", async () => {
    const admin = emu.store.getUser(emu.adminUserId);
    assert.ok(admin?.email);
    const adminDecl = {
      email: admin.email,
      name: admin.name ?? "Admin",
      role: "Admin",
      importId: String(admin.id),
    };
    const base = await first([person(0), adminDecl]);
    emu.resetCounters();
    const { batch } = run();
    const inputs = await checked(batch, base.inputs, usersOf([person(0)]));
    const e = await batch.update("people-users-0", base.outs, inputs).catch((err: unknown) => err);
    assert.ok(e instanceof PartialBatchError);
    assert.match(e.reasons[0] ?? "", /account these API credentials belong to/);
    assert.ok(stateOf(e.properties)[admin.email.toLowerCase()], "the refused user stays in the state");
    assert.equal(count(emu, "DELETE /v1/users/{id}"), 0);
  });

  it("a takeover by id of someone else's account is refused; the other users are created", async () => {
    const other = await emu.store.createUser({ email: "grace@example.com", name: "Grace", role: "Editor" });
    const { batch } = run();
    const inputs = await checked(
      batch,
      {},
      usersOf([
        person(0),
        { email: "ada@example.com", name: "Ada", role: "Editor", importId: String(other.id) },
      ]),
    );
    const e = await batch.create(inputs).catch((err: unknown) => err);
    assert.ok(e instanceof PartialBatchError);
    assert.match(
      e.reasons[0] ?? "",
      /Refusing to take over Domo user .*grace@example.com, not ada@example.com/,
    );
    assert.deepEqual(Object.keys(stateOf(e.properties)), ["user0@example.com"]);
    assert.equal(emu.store.getUser(other.id)?.email, "grace@example.com", "untouched");
  });

  it("refresh reads every user: drift reaches state and inputs, a user gone from Domo leaves the batch", async () => {
    const base = await first([person(0), person(1), person(2)]);
    const state = stateOf(base.outs);
    await emu.store.updateUser(Number(state["user0@example.com"]?.userId), { title: "Changed in Domo" });
    await emu.store.deleteUser(Number(state["user2@example.com"]?.userId));
    const { batch } = run();
    const read = await batch.read("people-users-0", base.outs);
    assert.equal(read.id, "people-users-0");
    const props = read.props as PropertyMap;
    assert.deepEqual(Object.keys(stateOf(props)), ["user0@example.com", "user1@example.com"]);
    assert.deepEqual(Object.keys(props.userIds as object), ["user0@example.com", "user1@example.com"]);
    // title was never declared: it is not managed, so refresh records it in state only.
    assert.equal(stateOf(props)["user0@example.com"]?.title, "Changed in Domo");
    const inputs = (read.inputs as PropertyMap).users as Record<string, PropertyMap>;
    assert.deepEqual(inputs["user1@example.com"], person(1));
    // The next up recreates the user deleted in Domo, and leaves the others alone.
    emu.resetCounters();
    const next = await up({ inputs: base.inputs, outs: props }, usersOf([person(0), person(1), person(2)]));
    assert.equal(count(emu, "POST /v1/users"), 1);
    assert.equal(count(emu, "PUT /v1/users/{id}"), 0);
    assert.equal(Object.keys(stateOf(next.outs)).length, 3);
  });

  it("check names the user and field, and refuses a key that is not the normalised email", async () => {
    const { batch } = run();
    const bad = await batch.check({}, { users: { "x@example.com": { email: "x@example.com", name: "X" } } });
    assert.match(bad.failures?.[0]?.reason ?? "", /users\["x@example.com"\]\.role: role is required/);
    const key = await batch.check({}, { users: { "y@example.com": person(1) } });
    assert.match(
      key.failures?.[0]?.reason ?? "",
      /key must be the user's normalised email \(user1@example.com\)/,
    );
  });

  it("handed over by a directory's layout change: adopted with no write, and the old holder's delete is skipped", async () => {
    const base = await first([person(0), person(1)]);
    const ledger = new UserLedger();
    const { batch, users } = run({}, ledger);
    // What the deletion guard reports when a directory moves from perUser to bulk (or between batch counts).
    ledger.declareDirectory({
      declared: ["user0@example.com", "user1@example.com"],
      handedOver: ["user0@example.com", "user1@example.com"],
    });
    emu.resetCounters();
    const inputs = await checked(batch, {}, usersOf([person(0), person(1)]));
    const created = await batch.create({ ...inputs, batch: "people-users-1" });
    assert.equal(writes(emu), 0, "adopted, nothing written");
    assert.deepEqual(stateOf(created.outs), stateOf(base.outs));
    // The batch that held them before goes: its deletes are skipped, and so is a DomoUser's.
    await batch.delete("people-users-0", base.outs);
    const state = stateOf(base.outs)["user0@example.com"]!;
    await users.delete(String(state.userId), state);
    assert.equal(writes(emu), 0, "no one deleted");
    assert.ok(notices.some((l) => /not deleting user0@example.com .*still declares that email/.test(l)));
  });

  it("without a layout change an existing email still fails as for DomoUser", async () => {
    await emu.store.createUser({ email: "user0@example.com", name: "Outside", role: "Editor" });
    const { batch } = run();
    const inputs = await checked(batch, {}, usersOf([person(0)]));
    const e = await batch.create(inputs).catch((err: unknown) => err);
    assert.ok(e instanceof PartialBatchError);
    assert.match(e.reasons[0] ?? "", /already exists/);
  });

  it("its __provider (serialized by value) is small, secret-free, and loads the batch runtime by package path", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const provider = (await import("pulumi-domo")).serializedUserBatchProvider;
    const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, {
      allowSecrets: true,
    });
    assert.equal(containsSecrets, false);
    assert.ok(Buffer.byteLength(text) < 4000, `__provider is ${Buffer.byteLength(text)} bytes`);
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ["pulumi-domo/dist/resources/user/batch-runtime.js"]);
  });

  it("the DomoUser and DomoUserBatch providers of one process share one runtime (one client, one ledger)", async () => {
    resetSharedUserRuntime();
    try {
      const dist = (m: string) => require(`pulumi-domo/dist/resources/user/${m}.js`);
      const userProvider = dist("serialized-provider") as {
        configure(r: unknown): Promise<void>;
        impl(): unknown;
      };
      const batchProvider = dist("serialized-batch-provider") as {
        configure(r: unknown): Promise<void>;
        impl(): { users: unknown };
      };
      const req = { config: { get: () => undefined } };
      await batchProvider.configure(req);
      await userProvider.configure(req);
      assert.equal(batchProvider.impl().users, userProvider.impl());
      // Older provider code (kept in state, run by deletes) makes its own runtime, on the same ledger.
      const mod = dist("runtime") as typeof import("../../provider/resources/user/runtime");
      assert.equal(mod.createUserProviderRuntime().ledger, sharedUserLedger());
    } finally {
      resetSharedUserRuntime();
    }
  });

  it("the deletion guard's check hands over only what it held before and still declares", () => {
    resetSharedUserRuntime();
    try {
      const held = ["a@example.com", "b@example.com"];
      const guardInputs = (layout: string, emails: string[]) => ({
        directory: "d",
        accounts: emails,
        allowMassDeletion: false,
        held: emails,
        layout,
      });
      // Whatever resource of the directory creates a person it held before (a change of mode,
      // batch count or batch, e.g. after an email change), it takes the account over by email.
      void deletionGuardProvider.check(guardInputs("perUser", held), guardInputs("perUser", held));
      assert.deepEqual([...sharedUserLedger().handedOver].sort(), held);
      assert.deepEqual([...sharedUserLedger().declaredEmails].sort(), held);
      resetSharedUserRuntime();
      // A first run holds nothing before: nothing is handed over (a create conflict stays one).
      void deletionGuardProvider.check({}, guardInputs("perUser", held));
      assert.equal(sharedUserLedger().handedOver.size, 0);
      resetSharedUserRuntime();
      void deletionGuardProvider.check(
        guardInputs("perUser", held),
        guardInputs("bulk:1", ["b@example.com", "c@example.com"]),
      );
      assert.deepEqual([...sharedUserLedger().handedOver], ["b@example.com"]);
      resetSharedUserRuntime();
      // State written before this release has no `held`: nothing is handed over.
      void deletionGuardProvider.check({ directory: "d", accounts: held }, guardInputs("bulk:1", held));
      assert.equal(sharedUserLedger().handedOver.size, 0);
    } finally {
      resetSharedUserRuntime();
    }
  });
});
