import assert from "node:assert/strict";
import { type CliIo, runCli } from "../../provider/cli";
import { describeMigration } from "../../provider/cli/migrate";
import {
  defaultProviderName,
  MigrationRefused,
  nativeUrn,
  parseUrn,
  planNativeMigration,
} from "../../provider/cli/migrate-plan";
import {
  type ExportedStack,
  type ResourceState,
  referencedUrns,
  providerUrn as refUrn,
} from "../../provider/resources/recovery/deployment";
import {
  deploymentOf,
  directoryUrn,
  pendingOf,
  providerRef,
  providerUrn,
  resourceOf,
  stackUrn,
  urnOf,
} from "../support/deployment";

const dyn = (kind: string) => `pulumi-nodejs:dynamic/domo:${kind}`;
const nativeProviderUrn = "urn:pulumi:dev::p::pulumi:providers:domo::default_0_1_0";
const secret = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "v1:abc",
};
const options = { version: "0.1.0", newProviderId: () => "11111111-2222-3333-4444-555555555555" };

/** A deployment like `pulumi stack export` prints after an up of the dynamic resources. */
function deployed(extra: ResourceState[] = []): ExportedStack {
  const exported = deploymentOf(
    [],
    [
      resourceOf(
        dyn("User"),
        "ada",
        { email: "ada@example.com" },
        {
          id: "1001",
          outputs: { __provider: "serialized", email: "ada@example.com", userId: 1001 },
          propertyDependencies: { __provider: [], email: [] },
        },
      ),
      resourceOf(dyn("Group"), "eng", { name: "Eng" }, { id: "7", outputs: { __provider: "x", groupId: 7 } }),
      resourceOf(
        dyn("GroupMembers"),
        "eng-members",
        { groupId: 7, userIds: [1001] },
        {
          id: "7",
          outputs: { __provider: "x", groupId: 7, memberIds: [1001] },
          dependencies: [urnOf(dyn("Group"), "eng"), urnOf(dyn("User"), "ada")],
          propertyDependencies: {
            __provider: [],
            groupId: [urnOf(dyn("Group"), "eng")],
            userIds: [urnOf(dyn("User"), "ada")],
          },
        },
      ),
      resourceOf(dyn("User"), "bo", { email: "bo@example.com" }, { id: "1002", under: "directory" }),
      resourceOf(dyn("UserBatch"), "batch-1", { users: {} }, { id: "b1", under: "directory" }),
      resourceOf(
        dyn("DirectoryDeletionGuard"),
        "people-guard",
        { file: "users.yaml" },
        { id: "g", under: "directory" },
      ),
      ...extra,
    ],
  );
  const provider = exported.deployment.resources?.[1] as ResourceState;
  provider.inputs = {
    "domo:apiHost": "http://127.0.0.1:1",
    "domo:clientId": "id",
    "domo:clientSecret": secret,
    "aws:region": "us-east-1",
  };
  provider.outputs = structuredClone(provider.inputs);
  return exported;
}

const byUrn = (e: ExportedStack, urn: string) => e.deployment.resources?.find((r) => r.urn === urn);
const all = (e: ExportedStack) => e.deployment.resources ?? [];

