// @ts-nocheck
import { spawn } from "node:child_process";
import os from "node:os";
import { z } from "zod";
import { CliError } from "./io";

/**
 * A Pulumi stack reached through the `pulumi` CLI on PATH, the supported way to read and
 * repair a checkpoint on any backend (file, S3, Pulumi Cloud): `stack export` / `stack
 * import`, and `config --show-secrets` for the stack's own provider settings (Pulumi decrypts
 * them; they are never printed).
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

export class PulumiStack {
  constructor(private readonly target: StackTarget) {}

  get label(): string {
    return this.target.stack ?? "the selected stack";
  }

  async run(args: string[], input?: string): Promise<PulumiResult> {
    const full = [...args, "--non-interactive", "--cwd", this.target.cwd];
    if (this.target.stack !== undefined) full.push("--stack", this.target.stack);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.target.env)) if (v !== undefined) env[k] = v;
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", full, { cwd: this.target.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.on("error", (e: NodeJS.ErrnoException) =>
        reject(
          new CliError(
            e.code === "ENOENT"
              ? "the pulumi CLI is not on PATH; install it (or run from the project's environment) and try again"
              : `could not run pulumi: ${e.message}`,
          ),
        ),
      );
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(input ?? "");
    });
  }

  private async must(args: string[], what: string): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0)
      throw new CliError(`${what} failed for ${this.label}: ${lastLines(result.stderr || result.stdout)}`);
    return result.stdout;
  }

  /** The stack's config, secrets decrypted by Pulumi: key -> value as text. */
  async config(): Promise<Map<string, string>> {
    const text = await this.must(["config", "--json", "--show-secrets"], "reading the stack config");
    const parsed = configSchema.safeParse(parseJson(text));
    if (!parsed.success)
      throw new CliError("`pulumi config --json` printed something this tool does not understand");
    const out = new Map<string, string>();
    for (const [key, entry] of Object.entries(parsed.data)) {
      if (entry.value !== undefined && entry.value !== null) out.set(key, String(entry.value));
    }
    return out;
  }

  async exportDeployment(): Promise<unknown> {
    return parseJson(await this.must(["stack", "export"], "`pulumi stack export`"));
  }

  /**
   * Imports a deployment. A lock left by a killed `pulumi` (same host, process gone) is
   * cleared with `pulumi cancel` first and reported; a lock held by a live process is not.
   */
  async importDeployment(file: string, note: (line: string) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.run(["stack", "import", "--file", file]);
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
