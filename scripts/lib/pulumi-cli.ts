import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The repository root (this file lives in scripts/lib). */
export const repoRoot = path.resolve(__dirname, "..", "..");

let binDir: string | undefined;

/**
 * A usable Pulumi CLI's bin directory: on PATH, cached, or built from Go modules by
 * tools/pulumi-cli/ensure-pulumi.sh (the first build takes minutes; later calls are instant).
 */
export function ensurePulumiCli(): string {
  // The test runner provisions the CLI once, before any test timeout starts.
  binDir ??= process.env.PULUMI_DOMO_CLI_BIN || undefined;
  if (binDir) return binDir;
  const out = execFileSync("bash", [path.join(repoRoot, "tools", "pulumi-cli", "ensure-pulumi.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  binDir = out.trim().split("\n").pop() ?? "";
  if (!fs.existsSync(path.join(binDir, "pulumi"))) throw new Error(`no pulumi binary in ${binDir}`);
  return binDir;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface LocalStackOptions {
  /** The Pulumi project directory (holds Pulumi.yaml). */
  projectDir: string;
  /** Where the local file backend keeps state, and PULUMI_HOME lives. */
  workDir: string;
  stack?: string;
  passphrase?: string;
  /** Extra environment for the CLI and the providers it starts. */
  env?: Record<string, string | undefined>;
  /**
   * A state backend other than the local file backend under workDir (for instance a DIY S3
   * URL). Unset: `file://<workDir>/state`, as before. stateFile() only serves the file backend.
   */
  backendUrl?: string;
  /** Echo CLI output as it runs (the demo does; tests do not). */
  echo?: boolean;
}

/**
 * One stack of a Pulumi project on a local file backend, driven through the real CLI with no
 * network and no prompts. Node for the language host comes from node_modules/.bin (Node 22).
 */
export class LocalStack {
  readonly stack: string;
  readonly stateDir: string;
  private readonly env: Record<string, string>;

  constructor(private readonly options: LocalStackOptions) {
    this.stack = options.stack ?? "dev";
    this.stateDir = path.join(options.workDir, "state");
    fs.mkdirSync(this.stateDir, { recursive: true });
    const home = path.join(options.workDir, "pulumi-home");
    fs.mkdirSync(home, { recursive: true });
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) base[k] = v;
    this.env = {
      ...base,
      PATH: [ensurePulumiCli(), path.join(repoRoot, "node_modules", ".bin"), base.PATH ?? ""].join(
        path.delimiter,
      ),
      PULUMI_BACKEND_URL: options.backendUrl ?? `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "pulumi-domo-local",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_HOME: home,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      NO_COLOR: "1",
    };
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete this.env[k];
      else this.env[k] = v;
    }
  }

  /** Creates the stack if needed. */
  async init(): Promise<void> {
    const selected = await this.run(["stack", "select", this.stack], { allowFailure: true });
    if (selected.code !== 0) await this.run(["stack", "init", this.stack]);
  }

  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    await this.run(["config", "set", key, ...(options.secret ? ["--secret"] : ["--plaintext"]), "--", value]);
  }

  /** Points the stack's `domo` provider at a Domo API: host, client id, and the secret (encrypted). */
  async configureDomo(domo: {
    url: string;
    credentials: { clientId: string; clientSecret: string };
  }): Promise<void> {
    await this.setConfig("domo:apiHost", domo.url);
    await this.setConfig("domo:clientId", domo.credentials.clientId);
    await this.setConfig("domo:clientSecret", domo.credentials.clientSecret, { secret: true });
  }

  up(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<CommandResult> {
    return this.run(["up", "--yes", "--skip-preview", ...extra], options);
  }

  preview(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<CommandResult> {
    return this.run(["preview", ...extra], options);
  }

  refresh(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<CommandResult> {
    return this.run(["refresh", "--yes", "--skip-preview", ...extra], options);
  }

  /** The environment the CLI runs with (backend, passphrase, PATH): for tools run beside it. */
  environment(): Record<string, string> {
    return { ...this.env };
  }

  destroy(extra: string[] = []): Promise<CommandResult> {
    return this.run(["destroy", "--yes", "--skip-preview", ...extra]);
  }

  /** The stack's checkpoint file on the local backend. */
  stateFile(): string {
    const stacks = path.join(this.stateDir, ".pulumi", "stacks");
    const found: string[] = [];
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name === `${this.stack}.json`) found.push(p);
      }
    };
    walk(stacks);
    if (!found[0]) throw new Error(`no state file for stack ${this.stack} under ${stacks}`);
    return found[0];
  }

  async run(args: string[], options: { allowFailure?: boolean } = {}): Promise<CommandResult> {
    const flags = ["--non-interactive", "--cwd", this.options.projectDir];
    if (args[0] !== "stack") flags.push("--stack", this.stack);
    // Flags must come before a `--` that ends option parsing (config values may start with "-").
    const end = args.indexOf("--");
    const full = end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
    const result = await new Promise<CommandResult>((resolve, reject) => {
      const child = spawn("pulumi", full, { env: this.env, cwd: this.options.projectDir });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (this.options.echo) process.stdout.write(d);
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (this.options.echo) process.stderr.write(d);
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
    if (result.code !== 0 && !options.allowFailure) {
      const error = new Error(
        `pulumi ${args.join(" ")} failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
      );
      throw Object.assign(error, { result });
    }
    return result;
  }
}
