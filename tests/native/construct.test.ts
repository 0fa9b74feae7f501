import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { constructComponent, nativeDirectoryChildren } from "../../provider/native/construct";
import { markSecrets, reveal } from "../../provider/native/secrets";
import { DomoNativeProvider } from "../../provider/native/server";
import { nativeResourceTypes } from "../../provider/native/tokens";
import { DomoUserDirectory, type DomoUserDirectoryArgs } from "../../provider/resources/directory";
import { dynamicKinds, dynamicType } from "../../provider/resources/type-tokens";
import { makeTempDir } from "../support/temp";

/**
 * Construct builds `domo:index:UserDirectory` with the TypeScript component's own planning:
 * for the same args, the native children are the dynamic component's, one for one (same names,
 * inputs but `__provider`, aliases, dependsOn, retainOnDelete, order), with native type tokens;
 * and the component's outputs are the same.
 */
interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  importId: string | undefined;
  parentType: string | undefined;
  aliases: unknown;
  dependsOn: string[];
  retainOnDelete: boolean | undefined;
  protect: boolean | undefined;
}

const registered: { type: string; name: string; inputs: Record<string, unknown>; id?: string }[] = [];

/** A stable Domo id per email or name, the same for both builds. */
function idOf(key: string): number {
  let h = 7;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return 1_000_000_000 + h;
}

const toNative = new Map<string, string>(
  (Object.keys(dynamicKinds) as (keyof typeof dynamicKinds)[]).map((k) => [
    dynamicType(k),
    nativeResourceTypes[k],
  ]),
);

function value<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** What each child was registered with: options (from a transformation) and inputs (from the mocks). */
function recorder() {
  const seen: {
    resource: pulumi.Resource;
    name: string;
    type: string;
    opts: pulumi.CustomResourceOptions;
  }[] = [];
  const transformation: pulumi.ResourceTransformation = (t) => {
    seen.push({ resource: t.resource, name: t.name, type: t.type, opts: t.opts });
    return undefined;
  };
  const result = async (): Promise<Registration[]> => {
    await new Promise((r) => setTimeout(r, 50));
    const nameOf = new Map(seen.map((s) => [s.resource, s.name]));
    // The component sees its own registration too: the children only.
    return seen
      .filter((s) => s.type !== "domo:index:UserDirectory")
      .map((s) => {
        const reg = registered.find(
          (r) => r.name === s.name && (toNative.get(r.type) ?? r.type) === (toNative.get(s.type) ?? s.type),
        );
        const { __provider, ...inputs } = reg?.inputs ?? {};
        const dependsOn = Array.isArray(s.opts.dependsOn) ? s.opts.dependsOn : [];
        return {
          type: toNative.get(s.type) ?? s.type,
          name: s.name,
          inputs,
          importId: (s.opts.import as string | undefined) ?? reg?.id,
          parentType: (s.resource as unknown as { __parentResource?: { __pulumiType?: string } })
            .__parentResource?.__pulumiType,
          aliases: s.opts.aliases ?? [],
          dependsOn: dependsOn.map((d) => nameOf.get(d as pulumi.Resource) ?? "?"),
          retainOnDelete: s.opts.retainOnDelete || undefined,
          protect: s.opts.protect || undefined,
        };
      });
  };
  return { transformation, result };
}

async function both(args: DomoUserDirectoryArgs, opts: pulumi.ComponentResourceOptions = {}) {
  registered.length = 0;
  const dyn = recorder();
  const directory = new DomoUserDirectory("people", args, { ...opts, transformations: [dyn.transformation] });
  const dynamicOut = { userIds: await value(directory.userIds), groupIds: await value(directory.groupIds) };
  const dynamic = await dyn.result();
  registered.length = 0;
  const nat = recorder();
  const { state } = await constructComponent(
    "people",
    "domo:index:UserDirectory",
    // As the SDK's server hands them over: some inputs plain, some Outputs.
    { ...args, users: args.users && pulumi.output(args.users) } as pulumi.Inputs,
    // As the SDK's server rebuilds them: protect and retainOnDelete always set.
    { protect: false, retainOnDelete: false, ...opts, transformations: [nat.transformation] },
  );
  const nativeOut = { userIds: await value(state.userIds), groupIds: await value(state.groupIds) };
  const native = await nat.result();
  return { dynamic, native, dynamicOut, nativeOut };
}

const users: DomoUserDirectoryArgs["users"] = [
  { email: "Ada@Native.Example.com", name: "Ada", role: "Admin", groups: ["Analysts"] },
  {
    email: "bob@native.example.com",
    name: "Bob",
    role: "Editor",
    id: 1000000042,
    groups: ["Analysts", "Ops"],
  },
  {
    email: "cy@new.native.example.com",
    name: "Cy",
    role: "Participant",
    formerEmails: ["cy@old.native.example.com"],
  },
  {
    email: "di@native.example.com",
    name: "Di",
    role: "Participant",
    deletionPolicy: "retain",
    groups: ["Ops"],
  },
];
const groups: DomoUserDirectoryArgs["groups"] = [
  { name: "Analysts", formerNames: ["Data"] },
  { name: "Ops", id: 77, members: "additive" },
];

