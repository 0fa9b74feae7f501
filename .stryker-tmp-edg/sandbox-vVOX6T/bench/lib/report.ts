// @ts-nocheck
import type { Machine, ParallelSetting, Throughput, Versions } from "./environment";
import { floorFormula, type Target, wallSlack } from "./targets";
import type { PhaseResult, RunResult } from "./types";

export interface BenchSettings {
  latencyMs: number;
  rateLimit: { requestsPerSecond: number; burst: number; retryAfter: "seconds" };
  clientRequestsPerSecond: number;
  clientMaxConcurrency: number;
  listingTtlMs: number;
  parallel: ParallelSetting;
  /** Requests in flight at most: min(--parallel, client maxConcurrency). */
  effectiveParallel: number;
  baselines: boolean;
  diagnose: boolean;
  /** Whether the packed (npm tarball) diagnostic ran. */
  packed: boolean;
}

export interface Skipped {
  n: number;
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
  n: number;
  phase: string;
  target: Target;
  /** actual / limit (Infinity when a zero target was missed). */
  overLimit: number;
  cause: string | null;
}

const kib = (b: number) =>
  b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
const mib = (b: number | null) => (b === null ? "n/a" : `${(b / 1024 / 1024).toFixed(0)} MiB`);

function routes(calls: Record<string, number>): string {
  const entries = Object.entries(calls).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return "none";
  return entries.map(([route, n]) => `${route}: ${n}`).join("<br>");
}

function targetCell(t: Target): string {
  if (t.kind === "calls") return `calls ≤ ${t.value}`;
  return `wall ≤ ${wallSlack} × ${t.value.toFixed(2)} s`;
}

function ratioCell(t: Target): string {
  const mark = t.met ? "✓" : "✗";
  if (t.ratio === null) return `${t.actual} vs 0 ${mark}`;
  return `${t.ratio.toFixed(2)}× ${mark}`;
}

function phaseRow(ph: PhaseResult): string {
  const wall = `${ph.wallSeconds.toFixed(1)} s`;
  const targets = ph.targets.length === 0 ? ["reference"] : ph.targets.map(targetCell);
  const ratios = ph.targets.length === 0 ? ["—"] : ph.targets.map(ratioCell);
  const state = ph.state
    ? `${kib(ph.state.bytes)}${ph.state.resources > 0 ? ` (${(ph.state.bytes / ph.state.resources).toFixed(0)} B/user)` : ""}`
    : "—";
  const err = ph.error ? ` **FAILED**` : "";
  return `| ${ph.label}${err} | ${routes(ph.calls)} | ${ph.totalCalls} | ${ph.status429}${ph.unretried429 > 0 ? ` (${ph.unretried429} unretried)` : ""} | ${wall} | ${targets.join("<br>")} | ${ratios.join("<br>")} | ${ph.kind === "baseline" ? "—" : mib(ph.providerPeakRssBytes)} | ${state} |`;
}

