import fs from "node:fs";
import path from "node:path";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { ensurePulumiCli, LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

/** One declared native resource: `domo:index:<type>` named `name`; "$name.id" strings refer to others. */
export interface NativeDecl {
  type: string;
  name: string;
  props?: Record<string, unknown>;
  /** Output names to expose (as stack outputs `<name>.<output>`). */
  outputs?: string[];
  provider?: string;
  import?: string;
}

export interface NativeProgram {
  /** Explicit provider instances: name -> args (apiHost, clientId, clientSecret, …). */
  providers?: Record<string, Record<string, unknown>>;
  resources?: NativeDecl[];
  /** Function calls exported as stack outputs: output name -> [token, args]. */
  invokes?: Record<string, [string, Record<string, unknown>]>;
}

/**
 * A JavaScript program that declares native `domo` resources from program.json beside it,
 * with no SDK: the generic CustomResource, as any language's SDK registers them. It runs the
 * engine's calls through the real plugin (`plugin/pulumi-resource-domo` on PATH).
 */
const program = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const d = JSON.parse(fs.readFileSync(path.join(__dirname, "program.json"), "utf8"));
const providers = {};
for (const [name, args] of Object.entries(d.providers ?? {})) providers[name] = new pulumi.ProviderResource("domo", name, args);
const made = {};
const ref = (v) => {
  if (typeof v === "string" && v.startsWith("$")) { const [n, o] = v.slice(1).split("."); return made[n][o]; }
  if (Array.isArray(v)) return v.map(ref);
  return v;
};
for (const r of d.resources ?? []) {
  const props = {};
  for (const [k, v] of Object.entries(r.props ?? {})) props[k] = ref(v);
  for (const o of r.outputs ?? []) if (!(o in props)) props[o] = undefined;
  made[r.name] = new pulumi.CustomResource("domo:index:" + r.type, r.name, props, {
    provider: r.provider ? providers[r.provider] : undefined,
    import: r.import,
  });
  for (const o of r.outputs ?? []) exports[r.name + "." + o] = made[r.name][o];
}
for (const [out, [token, args]] of Object.entries(d.invokes ?? {})) exports[out] = pulumi.output(pulumi.runtime.invoke(token, args));
`;

/** A project running native-resource programs against an emulator, through the real CLI. */
export class NativeStack {
  private constructor(
    readonly emu: RunningEmulator,
    readonly stack: LocalStack,
    readonly projectDir: string,
  ) {}

  /** pluginOnPath false: the engine must find an installed plugin (no launcher on PATH). */
  static async create(name: string, options: { pluginOnPath?: boolean } = {}): Promise<NativeStack> {
    const emu = await startEmulator();
    const tmpRoot = path.join(repoRoot, "tests", ".tmp");
    fs.mkdirSync(tmpRoot, { recursive: true });
    const projectDir = fs.mkdtempSync(path.join(tmpRoot, `${name}-`));
    fs.writeFileSync(
      path.join(projectDir, "Pulumi.yaml"),
      `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
    );
    fs.writeFileSync(path.join(projectDir, "index.js"), program);
    const stack = new LocalStack({
      projectDir,
      workDir: makeTempDir("pulumi-domo-native-"),
      env: { PATH: nativePath(options.pluginOnPath ?? true) },
    });
    await stack.init();
    await stack.configureDomo(emu);
    const s = new NativeStack(emu, stack, projectDir);
    s.declare({});
    return s;
  }

  declare(p: NativeProgram): void {
    fs.writeFileSync(path.join(this.projectDir, "program.json"), JSON.stringify(p, null, 2));
  }

  calls(): number {
    return Object.values(this.emu.counters()).reduce((n, c) => n + c, 0);
  }

  writes(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.emu.counters()).filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route)),
    );
  }

  async outputs(): Promise<Record<string, unknown>> {
    const r = await this.stack.run([
      "stack",
      "output",
      "--json",
      "--show-secrets",
      "--stack",
      this.stack.stack,
    ]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  state(): string {
    return fs.readFileSync(this.stack.stateFile(), "utf8");
  }

  async dispose(): Promise<void> {
    await this.emu.close();
    fs.rmSync(this.projectDir, { recursive: true, force: true });
  }
}

/** PATH with the repository's plugin launcher first, then the Pulumi CLI. */
export function nativePath(pluginOnPath = true): string {
  return [
    ...(pluginOnPath ? [path.join(repoRoot, "plugin")] : []),
    ensurePulumiCli(),
    path.join(repoRoot, "node_modules", ".bin"),
    process.env.PATH ?? "",
  ].join(path.delimiter);
}