describe("native Construct of UserDirectory: the TypeScript component's planning, native children", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs, id: args.id });
          const importId = typeof args.inputs.importId === "string" ? args.inputs.importId : undefined;
          const id = String(importId ?? idOf(args.name));
          const batchUsers = (args.inputs.users ?? {}) as Record<string, unknown>;
          const userIds = Object.fromEntries(Object.keys(batchUsers).map((e) => [e, idOf(`user-${e}`)]));
          return { id, state: { ...args.inputs, userIds } };
        },
        call: () => ({}),
      },
      "domo-users",
      "test",
      false,
    );
  });

  for (const mode of ["perUser", "bulk"] as const) {
    it(`${mode}: the same children, one for one, with native types; the same outputs`, async () => {
      const { dynamic, native, dynamicOut, nativeOut } = await both(
        { users, groups, mode, batchSize: 2, maxDeletes: 3 },
        { retainOnDelete: true },
      );
      assert.ok(dynamic.length >= 6, JSON.stringify(dynamic));
      assert.deepEqual(native, dynamic);
      for (const r of native) {
        assert.match(r.type, /^domo:index:/);
        assert.equal(r.parentType, "domo:index:UserDirectory");
        assert.ok(Object.keys(r.inputs).length > 0, `${r.name} registered with its inputs`);
        if (r.type !== "domo:index:DirectoryDeletionGuard")
          assert.ok(r.dependsOn.includes("people-deletion-guard"), `${r.name} after the guard`);
      }
      assert.deepEqual(native[0]?.type, "domo:index:DirectoryDeletionGuard", "the guard first");
      assert.deepEqual(nativeOut, dynamicOut);
      assert.equal(Object.keys(nativeOut.userIds).length, 4);
    });
  }

  it("a file read relative to the working directory, and the guard naming it, as the component does", async () => {
    const dir = makeTempDir("native-construct-");
    const file = path.join(dir, "users.yaml");
    fs.writeFileSync(
      file,
      "groups:\n  - name: Analysts\nusers:\n  - {email: a@native.example.com, name: A, role: Participant, groups: [Analysts]}\n",
    );
    const relative = path.relative(process.cwd(), file);
    const { dynamic, native } = await both({ file: relative });
    assert.deepEqual(
      native.map((r) => r.name),
      ["people-deletion-guard", "user-a@native.example.com", "group-analysts", "group-analysts-members"],
    );
    assert.match(
      JSON.stringify(native[0]?.inputs),
      new RegExp(`\\(${relative.replace(/[.\\/]/g, "\\$&")}\\)`),
    );
    assert.deepEqual(native, dynamic);
  });

  it("refuses userOptions and unknown inputs, naming them", async () => {
    await assert.rejects(
      constructComponent("people", "domo:index:UserDirectory", { users, userOptions: { protect: true } }, {}),
      (e: pulumi.InputPropertiesError) => {
        assert.match(JSON.stringify(e.errors), /userOptions is for TypeScript programs only/);
        return true;
      },
    );
    await assert.rejects(
      constructComponent("people", "domo:index:UserDirectory", { users, usres: [] }, {}),
      /invalid inputs/,
    );
    await assert.rejects(
      constructComponent("people", "domo:index:Nope", {}, {}),
      /no component domo:index:Nope/,
    );
  });

  it("the native children factory makes the native types", () => {
    assert.deepEqual(Object.keys(nativeDirectoryChildren).sort(), [
      "group",
      "groupMembers",
      "groupMembership",
      "guard",
      "user",
      "userBatch",
    ]);
  });
});

describe("native provider: secrets (accepted, as Construct requires)", () => {
  const secret = (value: unknown) => ({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    value,
  });

  it("reveals secrets deeply, and marks the outputs of secret inputs secret", () => {
    assert.deepEqual(reveal({ a: secret("x"), b: [secret(1), { c: secret(true) }] }), {
      a: "x",
      b: [1, { c: true }],
    });
    assert.deepEqual(markSecrets({ a: "x", b: [1], c: 3 }, { a: secret("x"), b: [secret(1)], c: 3 }), {
      a: secret("x"),
      b: secret([1]),
      c: 3,
    });
  });

  it("the kinds get plain values; check's inputs keep the secret marked (the guard: no Domo)", async () => {
    const provider = new DomoNativeProvider({ version: "0.0.0", schema: () => "{}" });
    const urn =
      "urn:pulumi:dev::p::domo:index:UserDirectory$domo:index:DirectoryDeletionGuard::people-deletion-guard";
    const result = await provider.check(
      urn,
      {},
      { directory: secret('DomoUserDirectory "people"'), accounts: [], allowMassDeletion: false, held: [] },
    );
    assert.deepEqual(result.failures, undefined);
    assert.deepEqual(result.inputs?.directory, secret('DomoUserDirectory "people"'));
    const created = await provider.create(urn, { directory: secret("d"), accounts: [] });
    assert.deepEqual(created.outs?.directory, secret("d"));
  });
});
