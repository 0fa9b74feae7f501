/**
 * `npm run bench`: how fast and how cheaply `pulumi up` converges N Domo users, through the
 * real Pulumi CLI against the local emulator, per mode (perUser, bulk) and state backend
 * (local file, S3 served locally by moto_server). Writes results.md and results.json (to
 * bench/ by default).
 *
 *   tsx bench/run.ts                      the default matrix (see defaultMatrix)
 *   tsx bench/run.ts --list               print the matrix's run ids
 *   tsx bench/run.ts --only perUser-file-1000,bulk-file-1000
 *   tsx bench/run.ts --runs bulk          runs whose id contains "bulk"
 *   tsx bench/run.ts --runs 'bulk-s3-50,perUser-file-50@20'   ad-hoc runs ([native-]mode-backend-n[@rate])
 *   tsx bench/run.ts --runs native        the native provider's runs (native-perUser-file-1000, native-bulk-file-10000)
 *   tsx bench/run.ts --sizes 100,1000     perUser file runs at these sizes (the old interface)
 *   [--latency 50] [--rate R] [--out bench] [--no-baselines] [--no-diagnose] [--no-heap-diagnostic] [--no-throughput] [--keep]
 *   tsx bench/run.ts --render             rewrite results.md (and the largest gap) from results.json
 *   tsx bench/run.ts --setup [--runs s3]  only the setup step: provision moto_server if an s3 run is selected
 *
 * Setup comes first, before any run: moto_server for the s3 runs is found or installed
 * (`pip install 'moto[server]'`, skipped when it is present), and for the native runs the
 * plugin archive is built (scripts/build-plugin.mjs: the single executable each native
 * project installs with `pulumi plugin install … --file`), so nothing is installed or built
 * between measured phases. A small S3 check of the runner: `--runs perUser-s3-100 --latency 0 --no-throughput`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { clientSettingsSchema } from "../provider/client/config";
import { ensurePulumiCli, repoRoot } from "../scripts/lib/pulumi-cli";
import { type BeforeN100, runOne } from "./lib/bench";
import { emulatorThroughput, machine, parallelSetting, versions } from "./lib/environment";
import { preparePackedInstall } from "./lib/project";
import { type BenchResults, largestGap, renderMarkdown, type Skipped } from "./lib/report";
import { type MotoProvision, MotoS3, provisionMotoServer } from "./lib/s3";
import { floorFormula } from "./lib/targets";
import { providerOf, type RunResult, type RunSpec, runId } from "./lib/types";

const usage = `usage: tsx bench/run.ts [--only id,id] [--runs filter|specs] [--sizes 100,1000] [--list] [--setup]
                         [--latency 50] [--rate R] [--out bench]
                         [--[no-]baselines] [--[no-]diagnose] [--[no-]heap-diagnostic] [--no-throughput] [--keep]
  run ids: [native-]<mode>-<backend>-<n>, mode perUser|bulk, backend file|s3 (native-: the native
  provider's plugin instead of the dynamic resources); an ad-hoc spec may add @<rate>`;

const latencyMs = 50;

/** `npm run bench`: the runs issue #15 asks for. */
export const defaultMatrix: readonly RunSpec[] = [
  { n: 100, mode: "perUser", backend: "file", rate: 20, latencyMs, baselines: true },
  { n: 100, mode: "bulk", backend: "file", rate: 20, latencyMs },
  { n: 1000, mode: "perUser", backend: "file", rate: 20, latencyMs, diagnose: true },
  { n: 1000, mode: "bulk", backend: "file", rate: 20, latencyMs },
  // 50 ms and 8 in flight bound throughput at 160 req/s > 100: the rate limit sets the floor
  // (10,001 calls: 100 s), and the 10,000 runs fit the bench's budget.
  { n: 10000, mode: "bulk", backend: "file", rate: 100, latencyMs, heapDiagnostic: true },
  { n: 10000, mode: "bulk", backend: "s3", rate: 100, latencyMs },
  { n: 1000, mode: "perUser", backend: "s3", rate: 20, latencyMs },
  // The native provider (issue #22), next to the dynamic runs of the same mode, backend, N and
  // rate: the same phases, the plugin's process sampled for peak RSS.
  { provider: "native", n: 1000, mode: "perUser", backend: "file", rate: 20, latencyMs },
  { provider: "native", n: 10000, mode: "bulk", backend: "file", rate: 100, latencyMs },
];

const specPattern = /^(native-)?(perUser|bulk)-(file|s3)-(\d+)(?:@(\d+(?:\.\d+)?))?$/;

