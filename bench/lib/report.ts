import type { Machine, ParallelSetting, Throughput, Versions } from "./environment";
import { floorFormula, modeTargets, notSlowerLimit, notSlowerTolerance, type Target } from "./targets";
import { type PhaseResult, providerOf, pulumiPhases, type RunResult, runId } from "./types";

export interface BenchSettings {
  clientMaxConcurrency: number;
  listingTtlMs: number;
  parallel: ParallelSetting;
  /** Requests in flight at most: min(--parallel, client maxConcurrency). */
  effectiveParallel: number;
  /** The S3 server the s3 runs used (null when none ran). */
  s3Server: { name: string; version: string } | null;
  /** The note and commit of bench/before-n100.json. */
  before: { commit: string; note: string } | null;
}

export interface Skipped {
  /** The run's id (mode-backend-n). */
  id: string;
  reason: string;
}

export interface BenchResults {
  generatedAt: string;
  command: string;
  totalSeconds: number;
  machine: Machine;
  versions: Versions;
  settings: BenchSettings;
  floorFormula: string;
  throughput: Throughput | null;
  runs: RunResult[];
  skipped: Skipped[];
  largestGap: Gap | null;
}

export interface Gap {
  run: string;
  phase: string;
  target: Target;
  /** actual / limit (Infinity when a zero target was missed). */
  overLimit: number;
  cause: string | null;
}

const kib = (b: number) =>
  b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
const mib = (b: number | null) => (b === null ? "n/a" : `${(b / 1024 / 1024).toFixed(0)} MiB`);
const sec = (s: number | null) => (s === null ? "—" : `${s.toFixed(1)} s`);

function routes(calls: Record<string, number>): string {
  const entries = Object.entries(calls).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return "none";
  return entries.map(([route, n]) => `${route}: ${n}`).join("<br>");
}

function limitText(t: Target): string {
  switch (t.kind) {
    case "calls":
      return `calls ≤ ${t.limit}`;
    case "wall":
      return t.slack === 1 ? `wall ≤ ${t.limit.toFixed(1)} s` : `wall ≤ ${t.slack} × ${t.value.toFixed(2)} s`;
    case "rss":
      return `provider RSS ≤ ${mib(t.limit)}`;
    case "state":
      return `state ≤ ${t.limit.toFixed(0)} B/user`;
  }
}

function actualText(t: Target): string {
  switch (t.kind) {
    case "calls":
      return `${t.actual}`;
    case "wall":
      return t.slack === 1
        ? `${t.actual.toFixed(1)} s`
        : `${t.actual.toFixed(1)} s (${t.ratio?.toFixed(2)}× the floor)`;
    case "rss":
      return mib(t.actual);
    case "state":
      return `${t.actual.toFixed(0)} B/user`;
  }
}

function targetCell(t: Target): string {
  return `${limitText(t)}${t.source === "issue #15" ? " (#15)" : ""}`;
}

function metCell(t: Target): string {
  const mark = t.met ? "✓" : "✗";
  if (t.ratio === null) return `${t.actual} vs 0 ${mark}`;
  if (t.kind === "wall" && t.slack !== 1) return `${(t.actual / t.limit).toFixed(2)}× limit ${mark}`;
  return `${(t.actual / t.limit).toFixed(2)}× limit ${mark}`;
}

function phaseRow(ph: PhaseResult, n: number): string {
  const state = ph.state
    ? `${kib(ph.state.bytes)}${ph.state.users > 0 ? ` (${(ph.state.bytes / n).toFixed(0)} B/user)` : ""}`
    : "—";
  const err = ph.error ? ` **FAILED**` : "";
  const targets = ph.targets.length === 0 ? ["reference"] : ph.targets.map(targetCell);
  const met = ph.targets.length === 0 ? ["—"] : ph.targets.map(metCell);
  const baseline = ph.kind === "baseline";
  return [
    `${ph.label}${err}`,
    routes(ph.calls),
    `${ph.totalCalls}`,
    `${ph.status429}${ph.unretried429 > 0 ? ` (${ph.unretried429} unretried)` : ""}`,
    sec(ph.wallSeconds),
    sec(ph.floorSeconds),
    ph.floorRatio === null ? "—" : `${ph.floorRatio.toFixed(2)}×`,
    sec(ph.apiSpanSeconds),
    sec(ph.engineSeconds),
    baseline ? "—" : mib(ph.providerPeakRssBytes),
    baseline ? "—" : mib(ph.cliPeakRssBytes),
    baseline ? "—" : state,
    targets.join("<br>"),
    met.join("<br>"),
  ]
    .join(" | ")
    .replace(/^/, "| ")
    .concat(" |");
}

