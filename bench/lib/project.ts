import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensurePulumiCli, LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";

/** One DomoUser as the generated program declares it. */
export interface BenchUser {
  key: string;
  email: string;
  name: string;
  role: string;
  title: string;
}

import type { Mode } from "./targets";

export type { Mode };
export type BackendKind = "file" | "s3";

/**
 * The Pulumi programs: plain JavaScript reading users.json beside it, as in
 * tests/e2e/stack-fixture.ts (no stack outputs, so the state holds the users and nothing else).
 * perUser: one bare DomoUser per user (as the earlier reports measured). bulk: one
 * DomoUserDirectory in bulk mode (DomoUserBatch resources of up to 500 users, and its guard).
 */
export const programs: Record<Mode, string> = {
  perUser: `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { DomoUser } = require("pulumi-domo");
const declared = JSON.parse(fs.readFileSync(path.join(__dirname, "users.json"), "utf8"));
for (const { key, ...args } of declared) new DomoUser(key, args);
`,
  bulk: `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const declared = JSON.parse(fs.readFileSync(path.join(__dirname, "users.json"), "utf8"));
new DomoUserDirectory("people", { users: declared.map(({ key, ...user }) => user), mode: "bulk" });
`,
};

/**
 * The same programs against the native `domo` provider, in the same language (a Node.js
 * program, so the language host is the one the dynamic runs use and only the provider differs),
 * with no SDK: the generic CustomResource and a remote ComponentResource, as any language's SDK
 * registers them. perUser: one `domo:index:User` per user. bulk: one `domo:index:UserDirectory`
 * in bulk mode over the same inline users (Construct, in the plugin, makes its
 * `domo:index:UserBatch` children and its guard).
 */
export const nativePrograms: Record<Mode, string> = {
  perUser: `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const declared = JSON.parse(fs.readFileSync(path.join(__dirname, "users.json"), "utf8"));
for (const { key, ...args } of declared) new pulumi.CustomResource("domo:index:User", key, args);
`,
  bulk: `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
class UserDirectory extends pulumi.ComponentResource {
  constructor(name, args, opts) {
    super("domo:index:UserDirectory", name, { ...args, userIds: undefined, groupIds: undefined }, opts, true);
  }
}
const declared = JSON.parse(fs.readFileSync(path.join(__dirname, "users.json"), "utf8"));
new UserDirectory("people", { users: declared.map(({ key, ...user }) => user), mode: "bulk" });
`,
};

const roles = ["Participant", "Editor", "Social", "Privileged"] as const;

/** N users with distinct emails, a spread of non-Admin roles and a title each. */
export function benchUsers(n: number): BenchUser[] {
  const width = String(Math.max(n - 1, 0)).length;
  return Array.from({ length: n }, (_, i) => {
    const id = String(i).padStart(width, "0");
    return {
      key: `u${id}`,
      email: `bench.user${id}@example.com`,
      name: `Bench User ${id}`,
      role: roles[i % roles.length] ?? "Participant",
      title: `Title ${i % 10}`,
    };
  });
}

/** Indices of the users the edit phase changes: `k` of them spread evenly over the N. */
export function editedIndices(n: number, k: number): number[] {
  const step = Math.max(1, Math.floor(n / k));
  return Array.from({ length: k }, (_, j) => Math.min(n - 1, j * step));
}

export interface StateSummary {
  /** The whole checkpoint, bytes. */
  bytes: number;
  /** User resources (perUser) or UserBatch resources (bulk), dynamic or native, in the checkpoint. */
  resources: number;
  /** Users the checkpoint holds: DomoUser resources, or the entries of every batch's outputs.users. */
  users: number;
  /** Distinct emails among those users (a user held twice shows as users > distinctUsers). */
  distinctUsers: number;
  /** Mean length of inputs.__provider over those resources. */
  providerBytesPerResource: number;
  /** Total `__provider` bytes (inputs and outputs both carry it). */
  providerBytesTotal: number;
}

