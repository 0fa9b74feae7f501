import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { dynamicKinds } from "../../provider/resources/dynamic-resource";
import { type SerializedProvider, serializedProvider } from "../support/grpc-provider";
import { packedProject } from "../support/packed-project";

/**
 * Budgets for `__provider`, stored twice per user in every state file, sent on every RPC and
 * rewritten with every checkpoint: installed from npm it is one `require`; serialized by value
 * (the package outside node_modules, as in this repository) it stays a few kilobytes.
 */
const installedBudgetBytes = 512;
const byValueBudgetBytes = 4096;

interface ProviderLike {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(olds: object, news: object): Promise<{ inputs?: Record<string, unknown>; failures?: unknown[] }>;
  create(inputs: object): Promise<{ id: string; outs: Record<string, unknown> }>;
  delete(id: string, props: object): Promise<void>;
}

describe("serialized DomoUser provider (__provider), from the packed package", function () {
  this.timeout(180_000);
  let project: string;
  let serialized: SerializedProvider;
  let emu: RunningEmulator;

  before(async () => {
    project = (await packedProject()).dir;
    serialized = await serializedProvider();
  });

  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await emu.close();
  });

  it(`installed from the tarball: one require, under ${installedBudgetBytes} bytes, no secret`, () => {
    const bytes = Buffer.byteLength(serialized.text);
    assert.ok(bytes < installedBudgetBytes, `__provider is ${bytes} bytes`);
    assert.equal(serialized.containsSecrets, false);
    const required = [...serialized.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    // The closure serializer finds the module under its package `exports` alias.
    assert.deepEqual([...new Set(required)], [dynamicKinds.User]);
  });

  it(`serialized by value (outside node_modules): under ${byValueBudgetBytes} bytes, loading the runtime by name`, async () => {
    // This repository's own projects load the package through the self link, outside node_modules.
    const pulumi = await import("@pulumi/pulumi");
    const provider = (await import("pulumi-domo")).serializedUserProvider;
    const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, {
      allowSecrets: true,
    });
    assert.ok(Buffer.byteLength(text) < byValueBudgetBytes, `__provider is ${Buffer.byteLength(text)} bytes`);
    assert.equal(containsSecrets, false);
    assert.doesNotMatch(text, /clientSecret\s*[:=]\s*["'][^"']/);
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ["pulumi-domo/dist/resources/user/runtime.js"]);
  });

  it("reloads with require-from-string in the project and manages a user", async () => {
    const req = createRequire(path.join(project, "index.js"));
    const requireFromString = req("require-from-string") as (
      code: string,
      filename?: string,
    ) => {
      handler(): ProviderLike;
    };
    const cwd = process.cwd();
    process.chdir(project);
    try {
      // A new provider process: the run (one client for every kind, configured by the first
      // configure) starts afresh, not with an earlier test's emulator.
      (req("pulumi-domo/dist/runtime/run.js") as { resetSharedRun(): void }).resetSharedRun();
      const provider = requireFromString(serialized.text).handler();
      const config: Record<string, string> = {
        "domo:apiHost": emu.url,
        "domo:clientId": emu.credentials.clientId,
        "domo:clientSecret": emu.credentials.clientSecret,
      };
      await provider.configure({ config: { get: (k) => config[k] } });
      const checked = await provider.check({}, { email: "Ser@Example.com", name: "Ser", role: "Editor" });
      assert.deepEqual(checked.failures ?? [], []);
      const created = await provider.create(checked.inputs ?? {});
      assert.equal(emu.store.getUser(Number(created.id))?.email, "ser@example.com");
      // The delete comes in a later run, a new process: the process's runtime (shared by the
      // DomoUser and DomoUserBatch providers, so configure reuses it) starts afresh.
      (
        req("pulumi-domo/dist/resources/user/runtime.js") as { resetSharedUserRuntime(): void }
      ).resetSharedUserRuntime();
      await provider.configure({ config: { get: (k) => config[k] } });
      await provider.delete(created.id, created.outs);
      assert.equal(emu.store.getUser(Number(created.id))?.deleted, true);
    } finally {
      process.chdir(cwd);
    }
  });
});
