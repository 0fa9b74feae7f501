import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { dynamicKinds } from "../../provider/resources/dynamic-resource";
import { groupProviderExports, serializedGroupProvider } from "../support/group-providers";
import { packedProject } from "../support/packed-project";

const installedBudgetBytes = 512;
const byValueBudgetBytes = 4096;

// The closure serializer finds each module under its package `exports` alias (dynamicKinds).
const moduleOf = {
  serializedGroupProvider: dynamicKinds.Group,
  serializedGroupMembersProvider: dynamicKinds.GroupMembers,
  serializedGroupMembershipProvider: dynamicKinds.GroupMembership,
} as const;

interface ProviderLike {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(
    olds: object,
    news: object,
  ): Promise<{ inputs?: Record<string, unknown>; failures?: Array<{ reason: string }> }>;
  diff(id: string, olds: object, news: object): Promise<{ changes: boolean }>;
  create(inputs: object): Promise<{ id: string; outs: Record<string, unknown> }>;
  update(id: string, olds: object, news: object): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: object): Promise<void>;
}

describe("serialized group providers (__provider), from the packed package", function () {
  this.timeout(180_000);
  let project: string;
  let emu: RunningEmulator;

  before(async () => {
    project = (await packedProject()).dir;
  });
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await emu.close();
  });

  for (const name of groupProviderExports) {
    it(`${name} installed from the tarball: one require of its module, under ${installedBudgetBytes} bytes, no secret`, async () => {
      const serialized = await serializedGroupProvider(name);
      const bytes = Buffer.byteLength(serialized.text);
      assert.ok(bytes < installedBudgetBytes, `__provider is ${bytes} bytes`);
      assert.equal(serialized.containsSecrets, false);
      const required = [...serialized.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(required)], [moduleOf[name]]);
    });

    it(`${name} serialized by value: under ${byValueBudgetBytes} bytes, loading the runtime by name`, async () => {
      const pulumi = await import("@pulumi/pulumi");
      const provider = (await import("pulumi-domo"))[name];
      const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, {
        allowSecrets: true,
      });
      assert.ok(
        Buffer.byteLength(text) < byValueBudgetBytes,
        `__provider is ${Buffer.byteLength(text)} bytes`,
      );
      assert.equal(containsSecrets, false);
      const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(required)], ["pulumi-domo/dist/resources/group/runtime.js"]);
    });
  }

  it("reloads with require-from-string: the three providers share one runtime (claims, listings) per process", async () => {
    const req = createRequire(path.join(project, "index.js"));
    const requireFromString = req("require-from-string") as (code: string) => { handler(): ProviderLike };
    const runtimeModule = req("pulumi-domo/dist/resources/group/runtime.js") as {
      resetSharedGroupRuntime(): void;
    };
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const load = async () => {
        runtimeModule.resetSharedGroupRuntime(); // a new provider process
        const config: Record<string, string> = {
          "domo:apiHost": emu.url,
          "domo:clientId": emu.credentials.clientId,
          "domo:clientSecret": emu.credentials.clientSecret,
        };
        const out: ProviderLike[] = [];
        for (const name of groupProviderExports) {
          const provider = requireFromString((await serializedGroupProvider(name)).text).handler();
          await provider.configure({ config: { get: (k) => config[k] } });
          out.push(provider);
        }
        return out as [ProviderLike, ProviderLike, ProviderLike];
      };
      const u = await emu.store.createUser({ email: "s@example.com", name: "S", role: "Editor" });
      const [group, members, membership] = await load();
      const g = await group.create((await group.check({}, { name: "Serialized" })).inputs ?? {});
      const renamed = (await group.check({}, { name: "Serialized Renamed" })).inputs ?? {};
      assert.equal((await group.diff(g.id, g.outs, renamed)).changes, true);
      await group.update(g.id, g.outs, renamed);
      assert.equal(emu.store.getGroup(Number(g.id))?.name, "Serialized Renamed");

      const m = await members.create(
        (await members.check({}, { groupId: g.id, emails: ["S@example.com"] })).inputs ?? {},
      );
      assert.deepEqual(emu.store.getGroup(Number(g.id))?.memberIds, [u.id]);
      const mixed = await membership.check({}, { groupId: g.id, userId: u.id });
      assert.match(mixed.failures?.[0]?.reason ?? "", /both a DomoGroupMembers .* and a DomoGroupMembership/);

      // A later run, a new process: the group removed with its members. The members resource
      // leaves them to the group's delete, whose guard refuses; with allowDeleteWithMembers the
      // group goes, members and all.
      const [group2, members2] = await load();
      await members2.delete(m.id, m.outs);
      assert.deepEqual(emu.store.getGroup(Number(g.id))?.memberIds, [u.id]);
      await assert.rejects(
        group2.delete(g.id, g.outs),
        /still has 1 member\(s\).*allowDeleteWithMembers: true/s,
      );
      await group2.delete(g.id, { ...g.outs, allowDeleteWithMembers: true });
      assert.equal(emu.store.getGroup(Number(g.id)), undefined);
    } finally {
      process.chdir(cwd);
    }
  });
});
