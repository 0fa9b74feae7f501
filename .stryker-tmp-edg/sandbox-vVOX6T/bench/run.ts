/**
 * `npm run bench`: how fast and how cheaply `pulumi up` converges N Domo users, through the
 * real Pulumi CLI against the local emulator, with naive baselines. Writes results.md and
 * results.json (to bench/ by default).
 *
 *   tsx bench/run.ts [--sizes 100,1000] [--latency 50] [--rate 20] [--out bench]
 *                    [--no-baselines] [--no-throughput] [--no-diagnose] [--keep]
 */
// @ts-nocheck

import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { clientSettingsSchema } from "../provider/client/config";
import { ensurePulumiCli, repoRoot } from "../scripts/lib/pulumi-cli";
import { runSize } from "./lib/bench";
import { emulatorThroughput, machine, parallelSetting, versions } from "./lib/environment";
import { preparePackedInstall } from "./lib/project";
import { type BenchResults, largestGap, renderMarkdown, type Skipped } from "./lib/report";
import { floorFormula } from "./lib/targets";
import type { RunResult } from "./lib/types";

const usage = `usage: tsx bench/run.ts [--sizes 100,1000] [--latency 50] [--rate 20] [--out bench]
                         [--no-baselines] [--no-throughput] [--no-diagnose] [--no-packed] [--keep]`;

function positiveNumber(name: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(
      `--${name} must be a ${allowZero ? "non-negative" : "positive"} number, got "${text}"\n${usage}`,
    );
  }
  return value;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      sizes: { type: "string", default: "100,1000" },
      latency: { type: "string", default: "50" },
      rate: { type: "string", default: "20" },
      out: { type: "string", default: path.join(repoRoot, "bench") },
      baselines: { type: "boolean", default: true },
      throughput: { type: "boolean", default: true },
      diagnose: { type: "boolean", default: true },
      packed: { type: "boolean", default: true },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const sizes = values.sizes.split(",").map((s) => {
    const n = positiveNumber("sizes", s.trim());
    if (!Number.isInteger(n)) throw new Error(`--sizes takes whole numbers, got "${s}"`);
    return n;
  });
  return {
    sizes,
    latencyMs: positiveNumber("latency", values.latency, true),
    rate: positiveNumber("rate", values.rate),
    outDir: path.resolve(values.out),
    baselines: values.baselines,
    throughput: values.throughput,
    diagnose: values.diagnose,
    packed: values.packed,
    keep: values.keep,
  };
}

/**
 * The engine's checkpoint cost measured in a run (wall of up/destroy minus the same with
 * PULUMI_SKIP_CHECKPOINTS), scaled to N = 5,000: it rewrites O(N) bytes after each of N steps.
 */
function checkpointExtrapolation(runs: readonly RunResult[], n: number): string {
  const measured = [...runs]
    .reverse()
    .find(
      (r) => r.phases.some((p) => p.id === "diag-up-create") && r.phases.some((p) => p.id === "up-create"),
    );
  if (!measured) return "";
  const wall = (id: string) => measured.phases.find((p) => p.id === id)?.wallSeconds ?? 0;
  const up = Math.max(0, wall("up-create") - wall("diag-up-create"));
  const destroy = Math.max(0, wall("destroy") - wall("diag-destroy"));
  // Below a few hundred users the checkpoints cost too little to scale from.
  if (measured.n < 500 || up < 5) return "";
  const scale = (n / measured.n) ** 2;
  return (
    ` Worse, the engine's checkpoint writes measured at N = ${measured.n} (${up.toFixed(0)} s in first up, ${destroy.toFixed(0)} s in destroy) grow with N²: ` +
    `scaled ×${scale.toFixed(0)} they would add about ${((up * scale) / 60).toFixed(0)} and ${((destroy * scale) / 60).toFixed(0)} min.`
  );
}

/** Why N = 5,000 is not in the default run: the rate-bound work alone would take this long. */
function skipFiveThousand(rate: number, baselines: boolean, runs: readonly RunResult[]): Skipped {
  const n = 5000;
  const pulumiCalls = 2 * (n + 1); // first up + destroy
  const naiveCalls = baselines ? 3 * n : 0; // create, delete, GET per user
  const seconds = (pulumiCalls + naiveCalls) / rate;
  return {
    n,
    reason:
      `at ${rate} req/s the rate-bound phases alone take ${(pulumiCalls / rate / 60).toFixed(1)} min (first up and destroy, ${pulumiCalls} calls)` +
      `${baselines ? ` plus ${(naiveCalls / rate / 60).toFixed(1)} min of baselines (${naiveCalls} calls)` : ""}, ` +
      `${(seconds / 60).toFixed(0)} min before any CLI overhead, on top of the N = 100 and 1,000 runs: over the ~20 min budget of the bench.` +
      checkpointExtrapolation(runs, n) +
      " Run it on purpose with `tsx bench/run.ts --sizes 5000 --no-baselines`.",
  };
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const began = performance.now();
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  ensurePulumiCli();
  const m = machine();
  const v = versions();
  const parallel = parallelSetting(m.nproc);
  const defaults = clientSettingsSchema.parse({ clientId: "x", clientSecret: "x" });
  log(`machine: ${m.nproc} CPUs, ${m.cpuModel}; Pulumi ${v.pulumiCli}; --parallel ${parallel.value}`);
  const throughput = o.throughput ? emulatorThroughput() : null;
  if (o.throughput)
    log(`emulator throughput: ${throughput ? `${throughput.requestsPerSecond} req/s` : "failed"}`);

  let packedRoot: string | undefined;
  if (o.diagnose && o.packed) {
    try {
      packedRoot = preparePackedInstall();
      log(`installed the npm tarball under ${packedRoot}`);
    } catch (e) {
      log(`could not install the npm tarball, skipping the packed diagnostic: ${String(e).slice(0, 300)}`);
    }
  }

  const runs: RunResult[] = [];
  for (const n of o.sizes) {
    runs.push(
      await runSize({
        n,
        latencyMs: o.latencyMs,
        rate: o.rate,
        maxConcurrency: defaults.maxConcurrency,
        parallel,
        baselines: o.baselines,
        diagnose: o.diagnose,
        ...(packedRoot ? { packedRoot } : {}),
        keep: o.keep,
        log,
      }),
    );
  }

  if (packedRoot && !o.keep) fs.rmSync(packedRoot, { recursive: true, force: true });

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: `tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    totalSeconds: (performance.now() - began) / 1000,
    machine: m,
    versions: v,
    settings: {
      latencyMs: o.latencyMs,
      rateLimit: { requestsPerSecond: o.rate, burst: Math.max(1, Math.ceil(o.rate)), retryAfter: "seconds" },
      clientRequestsPerSecond: o.rate,
      clientMaxConcurrency: defaults.maxConcurrency,
      listingTtlMs: defaults.listingTtlMs,
      parallel,
      effectiveParallel: Math.min(parallel.value, defaults.maxConcurrency),
      baselines: o.baselines,
      diagnose: o.diagnose,
      packed: packedRoot !== undefined,
    },
    floorFormula,
    throughput,
    runs,
    skipped: o.sizes.includes(5000) ? [] : [skipFiveThousand(o.rate, o.baselines, runs)],
    largestGap: largestGap(runs),
  };
  fs.mkdirSync(o.outDir, { recursive: true });
  fs.writeFileSync(path.join(o.outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(o.outDir, "results.md"), renderMarkdown(results));
  log(
    `wrote ${path.join(o.outDir, "results.md")} and results.json in ${(results.totalSeconds / 60).toFixed(1)} min`,
  );
  if (runs.some((r) => r.error)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