describe("migrate plan: dynamic resources to the native domo provider (pure rewrite)", () => {
  it("names the default provider as the engine does (DefaultName)", () => {
    assert.equal(defaultProviderName("0.1.0"), "default_0_1_0");
    assert.equal(defaultProviderName("12.0.3"), "default_12_0_3");
    assert.equal(defaultProviderName("1.2.3-beta.1"), "default_1_2_3_beta_1");
    assert.equal(defaultProviderName("1.2.3-alpha.01x+build.5"), "default_1_2_3_alpha_01x_build_5");
    assert.throws(() => defaultProviderName("next"), MigrationRefused);
  });

  it("renames the type segment of a URN, also inside a parent-type chain, and leaves others alone", () => {
    assert.equal(nativeUrn(urnOf(dyn("User"), "a")), "urn:pulumi:dev::p::domo:index:User::a");
    assert.equal(
      nativeUrn(urnOf(dyn("UserBatch"), "b", "directory")),
      "urn:pulumi:dev::p::domo:index:UserDirectory$domo:index:UserBatch::b",
    );
    assert.equal(
      nativeUrn(`urn:pulumi:dev::p::${dyn("Group")}$acme:x:Y$${dyn("GroupMembers")}::m::with::colons`),
      "urn:pulumi:dev::p::domo:index:Group$acme:x:Y$domo:index:GroupMembers::m::with::colons",
    );
    for (const urn of [
      stackUrn,
      providerUrn,
      directoryUrn,
      "urn:pulumi:dev::p::pulumi-nodejs:dynamic/other:User::a",
      "not a urn",
    ])
      assert.equal(nativeUrn(urn), urn);
    assert.deepEqual(parseUrn("urn:pulumi:s::p::t::a::b"), {
      stack: "s",
      project: "p",
      type: "t",
      name: "a::b",
    });
  });

  it("moves every kind: native type and URN, no __provider, the native default provider, ids and other fields as they were", () => {
    const exported = deployed();
    const before = structuredClone(exported);
    const plan = planNativeMigration(exported, options);
    assert.deepEqual(exported, before, "the input is not changed");
    assert.deepEqual(plan.counts, {
      User: 2,
      Group: 1,
      GroupMembers: 1,
      UserBatch: 1,
      DirectoryDeletionGuard: 1,
    });
    const ref = `${nativeProviderUrn}::11111111-2222-3333-4444-555555555555`;

    const ada = byUrn(plan.exported, "urn:pulumi:dev::p::domo:index:User::ada");
    assert.deepEqual(ada, {
      urn: "urn:pulumi:dev::p::domo:index:User::ada",
      custom: true,
      type: "domo:index:User",
      parent: stackUrn,
      provider: ref,
      inputs: { email: "ada@example.com" },
      id: "1001",
      outputs: { email: "ada@example.com", userId: 1001 },
      propertyDependencies: { email: [] },
    });
    const members = byUrn(plan.exported, "urn:pulumi:dev::p::domo:index:GroupMembers::eng-members");
    assert.deepEqual(members?.dependencies, [
      "urn:pulumi:dev::p::domo:index:Group::eng",
      "urn:pulumi:dev::p::domo:index:User::ada",
    ]);
    assert.deepEqual(members?.propertyDependencies, {
      groupId: ["urn:pulumi:dev::p::domo:index:Group::eng"],
      userIds: ["urn:pulumi:dev::p::domo:index:User::ada"],
    });
    const batch = byUrn(
      plan.exported,
      "urn:pulumi:dev::p::domo:index:UserDirectory$domo:index:UserBatch::batch-1",
    );
    assert.equal(batch?.parent, directoryUrn, "the directory component keeps its URN");
    assert.equal(batch?.type, "domo:index:UserBatch");
    assert.ok(
      byUrn(
        plan.exported,
        "urn:pulumi:dev::p::domo:index:UserDirectory$domo:index:DirectoryDeletionGuard::people-guard",
      ),
    );
    assert.deepEqual(byUrn(plan.exported, directoryUrn), byUrn(before, directoryUrn));
    assert.deepEqual(byUrn(plan.exported, stackUrn), byUrn(before, stackUrn));
    assert.ok(!JSON.stringify(plan.exported).includes("__provider"));
    assert.ok(
      !JSON.stringify(plan.exported).includes("pulumi-nodejs"),
      "the unused dynamic provider is dropped",
    );
    assert.deepEqual(plan.droppedProviders, [providerUrn]);
    assert.deepEqual(plan.exported.deployment.manifest, before.deployment.manifest);
    assert.equal(plan.exported.version, 3);
    // One moved resource per old one, the provider added: same count.
    assert.equal(all(plan.exported).length, all(before).length);
  });

  it("adds the provider with the stack's domo settings the dynamic provider recorded (secrets as ciphertext) and the version", () => {
    const plan = planNativeMigration(deployed(), options);
    const provider = byUrn(plan.exported, nativeProviderUrn);
    const settings = {
      apiHost: "http://127.0.0.1:1",
      clientId: "id",
      clientSecret: secret,
      version: "0.1.0",
    };
    assert.deepEqual(provider, {
      urn: nativeProviderUrn,
      custom: true,
      id: "11111111-2222-3333-4444-555555555555",
      type: "pulumi:providers:domo",
      inputs: settings,
      outputs: settings,
    });
    assert.deepEqual(plan.provider, {
      urn: nativeProviderUrn,
      id: "11111111-2222-3333-4444-555555555555",
      added: true,
      settings: ["apiHost", "clientId", "clientSecret"],
    });
    // Where the old provider was: before every resource that names it.
    assert.equal(all(plan.exported)[1]?.urn, nativeProviderUrn);
  });

  it("keeps the state in dependency order: everything a resource names comes before it", () => {
    const plan = planNativeMigration(deployed(), options);
    const seen = new Set<string>();
    for (const r of all(plan.exported)) {
      for (const urn of referencedUrns(r)) assert.ok(seen.has(urn), `${r.urn} names ${urn} before it`);
      seen.add(r.urn);
    }
  });

  it("renames every reference elsewhere: children's URNs and parents, deletedWith, aliases, resource references, URN strings", () => {
    const adaUrn = urnOf(dyn("User"), "ada");
    const child: ResourceState = {
      urn: `urn:pulumi:dev::p::${dyn("User")}$acme:index:Badge::ada-badge`,
      type: "acme:index:Badge",
      custom: true,
      id: "x",
      parent: adaUrn,
      provider: "urn:pulumi:dev::p::pulumi:providers:acme::default::9",
      dependencies: [adaUrn],
      deletedWith: adaUrn,
      aliases: [adaUrn],
      inputs: {
        owner: {
          "5cf8f73096256a8f31e491e813e4eb8e": "5cf8f73096256a8f31e491e813e4eb8e",
          urn: adaUrn,
          id: "1001",
        },
        ownerUrn: adaUrn,
        note: `${adaUrn} and more`,
      },
      outputs: { nested: [{ urn: adaUrn }] },
    } as ResourceState;
    const acme: ResourceState = {
      urn: "urn:pulumi:dev::p::pulumi:providers:acme::default",
      type: "pulumi:providers:acme",
      custom: true,
      id: "9",
    };
    const exported = deployed([acme, child]);
    const stack = exported.deployment.resources?.[0] as ResourceState;
    stack.outputs = { adaUrn };
    const plan = planNativeMigration(exported, options);
    const newAda = "urn:pulumi:dev::p::domo:index:User::ada";
    const badge = byUrn(plan.exported, "urn:pulumi:dev::p::domo:index:User$acme:index:Badge::ada-badge");
    assert.ok(badge, "the child's URN names its parent's new type");
    assert.equal(badge.type, "acme:index:Badge");
    assert.equal(badge.parent, newAda);
    assert.equal(badge.provider, acme.urn + "::9", "another package's provider stays");
    assert.deepEqual(badge.dependencies, [newAda]);
    assert.equal(badge.deletedWith, newAda);
    assert.deepEqual(badge.aliases, [newAda]);
    assert.deepEqual(badge.inputs, {
      owner: {
        "5cf8f73096256a8f31e491e813e4eb8e": "5cf8f73096256a8f31e491e813e4eb8e",
        urn: newAda,
        id: "1001",
      },
      ownerUrn: newAda,
      note: `${adaUrn} and more`,
    });
    assert.deepEqual(badge.outputs, { nested: [{ urn: newAda }] });
    assert.deepEqual(byUrn(plan.exported, stackUrn)?.outputs, { adaUrn: newAda });
    assert.equal(plan.renamed.size, 7, "6 moved resources and the child");
    assert.ok(describeMigration(plan).includes("rename 1 other URN(s) under a moved resource"));
  });

  it("leaves the dynamic provider in place while another dynamic resource still uses it", () => {
    const other = resourceOf("pulumi-nodejs:dynamic/acme:Thing", "thing", { a: 1 }, { id: "t" });
    const plan = planNativeMigration(deployed([other]), options);
    assert.deepEqual(plan.droppedProviders, []);
    assert.deepEqual(
      byUrn(plan.exported, other.urn),
      other,
      "another package's dynamic resource passes through",
    );
    assert.ok(byUrn(plan.exported, providerUrn));
    const urns = all(plan.exported).map((r) => r.urn);
    assert.ok(urns.indexOf(nativeProviderUrn) < urns.indexOf("urn:pulumi:dev::p::domo:index:User::ada"));
    assert.ok(describeMigration(plan).every((l) => !l.startsWith("drop provider")));
  });

  it("reuses the native default provider already in the state, and a second run moves nothing", () => {
    const first = planNativeMigration(deployed(), options);
    const again = planNativeMigration(first.exported, { ...options, newProviderId: () => "other" });
    assert.deepEqual(again.counts, {});
    assert.deepEqual(again.exported, first.exported);

    // A stack already holding native resources next to dynamic ones: the provider is reused.
    const mixed = deployed();
    const existing: ResourceState = {
      urn: nativeProviderUrn,
      type: "pulumi:providers:domo",
      custom: true,
      id: "kept",
      inputs: { version: "0.1.0" },
    };
    mixed.deployment.resources?.splice(2, 0, existing);
    const plan = planNativeMigration(mixed, options);
    assert.equal(plan.provider.added, false);
    assert.equal(all(plan.exported).filter((r) => r.type === "pulumi:providers:domo").length, 1);
    assert.equal(
      byUrn(plan.exported, "urn:pulumi:dev::p::domo:index:User::ada")?.provider,
      `${nativeProviderUrn}::kept`,
    );
    assert.match(describeMigration(plan).join("\n"), /use provider .*default_0_1_0 \(already in the state\)/);
  });

  it("names the provider after the package version and the stack's own stack and project", () => {
    const exported = deployed();
    for (const r of all(exported)) {
      r.urn = r.urn.replace("urn:pulumi:dev::p::", "urn:pulumi:prod::people::");
      if (r.parent) r.parent = r.parent.replace("urn:pulumi:dev::p::", "urn:pulumi:prod::people::");
      if (r.provider) r.provider = r.provider.replace("urn:pulumi:dev::p::", "urn:pulumi:prod::people::");
      if (r.dependencies)
        r.dependencies = r.dependencies.map((d) =>
          d.replace("urn:pulumi:dev::p::", "urn:pulumi:prod::people::"),
        );
      delete r.propertyDependencies;
    }
    const plan = planNativeMigration(exported, { ...options, version: "2.3.4-rc.1" });
    assert.equal(plan.provider.urn, "urn:pulumi:prod::people::pulumi:providers:domo::default_2_3_4_rc_1");
    assert.equal(byUrn(plan.exported, plan.provider.urn)?.inputs?.version, "2.3.4-rc.1");
  });

  it("refuses a stack with pending operations, naming pulumi-domo recover", () => {
    const exported = deployed();
    exported.deployment.pending_operations = [pendingOf(dyn("User"), "cy", { email: "cy@example.com" })];
    assert.throws(
      () => planNativeMigration(exported, options),
      (e: Error) => {
        assert.ok(e instanceof MigrationRefused);
        assert.match(e.message, /1 pending operation\(s\).*pulumi-domo recover/);
        return true;
      },
    );
  });

  it("refuses dynamic resources spread over two providers", () => {
    const second: ResourceState = {
      urn: "urn:pulumi:dev::p::pulumi:providers:pulumi-nodejs::explicit",
      type: "pulumi:providers:pulumi-nodejs",
      custom: true,
      id: "e",
    };
    const odd = resourceOf(
      dyn("User"),
      "odd",
      { email: "odd@example.com" },
      { id: "9", provider: `${second.urn}::e` },
    );
    assert.throws(() => planNativeMigration(deployed([second, odd]), options), /use 2 providers/);
  });

  it("a stack without dynamic domo resources: nothing moves, the deployment is the same", () => {
    const exported = deploymentOf([], []);
    const plan = planNativeMigration(exported, options);
    assert.deepEqual(plan.counts, {});
    assert.equal(plan.exported, exported);
  });

  it("the provider reference parser agrees with the new references", () => {
    const plan = planNativeMigration(deployed(), options);
    for (const r of all(plan.exported).filter((x) => x.type.startsWith("domo:index:") && x.custom))
      assert.equal(refUrn(r.provider as string), nativeProviderUrn);
    assert.equal(refUrn(providerRef), providerUrn);
  });
});

describe("pulumi-domo migrate: command line", () => {
  async function run(argv: string[]) {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: { PATH: "" },
      cwd: process.cwd(),
    };
    return { code: await runCli(argv, io), stdout, stderr };
  }

  it("has help, is listed, and needs the pulumi CLI", async () => {
    const help = await run(["help", "migrate"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: pulumi-domo migrate \[--stack <name>\]/);
    assert.match(help.stdout, /pulumi-domo recover/);
    assert.match((await run(["help"])).stdout, /migrate {4}move a stack from the dynamic resources/);
    const noCli = await run(["migrate", "--stack", "dev"]);
    assert.equal(noCli.code, 1);
    assert.match(noCli.stderr, /the pulumi CLI is not on PATH/);
    const bad = await run(["migrate", "--bogus"]);
    assert.match(bad.stderr, /Unknown option '--bogus' \(see: pulumi-domo help migrate\)/);
  });
});
