import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { settingsFromSources } from "../../provider/client/config";
import { judgeRemovals } from "../../provider/model/deletion-guard";

import deletionGuardProvider = require("../../provider/resources/directory/deletion-guard-provider");

import { userStateSchema } from "../../provider/model";
import { planRecovery } from "../../provider/resources/recovery/plan";
import { diffUser } from "../../provider/resources/user/diff";
import { DomoUser } from "../../provider/resources/user/resource";
import { domoUserType } from "../../provider/resources/user/resource-type";
import { type PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import { emulatorSettings, useEmulator } from "../support/emulator-client";
import { refusal } from "../support/refusal";

/** Provider-level proof of each ordinary mistake (the real-CLI proof is tests/e2e/trust.test.ts). */
describe("trust: the provider never deletes, hijacks or orphans an account", () => {
  const emu = useEmulator();
  let notices: string[];

  function runtime(extra: Record<string, unknown> = {}): UserProviderRuntime {
    const settings = emulatorSettings(emu, extra);
    return new UserProviderRuntime(() => settings, { notice: (l) => notices.push(l) });
  }
  async function inputs(rt: UserProviderRuntime, news: PropertyMap): Promise<PropertyMap> {
    const result = await rt.check({}, news);
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs ?? {};
  }
  const deletes = () => emu.counters()["DELETE /v1/users/{id}"] ?? 0;

  beforeEach(() => {
    notices = [];
  });

  it("1. rename: the conflict names aliases and recover; after adopting, the old resource's delete is skipped", async () => {
    const first = runtime();
    const decl = { email: "ada@example.com", name: "Ada", role: "Editor" };
    const created = await first.create(await inputs(first, decl));

    const run = runtime(); // the next `up`: new resource name, same email
    const conflict = await refusal(run.create(await inputs(run, decl)));
    assert.equal(conflict.kind, "conflict");
    assert.match(conflict.message, /aliases.*pulumi-domo recover.*adoptExisting/s);

    const adopt = runtime();
    const adopted = await adopt.create(await inputs(adopt, { ...decl, adoptExisting: true }));
    assert.equal(adopted.id, created.id);
    emu.resetCounters();
    await adopt.delete(created.id, created.outs); // the old resource, removed from the program
    assert.equal(deletes(), 0);
    assert.equal(emu.store.getUser(Number(created.id))?.deleted, undefined);
    assert.match(notices.join("\n"), /not deleting ada@example\.com .*took over that account in this run/);
  });

  it("2. one account, two resources: a second takeover in one run is refused; a declared account is never deleted by another", async () => {
    const setup = runtime();
    const a = await setup.create(await inputs(setup, { email: "g@example.com", name: "G", role: "Editor" }));
    const run = runtime();
    await run.diff(a.id, a.outs, a.outs); // resource A is still in the program
    const e = await refusal(
      run.create(
        await inputs(run, { email: "G@Example.com ", name: "G2", role: "Editor", adoptExisting: true }),
      ),
    );
    assert.equal(e.kind, "refused");
    assert.match(e.message, /another DomoUser of this program already manages it/);
    // Two resources in an old state both hold the id: removing one must not delete A's account.
    emu.resetCounters();
    await run.delete(a.id, a.outs);
    assert.equal(deletes(), 0);
    assert.equal(emu.store.getUser(Number(a.id))?.deleted, undefined);
  });

  it("2b. the program refuses a second DomoUser with the same email before registering it", async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call: () => ({}),
      },
      "trust",
      "dup",
    );
    new DomoUser("grace", { email: "grace@example.com", name: "Grace", role: "Editor" });
    assert.throws(
      () => new DomoUser("grace-again", { email: " GRACE@example.com", name: "Grace", role: "Editor" }),
      /DomoUser "grace-again" declares email grace@example\.com, which DomoUser "grace" already declares/,
    );
  });

  it("3. takeover by id refuses an account whose email differs, unless allowEmailChange", async () => {
    const mary = await emu.store.createUser({ email: "mary@example.com", name: "Mary", role: "Editor" });
    const rt = runtime();
    emu.resetCounters();
    const decl = { email: "kath@example.com", name: "Kath", role: "Editor", importId: String(mary.id) };
    const e = await refusal(rt.create(await inputs(rt, decl)));
    assert.equal(e.kind, "refused");
    assert.equal(e.field, "importId");
    assert.match(e.message, /account of mary@example\.com, not kath@example\.com/);
    assert.equal(emu.store.getUser(mary.id)?.email, "mary@example.com");
    const allowed = runtime();
    await allowed.create(await inputs(allowed, { ...decl, allowEmailChange: true }));
    assert.equal(emu.store.getUser(mary.id)?.email, "kath@example.com");
    // Case and spaces are not a different person.
    const same = runtime();
    const other = await emu.store.createUser({ email: "lee@example.com", name: "Lee", role: "Editor" });
    await same.create(
      await inputs(same, { email: " LEE@example.com", name: "Lee", role: "Editor", importId: other.id }),
    );
  });

  it("4. the directory's deletion guard refuses mass deletions at check, naming the setting", async () => {
    const accounts = ["a@x.com", "b@x.com", "c@x.com"];
    const emptied = await deletionGuardProvider.check({ accounts }, { accounts: [], directory: "people" });
    assert.equal(emptied.failures?.[0]?.property, "allowMassDeletion");
    assert.match(emptied.failures?.[0]?.reason ?? "", /people would delete 3 of its 3 Domo accounts/);
    const one = await deletionGuardProvider.check({ accounts }, { accounts: accounts.slice(1) });
    assert.equal(one.failures, undefined);
    const allowed = await deletionGuardProvider.check(
      { accounts },
      { accounts: [], allowMassDeletion: true },
    );
    assert.equal(allowed.failures, undefined);
    // The default rule: all of two or more, or more than 5 and more than 10%.
    const many = Array.from({ length: 100 }, (_, i) => `u${i}@x.com`);
    assert.equal(judgeRemovals(many, many.slice(5), { allowMassDeletion: false }).refused, false);
    assert.equal(judgeRemovals(many, many.slice(11), { allowMassDeletion: false }).refused, true);
    assert.equal(judgeRemovals(["only@x.com"], [], { allowMassDeletion: false }).refused, false);
    assert.equal(
      judgeRemovals(many, many.slice(2), { allowMassDeletion: false, maxDeletes: 1 }).refused,
      true,
    );
  });

  it("4b. domo:maxDeletesPerRun refuses deletes past the cap, naming it", async () => {
    const setup = runtime();
    const made = [];
    for (const n of ["p", "q", "r"])
      made.push(
        await setup.create(await inputs(setup, { email: `${n}@example.com`, name: n, role: "Editor" })),
      );
    const run = runtime({ maxDeletesPerRun: 2 });
    await run.delete(made[0]?.id ?? "", made[0]?.outs ?? {});
    await run.delete(made[1]?.id ?? "", made[1]?.outs ?? {});
    const e = await refusal(run.delete(made[2]?.id ?? "", made[2]?.outs ?? {}));
    assert.equal(e.kind, "refused");
    assert.equal(e.field, "domo:maxDeletesPerRun");
    assert.equal(emu.store.getUser(Number(made[2]?.id))?.deleted, undefined);
  });

  it("5. recovery records accounts a killed run created and drops pending creates that never reached Domo", async () => {
    const live = await emu.store.createUser({ email: "made@example.com", name: "Made", role: "Editor" });
    const provider = "urn:pulumi:dev::p::pulumi:providers:pulumi-nodejs::default::abc";
    const stack = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
    const pending = (name: string, email: string) => ({
      type: "creating",
      resource: {
        urn: `urn:pulumi:dev::p::${domoUserType}::${name}`,
        custom: true,
        type: domoUserType,
        parent: stack,
        provider,
        inputs: { __provider: "text", email, name: "Made", role: "Editor", deletionPolicy: "delete" },
      },
    });
    const exported = {
      version: 3,
      deployment: {
        resources: [
          { urn: stack, type: "pulumi:pulumi:Stack" },
          {
            urn: "urn:pulumi:dev::p::pulumi:providers:pulumi-nodejs::default",
            id: "abc",
            type: "pulumi:providers:pulumi-nodejs",
          },
        ],
        pending_operations: [pending("made", "MADE@example.com"), pending("never", "never@example.com")],
      },
    };
    const users = await runtime().client.users.listAll();
    const plan = planRecovery(exported, { users }, new Date("2026-12-01T00:00:00Z"));
    assert.deepEqual(
      plan.actions.map((a) => a.kind),
      ["recorded", "dropped"],
    );
    const recorded = plan.deployment.deployment.resources?.at(-1);
    assert.equal(recorded?.id, String(live.id));
    assert.equal(recorded?.outputs?.userId, live.id);
    assert.equal(recorded?.outputs?.__provider, "text");
    assert.deepEqual(plan.deployment.deployment.pending_operations, []);
    // The recorded state diffs clean against its own inputs, as a finished create's would.
    const d = diffUser(userStateSchema.parse(recorded?.outputs), recorded?.inputs ?? {});
    assert.deepEqual(d, { changed: [], cleared: [], settings: [] });
  });

  it("6. messages can be followed: removed-resource guard steps, required name, escaped control characters, bad importId", async () => {
    const rt = runtime();
    const state = { userId: emu.adminUserId, role: "Admin", managedFields: [] };
    const e = await refusal(rt.delete(String(emu.adminUserId), state));
    assert.equal(e.kind, "refused");
    assert.match(
      e.message,
      /put the DomoUser back with deletionPolicy: "retain", run `pulumi up`, then remove it/,
    );
    const checked = await rt.check(
      {},
      { email: "b@example.com", name: " ", role: "ad\u0007min", importId: "12ab" },
    );
    const reasons = (checked.failures ?? []).map((f) => `${f.property}|${f.reason}`);
    assert.ok(
      reasons.some((r) => r.startsWith("name|name is required and must not be empty")),
      reasons.join("\n"),
    );
    // The engine echoes a failing property's raw value: for this one the property is named in the reason only.
    assert.ok(
      reasons.some((r) => r.startsWith('|role: role "ad\\u0007min" is not a Domo system role')),
      reasons.join("\n"),
    );
    assert.ok(
      reasons.some((r) => r.startsWith('importId|importId "12ab" is not a Domo user id')),
      reasons.join("\n"),
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    assert.doesNotMatch(reasons.join("\n"), /[\u0007]/);
  });

  it("7. environment-only credentials: the provider needs nothing from stack config", () => {
    const settings = settingsFromSources(() => undefined, {
      DOMO_API_HOST: emu.url,
      DOMO_CLIENT_ID: "id",
      DOMO_CLIENT_SECRET: "s3cret",
      DOMO_MAX_DELETES_PER_RUN: "3",
    });
    assert.equal(settings.clientSecret, "s3cret");
    assert.equal(settings.maxDeletesPerRun, 3);
    // Stack config wins when both are given.
    const both = settingsFromSources((k) => (k === "domo:clientSecret" ? "from-config" : undefined), {
      DOMO_CLIENT_ID: "id",
      DOMO_CLIENT_SECRET: "from-env",
    });
    assert.equal(both.clientSecret, "from-config");
  });
});