function positiveNumber(name: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(
      `--${name} must be a ${allowZero ? "non-negative" : "positive"} number, got "${text}"\n${usage}`,
    );
  }
  return value;
}

/** `mode-backend-n[@rate]`: a run of the default matrix, or an ad-hoc one (rate 20 unless given). */
export function parseSpec(text: string): RunSpec {
  const m = specPattern.exec(text.trim());
  if (!m)
    throw new Error(
      `not a run spec: "${text}" (want [native-]<perUser|bulk>-<file|s3>-<n>[@rate])\n${usage}`,
    );
  const [, native, mode, backend, n, rate] = m;
  const spec = {
    ...(native ? { provider: "native" } : {}),
    mode,
    backend,
    n: Number(n),
  } as Pick<RunSpec, "mode" | "backend" | "n" | "provider">;
  const known = defaultMatrix.find((d) => runId(d) === runId(spec));
  return {
    ...(known ?? { ...spec, rate: 20, latencyMs }),
    ...(rate === undefined ? {} : { rate: positiveNumber("runs", rate) }),
  };
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      sizes: { type: "string" },
      list: { type: "boolean", default: false },
      render: { type: "boolean", default: false },
      setup: { type: "boolean", default: false },
      latency: { type: "string" },
      rate: { type: "string" },
      out: { type: "string", default: path.join(repoRoot, "bench") },
      baselines: { type: "boolean" },
      throughput: { type: "boolean", default: true },
      diagnose: { type: "boolean" },
      "heap-diagnostic": { type: "boolean" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  let runs: RunSpec[] = [...defaultMatrix];
  if (values.sizes !== undefined) {
    runs = values.sizes.split(",").map((s) => {
      const n = positiveNumber("sizes", s.trim());
      if (!Number.isInteger(n)) throw new Error(`--sizes takes whole numbers, got "${s}"`);
      return { n, mode: "perUser", backend: "file", rate: 20, latencyMs, baselines: true, diagnose: true };
    });
  }
  if (values.only !== undefined) {
    const ids = values.only.split(",").map((s) => s.trim());
    const unknown = ids.filter((id) => !runs.some((r) => runId(r) === id));
    if (unknown.length > 0) {
      throw new Error(`--only: no such run ${unknown.join(", ")}; the matrix: ${runs.map(runId).join(", ")}`);
    }
    runs = runs.filter((r) => ids.includes(runId(r)));
  }
  if (values.runs !== undefined) {
    const parts = values.runs.split(",").map((s) => s.trim());
    if (parts.every((p) => specPattern.test(p))) runs = parts.map(parseSpec);
    else runs = runs.filter((r) => parts.some((p) => runId(r).toLowerCase().includes(p.toLowerCase())));
  }
  runs = runs.map((r) => ({
    ...r,
    ...(values.rate === undefined ? {} : { rate: positiveNumber("rate", values.rate) }),
    ...(values.latency === undefined ? {} : { latencyMs: positiveNumber("latency", values.latency, true) }),
    ...(values.baselines === undefined ? {} : { baselines: values.baselines }),
    ...(values.diagnose === undefined ? {} : { diagnose: values.diagnose }),
    ...(values["heap-diagnostic"] === undefined ? {} : { heapDiagnostic: values["heap-diagnostic"] }),
  }));
  if (runs.length === 0) throw new Error(`no run selected\n${usage}`);
  return {
    runs,
    list: values.list,
    render: values.render,
    setupOnly: values.setup,
    outDir: path.resolve(values.out),
    throughput: values.throughput,
    keep: values.keep,
  };
}

/**
 * Why per-user mode at N = 10,000 is not run: its first up and destroy cost the rate-bound
 * calls plus the engine's checkpoint rewrites, measured at N = 1,000 (wall minus the same with
 * PULUMI_SKIP_CHECKPOINTS) and growing with N² (state bytes × steps).
 */
function skipPerUserTenThousand(runs: readonly RunResult[]): Skipped {
  const n = 10000;
  const rate = 100;
  const id = "perUser-file-10000";
  const floorMin = ((n + 1) / rate / 60).toFixed(1);
  const measured = runs.find(
    (r) =>
      providerOf(r.spec) === "dynamic" &&
      r.spec.mode === "perUser" &&
      r.spec.backend === "file" &&
      r.phases.some((p) => p.id === "diag-up-create" && !p.error) &&
      r.phases.some((p) => p.id === "up-create" && !p.error),
  );
  let reason = `not run. Its rate-bound work alone, at ${rate} req/s, is ${floorMin} min for the first up and ${floorMin} min for destroy (${n + 1} calls each)`;
  if (!measured || measured.n < 500) {
    return {
      id,
      reason: `${reason}; the engine's checkpoint cost, which grows with N², was not measured in this bench (no per-user file run of N ≥ 500 with the checkpoint diagnostic), so no extrapolation is given.`,
    };
  }
  const wall = (pid: string) => measured.phases.find((p) => p.id === pid)?.wallSeconds ?? 0;
  const up = Math.max(0, wall("up-create") - wall("diag-up-create"));
  const destroy = Math.max(0, wall("destroy") - wall("diag-destroy"));
  const scale = (n / measured.n) ** 2;
  const upMin = (up * scale) / 60;
  const destroyMin = (destroy * scale) / 60;
  const state = measured.phases.find((p) => p.id === "up-create")?.state;
  reason +=
    `; on top of that the engine rewrites the whole checkpoint after every step. Measured in ${measured.id} (${measured.spec.rate} req/s): ` +
    `first up ${wall("up-create").toFixed(0)} s vs ${wall("diag-up-create").toFixed(0)} s with PULUMI_SKIP_CHECKPOINTS=true, so ${up.toFixed(0)} s of checkpoint writes; ` +
    `destroy ${wall("destroy").toFixed(0)} s vs ${wall("diag-destroy").toFixed(0)} s, ${destroy.toFixed(0)} s` +
    `${state ? ` (state ${(state.bytes / 1024 / 1024).toFixed(1)} MiB, ${(state.bytes / measured.n).toFixed(0)} B per user)` : ""}. ` +
    `That cost is state bytes × steps, both proportional to N: ×${scale.toFixed(0)} at N = ${n.toLocaleString("en-US")}, ` +
    `about ${upMin.toFixed(0)} min for the first up and ${destroyMin.toFixed(0)} min for destroy, ${((upMin + destroyMin) / 60).toFixed(1)} h in all: beyond the bench's budget (bulk mode is the answer at this N). ` +
    "Run it on purpose with `tsx bench/run.ts --runs perUser-file-10000@100 --no-baselines`.";
  return { id, reason };
}

/**
 * The bench's setup step, run once before anything is measured: what the selected runs need
 * beyond the repo's own dependencies: moto_server for the s3 runs, found where it is installed
 * or installed once (provisionMotoServer: idempotent, no install when present), and the native
 * plugin's archive for the native runs. When either cannot be provisioned the runs needing it
 * are skipped, with the reason, and the others run.
 */
function provision(
  runs: readonly RunSpec[],
  log: (line: string) => void,
): { moto?: Extract<MotoProvision, { bin: string }>; pluginArchive?: string; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  const plugin = provisionPlugin(runs, log);
  if ("error" in plugin) {
    skipped.push(
      ...runs.filter((r) => providerOf(r) === "native").map((r) => ({ id: runId(r), reason: plugin.error })),
    );
  }
  const pluginArchive = "archive" in plugin ? plugin.archive : undefined;
  const s3Runs = runs.filter((r) => r.backend === "s3");
  if (s3Runs.length === 0) {
    log("setup: no s3 run selected: moto_server not needed");
    return { ...(pluginArchive ? { pluginArchive } : {}), skipped };
  }
  const moto = provisionMotoServer(log);
  if ("bin" in moto) return { moto, ...(pluginArchive ? { pluginArchive } : {}), skipped };
  log(`setup: skipping the s3 runs: ${moto.error}`);
  skipped.push(...s3Runs.map((r) => ({ id: runId(r), reason: moto.error })));
  return { ...(pluginArchive ? { pluginArchive } : {}), skipped };
}

/**
 * The native runs' plugin: the archive `npm run build:plugin` makes (scripts/build-plugin.mjs,
 * from dist/, which `npm run bench` builds first), built once here. Each native project then
 * installs it into its own PULUMI_HOME, as a user does offline, so the runs measure the single
 * executable users install.
 */
function provisionPlugin(
  runs: readonly RunSpec[],
  log: (line: string) => void,
): { archive?: string } | { error: string } {
  if (!runs.some((r) => providerOf(r) === "native")) return {};
  const node = path.join(repoRoot, "node_modules", ".bin", "node");
  try {
    const archive = execFileSync(node, [path.join(repoRoot, "scripts", "build-plugin.mjs")], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
    log(`setup: built the native plugin archive ${path.relative(repoRoot, archive)}`);
    return { archive };
  } catch (e) {
    return { error: `the native plugin archive did not build: ${String(e).slice(0, 300)}` };
  }
}

function loadBefore(): BeforeN100 | undefined {
  const file = path.join(repoRoot, "bench", "before-n100.json");
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as BeforeN100;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  if (o.render) {
    // The same measurements, rendered again (after a change to the report's wording).
    const file = path.join(o.outDir, "results.json");
    const results = JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
    results.largestGap = largestGap(results.runs);
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(o.outDir, "results.md"), renderMarkdown(results));
    process.stderr.write(`rendered ${path.join(o.outDir, "results.md")} from results.json\n`);
    return;
  }
  if (o.list) {
    for (const r of o.runs) {
      process.stdout.write(
        `${runId(r)}  ${providerOf(r)} provider, rate ${r.rate} req/s, latency ${r.latencyMs} ms${r.baselines ? ", baselines" : ""}${r.diagnose ? ", checkpoint diagnostic" : ""}\n`,
      );
    }
    return;
  }
  const began = performance.now();
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  ensurePulumiCli();
  const m = machine();
  const v = versions();
  const parallel = parallelSetting(m.nproc);
  const defaults = clientSettingsSchema.parse({ clientId: "x", clientSecret: "x" });
  log(`machine: ${m.nproc} CPUs, ${m.cpuModel}; Pulumi ${v.pulumiCli}; --parallel ${parallel.value}`);
  log(`runs: ${o.runs.map((r) => `${runId(r)}@${r.rate}`).join(", ")}`);
  const setup = provision(o.runs, log);
  if (o.setupOnly) {
    if (setup.skipped.length > 0) process.exitCode = 1;
    return;
  }
  const throughput = o.throughput ? emulatorThroughput() : null;
  if (o.throughput)
    log(`emulator throughput: ${throughput ? `${throughput.requestsPerSecond} req/s` : "failed"}`);

  const packedRoot = preparePackedInstall();
  log(`installed the npm tarball under ${packedRoot}`);
  const before = loadBefore();

  const skipped: Skipped[] = [...setup.skipped];
  const skippedIds = new Set(setup.skipped.map((s) => s.id));
  const motoServer = setup.moto;
  let s3Server: BenchResults["settings"]["s3Server"] = null;

  const runs: RunResult[] = [];
  const moto: MotoS3[] = [];
  const stopAll = () => {
    for (const s of moto.splice(0)) s.stop();
  };
  process.once("SIGINT", () => {
    stopAll();
    process.exit(130);
  });
  try {
    for (const spec of o.runs) {
      if (skippedIds.has(runId(spec))) continue;
      let s3: MotoS3 | undefined;
      if (spec.backend === "s3") {
        if (!motoServer) continue;
        try {
          s3 = await MotoS3.start(motoServer);
          moto.push(s3);
          s3Server = { name: s3.server, version: s3.version };
          log(`[${runId(spec)}] ${s3.server} ${s3.version} on port ${s3.port}, bucket ${s3.bucket}`);
        } catch (e) {
          skipped.push({
            id: runId(spec),
            reason: `the S3 server did not start: ${String(e).slice(0, 300)}`,
          });
          continue;
        }
      }
      try {
        runs.push(
          await runOne(spec, {
            maxConcurrency: defaults.maxConcurrency,
            parallel,
            packedRoot,
            ...(setup.pluginArchive ? { pluginArchive: setup.pluginArchive } : {}),
            ...(s3 ? { s3 } : {}),
            ...(before ? { before } : {}),
            keep: o.keep,
            log,
          }),
        );
      } finally {
        if (s3) {
          s3.stop();
          moto.splice(moto.indexOf(s3), 1);
        }
      }
    }
  } finally {
    stopAll();
    if (!o.keep) fs.rmSync(packedRoot, { recursive: true, force: true });
  }

  if (
    !o.runs.some((r) => r.mode === "perUser" && r.n === 10000) &&
    o.runs.some((r) => providerOf(r) === "dynamic")
  )
    skipped.push(skipPerUserTenThousand(runs));

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: `tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    totalSeconds: (performance.now() - began) / 1000,
    machine: m,
    versions: v,
    settings: {
      clientMaxConcurrency: defaults.maxConcurrency,
      listingTtlMs: defaults.listingTtlMs,
      parallel,
      effectiveParallel: Math.min(parallel.value, defaults.maxConcurrency),
      s3Server,
      before: before ? { commit: before.commit, note: before.note } : null,
    },
    floorFormula,
    throughput,
    runs,
    skipped,
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
