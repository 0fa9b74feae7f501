import assert from "node:assert/strict";
import { DomoError } from "../../provider/client";
import { type EmulatorOptionsInput, type RunningEmulator, startEmulator } from "../../provider/emulator";
import { type PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import { emulatorSettings } from "../support/emulator-client";

/**
 * The DomoUser provider against every alternative the emulator offers for what Domo leaves
 * undocumented (provider/emulator/options.ts): whichever Domo answers, a user sees the same
 * outcome. Each case asserts what a person would notice: the error they read, the id in the
 * state, the values Domo holds afterwards.
 */
describe("DomoUser provider under each emulator behaviour", () => {
  let emu: RunningEmulator | undefined;

  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  async function setup(behaviour: EmulatorOptionsInput["behaviour"]) {
    const e = await startEmulator({ behaviour });
    emu = e;
    const runtime = () => new UserProviderRuntime(() => emulatorSettings(e));
    const provider = runtime();
    const checked = async (news: PropertyMap) => {
      const result = await provider.check({}, news);
      assert.deepEqual(result.failures ?? [], [], "check failed");
      return result.inputs ?? {};
    };
    const live = (email: string) =>
      e.store.listUsers().filter((u) => !u.deleted && u.email?.toLowerCase() === email.toLowerCase());
    return { emu: e, provider, runtime, checked, live };
  }

  for (const status of [400, 409] as const) {
    describe(`duplicate email answered ${status}`, () => {
      it("create without adoptExisting fails with a conflict naming the existing id, creating nothing", async () => {
        const { emu, provider, checked, live } = await setup({ duplicateEmailStatus: status });
        const existing = await emu.store.createUser({
          email: "dup@example.com",
          name: "Dup",
          role: "Editor",
        });
        const inputs = await checked({ email: "Dup@example.com", name: "Dup Again", role: "Participant" });
        await assert.rejects(provider.create(inputs), (e: unknown) => {
          assert.ok(e instanceof DomoError, String(e));
          assert.equal(e.kind, "conflict");
          assert.equal(e.field, "email");
          assert.match(e.message, new RegExp(`already exists \\(id ${existing.id}\\)`));
          assert.match(e.message, /adoptExisting: true/);
          return true;
        });
        assert.equal(emu.counters()["POST /v1/users"], 1, "the POST was tried once, not retried");
        assert.deepEqual(
          live("dup@example.com").map((u) => [u.id, u.name, u.roleId]),
          [[existing.id, "Dup", 3]],
          "the existing account is untouched and no second one exists",
        );
      });

      it("adoptExisting takes the account over and converges it, without a POST", async () => {
        const { emu, provider, checked, live } = await setup({ duplicateEmailStatus: status });
        const existing = await emu.store.createUser({
          email: "take@example.com",
          name: "Old Name",
          role: "Participant",
          department: "Kept",
        });
        const inputs = await checked({
          email: "TAKE@example.com",
          name: "New Name",
          role: "Editor",
          adoptExisting: true,
        });
        const { id, outs } = await provider.create(inputs);
        assert.equal(id, String(existing.id));
        assert.equal(outs.userId, existing.id);
        assert.equal(outs.name, "New Name");
        assert.equal(emu.counters()["POST /v1/users"] ?? 0, 0);
        const [user, ...others] = live("take@example.com");
        assert.equal(others.length, 0);
        assert.equal(user?.name, "New Name");
        assert.equal(user?.roleId, 3);
        assert.equal(user?.department, "Kept", "an undeclared field survives the takeover");
        assert.equal((await provider.diff(id, outs, inputs)).changes, false);
      });
    });
  }

  for (const status of [200, 201] as const) {
    it(`create answered ${status}: one account, its id in the state, a clean diff after`, async () => {
      const { emu, provider, checked, live } = await setup({ createStatus: status });
      const inputs = await checked({
        email: "new@example.com",
        name: "New",
        role: "Editor",
        title: "Eng",
        timezone: "Europe/Paris",
      });
      const { id, outs } = await provider.create(inputs);
      const users = live("new@example.com");
      assert.equal(users.length, 1);
      assert.equal(id, String(users[0]?.id));
      assert.equal(outs.userId, users[0]?.id);
      assert.equal(outs.title, "Eng");
      assert.equal(outs.timezone, "Europe/Paris");
      assert.equal(users[0]?.timezone, "Europe/Paris");
      assert.equal(emu.counters()["POST /v1/users"], 1);
      assert.equal((await provider.diff(id, outs, inputs)).changes, false);
    });
  }

  for (const status of [200, 204] as const) {
    describe(`PUT answered ${status}`, () => {
      it("update shows the new values in the state (read back after a 204)", async () => {
        const { emu, provider, checked } = await setup({ putStatus: status });
        const inputs = await checked({ email: "u@example.com", name: "U", role: "Editor", title: "Old" });
        const { id, outs } = await provider.create(inputs);
        const news = await checked({ ...inputs, name: "U Renamed", title: "New", phone: "+1 555 0100" });
        const result = await provider.update(id, outs, news);
        assert.equal(result.outs.name, "U Renamed");
        assert.equal(result.outs.title, "New");
        assert.equal(result.outs.phone, "+1 555 0100");
        assert.equal(result.outs.userId, Number(id));
        const stored = emu.store.getUser(Number(id));
        assert.equal(stored?.name, "U Renamed");
        assert.equal(stored?.title, "New");
        assert.equal((await provider.diff(id, result.outs, news)).changes, false);
      });

      it("adoptExisting converges the account and records what Domo now holds", async () => {
        const { emu, provider, checked } = await setup({ putStatus: status });
        const existing = await emu.store.createUser({
          email: "adopt@example.com",
          name: "Before",
          role: "Social",
        });
        const inputs = await checked({
          email: "adopt@example.com",
          name: "After",
          role: "Editor",
          title: "Lead",
          adoptExisting: true,
        });
        const { id, outs } = await provider.create(inputs);
        assert.equal(id, String(existing.id));
        assert.equal(outs.name, "After");
        assert.equal(outs.title, "Lead");
        assert.equal(outs.role, "Editor");
        assert.equal(emu.store.getUser(existing.id)?.title, "Lead");
      });
    });
  }

  for (const mode of ["merge", "strict", "replace"] as const) {
    describe(`PUT mode ${mode}`, () => {
      it("updates converge, a removed field is cleared, and undeclared fields survive", async () => {
        const { emu, provider, checked } = await setup({ putMode: mode });
        const inputs = await checked({
          email: "m@example.com",
          name: "M",
          role: "Editor",
          title: "T",
          phone: "123",
        });
        const { id, outs } = await provider.create(inputs);
        await emu.store.updateUser(Number(id), { department: "Set by hand", location: "HQ" });
        const news = await checked({ ...inputs, name: "M2", title: "T2", phone: undefined });
        const result = await provider.update(id, outs, news);
        const stored = emu.store.getUser(Number(id));
        assert.equal(stored?.name, "M2");
        assert.equal(stored?.title, "T2");
        assert.ok(!stored?.phone, "the field removed from the declaration is cleared");
        assert.equal(stored?.email, "m@example.com");
        assert.equal(stored?.roleId, 3);
        assert.equal(stored?.location, "HQ", "an undeclared write field is sent back, so it survives");
        if (mode !== "replace") assert.equal(stored?.department, "Set by hand");
        assert.equal(result.outs.phone, undefined);
        assert.equal((await provider.diff(id, result.outs, news)).changes, false);
      });

      // The client's PUT carries back every field the GET answered, so even a replace-mode Domo
      // keeps a field the model does not declare.
      it("a hand-set department survives an update", async () => {
        const { emu, provider, checked } = await setup({ putMode: mode });
        const inputs = await checked({ email: "dep@example.com", name: "Dep", role: "Editor" });
        const { id, outs } = await provider.create(inputs);
        await emu.store.updateUser(Number(id), { department: "Ops" });
        await provider.update(id, outs, await checked({ ...inputs, name: "Dep 2" }));
        assert.equal(emu.store.getUser(Number(id))?.department, "Ops");
      });

      it("a role change by id and back by name both converge", async () => {
        const { emu, provider, checked } = await setup({ putMode: mode });
        const inputs = await checked({ email: "r@example.com", name: "R", role: "Editor", title: "Keep" });
        const { id, outs } = await provider.create(inputs);
        const byId = await checked({ ...inputs, role: undefined, roleId: 6 });
        const first = await provider.update(id, outs, byId);
        assert.equal(emu.store.getUser(Number(id))?.roleId, 6);
        assert.equal(first.outs.roleId, 6);
        const byName = await checked(inputs);
        const second = await provider.update(id, first.outs, byName);
        const stored = emu.store.getUser(Number(id));
        assert.equal(stored?.roleId, 3);
        assert.equal(stored?.title, "Keep");
        assert.equal(second.outs.role, "Editor");
        assert.equal((await provider.diff(id, second.outs, byName)).changes, false);
      });
    });
  }

  for (const lowercase of [true, false]) {
    describe(`emails stored ${lowercase ? "lowercased" : "as given"}`, () => {
      it("a differently cased declaration finds the account (adopt, import, conflict) and diffs clean", async () => {
        const { emu, provider, runtime, checked } = await setup({ storeEmailLowercase: lowercase });
        // Created through the API as a person would, in mixed case.
        const token = await (
          await fetch(`${emu.url}/oauth/token?grant_type=client_credentials&scope=user`, {
            headers: {
              authorization: `Basic ${Buffer.from(`${emu.credentials.clientId}:${emu.credentials.clientSecret}`).toString("base64")}`,
            },
          })
        ).json();
        const posted = await fetch(`${emu.url}/v1/users`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${(token as { access_token: string }).access_token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ email: "Mixed.Case@Example.COM", name: "Mixed", role: "Editor" }),
        });
        assert.ok(posted.ok, `POST answered ${posted.status}`);
        const existing = (await posted.json()) as { id: number; email: string };
        assert.equal(existing.email, lowercase ? "mixed.case@example.com" : "Mixed.Case@Example.COM");

        // Without adoptExisting: a conflict naming the account.
        const plain = await checked({ email: "mixed.case@example.com", name: "Mixed", role: "Editor" });
        await assert.rejects(runtime().create(plain), (e: unknown) => {
          assert.ok(e instanceof DomoError);
          assert.equal(e.kind, "conflict");
          assert.match(e.message, new RegExp(`id ${existing.id}`));
          return true;
        });

        // adoptExisting: found case-insensitively, nothing written, no email drift.
        emu.resetCounters();
        const adopt = await checked({ ...plain, adoptExisting: true });
        const adopted = await provider.create(adopt);
        assert.equal(adopted.id, String(existing.id));
        assert.equal(emu.counters()["PUT /v1/users/{id}"] ?? 0, 0, "a case difference is no change");
        assert.equal((await provider.diff(adopted.id, adopted.outs, adopt)).changes, false);
        const read = await runtime().read(adopted.id, adopted.outs);
        assert.equal((await provider.diff(adopted.id, read.props ?? {}, adopt)).changes, false);

        // importId with a differently cased email passes the identity check.
        const imported = await runtime().create(
          await checked({ ...plain, email: "MIXED.case@example.com", importId: String(existing.id) }),
        );
        assert.equal(imported.id, String(existing.id));
        assert.equal(emu.store.listUsers().filter((u) => !u.deleted).length, 2, "admin + the one account");
      });
    });
  }
});
