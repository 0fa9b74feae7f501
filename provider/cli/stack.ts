import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { CliError } from "./io";

/**
 * A Pulumi stack reached through the `pulumi` CLI on PATH, the supported way to read and
 * repair a checkpoint on any backend (file, S3, Pulumi Cloud). The Automation API
 * (`@pulumi/pulumi/automation`) drives it where it serves: it checks the CLI, opens the project
 * as a LocalWorkspace, names the selected stack and reads the stack's config with its secrets
 * decrypted (never printed). Export, import and clearing a stale lock run the same CLI
 * directly; each says why.
 */
export interface StackTarget {
  /** The stack name; absent: the project's selected stack. */
  stack?: string | undefined;
  /** The Pulumi project directory (holds Pulumi.yaml). */
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface PulumiResult {
  code: number;
  stdout: string;
  stderr: string;
}

const configSchema = z.record(
  z.string(),
  z.looseObject({ value: z.unknown().optional(), secret: z.boolean().optional() }),
);

type Automation = typeof import("@pulumi/pulumi/automation");
// Loaded on first use: export and audit without --stack never start pulumi nor load Automation.
// require, not import(): see emulatorModule in run.ts.
const automation = () => require("@pulumi/pulumi/automation") as Automation;

interface Session {
  workspace: LocalWorkspace;
  /** The stack's name: the target's, else the one selected in the project. */
  stack: string;
  /** The CLI Automation checked, run directly for what Automation does not serve. */
  command: string;
}

export class PulumiStack {
  private session: Promise<Session> | undefined;

  constructor(private readonly target: StackTarget) {}

  get label(): string {
    return this.target.stack ?? "the selected stack";
  }

  /** The stack's config, secrets decrypted by Pulumi: key -> value as text. */
  async config(): Promise<Map<string, string>> {
    const what = "reading the stack config";
    const { workspace, stack } = await this.open(what);
    let config: unknown;
    try {
      config = await workspace.getAllConfig(stack); // `pulumi config --show-secrets --json`
    } catch (e) {
      throw this.failed(what, e);
    }
    const parsed = configSchema.safeParse(config);
    if (!parsed.success)
      throw new CliError("`pulumi config --json` printed something this tool does not understand");
    const out = new Map<string, string>();
    for (const [key, entry] of Object.entries(parsed.data)) {
      if (entry.value !== undefined && entry.value !== null) out.set(key, String(entry.value));
    }
    return out;
  }

  /**
   * `pulumi stack export`, not Automation's exportStack: that one always passes
   * `--show-secrets`, so every secret in the checkpoint would be decrypted (needing the
   * passphrase or KMS even when recover reads nothing from Domo) and then written back in
   * plaintext through recover's temporary file. Exported as is, secrets stay ciphertext.
   */
  async exportDeployment(): Promise<unknown> {
    return parseJson(await this.must(["stack", "export"], "`pulumi stack export`"));
  }

  /**
   * Imports a deployment with `pulumi stack import`, not Automation's importStack: that one
   * writes the deployment to its own temporary file with the default mode (readable by every
   * local user under the usual umask) and leaves it behind when the import fails, as it does
   * on a lock; recover's file is owner-only and always removed.
   *
   * A lock left by a killed `pulumi` (same host, process gone) is cleared with `pulumi cancel`
   * first and reported; a lock held by a live process is not. Automation only classifies the
   * message (ConcurrentUpdateError) without telling a dead holder from a live one, and its
   * cancel exists only on a Stack, which it builds by `pulumi stack select`: that would change
   * the project's selected stack for the person's next `pulumi up`. So the lock is read from
   * the import's own message (staleLock) and cleared with the CLI, as `pulumi cancel` does on
   * every backend.
   */
  async importDeployment(file: string, note: (line: string) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.run(["stack", "import", "--file", file], "`pulumi stack import`");
      if (result.code === 0) return;
      const lock = staleLock(result.stderr);
      if (attempt === 0 && lock !== undefined) {
        note(
          `The stack was locked by process ${lock.pid} on this machine, which no longer runs (the interrupted run): clearing the lock with \`pulumi cancel\`.`,
        );
        await this.must(["cancel", "--yes"], "`pulumi cancel`");
        continue;
      }
      throw new CliError(
        `\`pulumi stack import\` failed for ${this.label}: ${lastLines(result.stderr || result.stdout)}`,
      );
    }
  }

  /**
   * The project as an Automation LocalWorkspace, opened once. The stack is named, never
   * selected: Automation's Stack.select and selectStack run `pulumi stack select`, which would
   * change the project's selected stack behind the person's back; every call passes --stack.
   */
  private open(what: string): Promise<Session> {
    this.session ??= this.connect();
    return this.session.catch((e: unknown) => {
      throw e instanceof CliError ? e : this.failed(what, e);
    });
  }