function describeRun(run: RunResult): string {
  const s = run.spec;
  return `${providerOf(s)} provider, N = ${s.n.toLocaleString("en-US")}, ${s.mode}, ${s.backend} backend, ${s.rate} req/s`;
}

/** One phase of a native run beside the same phase of the dynamic run of the same mode, backend, N and rate. */
export interface ProviderComparison {
  phase: string;
  dynamic: PhaseResult;
  native: PhaseResult;
  /** native wall / dynamic wall. */
  wallRatio: number;
  /** The wall the native phase may take and still count as no slower: notSlowerLimit(dynamic wall). */
  limitSeconds: number;
  notSlower: boolean;
}

/** Each native run with its dynamic counterpart (same mode, backend, N and rate), phase by phase. */
export function providerComparisons(
  runs: readonly RunResult[],
): { native: RunResult; dynamic: RunResult; phases: ProviderComparison[] }[] {
  const pairs: { native: RunResult; dynamic: RunResult; phases: ProviderComparison[] }[] = [];
  for (const native of runs) {
    if (providerOf(native.spec) !== "native") continue;
    const dynamic = runs.find(
      (d) =>
        providerOf(d.spec) === "dynamic" &&
        runId(d.spec) === runId({ ...native.spec, provider: "dynamic" }) &&
        d.spec.rate === native.spec.rate &&
        d.spec.latencyMs === native.spec.latencyMs,
    );
    if (!dynamic) continue;
    const phases: ProviderComparison[] = [];
    for (const id of pulumiPhases) {
      const d = dynamic.phases.find((p) => p.id === id && p.kind === "pulumi");
      const n = native.phases.find((p) => p.id === id && p.kind === "pulumi");
      if (!d || !n) continue;
      const limitSeconds = notSlowerLimit(d.wallSeconds);
      phases.push({
        phase: id,
        dynamic: d,
        native: n,
        wallRatio: d.wallSeconds > 0 ? n.wallSeconds / d.wallSeconds : Number.NaN,
        limitSeconds,
        notSlower: !n.error && n.wallSeconds <= limitSeconds && n.totalCalls <= d.totalCalls,
      });
    }
    pairs.push({ native, dynamic, phases });
  }
  return pairs;
}