interface CheckpointResource {
  type?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

interface Checkpoint {
  checkpoint?: { latest?: { resources?: CheckpointResource[] } };
}

export const userType = "pulumi-nodejs:dynamic/domo:User";
export const batchType = "pulumi-nodejs:dynamic/domo:UserBatch";
export const nativeUserType = "domo:index:User";
export const nativeBatchType = "domo:index:UserBatch";
const userTypes = new Set([userType, nativeUserType]);
const heldTypes = new Set([userType, batchType, nativeUserType, nativeBatchType]);

/** Reads a checkpoint's text: users, batches, `__provider` share. */
export function summariseState(text: string): StateSummary {
  const parsed = JSON.parse(text) as Checkpoint;
  const all = parsed.checkpoint?.latest?.resources ?? [];
  const held = all.filter((r) => r.type !== undefined && heldTypes.has(r.type));
  const emails = new Set<string>();
  let users = 0;
  let inputBytes = 0;
  let total = 0;
  for (const r of held) {
    const i = r.inputs?.__provider;
    const o = r.outputs?.__provider;
    if (typeof i === "string") inputBytes += i.length;
    total += (typeof i === "string" ? i.length : 0) + (typeof o === "string" ? o.length : 0);
    if (r.type !== undefined && userTypes.has(r.type)) {
      users++;
      const email = r.outputs?.email ?? r.inputs?.email;
      if (typeof email === "string") emails.add(email.toLowerCase());
    } else {
      const map = r.outputs?.users;
      if (map && typeof map === "object") {
        for (const email of Object.keys(map)) {
          users++;
          emails.add(email.toLowerCase());
        }
      }
    }
  }
  return {
    bytes: Buffer.byteLength(text),
    resources: held.length,
    users,
    distinctUsers: emails.size,
    providerBytesPerResource: held.length === 0 ? 0 : inputBytes / held.length,
    providerBytesTotal: total,
  };
}

/**
 * Packs the package as it would be published (dist/ must be built) and installs the tarball,
 * with @pulumi/pulumi, into a scratch directory: projects created under it resolve
 * `pulumi-domo` from there, as a user's project does after `npm install pulumi-domo`.
 */
export function preparePackedInstall(sourceRoot: string = repoRoot): string {
  if (!fs.existsSync(path.join(sourceRoot, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domo-bench-packed-"));
  const packDir = path.join(root, ".pack");
  fs.mkdirSync(packDir);
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], {
    cwd: sourceRoot,
    encoding: "utf8",
  });
  const tarball = path.join(packDir, (JSON.parse(out) as Array<{ filename: string }>)[0]?.filename ?? "");
  const pulumiVersion = (
    JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  fs.writeFileSync(
    path.join(root, "package.json"),
    JSON.stringify({
      name: "bench-domo-users",
      private: true,
      dependencies: { "@pulumi/pulumi": pulumiVersion, "pulumi-domo": `file:${tarball}` },
    }),
  );
  execFileSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  return root;
}

/**
 * Installs the native plugin from its archive into the stack's PULUMI_HOME, as a user installs
 * it offline. Nothing else provides `pulumi-resource-domo` to the stack: the CLI's PATH
 * (LocalStack) holds no plugin/ launcher and automatic plugin acquisition is off.
 */
export function installPlugin(stack: LocalStack, archive: string): void {
  const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    version: string;
  };
  const env = stack.environment();
  const pulumi = path.join(ensurePulumiCli(), "pulumi");
  execFileSync(pulumi, ["plugin", "install", "resource", "domo", version, "--file", archive], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Where a project's stack keeps its state, and how the bench reads it back. */
export type Backend =
  | { kind: "file" }
  /** A DIY S3 backend: its URL, extra CLI environment, and a reader of an object by key. */
  | {
      kind: "s3";
      url: string;
      env: Record<string, string>;
      get(key: string): Promise<Buffer | undefined>;
    };

export interface BenchProjectOptions {
  mode: Mode;
  /**
   * The native provider's plugin archive (scripts/build-plugin.mjs): the project runs the
   * native program, with the plugin installed from it into the stack's PULUMI_HOME (as
   * `pulumi plugin install resource domo <version> --file <archive>`). Unset: the dynamic program.
   */
  pluginArchive?: string;
  /** A scratch install of the npm tarball (preparePackedInstall): the project lives under it. */
  packedRoot: string;
  backend: Backend;
  env?: Record<string, string | undefined>;
}

/**
 * A Pulumi project for the bench, under a scratch install of the npm tarball (so
 * `pulumi-domo` resolves as in a user's project after `npm install pulumi-domo`), with a local
 * file backend in the OS temp dir or a DIY S3 backend, and the real CLI.
 */
export class BenchProject {
  readonly projectDir: string;
  readonly workDir: string;
  readonly stack: LocalStack;

  constructor(
    readonly name: string,
    readonly options: BenchProjectOptions,
  ) {
    fs.mkdirSync(options.packedRoot, { recursive: true });
    this.projectDir = fs.mkdtempSync(path.join(options.packedRoot, `${name}-`));
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domo-bench-"));
    fs.writeFileSync(
      path.join(this.projectDir, "Pulumi.yaml"),
      `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
    );
    const program = options.pluginArchive ? nativePrograms[options.mode] : programs[options.mode];
    fs.writeFileSync(path.join(this.projectDir, "index.js"), program);
    this.declare([]);
    // PULUMI_PARALLEL would override the CLI's --parallel default: the runs use the default.
    this.stack = this.stackWith({});
    if (options.pluginArchive) installPlugin(this.stack, options.pluginArchive);
  }

  /** The same stack (project, state) through a CLI with `env` added (a diagnostic's setting). */
  stackWith(env: Record<string, string>): LocalStack {
    const backend = this.options.backend;
    return new LocalStack({
      projectDir: this.projectDir,
      workDir: this.workDir,
      ...(backend.kind === "s3" ? { backendUrl: backend.url } : {}),
      env: {
        PULUMI_PARALLEL: undefined,
        ...(backend.kind === "s3" ? backend.env : {}),
        ...this.options.env,
        ...env,
      },
    });
  }

  declare(users: BenchUser[]): void {
    fs.writeFileSync(path.join(this.projectDir, "users.json"), JSON.stringify(users));
  }

  /** The checkpoint's text: the file backend's file, or the S3 object `.pulumi/stacks/<project>/<stack>.json`. */
  async stateText(): Promise<string> {
    const backend = this.options.backend;
    if (backend.kind === "file") return fs.readFileSync(this.stack.stateFile(), "utf8");
    const key = `.pulumi/stacks/${this.name}/${this.stack.stack}.json`;
    const body = await backend.get(key);
    if (!body) throw new Error(`no state object ${key} in the S3 bucket`);
    return body.toString("utf8");
  }

  async state(): Promise<StateSummary> {
    return summariseState(await this.stateText());
  }

  dispose(): void {
    fs.rmSync(this.projectDir, { recursive: true, force: true });
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}
