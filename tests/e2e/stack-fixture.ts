import fs from "node:fs";
import path from "node:path";
import { runCli } from "../../provider/cli/run";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

export interface DeclaredUser {
  /** The resource's logical name. */
  key: string;
  /** Import an existing account by id (the `import` resource option). */
  importId?: string;
  [field: string]: unknown;
}

/** A JavaScript Pulumi program declaring DomoUsers from users.json beside it (edited by tests). */
const program = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { DomoUser } = require("pulumi-domo");
const declared = JSON.parse(fs.readFileSync(path.join(__dirname, "users.json"), "utf8"));
const ids = {};
for (const { key, importId, ...args } of declared) {
  const user = new DomoUser(key, args, importId ? { import: importId } : undefined);
  ids[key] = user.userId;
}
exports.userIds = ids;
`;

/**
 * A Pulumi project in a temp dir inside the repo (so `pulumi-domo` and `@pulumi/pulumi` resolve
 * from the repo's node_modules, as in a user's project), a local file backend, and an emulator.
 */
export class StackFixture {
  readonly projectDir: string;
  private constructor(
    readonly emu: RunningEmulator,
    readonly stack: LocalStack,
    projectDir: string,
  ) {
    this.projectDir = projectDir;
  }

  static async create(
    name: string,
    options: { clientEnv?: Record<string, string> } = {},
  ): Promise<StackFixture> {
    const emu = await startEmulator();
    const tmpRoot = path.join(repoRoot, "tests", ".tmp");
    fs.mkdirSync(tmpRoot, { recursive: true });
    const projectDir = fs.mkdtempSync(path.join(tmpRoot, `${name}-`));
    fs.writeFileSync(
      path.join(projectDir, "Pulumi.yaml"),
      `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
    );
    fs.writeFileSync(path.join(projectDir, "index.js"), program);
    fs.writeFileSync(path.join(projectDir, "users.json"), "[]");
    const stack = new LocalStack({
      projectDir,
      workDir: makeTempDir("pulumi-domo-e2e-"),
      env: options.clientEnv,
    });
    await stack.init();
    await stack.configureDomo(emu);
    return new StackFixture(emu, stack, projectDir);
  }

  declare(users: DeclaredUser[]): void {
    fs.writeFileSync(path.join(this.projectDir, "users.json"), JSON.stringify(users, null, 2));
  }

  /** Calls that reached the emulator since the last reset, by route. */
  calls(): Record<string, number> {
    return this.emu.counters();
  }

  writes(): number {
    return Object.entries(this.emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);
  }

  liveUsers() {
    return this.emu.store.listUsers().filter((u) => !u.deleted);
  }

  state(): string {
    return fs.readFileSync(this.stack.stateFile(), "utf8");
  }

  async dispose(): Promise<void> {
    await this.emu.close();
    fs.rmSync(this.projectDir, { recursive: true, force: true });
  }
}

/** Runs `pulumi-domo <argv>` in-process with the stack's environment; returns exit code and output. */
export async function domoCli(stack: LocalStack, argv: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: stack.environment(),
    cwd,
  });
  return { code, stdout, stderr };
}