/** "Native vs dynamic": issue #22's comparison, when the results hold both sides of a run. */
function nativeSection(runs: readonly RunResult[]): string[] {
  const pairs = providerComparisons(runs);
  const natives = runs.filter((run) => providerOf(run.spec) === "native");
  if (natives.length === 0) return [];
  const lines: string[] = ["## Native provider vs dynamic resources", ""];
  lines.push(
    `Each native run beside the dynamic run of the same mode, backend, N, rate and latency, measured in this bench, one after the other. "No slower": native wall ≤ max(dynamic × ${1 + notSlowerTolerance.relative}, dynamic + ${notSlowerTolerance.absoluteSeconds} s) (machine noise) and no more calls. ` +
      "Peak RSS of the provider process: the Node dynamic provider, or the plugin `pulumi-resource-domo`.",
    "",
  );
  for (const { native, dynamic, phases } of pairs) {
    lines.push(`### ${native.id} vs ${dynamic.id}`, "");
    lines.push(
      "| phase | dynamic wall | native wall | native ÷ dynamic | calls (dynamic, native) | ratio to floor (dynamic, native) | provider peak RSS (dynamic, native) | state B/user (dynamic, native) | no slower? |",
      "| --- | ---: | ---: | ---: | --- | --- | --- | --- | --- |",
    );
    for (const c of phases) {
      const ratio = (p: PhaseResult) => (p.floorRatio === null ? "—" : `${p.floorRatio.toFixed(2)}×`);
      const perUser = (p: PhaseResult) =>
        p.state && p.state.users > 0 ? `${(p.state.bytes / native.n).toFixed(0)}` : "—";
      lines.push(
        `| ${c.phase} | ${sec(c.dynamic.wallSeconds)} | ${sec(c.native.wallSeconds)} | ${c.wallRatio.toFixed(2)} | ${c.dynamic.totalCalls}, ${c.native.totalCalls} | ${ratio(c.dynamic)}, ${ratio(c.native)} | ${mib(c.dynamic.providerPeakRssBytes)}, ${mib(c.native.providerPeakRssBytes)} | ${perUser(c.dynamic)}, ${perUser(c.native)} | ${c.notSlower ? "✓" : "✗ slower"} |`,
      );
    }
    const slower = phases.filter((c) => !c.notSlower).map((c) => c.phase);
    lines.push(
      "",
      slower.length === 0
        ? `The native provider is no slower than the dynamic one in any of these ${phases.length} phases.`
        : `Slower in: ${slower.join(", ")}.`,
      "",
    );
  }
  for (const native of natives) {
    if (!pairs.some((p) => p.native === native)) {
      lines.push(
        `- ${native.id}: no dynamic run of the same mode, backend, N and rate in these results to compare with.`,
      );
    }
  }
  const rss = modeTargets.bulk.providerPeakRssBytes;
  const bulkNatives = natives.filter((run) => run.spec.mode === "bulk");
  if (rss && bulkNatives.length > 0) {
    lines.push(
      `Provider peak RSS of the native plugin in bulk mode (limit ${mib(rss.bytes)} in every phase, issue #22):`,
      "",
    );
    for (const run of bulkNatives) {
      const phases = run.phases.filter((p) => p.kind === "pulumi");
      const peak = Math.max(0, ...phases.map((p) => p.providerPeakRssBytes ?? 0));
      const over = phases.filter((p) => (p.providerPeakRssBytes ?? 0) >= rss.bytes).map((p) => p.id);
      lines.push(
        `- ${run.id}: ${phases.map((p) => `${p.id} ${mib(p.providerPeakRssBytes)}`).join(", ")}; peak ${mib(peak)}: ${over.length === 0 ? "✓ under the limit in every phase" : `✗ OVER the limit in ${over.join(", ")}`}.`,
      );
    }
    lines.push("");
  }
  return lines;
}

export function largestGap(runs: readonly RunResult[]): Gap | null {
  let best: Gap | null = null;
  for (const run of runs) {
    for (const ph of run.phases) {
      if (ph.kind !== "pulumi") continue;
      for (const t of ph.targets) {
        const over = t.limit === 0 ? (t.actual === 0 ? 0 : Number.POSITIVE_INFINITY) : t.actual / t.limit;
        if (!best || over > best.overLimit) {
          best = {
            run: run.id,
            phase: ph.id,
            target: t,
            overLimit: over,
            cause: causeOf(run, ph.id, t, runs),
          };
        }
      }
    }
  }
  return best;
}

/** Words an observation about a target of each kind uses. */
const kindWords: Record<Target["kind"], string> = {
  rss: "RSS",
  calls: "calls",
  wall: "floor",
  state: "per user",
};

/**
 * The observation that explains a missed target: the run's own about that phase and that kind
 * of figure; else one a run of the same mode and N measured (a diagnostic runs in one of them).
 */
