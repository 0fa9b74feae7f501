import assert from "node:assert/strict";
import { DomoError } from "../../provider/client";
import { parseClientSettings } from "../../provider/client/config";
import { domoUserSchema } from "../../provider/client/schemas";
import { unknownValue } from "../../provider/model/inputs";
import {
  createUserProviderRuntime,
  PartialCreateError,
  type PropertyMap,
  UserProviderRuntime,
} from "../../provider/resources/user/runtime";
import { stateFrom } from "../../provider/resources/user/state-build";
import { emulatorSettings, useEmulator } from "../support/emulator-client";

/**
 * What the DomoUser provider tells a person and records, detail by detail: the words of its
 * errors and notices, the calls it does not make, and the state it builds from Domo's answers.
 * (Written where mutation testing showed a change to the provider that no test noticed.)
 */
describe("DomoUser provider details", () => {
  describe("stateFrom (state built from Domo's answer)", () => {
    const live = (wire: Record<string, unknown>) => domoUserSchema.parse({ id: 1000000001, ...wire });
    const settings = {
      sendInvite: false,
      adoptExisting: false,
      deletionPolicy: "delete",
      allowUnsafeAdminChanges: false,
    } as const;

    it("sorts managed fields, lowercases only the email, and drops empty fields", () => {
      const state = stateFrom(
        live({ email: "Ada.L@Example.COM", name: "Ada L", role: "Editor", title: "", phone: "+1 5" }),
        settings,
        ["title", "email", "name"],
      );
      assert.deepEqual(state.managedFields, ["email", "name", "title"]);
      assert.equal(state.email, "ada.l@example.com");
      assert.equal(state.name, "Ada L", "only the email is lowercased");
      assert.equal(state.role, "Editor");
      assert.equal(state.phone, "+1 5");
      assert.ok(!Object.hasOwn(state, "title"), "an empty field is not recorded");
    });

    it("fills fields Domo did not echo from what was written, Domo's value winning", () => {
      const state = stateFrom(live({ email: "a@example.com", name: "Live" }), settings, [], {
        name: "Written",
        timezone: "Europe/Paris",
      });
      assert.equal(state.name, "Live");
      assert.equal(state.timezone, "Europe/Paris");
    });

    it("keeps group names (ids when unnamed) and the read-only fields Domo reports", () => {
      const state = stateFrom(
        live({
          email: "g@example.com",
          groups: [{ id: 1, name: "Default" }, { id: 7 }],
          image: "https://x/avatar",
          createdAt: "2024-01-01T00:00:00Z",
          updatedAt: "2024-01-02T00:00:00Z",
        }),
        settings,
        [],
      );
      assert.deepEqual(state.groups, ["Default", "7"]);
      assert.equal(state.image, "https://x/avatar");
      assert.equal(state.createdAt, "2024-01-01T00:00:00Z");
      assert.equal(state.updatedAt, "2024-01-02T00:00:00Z");
      const bare = stateFrom(live({ email: "b@example.com" }), settings, []);
      for (const key of ["groups", "image", "createdAt", "updatedAt"]) {
        assert.ok(!Object.hasOwn(bare, key), `${key} absent when Domo reports none`);
      }
    });
  });

  describe("against the emulator", () => {
    const emu = useEmulator();
    let notices: string[];
    let provider: UserProviderRuntime;

    function runtime(extra: Record<string, unknown> = {}): UserProviderRuntime {
      const settings = emulatorSettings(emu, extra);
      return new UserProviderRuntime(() => settings, { notice: (line) => notices.push(line) });
    }
    async function checked(news: PropertyMap): Promise<PropertyMap> {
      const result = await provider.check({}, news);
      assert.deepEqual(result.failures ?? [], [], "check failed");
      return result.inputs ?? {};
    }
    const isDomo = (kind: string, message: RegExp) => (e: unknown) => {
      assert.ok(e instanceof DomoError, `expected a DomoError, got ${String(e)}`);
      assert.equal(e.kind, kind, e.message);
      assert.match(e.message, message);
      return true;
    };

    beforeEach(() => {
      notices = [];
      provider = runtime();
    });

    it("check passes the engine's __provider through, and adds none when absent", async () => {
      const decl = { email: "a@example.com", name: "A", role: "Editor" };
      assert.equal((await provider.check({}, { ...decl, __provider: "code" })).inputs?.__provider, "code");
      assert.ok(!Object.hasOwn((await provider.check({}, decl)).inputs ?? {}, "__provider"));
    });

    it("check takes a roleId from another resource's output (unknown at preview) like any other field", async () => {
      // One placeholder rule for every kind: an unknown roleId satisfies "a role" as an unknown
      // role does, and is put back for apply.
      const byId = await provider.check({}, { email: "a@example.com", name: "A", roleId: unknownValue });
      assert.deepEqual(byId.failures ?? [], []);
      assert.equal(byId.inputs?.roleId, unknownValue);
      const both = await provider.check(
        {},
        { email: "a@example.com", name: "A", role: unknownValue, roleId: unknownValue },
      );
      assert.deepEqual(both.failures ?? [], []);
      const clash = await provider.check(
        {},
        { email: "a@example.com", name: "A", role: "Editor", roleId: unknownValue },
      );
      assert.match(clash.failures?.[0]?.reason ?? "", /set either role .* or roleId/);
      assert.equal(emu.counters()["GET /v1/users"] ?? 0, 0, "check calls nothing");
    });

    it("diff never asks for a replacement", async () => {
      const inputs = await checked({ email: "d@example.com", name: "D", role: "Editor" });
      const { id, outs } = await provider.create(inputs);
      assert.deepEqual(await provider.diff(id, outs, { ...inputs, name: "E" }), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });

    it("a duplicate met on create names the account even when the listing was taken before it appeared", async () => {
      // The runtime's listing is taken first (a read), then the account appears out of band.
      await provider.read(String(emu.adminUserId), { userId: emu.adminUserId, managedFields: [] });
      const existing = await emu.store.createUser({ email: "late@example.com", name: "L", role: "Editor" });
      await assert.rejects(
        provider.create(await checked({ email: "late@example.com", name: "L", role: "Editor" })),
        isDomo(
          "conflict",
          new RegExp(
            `email late@example.com already exists \\(id ${existing.id}\\), so it was not created again\\. ` +
              "If you renamed this resource, keep managing the account under the new name with the aliases resource option.*" +
              "If an interrupted `pulumi up` created it, run `npx pulumi-domo recover --stack <stack>`.*" +
              `in a users file, add \`id: ${existing.id}\` to its entry; ` +
              `in a program, set adoptExisting: true \\(or importId: "${existing.id}"\\) on the DomoUser$`,
            "s",
          ),
        ),
      );
    });

    it("a create Domo rejects for another reason keeps Domo's error", async () => {
      await assert.rejects(
        provider.create(await checked({ email: "r@example.com", name: "R", role: undefined, roleId: 99 })),
        (e: unknown) => e instanceof DomoError && e.kind === "rejected",
      );
      assert.equal(emu.store.listUsers().filter((u) => u.email === "r@example.com").length, 0);
    });

    it("a partial failure says which account exists and why converging it failed", async () => {
      const existing = await emu.store.createUser({ email: "p@example.com", name: "Old", role: "Editor" });
      emu.faults.add({ route: "PUT /v1/users/{id}", kind: "status", status: 500 });
      const p = runtime({ maxRetries: 0 });
      await assert.rejects(
        p.create(await checked({ email: "p@example.com", name: "New", role: "Editor", adoptExisting: true })),
        (e: unknown) => {
          assert.ok(e instanceof PartialCreateError);
          assert.equal(e.name, "PartialCreateError");
          assert.match(
            e.message,
            new RegExp(`^Domo user ${existing.id} exists, but converging it to the declaration failed: .+`),
          );
          assert.ok(!Object.hasOwn(e.properties, "__provider"), "no __provider when the inputs had none");
          return true;
        },
      );
    });

    it("a settings-only update records the sorted managed fields without calling Domo", async () => {
      const inputs = await checked({
        email: "s@example.com",
        name: "S",
        role: "Editor",
        title: "T",
        phone: "555 0100",
      });
      const { id, outs } = await provider.create(inputs);
      emu.resetCounters();
      const result = await provider.update(id, outs, await checked({ ...inputs, deletionPolicy: "retain" }));
      assert.deepEqual(result.outs.managedFields, ["email", "name", "phone", "role", "title"]);
      assert.deepEqual(emu.counters(), {});
    });

    it("ordinary updates, promotions and an Admin keeping Admin skip the admin guard", async () => {
      const inputs = await checked({ email: "o@example.com", name: "O", role: "Editor" });
      const { id, outs } = await provider.create(inputs);
      emu.resetCounters();
      const promoted = await provider.update(id, outs, await checked({ ...inputs, role: "Admin" }));
      assert.equal(emu.store.getUser(Number(id))?.roleId, 1);
      // The credentials' own account is an Admin: changing its title needs no override.
      const admin = emu.store.getUser(emu.adminUserId);
      assert.ok(admin);
      const declared = await checked({ email: admin.email, name: admin.name, role: "Admin" });
      const state = (await provider.read(String(admin.id), declared)).props ?? {};
      emu.resetCounters();
      await provider.update(String(admin.id), state, { ...declared, title: "Boss" });
      await provider.update(
        id,
        promoted.outs,
        await checked({ ...inputs, role: "Admin", title: "Now Admin" }),
      );
      assert.equal(emu.store.getUser(admin.id)?.title, "Boss");
      assert.equal(emu.store.getUser(Number(id))?.title, "Now Admin");
      assert.equal(emu.counters()["GET /v1/users"] ?? 0, 0, "no Admin listing taken");
    });

    it("the first claim on an account decides the notice", async () => {
      const inputs = await checked({ email: "c@example.com", name: "C", role: "Editor" });
      const { id, outs } = await provider.create(inputs);
      await provider.diff(id, outs, inputs);
      await provider.update(id, outs, await checked({ ...inputs, name: "C2" }));
      await provider.delete(id, outs);
      assert.equal(notices.length, 1);
      assert.match(notices[0] ?? "", /another DomoUser of this program created that account/);
      assert.equal(emu.store.getUser(Number(id))?.deleted, undefined);
    });

    it("without a notice callback, notices go to stderr", async () => {
      const settings = parseClientSettings({
        apiHost: emu.url,
        clientId: emu.credentials.clientId,
        clientSecret: emu.credentials.clientSecret,
      });
      const p = new UserProviderRuntime(() => settings);
      const a = await p.create(await checked({ email: "e@example.com", name: "E", role: "Editor" }));
      const written: string[] = [];
      const original = process.stderr.write;
      process.stderr.write = ((chunk: string) => {
        written.push(String(chunk));
        return true;
      }) as typeof process.stderr.write;
      try {
        await p.delete(a.id, a.outs);
      } finally {
        process.stderr.write = original;
      }
      assert.equal(written.length, 1);
      assert.match(written[0] ?? "", /^pulumi-domo: not deleting e@example.com .*stays in Domo\.\n$/);
    });

    it("refusals carry the words that say what to do", async () => {
      const a = await provider.create(await checked({ email: "x1@example.com", name: "X", role: "Editor" }));
      const b = await provider.create(await checked({ email: "x2@example.com", name: "X", role: "Editor" }));
      const later = runtime({ maxDeletesPerRun: 1 });
      await later.delete(a.id, a.outs);
      await assert.rejects(
        later.delete(b.id, b.outs),
        isDomo(
          "refused",
          /If these deletes are intended, raise it \(`pulumi config set domo:maxDeletesPerRun <n>`, 0 for no cap\) and run again; otherwise restore the removed declarations/,
        ),
      );
      const admin = emu.store.getUser(emu.adminUserId);
      await assert.rejects(
        runtime().delete(String(emu.adminUserId), {
          userId: emu.adminUserId,
          managedFields: [],
          email: admin?.email,
        }),
        isDomo(
          "refused",
          /^Refusing to delete Domo user \d+: it is the account these API credentials belong to\. Nothing was deleted\./,
        ),
      );
      await assert.rejects(
        provider.create({ email: unknownValue, name: "U", role: "Editor", title: unknownValue }),
        isDomo("invalid_input", /values still unknown at apply: email, title$/),
      );
      await assert.rejects(
        provider.create({ email: "bad", name: "U", role: "admin" }),
        isDomo("invalid_input", /^email: .+; role: .+/),
      );
      await assert.rejects(
        provider.update(a.id, { userId: 1, managedFields: "x" }, {}),
        isDomo("invalid_state", /expected shape \(managedFields\)/),
      );
      await assert.rejects(provider.read("x12", a.outs), isDomo("invalid_state", /not a Domo user id/));
      await assert.rejects(provider.read("12x", a.outs), isDomo("invalid_state", /not a Domo user id/));
      await assert.rejects(
        runtime().create(
          await checked({
            email: "someone@example.com",
            name: "S",
            role: "Editor",
            importId: String(emu.adminUserId),
          }),
        ),
        isDomo(
          "refused",
          /it is the account of admin@example.com, not someone@example.com, and taking it over/,
        ),
      );
    });

    it("an import whose declaration does not validate still reads, managing no field", async () => {
      const read = await provider.read(String(emu.adminUserId), { email: "not-an-email" });
      assert.equal(read.id, String(emu.adminUserId));
      assert.deepEqual(read.props?.managedFields, []);
    });

    it("createUserProviderRuntime reads settings from stack config once, lazily", async () => {
      const asked: string[] = [];
      const config: Record<string, string> = {
        "domo:apiHost": emu.url,
        "domo:clientId": emu.credentials.clientId,
        "domo:clientSecret": emu.credentials.clientSecret,
      };
      const p = createUserProviderRuntime((key) => {
        asked.push(key);
        return config[key];
      });
      assert.equal(asked.length, 0, "nothing read before first use");
      const inputs = await checked({ email: "cfg@example.com", name: "C", role: "Editor" });
      const { id } = await p.create(inputs);
      const first = asked.length;
      assert.ok(first > 0);
      await p.read(id, { userId: Number(id), managedFields: [] });
      await p.delete(String(emu.adminUserId), {
        userId: emu.adminUserId,
        managedFields: [],
        deletionPolicy: "retain",
      });
      assert.equal(asked.length, first, "settings are read once");
      assert.equal(emu.store.getUser(Number(id))?.email, "cfg@example.com");
    });
  });
});