  private async connect(): Promise<Session> {
    const { LocalWorkspace, PulumiCommand } = automation();
    if (!isDirectory(this.target.cwd))
      throw new CliError(`the Pulumi project directory ${this.target.cwd} does not exist`);
    const found = onPath("pulumi", this.target.env.PATH, this.target.cwd);
    if (found === undefined)
      throw new CliError(
        "the pulumi CLI is not on PATH; install it (or run from the project's environment) and try again",
      );
    // PulumiCommand.get runs <root>/bin/pulumi: the CLI on the target's PATH, which may not be
    // this process's (tests, a project environment). A CLI outside a bin directory cannot be
    // named that way; then Automation finds it on this process's PATH. No version check, as
    // before: the commands used here work with every Pulumi 3.
    const bin = path.dirname(found);
    const command = await PulumiCommand.get({
      ...(path.basename(bin) === "bin" ? { root: path.dirname(bin) } : {}),
      skipVersionCheck: true,
    });
    const workspace = await LocalWorkspace.create({
      workDir: this.target.cwd,
      pulumiCommand: command,
      envVars: exactEnv(this.target.env),
    });
    let stack = this.target.stack;
    if (stack === undefined) {
      stack = (await workspace.stack())?.name;
      if (stack === undefined)
        throw new CliError(`no stack is selected in ${this.target.cwd}; pass --stack <name>`);
    }
    return { workspace, stack, command: command.command };
  }

  /** Runs the CLI Automation checked on the stack, with the target's environment exactly. */
  private async run(args: string[], what: string): Promise<PulumiResult> {
    const { stack, command } = await this.open(what);
    const full = [...args, "--non-interactive", "--cwd", this.target.cwd, "--stack", stack];
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.target.env)) if (v !== undefined) env[k] = v;
    return new Promise((resolve, reject) => {
      const child = spawn(command, full, { cwd: this.target.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.on("error", (e) => reject(new CliError(`could not run pulumi: ${e.message}`)));
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end();
    });
  }

  private async must(args: string[], what: string): Promise<string> {
    const result = await this.run(args, what);
    if (result.code !== 0)
      throw new CliError(`${what} failed for ${this.label}: ${lastLines(result.stderr || result.stdout)}`);
    return result.stdout;
  }

  /**
   * An Automation failure as one line. A CommandError's message is the whole result, stdout
   * included (for `config --show-secrets`, the secrets), and a JSON error quotes the text it
   * choked on: only pulumi's stderr is shown.
   */
  private failed(what: string, e: unknown): CliError {
    const run = (e as { commandResult?: { err?: { stderr?: unknown; shortMessage?: unknown } } })
      .commandResult?.err;
    let detail: string;
    if (run !== undefined) {
      const stderr = typeof run.stderr === "string" ? lastLines(run.stderr) : "";
      detail = stderr || (typeof run.shortMessage === "string" ? run.shortMessage : "pulumi failed");
    } else if (e instanceof SyntaxError) {
      detail = "pulumi printed something that is not JSON";
    } else {
      detail = e instanceof Error ? e.message : String(e);
    }
    return new CliError(`${what} failed for ${this.label}: ${detail}`);
  }
}

/**
 * The environment for Automation's runner (execa), which lays it over this process's own: a
 * variable the target leaves out is given as undefined, which Node drops, so pulumi sees
 * exactly the target's environment, as when it is spawned directly.
 */
function exactEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) out[key] = undefined;
  Object.assign(out, env);
  return out as Record<string, string>;
}

/** The executable `name` on `PATH` (relative entries resolved against cwd), as a shell finds it. */
function onPath(name: string, searchPath: string | undefined, cwd: string): string | undefined {
  const names = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    for (const file of names.map((n) => path.resolve(cwd, dir, n))) {
      try {
        accessSync(file, constants.X_OK);
        if (statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The lock in Pulumi's "currently locked" message, when its process is gone from this host. */
export function staleLock(message: string): { pid: number } | undefined {
  if (!/currently locked/.test(message)) return undefined;
  const m = /created by [^@\s]+@(\S+) \(pid (\d+)\)/.exec(message);
  if (!m || m[1] !== os.hostname()) return undefined;
  const pid = Number(m[2]);
  try {
    process.kill(pid, 0);
    return undefined; // alive: not ours to clear
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH" ? { pid } : undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError("pulumi printed something that is not JSON");
  }
}

function lastLines(text: string): string {
  return text.trim().split(/\r?\n/).slice(-3).join(" ").slice(0, 600);
}
