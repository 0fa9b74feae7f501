import assert from "node:assert/strict";
import { DomoError } from "../../provider/client";
import type { RunningEmulator } from "../../provider/emulator";
import { unknownValue } from "../../provider/model/inputs";
import {
  PartialCreateError,
  type PropertyMap,
  UserProviderRuntime,
} from "../../provider/resources/user/runtime";
import {
  emulatorCalls as calls,
  emulatorSettings,
  useEmulator,
  emulatorWrites as writes,
} from "../support/emulator-client";

/** Everything the emulator holds, deleted users and internal flags included. */
const snapshot = (emu: RunningEmulator) => JSON.stringify(emu.store.listUsers());
/** An assert.rejects validator: a DomoError of that kind (and field), its message matching. */
const domoError =
  (kind: string, field: string | undefined, message: RegExp) =>
  (e: unknown): true => {
    assert.ok(e instanceof DomoError, `expected a DomoError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (field !== undefined) assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  };

describe("DomoUser provider (direct calls against the emulator)", () => {
  const emu = useEmulator();
  let provider: UserProviderRuntime;

  function runtime(extra: Record<string, unknown> = {}, notices?: string[]): UserProviderRuntime {
    const settings = emulatorSettings(emu, extra);
    return new UserProviderRuntime(() => settings, {
      notice: (line) => {
        if (!notices) throw new Error(`unexpected notice: ${line}`);
        notices.push(line);
      },
    });
  }

  async function checked(news: PropertyMap): Promise<PropertyMap> {
    const result = await provider.check({}, news);
    assert.deepEqual(result.failures ?? [], [], "check failed");
    return result.inputs ?? {};
  }

  async function created(news: PropertyMap) {
    const inputs = await checked(news);
    const result = await provider.create(inputs);
    return { id: result.id, inputs, outs: result.outs };
  }

  beforeEach(() => {
    provider = runtime();
  });

  describe("check", () => {
    it("normalises email, trims strings and leaves settings at their default out", async () => {
      const inputs = await checked({
        email: "  Ada.Lovelace@Example.COM ",
        name: "  Ada Lovelace ",
        role: "Editor",
        sendInvite: false,
        deletionPolicy: "delete",
      });
      // Only what was declared: a preview of the create shows these and nothing else.
      assert.deepEqual(inputs, { email: "ada.lovelace@example.com", name: "Ada Lovelace", role: "Editor" });
      assert.equal(calls(emu), 0, "check never calls Domo");
    });

    it("keeps settings that differ from their default, and drops the defaults 0.1.0 wrote into the inputs", async () => {
      const declared = { email: "a@example.com", name: "A", role: "Editor" };
      const set = await checked({
        ...declared,
        sendInvite: true,
        adoptExisting: true,
        deletionPolicy: "retain",
        allowUnsafeAdminChanges: true,
      });
      assert.equal(set.sendInvite, true);
      assert.equal(set.adoptExisting, true);
      assert.equal(set.deletionPolicy, "retain");
      assert.equal(set.allowUnsafeAdminChanges, true);
      // Old inputs as pulumi-domo 0.1.0 stored them (every default spelled out) do not bring them back.
      const legacy = {
        ...declared,
        sendInvite: false,
        adoptExisting: false,
        allowEmailChange: false,
        deletionPolicy: "delete",
        allowUnsafeAdminChanges: false,
      };
      assert.deepEqual((await provider.check(legacy, declared)).inputs, declared);
      assert.deepEqual((await provider.check({}, legacy)).inputs, declared);
      // A setting changed back to its default after being set is simply gone.
      const back = await provider.check({ ...declared, deletionPolicy: "retain" }, declared);
      assert.deepEqual(back.inputs, declared);
    });

    it("names the field and the fix for wrongly cased roles, conflicts and unknown properties", async () => {
      const cases: Array<[PropertyMap, string, RegExp]> = [
        [{ email: "a@example.com", name: "A", role: "admin" }, "role", /case-sensitive: use "Admin"/],
        [{ email: "a@example.com", name: "A", role: "Admin", roleId: 6 }, "roleId", /not both/],
        [{ email: "a@example.com", name: "A" }, "role", /role is required/],
        [{ email: "not-an-email", name: "A", role: "Admin" }, "email", /not a valid email/],
        [{ email: "a@example.com", name: "A", role: "Admin", nickname: "x" }, "nickname", /unknown property/],
        [{ email: "a@example.com", name: "A", role: "Admin", timezone: "Mars/Base" }, "timezone", /IANA/],
      ];
      for (const [news, property, reason] of cases) {
        const result = await provider.check({}, news);
        const failure = result.failures?.find((f) => f.property === property);
        assert.ok(
          failure,
          `expected a failure on ${property} for ${JSON.stringify(news)}: ${JSON.stringify(result)}`,
        );
        assert.match(failure.reason, reason);
      }
      assert.equal(calls(emu), 0);
    });

    it("tolerates unknown values in preview", async () => {
      const inputs = await checked({
        email: unknownValue,
        name: "Grace",
        role: "Admin",
        title: unknownValue,
      });
      assert.equal(inputs.email, unknownValue);
      assert.equal(inputs.title, unknownValue);
      assert.equal(inputs.name, "Grace");
    });
  });

  describe("diff", () => {
    it("is quiet for the same declaration, case-changed emails, create-time settings and provider code", async () => {
      const { id, inputs, outs } = await created({ email: "a@example.com", name: "A", role: "Editor" });
      emu.resetCounters();
      const same = [
        inputs,
        { ...inputs, email: "A@EXAMPLE.com" },
        { ...inputs, sendInvite: true },
        { ...inputs, adoptExisting: true },
        { ...inputs, importId: "1000000001" },
        { ...inputs, __provider: "exports.handler = something else" },
      ];
      for (const news of same) {
        const d = await provider.diff(id, { ...outs, __provider: "old" }, await checked(news));
        assert.equal(d.changes, false, `unexpected diff for ${JSON.stringify(news)}`);
        assert.deepEqual(d.replaces, []);
      }
      assert.equal(calls(emu), 0, "diff never calls Domo");
    });

    it("updates in place (never replaces) for field changes, removals and the deletion policy", async () => {
      const { id, inputs, outs } = await created({
        email: "a@example.com",
        name: "A",
        role: "Editor",
        title: "T",
      });
      const changed = [
        { ...inputs, name: "B" },
        { ...inputs, email: "b@example.com" },
        { ...inputs, role: "Admin" },
        { ...inputs, title: undefined },
        { ...inputs, deletionPolicy: "retain" },
        { ...inputs, role: undefined, roleId: 6 },
      ];
      for (const news of changed) {
        const d = await provider.diff(id, outs, await checked(news));
        assert.equal(d.changes, true, `expected a diff for ${JSON.stringify(news)}`);
        assert.deepEqual(d.replaces, []);
      }
    });

    it("reads an absent setting as its default: removing one set before is an update that records the default", async () => {
      const declared = { email: "s@example.com", name: "S", role: "Editor" };
      const { id, outs } = await created({
        ...declared,
        deletionPolicy: "retain",
        allowUnsafeAdminChanges: true,
      });
      const news = await checked(declared);
      assert.equal(news.deletionPolicy, undefined, "check leaves the default out");
      assert.equal((await provider.diff(id, outs, news)).changes, true);
      emu.resetCounters();
      const updated = await provider.update(id, outs, news);
      assert.equal(calls(emu), 0, "a settings-only change calls nothing");
      // The state leaves a setting at its default out, as the inputs do: it reads as the default.
      assert.equal(updated.outs.deletionPolicy, undefined);
      assert.equal(updated.outs.allowUnsafeAdminChanges, undefined);
      assert.equal((await provider.diff(id, updated.outs, news)).changes, false);
      // The state 0.1.0 wrote (defaults spelled out in inputs and outputs) against the new inputs.
      const legacyOuts = { ...updated.outs, sendInvite: false, adoptExisting: false };
      assert.equal((await provider.diff(id, legacyOuts, news)).changes, false);
    });
  });

  describe("create", () => {
    it("creates the user with its fields, without an invite by default", async () => {
      const { id, outs } = await created({
        email: "Grace@Example.com",
        name: "Grace Hopper",
        role: "Admin",
        title: "Rear Admiral",
        timezone: "America/New_York",
        locale: "en-US",
        employeeNumber: 1906,
      });
      const stored = emu.store.getUser(Number(id));
      assert.equal(stored?.email, "grace@example.com");
      assert.equal(stored?.title, "Rear Admiral");
      assert.equal(stored?.timezone, "America/New_York");
      assert.ok(!stored?.invited, "no invite unless asked");
      assert.equal(outs.userId, Number(id));
      assert.equal(outs.timezone, "America/New_York", "fields Domo does not echo on create are kept");
      assert.equal(outs.locale, "en-US");
      assert.deepEqual(emu.counters()["POST /v1/users"], 1);
    });

    it("sends the invite when asked", async () => {
      const { id } = await created({ email: "i@example.com", name: "I", role: "Social", sendInvite: true });
      assert.equal(emu.store.getUser(Number(id))?.invited, true);
    });

    it("refuses a duplicate email without adoptExisting, naming the option and the id", async () => {
      const existing = await emu.store.createUser({ email: "dup@example.com", name: "Dup", role: "Editor" });
      const inputs = await checked({ email: "DUP@example.com", name: "Dup", role: "Editor" });
      await assert.rejects(provider.create(inputs), (e: DomoError) => {
        assert.equal(e.kind, "conflict");
        assert.match(e.message, /adoptExisting: true/);
        assert.match(e.message, new RegExp(String(existing.id)));
        return true;
      });
      assert.equal(emu.store.listUsers().filter((u) => u.email === "dup@example.com").length, 1);
    });

    it("adopts an identical existing account without writing to it", async () => {
      const existing = await emu.store.createUser({
        email: "same@example.com",
        name: "Same",
        role: "Editor",
      });
      emu.resetCounters();
      const { id } = await created({
        email: "SAME@example.com",
        name: "Same",
        role: "Editor",
        adoptExisting: true,
      });
      assert.equal(id, String(existing.id));
      assert.equal(writes(emu), 0);
    });

    it("adopts and converges a differing existing account", async () => {
      const existing = await emu.store.createUser({
        email: "conv@example.com",
        name: "Old",
        role: "Participant",
      });
      const { id, outs } = await created({
        email: "conv@example.com",
        name: "New",
        role: "Editor",
        adoptExisting: true,
      });
      assert.equal(id, String(existing.id));
      assert.equal(emu.store.getUser(existing.id)?.name, "New");
      assert.equal(outs.role, "Editor");
      assert.equal(emu.counters()["POST /v1/users"] ?? 0, 0);
    });

    it("takes over an account by importId without creating, and fails clearly for a missing id", async () => {
      const existing = await emu.store.createUser({
        email: "byid@example.com",
        name: "By Id",
        role: "Editor",
      });
      emu.resetCounters();
      const { id } = await created({
        email: "byid@example.com",
        name: "By Id",
        role: "Editor",
        importId: String(existing.id),
      });
      assert.equal(id, String(existing.id));
      assert.equal(writes(emu), 0, "a matching import changes nothing");
      const inputs = await checked({
        email: "nobody@example.com",
        name: "N",
        role: "Editor",
        importId: "1999999999",
      });
      const before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(provider.create(inputs), domoError("not_found", "importId", /no such user/));
      assert.equal(writes(emu), 0, "a missing importId never creates");
      assert.equal(snapshot(emu), before);
      const conflict = await provider.check(
        {},
        { email: "a@example.com", name: "A", role: "Editor", importId: 5, adoptExisting: true },
      );
      assert.match(conflict.failures?.[0]?.reason ?? "", /not both/);
    });

    it("refuses a takeover of an account another resource of the run already holds", async () => {
      const existing = await emu.store.createUser({ email: "held@example.com", name: "H", role: "Editor" });
      const decl = { email: "held@example.com", name: "H", role: "Editor" };
      await provider.create(await checked({ ...decl, adoptExisting: true }));
      const before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(
        provider.create(await checked({ ...decl, adoptExisting: true })),
        domoError(
          "refused",
          "adoptExisting",
          new RegExp(
            `take over Domo user ${existing.id} \\(held@example.com\\): another DomoUser of this program already took over it`,
          ),
        ),
      );
      await assert.rejects(
        provider.create(await checked({ ...decl, importId: String(existing.id) })),
        domoError("refused", "importId", /already took over it in this run.*One account, one resource/s),
      );
      const fresh = runtime();
      await fresh.diff(
        String(existing.id),
        { userId: existing.id, managedFields: ["email"] },
        await checked(decl),
      );
      await assert.rejects(
        fresh.create(await checked({ ...decl, importId: String(existing.id) })),
        domoError("refused", "importId", /already manages it/),
      );
      const other = runtime();
      const made = await other.create(
        await checked({ email: "new1@example.com", name: "N", role: "Editor" }),
      );
      await assert.rejects(
        other.create(
          await checked({ email: "new1@example.com", name: "N", role: "Editor", importId: made.id }),
        ),
        domoError("refused", "importId", /already created it/),
      );
      assert.equal(writes(emu), 1, "only the one create");
      assert.equal(emu.store.getUser(existing.id)?.name, "H");
      assert.equal(before.length > 0, true);
    });

    it("refuses a takeover by importId of another person's account unless allowEmailChange", async () => {
      const existing = await emu.store.createUser({
        email: "owner@example.com",
        name: "Owner",
        role: "Editor",
      });
      const decl = {
        email: "someone.else@example.com",
        name: "Else",
        role: "Editor",
        importId: String(existing.id),
      };
      const before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(
        provider.create(await checked(decl)),
        domoError(
          "refused",
          "importId",
          new RegExp(
            `user ${existing.id}: it is the account of owner@example.com, not someone.else@example.com.*add formerEmails: \\[owner@example.com\\]`,
            "s",
          ),
        ),
      );
      assert.equal(writes(emu), 0);
      assert.equal(snapshot(emu), before, "nothing changed in Domo");
      // The explicit statement: the account's email is one this person had before.
      const byFormer = await runtime().create(
        await checked({ ...decl, formerEmails: ["OWNER@example.com"] }),
      );
      assert.equal(byFormer.id, String(existing.id));
      assert.equal(emu.store.getUser(existing.id)?.email, "someone.else@example.com");
      await emu.store.updateUser(existing.id, { email: "owner@example.com" });
      const taken = await runtime().create(await checked({ ...decl, allowEmailChange: true }));
      assert.equal(taken.id, String(existing.id));
      assert.equal(emu.store.getUser(existing.id)?.email, "someone.else@example.com");
      assert.equal(taken.outs.email, "someone.else@example.com");
    });

    it("refuses inputs still unknown at apply and invalid inputs, calling nothing", async () => {
      emu.resetCounters();
      await assert.rejects(
        provider.create({ email: unknownValue, name: "U", role: "Editor", sendInvite: false }),
        domoError("invalid_input", "email", /still unknown at apply: email/),
      );
      await assert.rejects(
        provider.create({ email: "bad", name: "U", role: "Editor" }),
        domoError("invalid_input", "email", /^email: /),
      );
      assert.equal(calls(emu), 0);
    });

    it("keeps the id when converging an adopted account fails (partial failure)", async () => {
      const existing = await emu.store.createUser({
        email: "part@example.com",
        name: "Old",
        role: "Participant",
      });
      emu.faults.add({ route: "PUT /v1/users/{id}", kind: "status", status: 500 });
      const inputs = await checked({
        email: "part@example.com",
        name: "New",
        role: "Editor",
        adoptExisting: true,
      });
      const p = runtime({ maxRetries: 1 });
      await assert.rejects(p.create({ ...inputs, __provider: "text" }), (e: PartialCreateError) => {
        assert.ok(e instanceof PartialCreateError);
        assert.equal(e.id, String(existing.id));
        assert.equal(e.properties.userId, existing.id);
        assert.equal(e.properties.__provider, "text", "the engine needs __provider to manage it later");
        assert.ok(e.reasons.length > 0);
        return true;
      });
    });
  });

  describe("read", () => {
    it("returns state and inputs that diff clean against the same declaration", async () => {
      const { id, inputs, outs } = await created({
        email: "r@example.com",
        name: "R",
        role: "Editor",
        phone: "+1 555 0100",
      });
      const fresh = runtime();
      const state = (await fresh.read(id, outs)).props as PropertyMap;
      const again = await fresh.read(id, state);
      assert.equal(again.id, id);
      const d = await fresh.diff(id, again.props ?? {}, inputs);
      assert.equal(d.changes, false);
      // The inputs hold the declaration as check returns it: settings at their default left out.
      assert.deepEqual(Object.keys(again.inputs ?? {}).sort(), ["email", "name", "phone", "role"]);
      // The state keeps a stored setting only where it differs from its default.
      assert.equal(again.props?.deletionPolicy, undefined);
      assert.equal(again.props?.sendInvite, undefined);
      const retained = await created({
        email: "k@example.com",
        name: "K",
        role: "Editor",
        deletionPolicy: "retain",
      });
      const retainedRead = await fresh.read(retained.id, retained.outs);
      assert.equal(retainedRead.inputs?.deletionPolicy, "retain");
      assert.equal(retainedRead.props?.deletionPolicy, "retain");
    });

    it("carries out-of-band drift into the inputs so the next diff shows it", async () => {
      const { id, inputs, outs } = await created({
        email: "d@example.com",
        name: "D",
        role: "Editor",
        title: "Eng",
      });
      await emu.store.updateUser(Number(id), { title: "Changed by hand", department: "Ops" });
      const read = await runtime().read(id, outs);
      assert.equal(read.inputs?.title, "Changed by hand");
      assert.equal(read.inputs?.department, undefined, "undeclared fields stay out of the inputs");
      const d = await provider.diff(id, read.props ?? {}, inputs);
      assert.equal(d.changes, true);
    });

    it("returns no id for a user deleted outside Pulumi (404 or tombstone)", async () => {
      const a = await created({ email: "g1@example.com", name: "G", role: "Editor" });
      await emu.store.deleteUser(Number(a.id));
      assert.deepEqual(await runtime().read(a.id, a.outs), {});
      assert.deepEqual(await runtime().read("1999999999", a.outs), {});
    });

    it("imports with the program's declaration and reports no change when it matches", async () => {
      const existing = await emu.store.createUser({
        email: "imp@example.com",
        name: "Imp",
        role: "Editor",
        title: "Lead",
        department: "Hand-set",
      });
      const declared = await checked({
        email: "imp@example.com",
        name: "Imp",
        role: "Editor",
        title: "Lead",
      });
      emu.resetCounters();
      const read = await runtime().read(String(existing.id), declared);
      assert.equal(read.id, String(existing.id));
      const d = await provider.diff(String(existing.id), read.props ?? {}, declared);
      assert.equal(d.changes, false);
      assert.equal(writes(emu), 0);
    });

    it("serves many reads from one listing (N reads cost N/500 pages)", async () => {
      const ids: number[] = [];
      for (let i = 0; i < 30; i++)
        ids.push(
          (await emu.store.createUser({ email: `l${i}@example.com`, name: `L${i}`, role: "Editor" })).id,
        );
      emu.resetCounters();
      const p = runtime();
      await Promise.all(ids.map((id) => p.read(String(id), { userId: id, managedFields: ["name"] })));
      assert.equal(emu.counters()["GET /v1/users"], 1);
      assert.equal(emu.counters()["GET /v1/users/{id}"] ?? 0, 0);
    });
  });

  describe("update", () => {
    it("changes declared fields, clears removed ones, and keeps what was never declared", async () => {
      const { id, inputs, outs } = await created({
        email: "u@example.com",
        name: "U",
        role: "Editor",
        title: "T",
        phone: "123",
      });
      await emu.store.updateUser(Number(id), { department: "Set by hand", location: "HQ" });
      const news = await checked({ ...inputs, title: "New title", phone: undefined });
      const result = await provider.update(id, outs, news);
      const stored = emu.store.getUser(Number(id));
      assert.equal(stored?.title, "New title");
      assert.equal(stored?.phone, undefined, "a field removed from the declaration is cleared");
      assert.equal(stored?.department, "Set by hand");
      assert.equal(stored?.location, "HQ");
      assert.equal(result.outs.title, "New title");
      assert.deepEqual(result.outs.managedFields, ["email", "name", "role", "title"]);
    });

    it("switches to a custom role by id", async () => {
      const { id, inputs, outs } = await created({ email: "c@example.com", name: "C", role: "Editor" });
      const news = await checked({ ...inputs, role: undefined, roleId: 6 });
      const result = await provider.update(id, outs, news);
      assert.equal(emu.store.getUser(Number(id))?.roleId, 6);
      assert.equal(result.outs.roleId, 6);
      assert.equal((await provider.diff(id, result.outs, news)).changes, false);
    });

    it("refuses to demote the last Admin, and demotes one of two", async () => {
      const { id, inputs, outs } = await created({ email: "boss@example.com", name: "B", role: "Admin" });
      const demoted = await checked({ ...inputs, role: "Editor" });
      // Two Admins (the credentials' own and this one): the demotion goes ahead.
      const result = await runtime().update(id, outs, demoted);
      assert.equal(emu.store.getUser(Number(id))?.roleId, 3);
      assert.equal(result.outs.role, "Editor");
      // Back to Admin, then the credentials' account loses Admin out of band: now the last one.
      const again = await runtime().update(id, result.outs, inputs);
      await emu.store.updateUser(emu.adminUserId, { roleId: 3 });
      const before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(
        runtime().update(id, again.outs, await checked({ ...inputs, role: undefined, roleId: 6 })),
        domoError(
          "refused",
          "allowUnsafeAdminChanges",
          /demote Domo user \d+: it is the last Admin.*Nothing was changed/s,
        ),
      );
      assert.equal(writes(emu), 0);
      assert.equal(snapshot(emu), before, "nothing changed in Domo");
      emu.setBehaviour({ deleteLastAdmin: "allow" });
      await runtime().update(id, again.outs, { ...demoted, allowUnsafeAdminChanges: true });
      assert.equal(emu.store.getUser(Number(id))?.roleId, 3);
    });

    it("fails with not_found for a user deleted outside Pulumi, and rejects a malformed state or id", async () => {
      const { id, inputs, outs } = await created({ email: "gone@example.com", name: "G", role: "Editor" });
      await emu.store.deleteUser(Number(id));
      await assert.rejects(
        provider.update(id, outs, await checked({ ...inputs, name: "G2" })),
        domoError("not_found", undefined, /no longer exists.*pulumi refresh/s),
      );
      await assert.rejects(
        provider.update(id, { userId: "x" }, inputs),
        domoError("invalid_state", undefined, /not in the expected shape \(userId\).*pulumi refresh/s),
      );
      await assert.rejects(
        provider.read("12ab", outs),
        domoError("invalid_state", "id", /"12ab" is not a Domo user id/),
      );
      await assert.rejects(
        provider.delete("", outs),
        domoError("invalid_state", "id", /is not a Domo user id/),
      );
    });

    it("records a deletion-policy change without calling Domo", async () => {
      const { id, inputs, outs } = await created({ email: "p@example.com", name: "P", role: "Editor" });
      emu.resetCounters();
      const result = await provider.update(id, outs, await checked({ ...inputs, deletionPolicy: "retain" }));
      assert.equal(result.outs.deletionPolicy, "retain");
      assert.equal(calls(emu), 0);
    });

    it("refuses to demote the account the credentials belong to", async () => {
      const admin = emu.store.getUser(emu.adminUserId);
      assert.ok(admin);
      const declared = await checked({ email: admin.email, name: admin.name, role: "Admin" });
      const state = (await provider.read(String(admin.id), declared)).props ?? {};
      const news = await checked({ email: admin.email, name: admin.name, role: "Editor" });
      const before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(
        provider.update(String(admin.id), state, news),
        domoError(
          "refused",
          "allowUnsafeAdminChanges",
          /credentials belong to.*Nothing was changed.*allowUnsafeAdminChanges: true/s,
        ),
      );
      assert.equal(writes(emu), 0);
      assert.equal(snapshot(emu), before, "nothing changed in Domo");
      assert.equal(emu.store.getUser(admin.id)?.roleId, 1);
    });
  });

  describe("delete", () => {
    it("deletes the account, and treats an already-gone account as deleted", async () => {
      const { id, outs } = await created({ email: "x@example.com", name: "X", role: "Editor" });
      // A later run (a new provider process) removes it.
      const later = runtime();
      await later.delete(id, outs);
      assert.equal(emu.store.getUser(Number(id))?.deleted, true);
      await later.delete(id, outs);
    });

    it("makes no call at all under the retain policy", async () => {
      const { id, outs } = await created({
        email: "keep@example.com",
        name: "K",
        role: "Editor",
        deletionPolicy: "retain",
      });
      emu.resetCounters();
      await runtime().delete(id, outs);
      assert.equal(calls(emu), 0);
      assert.equal(emu.store.getUser(Number(id))?.deleted, undefined);
    });

    it("refuses to delete the credentials' own account or the last Admin unless overridden", async () => {
      const admin = emu.store.getUser(emu.adminUserId);
      assert.ok(admin);
      const state = { userId: admin.id, role: "Admin", managedFields: [] };
      let before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(
        provider.delete(String(admin.id), state),
        domoError("refused", "allowUnsafeAdminChanges", /credentials belong to.*Nothing was deleted/s),
      );
      assert.equal(writes(emu), 0);
      assert.equal(snapshot(emu), before, "nothing changed in Domo");
      const other = await created({ email: "second@example.com", name: "S", role: "Admin" });
      // Two Admins: the second may go. Then, with the credentials' own account made non-Admin
      // out of band, the remaining Admin is the last one.
      await emu.store.updateUser(admin.id, { roleId: 3 });
      before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(
        runtime().delete(other.id, other.outs),
        domoError(
          "refused",
          "allowUnsafeAdminChanges",
          /last Admin of the instance.*deletionPolicy: "retain"/s,
        ),
      );
      assert.equal(writes(emu), 0);
      assert.equal(snapshot(emu), before, "nothing changed in Domo");
      assert.equal(emu.store.getUser(Number(other.id))?.deleted, undefined);
      emu.setBehaviour({ deleteLastAdmin: "allow" });
      await runtime().delete(other.id, { ...other.outs, allowUnsafeAdminChanges: true });
      assert.equal(emu.store.getUser(Number(other.id))?.deleted, true);
    });

    it("refuses deletes beyond domo:maxDeletesPerRun, leaving the rest in Domo", async () => {
      const a = await created({ email: "cap1@example.com", name: "C1", role: "Editor" });
      const b = await created({ email: "cap2@example.com", name: "C2", role: "Editor" });
      const later = runtime({ maxDeletesPerRun: 1 });
      await later.delete(a.id, a.outs);
      assert.equal(emu.store.getUser(Number(a.id))?.deleted, true);
      const before = snapshot(emu);
      emu.resetCounters();
      await assert.rejects(
        later.delete(b.id, b.outs),
        domoError("refused", "domo:maxDeletesPerRun", /already deleted 1 Domo user\(s\).*\(1\) allows/s),
      );
      assert.equal(writes(emu), 0);
      assert.equal(snapshot(emu), before, "nothing changed in Domo");
      // No cap (0) and a cap not yet reached both let deletes through.
      await runtime({ maxDeletesPerRun: 0 }).delete(b.id, b.outs);
      assert.equal(emu.store.getUser(Number(b.id))?.deleted, true);
    });

    it("keeps an account another resource of the run declares, created or took over", async () => {
      const notices: string[] = [];
      const p = runtime({}, notices);
      const declared = await created({ email: "decl@example.com", name: "D", role: "Editor" });
      // A fresh run: diff of one resource claims the account, then a removed duplicate is deleted.
      const run = runtime({}, notices);
      await run.diff(declared.id, declared.outs, declared.inputs);
      // Created in this run by one resource, then a removed resource with the same id.
      const inputs = await checked({ email: "made@example.com", name: "M", role: "Editor" });
      const made = await p.create(inputs);
      // Taken over in this run.
      const existing = await emu.store.createUser({ email: "took@example.com", name: "T", role: "Editor" });
      const took = await run.create(
        await checked({ email: "took@example.com", name: "T", role: "Editor", adoptExisting: true }),
      );
      const before = snapshot(emu);
      emu.resetCounters();
      await run.delete(declared.id, declared.outs);
      await p.delete(made.id, made.outs);
      await run.delete(took.id, { ...made.outs, userId: existing.id, email: "took@example.com" });
      assert.equal(writes(emu), 0, "no account is deleted");
      assert.equal(snapshot(emu), before);
      assert.equal(notices.length, 3);
      assert.match(
        notices[0] ?? "",
        new RegExp(
          `not deleting decl@example.com \\(Domo user ${declared.id}\\): another DomoUser of this program manages`,
        ),
      );
      assert.match(notices[1] ?? "", /another DomoUser of this program created that account/);
      assert.match(
        notices[2] ?? "",
        /another DomoUser of this program took over that account.*stays in Domo/,
      );
    });

    it("treats a state without email by its id in the notice", async () => {
      const notices: string[] = [];
      const p = runtime({}, notices);
      const a = await created({ email: "noemail@example.com", name: "N", role: "Editor" });
      await p.diff(a.id, a.outs, a.inputs);
      await p.delete(a.id, { userId: Number(a.id), managedFields: [] });
      assert.match(notices[0] ?? "", new RegExp(`not deleting Domo user ${a.id}:`));
    });
  });
});