export function largestGap(runs: readonly RunResult[]): Gap | null {
  let best: Gap | null = null;
  for (const run of runs) {
    for (const ph of run.phases) {
      if (ph.kind !== "pulumi") continue;
      for (const t of ph.targets) {
        const over = t.limit === 0 ? (t.actual === 0 ? 0 : Number.POSITIVE_INFINITY) : t.actual / t.limit;
        if (!best || over > best.overLimit) {
          const cause = run.observations.find((o) => o.startsWith(ph.id)) ?? null;
          best = { n: run.n, phase: ph.id, target: t, overLimit: over, cause };
        }
      }
    }
  }
  return best;
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
    `- Emulator: ${s.latencyMs} ms added to every request; rate limit ${s.rateLimit.requestsPerSecond} req/s ` +
      `(token bucket, burst ${s.rateLimit.burst}, 429 with \`Retry-After: 1\`), counting /oauth/token too.`,
  );
  lines.push(
    `- Provider: \`domo:requestsPerSecond\` = ${s.clientRequestsPerSecond} (the same as the emulator, so the client should never draw a 429), ` +
      `maxConcurrency ${s.clientMaxConcurrency} (default), listingTtlMs ${s.listingTtlMs} (default).`,
  );
  lines.push(`- \`--parallel\`: ${s.parallel.value}: ${s.parallel.statement}.`);
  if (r.throughput) {
    lines.push(
      `- Emulator throughput, re-measured with tests/emulator/measure-throughput.ts (no latency, no rate limit): ` +
        `${r.throughput.requestsPerSecond} req/s (${r.throughput.requests} × ${r.throughput.route}, concurrency ${r.throughput.concurrency}, ${r.throughput.errors} errors): ` +
        `far above the ${s.rateLimit.requestsPerSecond} req/s being measured, so the emulator is not the bottleneck.`,
    );
  }
  lines.push(
    "- Each phase: fresh emulator counters; wall time around the CLI command (CLI start to exit); " +
      "peak RSS of the `node …/@pulumi/pulumi/cmd/dynamic-provider` process from /proc every 100 ms (VmHWM); " +
      "state read from the local backend's checkpoint after the phase. The program is generated JavaScript reading users.json " +
      "(as tests/e2e/stack-fixture.ts does), no stack outputs; users have distinct emails, non-Admin roles and a title.",
    "",
  );
  lines.push("## Targets", "");
  lines.push(
    `- Wall-time floor of a phase that must make C calls: ${floorFormula}, with R = ${s.rateLimit.requestsPerSecond} req/s the rate limit, ` +
      `L = ${s.latencyMs / 1000} s the latency, P = min(--parallel ${s.parallel.value}, client maxConcurrency ${s.clientMaxConcurrency}) = ${s.effectiveParallel} requests in flight. ` +
      "The rate limit admits at most R requests a second (C/R seconds); P requests in flight of L seconds each give at most P/L requests a second (C·L/P seconds); the phase can be no faster than the slower of the two. " +
      `First \`up\` and \`destroy\` must land within ${wallSlack}× of it (C = N + 1: one call per user plus the OAuth token).`,
  );
  lines.push(
    "- Preview and no-change `up`: 0 calls. Refresh: at most ceil(N/500) + 1 calls. Edit of 1%: a GET and a PUT per edited user plus the token. " +
      "Destroy also gets a calls figure: N deletes + token + one listing (ceil(N/500) pages) for the last-Admin guard.",
  );
  lines.push(
    "- Never a 429 left unretried: every 429 in the request log must be followed by an answered request to the same method and path, " +
      "the phase must succeed, and every user must exist exactly once (checked against the emulator's store).",
    "",
  );
  if (r.largestGap) {
    const g = r.largestGap;
    const over = Number.isFinite(g.overLimit)
      ? `${g.overLimit.toFixed(2)}× its limit`
      : "missed a zero target";
    lines.push("## Largest gap", "");
    lines.push(
      `N = ${g.n}, ${g.phase}: ${g.target.kind} ${g.target.kind === "wall" ? `${g.target.actual.toFixed(1)} s` : g.target.actual} against ` +
        `${g.target.kind === "wall" ? `${g.target.limit.toFixed(1)} s` : g.target.limit} (${over}; target: ${g.target.description}).`,
      "",
    );
    if (g.cause) lines.push(`Cause: ${g.cause.replace(/^[a-z-]+: /, "")}`, "");
    const missed = r.runs.flatMap((run) =>
      run.phases
        .filter((ph) => ph.kind === "pulumi")
        .flatMap((ph) =>
          ph.targets
            .filter((t) => !t.met)
            .map(
              (t) =>
                `N = ${run.n}, ${ph.id}, ${t.kind}: ${t.kind === "wall" ? `${t.actual.toFixed(1)} s vs ${t.limit.toFixed(1)} s` : `${t.actual} vs ${t.limit}`}`,
            ),
        ),
    );
    if (missed.length > 0) lines.push(`All targets missed: ${missed.join("; ")}.`, "");
  }
  for (const run of r.runs) {
    lines.push(`## N = ${run.n}`, "");
    if (run.error) lines.push(`**The run stopped:** ${run.error.split("\n")[0]}`, "");
    lines.push(
      "| phase | API calls by route | calls | 429s | wall | target | ratio to target | provider peak RSS | state after |",
      "| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: |",
    );
    for (const ph of run.phases) lines.push(phaseRow(ph));
    lines.push("");
    const failed = run.phases.flatMap((ph) =>
      ph.checks.filter((c) => !c.ok).map((c) => `${ph.id}: ${c.name}${c.detail ? ` (${c.detail})` : ""}`),
    );
    const total = run.phases.reduce((a, ph) => a + ph.checks.length, 0);
    lines.push(
      failed.length === 0
        ? `Checks: all ${total} passed (no 429 left unretried, every user exactly once after create, titles as declared after the edit, nothing left after destroy).`
        : `Checks failed: ${failed.join("; ")}.`,
      "",
    );
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
    const peakCli = Math.max(0, ...run.phases.map((ph) => ph.cliPeakRssBytes ?? 0));
    if (run.phases.length > 0) {
      lines.push("Observations:", "");
      for (const o of run.observations) lines.push(`- ${o}`);
      if (peakCli > 0) lines.push(`- largest Pulumi CLI (Go engine) RSS in any phase: ${mib(peakCli)}.`);
      const loads = run.phases.map((ph) => ph.loadAverage);
      lines.push(
        `- machine load (1-minute average) at the end of the phases: ${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)} on ${r.machine.nproc} CPUs (the bench with its in-process emulator, the CLI and the provider share them${Math.max(...loads) > r.machine.nproc ? "; above that, other work on the machine competed" : ""}).`,
      );
      lines.push("");
    }
  }
  lines.push("## State size and `__provider`", "");
  lines.push(
    "| N | pulumi-domo from | state after first up | bytes per user | `__provider` per user (inputs; outputs carry it again) | `__provider` share of the state |",
  );
  lines.push("| ---: | --- | ---: | ---: | ---: | ---: |");
  const series: Record<string, Array<{ n: number; bytes: number }>> = {};
  for (const run of r.runs) {
    for (const [id, from] of [
      ["up-create", "the repo (linked)"],
      ["packed-up-create", "its npm tarball"],
    ] as const) {
      const st = run.phases.find((ph) => ph.id === id)?.state;
      if (!st || st.resources === 0) continue;
      const list = series[from] ?? [];
      list.push({ n: run.n, bytes: st.bytes });
      series[from] = list;
      lines.push(
        `| ${run.n} | ${from} | ${kib(st.bytes)} | ${(st.bytes / st.resources).toFixed(0)} B | ${st.providerBytesPerResource.toFixed(0)} B | ${((100 * st.providerBytesTotal) / st.bytes).toFixed(0)}% |`,
      );
    }
  }
  lines.push("");
  for (const [from, sizes] of Object.entries(series)) {
    for (let i = 1; i < sizes.length; i++) {
      const a = sizes[i - 1];
      const b = sizes[i];
      if (!a || !b) continue;
      const marginal = (b.bytes - a.bytes) / (b.n - a.n);
      lines.push(
        `From ${from}, N = ${a.n} to N = ${b.n}: the state grows ${marginal.toFixed(0)} B per added user ` +
          `(vs ${(a.bytes / a.n).toFixed(0)} and ${(b.bytes / b.n).toFixed(0)} B per user overall): linear in N, with a fixed part of about ${kib(Math.max(0, a.bytes - marginal * a.n))}.`,
        "",
      );
    }
  }
  if (r.skipped.length > 0) {
    lines.push("## Not run", "");
    for (const sk of r.skipped) lines.push(`- N = ${sk.n}: ${sk.reason}`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
