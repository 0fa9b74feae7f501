// @ts-nocheck
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensurePulumiCli, repoRoot } from "../../scripts/lib/pulumi-cli";

export interface Machine {
  nproc: number;
  memoryBytes: number;
  cpuModel: string;
  platform: string;
  kernel: string;
}

export interface Versions {
  node: string;
  pulumiCli: string;
  pulumiNodejsSdk: string;
  /** The SDK release the Node.js language host was built from (tools/pulumi-cli/ensure-pulumi.sh). */
  languageHostSdk: string | null;
}

export interface ParallelSetting {
  /** The value in effect for up/destroy/refresh. */
  value: number;
  /** Flags passed to the CLI for it (empty when the CLI's own default is used). */
  flags: string[];
  /** What `pulumi up --help` says, as found. */
  helpLine: string | null;
  statement: string;
}

export function machine(): Machine {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) cpuModel = m[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    nproc: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    cpuModel,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
  };
}

export function versions(): Versions {
  const cli = path.join(ensurePulumiCli(), "pulumi");
  const pulumiCli = execFileSync(cli, ["version"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  }).trim();
  const sdkPkg = JSON.parse(
    fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
  ) as { version: string };
  let languageHostSdk: string | null = null;
  try {
    const script = fs.readFileSync(path.join(repoRoot, "tools", "pulumi-cli", "ensure-pulumi.sh"), "utf8");
    languageHostSdk = /^LANGUAGE_HOST_SDK="([^"]+)"/m.exec(script)?.[1] ?? null;
  } catch {
    languageHostSdk = null;
  }
  return { node: process.version, pulumiCli, pulumiNodejsSdk: sdkPkg.version, languageHostSdk };
}

/**
 * Pulumi's default `--parallel`, read from `pulumi up --help`. Versions differ (some default to
 * unbounded); when the help shows no bounded default, 4 × CPUs is passed explicitly.
 */
export function parallelSetting(nproc: number): ParallelSetting {
  const cli = path.join(ensurePulumiCli(), "pulumi");
  const help = spawnSync(cli, ["up", "--help"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  const helpLine = (help.stdout ?? "").split("\n").find((l) => /--parallel\b/.test(l)) ?? null;
  const found = helpLine ? /\(default (-?\d+)\)/.exec(helpLine) : null;
  const value = found?.[1] === undefined ? Number.NaN : Number(found[1]);
  if (Number.isInteger(value) && value > 0) {
    return {
      value,
      flags: [],
      helpLine: helpLine?.trim() ?? null,
      statement: `CLI default, not passed: \`pulumi up --help\` says "(default ${value})" (${value === 4 * nproc ? `= 4 × ${nproc} CPUs` : `${nproc} CPUs`}); PULUMI_PARALLEL is unset for the runs`,
    };
  }
  const explicit = 4 * nproc;
  return {
    value: explicit,
    flags: ["--parallel", String(explicit)],
    helpLine: helpLine?.trim() ?? null,
    statement: `the CLI shows no bounded default (${helpLine?.trim() ?? "no --parallel line"}), so --parallel ${explicit} (4 × ${nproc} CPUs) is passed explicitly`,
  };
}

export interface Throughput {
  route: string;
  requests: number;
  concurrency: number;
  seconds: number;
  requestsPerSecond: number;
  errors: number;
}

/** Runs tests/emulator/measure-throughput.ts (zero latency, no rate limit) once; null on failure. */
export function emulatorThroughput(): Throughput | null {
  const tsx = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
  const script = path.join(repoRoot, "tests", "emulator", "measure-throughput.ts");
  const run = spawnSync(process.execPath, [tsx, script], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 120_000,
  });
  const last = (run.stdout ?? "").trim().split("\n").pop();
  if (run.status !== 0 || !last) return null;
  try {
    return JSON.parse(last) as Throughput;
  } catch {
    return null;
  }
}
