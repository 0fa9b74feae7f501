// @ts-nocheck
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";

/** One DomoUser as the generated program declares it. */
export interface BenchUser {
  key: string;
  email: string;
  name: string;
  role: string;
  title: string;
}

/**
 * The Pulumi program: plain JavaScript reading users.json beside it, as in
 * tests/e2e/stack-fixture.ts (no stack outputs, so the state holds the users and nothing else).
 */
const program = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { DomoUser } = require("pulumi-domo");
const declared = JSON.parse(fs.readFileSync(path.join(__dirname, "users.json"), "utf8"));
for (const { key, ...args } of declared) new DomoUser(key, args);
`;

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
  bytes: number;
  /** DomoUser resources in the checkpoint. */
  resources: number;
  /** Mean length of inputs.__provider over those resources. */
  providerBytesPerResource: number;
  /** Total `__provider` bytes (inputs and outputs both carry it). */
  providerBytesTotal: number;
}

interface Checkpoint {
  checkpoint?: {
    latest?: {
      resources?: Array<{
        type?: string;
        inputs?: Record<string, unknown>;
        outputs?: Record<string, unknown>;
      }>;
    };
  };
}

/**
 * Packs the package as it would be published (dist/ must be built) and installs the tarball,
 * with @pulumi/pulumi, into a scratch directory: projects created under it resolve
 * `pulumi-domo` from there, as a user's project does after `npm install pulumi-domo`.
 */
export function preparePackedInstall(): string {
  if (!fs.existsSync(path.join(repoRoot, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domo-bench-packed-"));
  const packDir = path.join(root, ".pack");
  fs.mkdirSync(packDir);
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], {
    cwd: repoRoot,
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

/** How the project gets `pulumi-domo`. */
export type Install =
  /** The repo's own package through node_modules/pulumi-domo -> .. (as tests/e2e does). */
  | { kind: "linked" }
  /** The npm tarball installed under `root` (see preparePackedInstall). */
  | { kind: "packed"; root: string };

/**
 * A Pulumi project for the bench, a local file backend in the OS temp dir, and the real CLI.
 * Linked: a directory inside the repo (bench/.tmp, git-ignored) so `pulumi-domo` and
 * `@pulumi/pulumi` resolve from the repo's node_modules, as tests/e2e/stack-fixture.ts does.
 * Packed: a directory under a scratch install of the npm tarball.
 */
export class BenchProject {
  readonly projectDir: string;
  readonly workDir: string;
  readonly stack: LocalStack;

  constructor(
    name: string,
    env: Record<string, string | undefined> = {},
    readonly install: Install = { kind: "linked" },
  ) {
    const tmpRoot = install.kind === "packed" ? install.root : path.join(repoRoot, "bench", ".tmp");
    fs.mkdirSync(tmpRoot, { recursive: true });
    this.projectDir = fs.mkdtempSync(path.join(tmpRoot, `${name}-`));
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domo-bench-"));
    fs.writeFileSync(
      path.join(this.projectDir, "Pulumi.yaml"),
      `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
    );
    fs.writeFileSync(path.join(this.projectDir, "index.js"), program);
    this.declare([]);
    // PULUMI_PARALLEL would override the CLI's --parallel default: the runs use the default.
    this.stack = new LocalStack({
      projectDir: this.projectDir,
      workDir: this.workDir,
      env: { PULUMI_PARALLEL: undefined, ...env },
    });
  }

  declare(users: BenchUser[]): void {
    fs.writeFileSync(path.join(this.projectDir, "users.json"), JSON.stringify(users));
  }

  state(): StateSummary {
    const file = this.stack.stateFile();
    const text = fs.readFileSync(file, "utf8");
    const parsed = JSON.parse(text) as Checkpoint;
    const users = (parsed.checkpoint?.latest?.resources ?? []).filter(
      (r) => r.type === "pulumi-nodejs:dynamic/domo:User",
    );
    let inputBytes = 0;
    let total = 0;
    for (const r of users) {
      const i = r.inputs?.__provider;
      const o = r.outputs?.__provider;
      if (typeof i === "string") inputBytes += i.length;
      total += (typeof i === "string" ? i.length : 0) + (typeof o === "string" ? o.length : 0);
    }
    return {
      bytes: Buffer.byteLength(text),
      resources: users.length,
      providerBytesPerResource: users.length === 0 ? 0 : inputBytes / users.length,
      providerBytesTotal: total,
    };
  }

  dispose(): void {
    fs.rmSync(this.projectDir, { recursive: true, force: true });
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}