function causeOf(run: RunResult, phase: string, t: Target, runs: readonly RunResult[]): string | null {
  const about = (o: string) => o.startsWith(phase) && o.includes(kindWords[t.kind]);
  const own = run.observations.find(about);
  if (own) return own;
  for (const other of runs) {
    if (other === run || other.spec.mode !== run.spec.mode || other.n !== run.n) continue;
    const found = other.observations.find(about);
    if (found) return `(measured in ${other.id}) ${found}`;
  }
  return run.observations.find((o) => o.startsWith(phase)) ?? null;
}

/** The run's own largest gap (against its limits), for its observations. */
function runGap(run: RunResult): Gap | null {
  return largestGap([run]);
}

export function renderMarkdown(r: BenchResults): string {
  const s = r.settings;
  const lines: string[] = [];
  const m = r.machine;
  lines.push("# Benchmark: how fast and how cheaply `pulumi up` converges N users", "");
  lines.push(
    `Generated ${r.generatedAt} by \`${r.command}\` in ${(r.totalSeconds / 60).toFixed(1)} min. ` +
      "Regenerate with `npm run bench` (this file and results.json are overwritten).",
    "",
  );
  lines.push("## Setup", "");
  lines.push(
    `- Machine: ${m.nproc} CPUs (${m.cpuModel}), ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory, ${m.platform}, kernel ${m.kernel}.`,
  );
  lines.push(
    `- Versions: Node ${r.versions.node} (bench, language host and provider), Pulumi CLI ${r.versions.pulumiCli}` +
      `${r.versions.languageHostSdk ? ` (Node language host built from sdk ${r.versions.languageHostSdk})` : ""}, @pulumi/pulumi ${r.versions.pulumiNodejsSdk}.`,
  );
  lines.push(
    "- Install: every run installs pulumi-domo from its npm tarball (`npm pack` of the built package, then `npm install` in a scratch directory), as users install it. " +
      "The earlier reports' main runs linked the package from the repo (node_modules/pulumi-domo -> ..), which made `__provider` ten times larger; those runs are dropped.",
  );
  lines.push(
    "- Programs: generated JavaScript reading users.json, no stack outputs; users have distinct emails, non-Admin roles and a title. " +
      "perUser: one bare `DomoUser` per user (as the earlier reports measured). " +
      'bulk: `new DomoUserDirectory("people", { users, mode: "bulk" })` (DomoUserBatch resources of up to 500 users, plus the directory\'s deletion guard).',
  );
  if (r.runs.some((run) => providerOf(run.spec) === "native")) {
    lines.push(
      "- Native runs (`native-…`): the same users through the native `domo` provider, from the same language (a Node.js program, so the language host is the dynamic runs' and only the provider differs), with no SDK: " +
        'perUser: one `new pulumi.CustomResource("domo:index:User", key, args)` per user; bulk: a remote component `domo:index:UserDirectory` with `{ users, mode: "bulk" }` (Construct, in the plugin, makes the `domo:index:UserBatch` children and the guard). ' +
        "The plugin is the single executable users install: the bench's setup step builds the archive (scripts/build-plugin.mjs) and each native project installs it with `pulumi plugin install resource domo <version> --file <archive>` into its own PULUMI_HOME; no launcher is on PATH. " +
        "Its provider peak RSS is that of the `pulumi-resource-domo` process (the largest, if it runs more than one).",
    );
  }
  lines.push(
    "- Runs (emulator latency added to every request; rate limit = the provider's `domo:requestsPerSecond`):",
    "",
  );
  lines.push(
    "  | run | provider | N | mode | backend | backend URL | latency | rate limit | baselines | checkpoint diagnostic |",
  );
  lines.push("  | --- | --- | ---: | --- | --- | --- | ---: | ---: | --- | --- |");
  for (const run of r.runs) {
    const x = run.spec;
    lines.push(
      `  | ${run.id} | ${providerOf(x)} | ${x.n} | ${x.mode} | ${x.backend} | \`${run.backendUrl}\` | ${x.latencyMs} ms | ${x.rate} req/s | ${x.baselines ? "yes" : "no"} | ${x.diagnose ? "yes" : "no"} |`,
    );
  }
  lines.push("");
  lines.push(
    "- Emulator rate limit: token bucket, burst = the rate, 429 with `Retry-After: 1`, counting /oauth/token too. " +
      `Provider: maxConcurrency ${s.clientMaxConcurrency} (default), listingTtlMs ${s.listingTtlMs} (default).`,
  );
  if (s.s3Server) {
    lines.push(
      `- S3 backend: ${s.s3Server.name} ${s.s3Server.version}, started by the bench on a free local port for each s3 run, one bucket, ` +
        "Pulumi's DIY S3 backend pointed at it with the URL above and fake credentials (AWS_ACCESS_KEY_ID=test); state read back with a GET of `.pulumi/stacks/<project>/<stack>.json`.",
    );
  }
  lines.push(`- \`--parallel\`: ${s.parallel.value}: ${s.parallel.statement}.`);
  if (r.throughput) {
    lines.push(
      `- Emulator throughput, re-measured with tests/emulator/measure-throughput.ts (no latency, no rate limit): ` +
        `${r.throughput.requestsPerSecond} req/s (${r.throughput.requests} × ${r.throughput.route}, concurrency ${r.throughput.concurrency}, ${r.throughput.errors} errors): ` +
        `far above the rates being measured, so the emulator is not the bottleneck.`,
    );
  }
  const big = r.runs.filter((run) => run.spec.rate > 20);
  for (const run of big) {
    const x = run.spec;
    const bound = (s.effectiveParallel * 1000) / Math.max(1, x.latencyMs);
    lines.push(
      `- ${run.id} runs at ${x.rate} req/s so that N = ${x.n.toLocaleString("en-US")} fits the bench's time budget: latency ${x.latencyMs} ms with ${s.effectiveParallel} in flight bounds throughput at ${bound.toFixed(0)} req/s, ${bound > x.rate ? `above ${x.rate}, so the rate limit still sets the floor` : "not above the rate: latency sets the floor"} (${x.n + 1} calls: ${((x.n + 1) / x.rate).toFixed(0)} s).`,
    );
  }
  lines.push(
    "- Each phase: fresh emulator counters; wall time around the CLI command (CLI start to exit); API span from the first request's arrival to the last one's plus one latency; " +
      '"engine" = wall − API span (the CLI, engine, program and provider outside the API calls); ' +
      "peak RSS (VmHWM, /proc every 100 ms) of the provider process (the `node …/@pulumi/pulumi/cmd/dynamic-provider` process, or the native plugin `pulumi-resource-domo`) and of the `pulumi` CLI working in the project directory; " +
      "state read from the backend after the phase; bytes per user = whole checkpoint / N.",
    "",
  );
  lines.push("## Targets", "");
  lines.push(
    `- Floor of a phase that must make C calls: ${floorFormula}, with R the run's rate limit, L its latency, P = min(--parallel ${s.parallel.value}, client maxConcurrency ${s.clientMaxConcurrency}) = ${s.effectiveParallel} requests in flight. ` +
      "First `up` and destroy: C = N + 1 (one call per user plus the OAuth token).",
  );
  lines.push(
    "- Bulk (issue #15, set for N = 10,000 and applied at every N): first `up` and destroy within 1.3× the floor; no-change preview and `up` at most 10 s and 0 calls; " +
      "refresh at most ceil(N/500) + 1 calls; provider peak RSS at most 300 MiB in every phase; state at most 600 B per user.",
  );
  lines.push(
    "- perUser: first `up` within 2× the floor at N ≥ 1,000 (issue #15, installed from npm) and within 1.3× below it (the bench's earlier target, the issue sets none); " +
      "destroy within 1.3× (bench); state at most 1,200 B per user (issue #15); no-change 0 calls, refresh ceil(N/500) + 1 calls (bench).",
  );
  lines.push(
    "- Both: edit of 1% = a GET and a PUT per edited user plus the token; destroy = N deletes + token + one listing (ceil(N/500) pages) for the last-Admin guard. " +
      "Targets marked (#15) are the issue's; the others the bench's own.",
  );
  lines.push(
    "- Never a 429 left unretried; every user exactly once in the emulator after create (a Set over the N emails) and in the state " +
      "(perUser: DomoUser resources; bulk: the entries of every batch's `outputs.users`); nothing left after destroy.",
  );
  if (s.before) {
    lines.push(
      `- Not slower than today at N = 100: each N = 100 phase of both modes against bench/before-n100.json (commit ${s.before.commit}): ` +
        `wall at most max(before × ${1 + notSlowerTolerance.relative}, before + ${notSlowerTolerance.absoluteSeconds} s) (machine noise), calls at most before's.`,
    );
  }
  lines.push("");

  lines.push("## Summary", "");
  lines.push("| run | phase | target | measured | met? |", "| --- | --- | --- | --- | --- |");
  for (const run of r.runs) {
    if (run.error)
      lines.push(
        `| ${run.id} | — | the run completes | stopped: ${run.error.split("\n")[0]?.slice(0, 200)} | ✗ |`,
      );
    for (const ph of run.phases) {
      if (ph.kind !== "pulumi") continue;
      for (const t of ph.targets) {
        lines.push(`| ${run.id} | ${ph.id} | ${targetCell(t)} | ${actualText(t)} | ${t.met ? "✓" : "✗"} |`);
      }
    }
    for (const ns of run.notSlower) {
      lines.push(
        `| ${run.id} | ${ns.phase} | not slower than ${ns.before} at ${s.before?.commit ?? "before"} (${ns.beforeWallSeconds.toFixed(1)} s, ${ns.beforeCalls} calls) | ${ns.wallSeconds.toFixed(1)} s, ${ns.calls} calls | ${ns.ok ? "✓ not slower" : "✗ slower"} |`,
      );
    }
  }
  for (const sk of r.skipped) lines.push(`| ${sk.id} | — | run | skipped (see below) | — |`);
  lines.push("");
  const allTargets = r.runs.flatMap((run) =>
    run.phases.filter((ph) => ph.kind === "pulumi").flatMap((ph) => ph.targets),
  );
  const missed = allTargets.filter((t) => !t.met).length;
  const slower = r.runs.flatMap((run) => run.notSlower).filter((x) => !x.ok).length;
  lines.push(
    `${allTargets.length - missed} of ${allTargets.length} targets met; ${slower} N = 100 phase(s) slower than ${s.before?.commit ?? "before"}; ${r.runs.filter((x) => x.error).length} run(s) stopped; ${r.skipped.length} skipped.`,
    "",
  );

  if (r.largestGap) {
    const g = r.largestGap;
    const over = Number.isFinite(g.overLimit)
      ? `${g.overLimit.toFixed(2)}× its limit`
      : "missed a zero target";
    lines.push("## Largest gap", "");
    lines.push(
      `${g.run}, ${g.phase}: ${g.target.kind} ${actualText(g.target)} against ${limitText(g.target)} (${over}; target: ${g.target.description}).`,
      "",
    );
    if (g.cause) lines.push(`Cause: ${g.cause.replace(/^[a-z-]+: /, "")}`, "");
  }

  lines.push(...nativeSection(r.runs));

  for (const run of r.runs) {
    lines.push(`## ${run.id}: ${describeRun(run)}`, "");
    if (run.error) lines.push(`**The run stopped:** ${run.error.split("\n")[0]}`, "");
    lines.push(
      "| phase | API calls by route | calls | 429s | wall | floor | ratio to floor | API span | engine (wall − API) | provider peak RSS | CLI peak RSS | state after | target | met? |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    );
    for (const ph of run.phases) lines.push(phaseRow(ph, run.n));
    lines.push("");
    const failed = run.phases.flatMap((ph) =>
      ph.checks.filter((c) => !c.ok).map((c) => `${ph.id}: ${c.name}${c.detail ? ` (${c.detail})` : ""}`),
    );
    const total = run.phases.reduce((a, ph) => a + ph.checks.length, 0);
    lines.push(
      failed.length === 0
        ? `Checks: all ${total} passed (no 429 left unretried, every user exactly once after create in the emulator and in the state, titles as declared after the edit, nothing left after destroy).`
        : `Checks failed: ${failed.join("; ")}.`,
      "",
    );
    if (run.notSlower.length > 0) {
      lines.push(`Against N = 100 at ${s.before?.commit ?? "before"} (bench/before-n100.json):`, "");
      lines.push("| phase | before (install) | before wall, calls | now wall, calls | wall limit | |");
      lines.push("| --- | --- | ---: | ---: | ---: | --- |");
      for (const x of run.notSlower) {
        lines.push(
          `| ${x.phase} | ${x.before} (${x.beforeInstall}) | ${x.beforeWallSeconds.toFixed(1)} s, ${x.beforeCalls} | ${x.wallSeconds.toFixed(1)} s, ${x.calls} | ${x.limitSeconds.toFixed(1)} s | ${x.ok ? "✓ not slower" : "✗ slower"} |`,
        );
      }
      lines.push("");
    }
    if (run.comparisons.length > 0) {
      lines.push("Against the naive way:", "");
      lines.push(
        "| work | pulumi calls | naive calls | pulumi wall | naive wall | naive ÷ pulumi (calls, wall) |",
      );
      lines.push("| --- | ---: | ---: | ---: | ---: | --- |");
      for (const c of run.comparisons) {
        lines.push(
          `| ${c.what} | ${c.pulumiCalls} | ${c.naiveCalls} | ${c.pulumiWallSeconds.toFixed(1)} s | ${c.naiveWallSeconds.toFixed(1)} s | ${c.callsFactor.toFixed(2)}×, ${c.wallFactor.toFixed(2)}× |`,
        );
      }
      lines.push("");
    }
    if (run.phases.length > 0) {
      lines.push("Observations:", "");
      const gap = runGap(run);
      if (gap) {
        lines.push(
          gap.overLimit > 1
            ? `- largest gap: ${gap.phase}, ${gap.target.kind} ${actualText(gap.target)} against ${limitText(gap.target)} (${Number.isFinite(gap.overLimit) ? `${gap.overLimit.toFixed(2)}× its limit` : "a zero target missed"}).`
            : `- every target met; the closest: ${gap.phase}, ${gap.target.kind} ${actualText(gap.target)} against ${limitText(gap.target)} (${gap.overLimit.toFixed(2)}× its limit).`,
        );
      }
      for (const o of run.observations) lines.push(`- ${o}`);
      const peakCli = Math.max(0, ...run.phases.map((ph) => ph.cliPeakRssBytes ?? 0));
      if (peakCli > 0) lines.push(`- largest Pulumi CLI (Go engine) RSS in any phase: ${mib(peakCli)}.`);
      const loads = run.phases.map((ph) => ph.loadAverage);
      lines.push(
        `- machine load (1-minute average) at the end of the phases: ${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)} on ${r.machine.nproc} CPUs (the bench with its in-process emulator, the CLI, the provider${run.spec.backend === "s3" ? " and moto_server" : ""} share them${Math.max(...loads) > r.machine.nproc ? "; above that, other work on the machine competed" : ""}).`,
      );
      lines.push("");
    }
  }

  lines.push("## State size", "");
  lines.push(
    "| run | state after first up | users | resources | bytes per user | `__provider` per resource | `__provider` share |",
  );
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const run of r.runs) {
    const st = run.phases.find((ph) => ph.id === "up-create")?.state;
    if (!st || st.users === 0) continue;
    lines.push(
      `| ${run.id} | ${kib(st.bytes)} | ${st.users} | ${st.resources} | ${(st.bytes / run.n).toFixed(0)} B | ${st.providerBytesPerResource.toFixed(0)} B | ${((100 * st.providerBytesTotal) / st.bytes).toFixed(0)}% |`,
    );
  }
  lines.push("");

  if (r.skipped.length > 0) {
    lines.push("## Skipped", "");
    for (const sk of r.skipped) lines.push(`- ${sk.id}: ${sk.reason}`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
