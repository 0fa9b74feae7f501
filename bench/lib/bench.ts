import os from "node:os";
import { type RequestLogEntry, type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { CommandResult, LocalStack } from "../../scripts/lib/pulumi-cli";
import {
  type BaselineSettings,
  baselineEmail,
  refreshByGet,
  sequentialCreate,
  sequentialDelete,
} from "./baselines";
import type { ParallelSetting } from "./environment";
import { type Backend, BenchProject, benchUsers, editedIndices } from "./project";
import { type MotoS3, s3Env } from "./s3";
import { dynamicProviderMatcher, ProcessSampler, pulumiCliMatcher } from "./sampler";
import {
  editCount,
  floorSeconds,
  modeTargets,
  notSlowerLimit,
  pageSize,
  refreshCallBudget,
  target,
} from "./targets";
import {
  type Check,
  type Comparison,
  diagnosticEnv,
  heapDiagnosticEnv,
  type NotSlower,
  type PhaseId,
  type PhaseKind,
  type PhaseResult,
  phaseLabels,
  type RunResult,
  type RunSpec,
  runId,
} from "./types";

export interface RunContext {
  /** The client's maxConcurrency (the provider's default, 8). */
  maxConcurrency: number;
  parallel: ParallelSetting;
  /** A scratch install of the npm tarball (preparePackedInstall): every run's projects live under it. */
  packedRoot: string;
  /** The run's S3 backend (s3 runs only). */
  s3?: MotoS3;
  /** The committed N = 100 figures (bench/before-n100.json), for N = 100 runs. */
  before?: BeforeN100;
  keep: boolean;
  log: (line: string) => void;
}

/** bench/before-n100.json. */
export interface BeforeN100 {
  note: string;
  commit: string;
  phases: Record<string, { install: string; wallSeconds: number; totalCalls: number }>;
}

interface Window {
  calls: Record<string, number>;
  totalCalls: number;
  status429: number;
  unretried429: number;
  wallSeconds: number;
  apiSpanSeconds: number;
  apiRate: number;
  loadAverage: number;
}

/** Runs `work` with fresh counters and reads what reached the emulator meanwhile. */
async function measured<T>(
  emu: RunningEmulator,
  latencyMs: number,
  work: () => Promise<T>,
): Promise<{ value: T; window: Window }> {
  emu.resetCounters();
  const from = Date.now();
  const began = performance.now();
  const value = await work();
  const wallSeconds = (performance.now() - began) / 1000;
  const to = Date.now();
  const calls = emu.counters();
  const log = emu.requestLog().filter((e) => e.at >= from && e.at <= to);
  const span = (log[log.length - 1]?.at ?? 0) - (log[0]?.at ?? 0);
  return {
    value,
    window: {
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      status429: log.filter((e) => e.status === 429).length,
      unretried429: unretried429(log),
      wallSeconds,
      loadAverage: os.loadavg()[0] ?? 0,
      apiSpanSeconds: log.length === 0 ? 0 : (span + latencyMs) / 1000,
      apiRate: log.length < 2 || span <= 0 ? 0 : (log.length - 1) / (span / 1000),
    },
  };
}

/** 429s not followed by an answered (non-429, non-5xx) request with the same method and path. */
export function unretried429(log: readonly RequestLogEntry[]): number {
  let count = 0;
  log.forEach((e, i) => {
    if (e.status !== 429) return;
    const retried = log
      .slice(i + 1)
      .some((l) => l.method === e.method && l.path === e.path && l.status > 0 && l.status < 429);
    if (!retried) count++;
  });
  return count;
}

/** How many live accounts hold each email (lowercased), among those matching `prefix`. */
function liveByEmail(emu: RunningEmulator, prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const u of emu.store.listUsers()) {
    if (u.deleted) continue;
    const email = (u.email ?? "").toLowerCase();
    if (!email.startsWith(prefix)) continue;
    counts.set(email, (counts.get(email) ?? 0) + 1);
  }
  return counts;
}

function exactlyOnce(emu: RunningEmulator, prefix: string, emails: readonly string[]): Check {
  const live = liveByEmail(emu, prefix);
  const declared = new Set(emails.map((e) => e.toLowerCase()));
  const missing = [...declared].filter((e) => (live.get(e) ?? 0) === 0).length;
  const duplicated = [...live.values()].filter((c) => c > 1).length;
  const extra = [...live.keys()].filter((e) => !declared.has(e)).length;
  return {
    name: `every user exists exactly once (${emails.length})`,
    ok: missing === 0 && duplicated === 0 && extra === 0,
    detail: `missing ${missing}, duplicated ${duplicated}, unexpected ${extra}`,
  };
}

function noneLeft(emu: RunningEmulator, prefix: string): Check {
  const left = [...liveByEmail(emu, prefix).values()].reduce((a, b) => a + b, 0);
  return { name: "no account left", ok: left === 0, detail: `${left} left` };
}

function blankPhase(id: PhaseId, kind: PhaseKind, window: Window): PhaseResult {
  return {
    id,
    label: phaseLabels[id],
    kind,
    ...window,
    floorSeconds: null,
    floorRatio: null,
    engineSeconds: Math.max(0, window.wallSeconds - window.apiSpanSeconds),
    providerPeakRssBytes: null,
    cliPeakRssBytes: null,
    providerProcesses: 0,
    state: null,
    targets: [],
    checks: [],
  };
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

/** One run of the matrix: emulator, stack, the six Pulumi phases, baselines and diagnostics. */
export async function runOne(spec: RunSpec, ctx: RunContext): Promise<RunResult> {
  const { n, mode } = spec;
  const id = runId(spec);
  const log = (s: string) => ctx.log(`[${id}] ${s}`);
  const goals = modeTargets[mode];
  const emu = await startEmulator({
    latencyMs: spec.latencyMs,
    rateLimit: { requestsPerSecond: spec.rate, retryAfter: "seconds" },
    requestLogLimit: Math.max(1_000_000, 4 * n),
  });
  let backend: Backend = { kind: "file" };
  if (spec.backend === "s3") {
    const s3 = ctx.s3;
    if (!s3) throw new Error(`${id}: an s3 run needs an S3 server`);
    backend = { kind: "s3", url: s3.backendUrl, env: { ...s3Env }, get: (key) => s3.get(key) };
  }
  const projectName = `bench-${mode.toLowerCase()}-${spec.backend}-${n}`;
  const project = new BenchProject(projectName, { mode, packedRoot: ctx.packedRoot, backend });
  const result: RunResult = {
    id,
    spec,
    n,
    backendUrl: backend.kind === "s3" ? backend.url : "file://<temp dir>/state",
    notSlower: [],
    phases: [],
    comparisons: [],
    fixedOverheadSeconds: null,
    observations: [],
  };
  const users = benchUsers(n);
  const emails = users.map((u) => u.email);
  const p = Math.min(ctx.parallel.value, ctx.maxConcurrency);
  const floor = (calls: number) =>
    floorSeconds({ calls, rate: spec.rate, latencyMs: spec.latencyMs, parallel: p });
  const floorText = (c: number) =>
    `max(${c}/${spec.rate}, ${c}×${spec.latencyMs / 1000}/${p}) = ${floor(c).toFixed(2)} s`;
  const baseline: BaselineSettings = {
    apiHost: emu.url,
    clientId: emu.credentials.clientId,
    clientSecret: emu.credentials.clientSecret,
    requestsPerSecond: spec.rate,
    maxConcurrency: ctx.maxConcurrency,
  };
  const setFloor = (phase: PhaseResult, calls: number) => {
    phase.floorSeconds = floor(calls);
    phase.floorRatio = phase.floorSeconds > 0 ? phase.wallSeconds / phase.floorSeconds : null;
  };

  const pulumiPhase = async (
    pid: PhaseId,
    command: (stack: LocalStack) => Promise<CommandResult>,
    after: (phase: PhaseResult, out: CommandResult) => void,
    on: BenchProject = project,
    kind: PhaseKind = on === project ? "pulumi" : "diagnostic",
  ): Promise<PhaseResult> => {
    log(`${pid}: running`);
    const sampler = new ProcessSampler([dynamicProviderMatcher, pulumiCliMatcher], { cwd: on.projectDir });
    sampler.start();
    let out: CommandResult | undefined;
    let error: unknown;
    const { window } = await measured(emu, spec.latencyMs, async () => {
      try {
        out = await command(on.stack);
      } catch (e) {
        error = e;
      }
    });
    const peaks = sampler.stop();
    const phase = blankPhase(pid, kind, window);
    phase.providerPeakRssBytes = peaks.provider?.peakRssBytes ?? null;
    phase.providerProcesses = peaks.provider?.processes ?? 0;
    phase.cliPeakRssBytes = peaks.cli?.peakRssBytes ?? null;
    try {
      phase.state = await on.state();
    } catch {
      phase.state = null;
    }
    result.phases.push(phase);
    if (error !== undefined || !out) {
      phase.error = error instanceof Error ? error.message.slice(0, 2000) : String(error);
      throw new Error(`${pid} failed: ${phase.error}`);
    }
    phase.checks.push({
      name: "no 429 left unretried",
      ok: phase.unretried429 === 0,
      detail: `${phase.status429} answered 429, ${phase.unretried429} without a later success`,
    });
    after(phase, out);
    const rss = goals.providerPeakRssBytes;
    if (rss && phase.kind === "pulumi") {
      phase.targets.push(
        target(
          "rss",
          `provider peak RSS ≤ ${mib(rss.bytes)}`,
          rss.bytes,
          phase.providerPeakRssBytes ?? 0,
          1,
          rss.source,
        ),
      );
    }
    log(
      `${pid}: ${phase.wallSeconds.toFixed(1)} s, ${phase.totalCalls} calls ${JSON.stringify(phase.calls)}, ` +
        `provider RSS ${phase.providerPeakRssBytes === null ? "n/a" : mib(phase.providerPeakRssBytes)} (${phase.providerProcesses} process(es)), ` +
        `CLI RSS ${phase.cliPeakRssBytes === null ? "n/a" : mib(phase.cliPeakRssBytes)}` +
        `${phase.state ? `, state ${phase.state.bytes} B, ${phase.state.users} users` : ""}` +
        `${phase.checks.every((c) => c.ok) ? "" : `, FAILED CHECKS: ${JSON.stringify(phase.checks.filter((c) => !c.ok))}`}` +
        `${phase.targets.every((t) => t.met) ? "" : `, missed: ${phase.targets.filter((t) => !t.met).map((t) => `${t.kind} ${t.actual.toFixed(1)} > ${t.limit.toFixed(1)}`)}`}`,
    );
    return phase;
  };

  const baselinePhase = async <T>(
    pid: PhaseId,
    work: () => Promise<T>,
    after: (phase: PhaseResult, value: T) => void,
  ): Promise<T> => {
    log(`${pid}: running`);
    const { value, window } = await measured(emu, spec.latencyMs, work);
    const phase = blankPhase(pid, "baseline", window);
    setFloor(phase, n + 1);
    phase.checks.push({
      name: "no 429 left unretried",
      ok: phase.unretried429 === 0,
      detail: `${phase.status429} answered 429, ${phase.unretried429} without a later success`,
    });
    after(phase, value);
    result.phases.push(phase);
    log(
      `${pid}: ${phase.wallSeconds.toFixed(1)} s, ${phase.totalCalls} calls ${JSON.stringify(phase.calls)}`,
    );
    return value;
  };

  const configure = async (on: BenchProject) => {
    await on.stack.init();
    await on.stack.setConfig("domo:apiHost", emu.url);
    await on.stack.setConfig("domo:clientId", emu.credentials.clientId);
    await on.stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    await on.stack.setConfig("domo:requestsPerSecond", String(spec.rate));
  };

  const afterCreate = (phase: PhaseResult) => {
    const c = n + 1;
    setFloor(phase, c);
    const up = goals.upCreateSlack(n);
    phase.targets.push(
      target(
        "wall",
        `within ${up.slack}× the floor (${up.note}) for C = N creates + 1 token = ${c} calls: ${floorText(c)}`,
        floor(c),
        phase.wallSeconds,
        up.slack,
        up.source,
      ),
      target("calls", `N creates + 1 token = ${c}`, c, phase.totalCalls),
    );
    if (phase.kind === "pulumi" && phase.state) {
      const perUser = goals.stateBytesPerUser;
      phase.targets.push(
        target(
          "state",
          `state ≤ ${perUser.bytes} B per user (whole checkpoint / N)`,
          perUser.bytes,
          phase.state.bytes / n,
          1,
          perUser.source,
        ),
      );
    }
    phase.checks.push(exactlyOnce(emu, "bench.user", emails));
    const st = phase.state;
    phase.checks.push({
      name: `state holds N users (${mode === "bulk" ? "entries of the batches' outputs.users" : "DomoUser resources"})`,
      ok: st?.users === n && st.distinctUsers === n,
      detail: `${st?.users} user(s), ${st?.distinctUsers} distinct, in ${st?.resources} resource(s)`,
    });
  };

  const afterDestroy = (phase: PhaseResult) => {
    const pages = Math.ceil(n / pageSize);
    const c = n + 1 + pages;
    setFloor(phase, n + 1);
    const d = goals.destroySlack;
    phase.targets.push(
      target(
        "wall",
        `within ${d.slack}× the floor for C = N deletes + 1 token = ${n + 1} calls: ${floorText(n + 1)}`,
        floor(n + 1),
        phase.wallSeconds,
        d.slack,
        d.source,
      ),
      target(
        "calls",
        `N deletes + 1 token + ${pages} listing page(s) for the last-Admin guard = ${c}`,
        c,
        phase.totalCalls,
      ),
    );
    phase.checks.push(noneLeft(emu, "bench.user"));
    phase.checks.push({ name: "state empty", ok: phase.state?.users === 0 && phase.state.resources === 0 });
  };

  const noChangeTargets = (phase: PhaseResult) => {
    phase.targets.push(
      target("calls", "no API call", 0, phase.totalCalls, 1, mode === "bulk" ? "issue #15" : "bench"),
    );
    const nc = goals.noChangeMaxSeconds;
    if (nc) {
      phase.targets.push(
        target("wall", `at most ${nc.seconds} s`, nc.seconds, phase.wallSeconds, 1, nc.source),
      );
    }
  };

  let diagnostic: BenchProject | undefined;
  let heapProject: BenchProject | undefined;
  try {
    await configure(project);
    const flags = ctx.parallel.flags;

    // 1. First up: N creates and one token.
    project.declare(users);
    await pulumiPhase("up-create", (stack) => stack.up(flags), afterCreate);

    // 2. Preview with nothing changed: Check and Diff only.
    await pulumiPhase(
      "preview-nochange",
      (stack) => stack.preview(flags),
      (phase, out) => {
        noChangeTargets(phase);
        phase.checks.push({
          name: "preview reports nothing to do",
          ok: !/to (create|update|delete|replace)/.test(out.stdout),
          detail: out.stdout
            .match(/Resources:[\s\S]*$/)?.[0]
            ?.trim()
            .replace(/\s+/g, " "),
        });
      },
    );

    // 3. Up with nothing changed.
    const noChange = await pulumiPhase(
      "up-nochange",
      (stack) => stack.up(flags),
      (phase, out) => {
        noChangeTargets(phase);
        phase.checks.push({
          name: "nothing created, updated or deleted",
          ok: !/\b(created|updated|deleted)\b/.test(out.stdout),
        });
      },
    );
    result.fixedOverheadSeconds = noChange.wallSeconds;

    // 4. Edit 1% of the users (their title).
    const k = editCount(n);
    const edited = new Set(editedIndices(n, k));
    const editedUsers = users.map((u, i) => (edited.has(i) ? { ...u, title: `Edited ${i}` } : u));
    project.declare(editedUsers);
    await pulumiPhase(
      "up-edit",
      (stack) => stack.up(flags),
      (phase) => {
        const c = 2 * k + 1;
        setFloor(phase, c);
        phase.targets.push(
          target(
            "calls",
            `${k} edits × (GET + PUT: Domo's PUT takes the whole user) + 1 token = ${c}`,
            c,
            phase.totalCalls,
          ),
        );
        const live = new Map(emu.store.listUsers().map((u) => [(u.email ?? "").toLowerCase(), u]));
        const wrong = editedUsers.filter((u) => live.get(u.email)?.title !== u.title).length;
        phase.checks.push({
          name: `all ${n} titles as declared`,
          ok: wrong === 0,
          detail: `${wrong} differ`,
        });
        phase.checks.push({
          name: `${k} updates, nothing else written`,
          ok:
            (phase.calls["PUT /v1/users/{id}"] ?? 0) === k &&
            (phase.calls["POST /v1/users"] ?? 0) === 0 &&
            (phase.calls["DELETE /v1/users/{id}"] ?? 0) === 0,
        });
      },
    );

    // 5. Refresh: every user read, through the shared listing.
    await pulumiPhase(
      "refresh",
      (stack) => stack.refresh(flags),
      (phase, out) => {
        const budget = refreshCallBudget(n);
        phase.targets.push(
          target(
            "calls",
            `ceil(N/${pageSize}) + 1 = ${budget} (listing pages + token)`,
            budget,
            phase.totalCalls,
            1,
            mode === "bulk" ? "issue #15" : "bench",
          ),
        );
        phase.checks.push({
          name: "no per-user GET",
          ok: (phase.calls["GET /v1/users/{id}"] ?? 0) === 0,
          detail: `${phase.calls["GET /v1/users/{id}"] ?? 0}`,
        });
        phase.checks.push({
          name: "refresh found no drift",
          ok: !/\b(updated|deleted)\b/.test(out.stdout),
        });
      },
    );

    // Diagnostic: the same no-change preview and refresh with a V8 old-space limit, to show how
    // much of the provider's peak RSS is live memory and how much uncollected garbage.
    if (spec.heapDiagnostic) {
      const limited = project.stackWith(heapDiagnosticEnv);
      await pulumiPhase(
        "diag-preview-heap",
        () => limited.preview(flags),
        (phase) => {
          phase.checks.push({
            name: "no API call",
            ok: phase.totalCalls === 0,
            detail: `${phase.totalCalls}`,
          });
        },
        project,
        "diagnostic",
      );
      await pulumiPhase(
        "diag-refresh-heap",
        () => limited.refresh(flags),
        (phase, out) => {
          phase.checks.push({
            name: "refresh found no drift",
            ok: !/\b(updated|deleted)\b/.test(out.stdout),
          });
        },
        project,
        "diagnostic",
      );
    }

    // Naive refresh: one GET per user.
    const ids = emu.store
      .listUsers()
      .filter((u) => !u.deleted && (u.email ?? "").startsWith("bench.user"))
      .map((u) => u.id);
    if (spec.baselines) {
      await baselinePhase(
        "baseline-refresh",
        () => refreshByGet(baseline, ids, ctx.maxConcurrency),
        (phase, found) => {
          phase.checks.push({ name: "found every user", ok: found === n, detail: `${found}/${n}` });
        },
      );
    }

    // 6. Destroy.
    await pulumiPhase("destroy", (stack) => stack.destroy(flags), afterDestroy);

    // Naive create and delete.
    if (spec.baselines) {
      const created = await baselinePhase(
        "baseline-create",
        () => sequentialCreate(baseline, n),
        (phase) => {
          phase.checks.push(
            exactlyOnce(
              emu,
              "naive.user",
              Array.from({ length: n }, (_, i) => baselineEmail(i)),
            ),
          );
        },
      );
      await baselinePhase(
        "baseline-delete",
        () => sequentialDelete(baseline, created),
        (phase) => {
          phase.checks.push(noneLeft(emu, "naive.user"));
        },
      );
    }

    // Diagnostic: the same first up and destroy with the engine's intermediate checkpoints off,
    // on a second stack, to show how much of their wall time is the engine saving state.
    if (spec.diagnose) {
      diagnostic = new BenchProject(`${projectName}-nockpt`, {
        mode,
        packedRoot: ctx.packedRoot,
        backend,
        env: diagnosticEnv,
      });
      await configure(diagnostic);
      diagnostic.declare(users);
      await pulumiPhase("diag-up-create", (stack) => stack.up(flags), afterCreate, diagnostic);
      await pulumiPhase("diag-destroy", (stack) => stack.destroy(flags), afterDestroy, diagnostic);
    }
    if (spec.heapDiagnostic) {
      heapProject = new BenchProject(`${projectName}-heap`, {
        mode,
        packedRoot: ctx.packedRoot,
        backend,
        env: heapDiagnosticEnv,
      });
      await configure(heapProject);
      heapProject.declare(users);
      await pulumiPhase("diag-up-create-heap", (stack) => stack.up(flags), afterCreate, heapProject);
      await pulumiPhase("diag-destroy-heap", (stack) => stack.destroy(flags), afterDestroy, heapProject);
    }
  } catch (e) {
    result.error = e instanceof Error ? e.message.slice(0, 2000) : String(e);
    log(`stopped: ${result.error}`);
  } finally {
    await emu.close();
    if (!ctx.keep) {
      project.dispose();
      diagnostic?.dispose();
      heapProject?.dispose();
    }
  }
  result.comparisons = compare(result);
  if (n === 100 && ctx.before) result.notSlower = notSlower(result, ctx.before);
  result.observations = observe(result, spec, p, floor);
  return result;
}

/**
 * Each N = 100 phase against the committed figures: first up and destroy against the ones
 * installed from the npm tarball (as every run now is), the others against the only ones kept
 * (linked from the repo).
 */
function notSlower(r: RunResult, before: BeforeN100): NotSlower[] {
  const pairs: Array<[PhaseId, string]> = [
    ["up-create", "packed-up-create"],
    ["preview-nochange", "preview-nochange"],
    ["up-nochange", "up-nochange"],
    ["up-edit", "up-edit"],
    ["refresh", "refresh"],
    ["destroy", "packed-destroy"],
  ];
  const out: NotSlower[] = [];
  for (const [pid, bid] of pairs) {
    const ph = r.phases.find((x) => x.id === pid);
    const b = before.phases[bid];
    if (!ph || ph.error || !b) continue;
    const limitSeconds = notSlowerLimit(b.wallSeconds);
    out.push({
      phase: pid,
      before: bid,
      beforeInstall: b.install,
      beforeWallSeconds: b.wallSeconds,
      beforeCalls: b.totalCalls,
      wallSeconds: ph.wallSeconds,
      calls: ph.totalCalls,
      limitSeconds,
      ok: ph.wallSeconds <= limitSeconds && ph.totalCalls <= b.totalCalls,
    });
  }
  return out;
}

function compare(r: RunResult): Comparison[] {
  const byId = new Map(r.phases.map((ph) => [ph.id, ph]));
  const pairs: Array<[string, PhaseId, PhaseId]> = [
    ["create N users", "up-create", "baseline-create"],
    ["read N users", "refresh", "baseline-refresh"],
    ["delete N users", "destroy", "baseline-delete"],
  ];
  const out: Comparison[] = [];
  for (const [what, pid, nid] of pairs) {
    const a = byId.get(pid);
    const b = byId.get(nid);
    if (!a || !b || a.error || b.error) continue;
    out.push({
      what,
      pulumi: pid,
      naive: nid,
      pulumiCalls: a.totalCalls,
      naiveCalls: b.totalCalls,
      pulumiWallSeconds: a.wallSeconds,
      naiveWallSeconds: b.wallSeconds,
      callsFactor: a.totalCalls === 0 ? Number.POSITIVE_INFINITY : b.totalCalls / a.totalCalls,
      wallFactor: b.wallSeconds / a.wallSeconds,
    });
  }
  return out;
}

/** Plain statements read off the figures, for the report. */
function observe(r: RunResult, spec: RunSpec, p: number, floor: (calls: number) => number): string[] {
  const notes: string[] = [];
  const byId = new Map(r.phases.map((ph) => [ph.id, ph]));
  const fixed = r.fixedOverheadSeconds;
  const stateAfterCreate = byId.get("up-create")?.state;
  for (const [id, diagId] of [
    ["up-create", "diag-up-create"],
    ["destroy", "diag-destroy"],
  ] as const) {
    const ph = byId.get(id);
    if (!ph || ph.error) continue;
    const fl = floor(r.n + 1);
    const outside = ph.wallSeconds - ph.apiSpanSeconds;
    let text =
      `${id}: ${ph.wallSeconds.toFixed(1)} s against a floor of ${fl.toFixed(1)} s (${(ph.wallSeconds / fl).toFixed(2)}×). ` +
      `Its API calls spanned ${ph.apiSpanSeconds.toFixed(1)} s (${ph.apiRate.toFixed(1)} calls/s against the ${spec.rate} allowed); ` +
      `the other ${outside.toFixed(1)} s is the CLI's own work before the first call and after the last ` +
      `(engine and plugin start${id === "up-create" ? ", program run" : ""}, final state write, exit)` +
      `${fixed !== null ? `; a no-change \`up\` over the same N takes ${fixed.toFixed(1)} s` : ""}.`;
    if (ph.apiRate > 0 && ph.apiRate < 0.8 * spec.rate && ph.apiSpanSeconds > 1.2 * fl) {
      text += ` The calls ran at ${((100 * ph.apiRate) / spec.rate).toFixed(0)}% of the rate limit: something other than the API paced them (engine steps, checkpoint writes${spec.backend === "s3" ? " to S3" : ""}).`;
    }
    const diag = byId.get(diagId);
    if (diag && !diag.error) {
      const saved = ph.wallSeconds - diag.wallSeconds;
      text +=
        ` With the engine's intermediate checkpoints off (PULUMI_SKIP_CHECKPOINTS=true, diagnostic only: unsafe on a crash) ` +
        `the same ${id === "up-create" ? "up" : "destroy"} took ${diag.wallSeconds.toFixed(1)} s (${(diag.wallSeconds / fl).toFixed(2)}× the floor, ` +
        `API span ${diag.apiSpanSeconds.toFixed(1)} s, ${diag.apiRate.toFixed(1)} calls/s)` +
        (saved < 0.1 * ph.wallSeconds
          ? `: at this N the intermediate checkpoints cost little.`
          : `: ${saved.toFixed(1)} s (${((100 * saved) / ph.wallSeconds).toFixed(0)}%) of it is the engine rewriting the whole checkpoint after every resource step` +
            `${stateAfterCreate ? ` (up to ${(stateAfterCreate.bytes / 1024 / 1024).toFixed(1)} MiB, ${((100 * stateAfterCreate.providerBytesTotal) / stateAfterCreate.bytes).toFixed(0)}% of it \`__provider\` text), ${stateAfterCreate.resources} times: work that grows with N²` : ""}.`);
    }
    notes.push(text);
  }
  if (stateAfterCreate) {
    notes.push(
      `state after the first up: ${stateAfterCreate.bytes} B for ${stateAfterCreate.users} users in ${stateAfterCreate.resources} ${spec.mode === "bulk" ? "DomoUserBatch" : "DomoUser"} resource(s) = ${(stateAfterCreate.bytes / r.n).toFixed(0)} B per user; \`__provider\` ${stateAfterCreate.providerBytesPerResource.toFixed(0)} B per resource (${((100 * stateAfterCreate.providerBytesTotal) / Math.max(1, stateAfterCreate.bytes)).toFixed(0)}% of the state).`,
    );
  }
  for (const id of ["preview-nochange", "up-nochange"] as const) {
    const ph = byId.get(id);
    if (ph && !ph.error && ph.totalCalls === 0) {
      notes.push(
        `${id}: ${ph.wallSeconds.toFixed(1)} s with no API call: all of it is the engine, the program run and the provider's check/diff over ${stateAfterCreate?.resources ?? "the"} resource(s)${spec.backend === "s3" ? ", and reading and writing the checkpoint through S3" : ""}.`,
      );
    }
  }
  const destroy = byId.get("destroy");
  const pages = destroy?.calls["GET /v1/users"] ?? 0;
  if (destroy && pages > Math.ceil(r.n / pageSize)) {
    notes.push(
      `destroy read the user listing ${pages} page(s): the last-Admin guard reads it through the shared listing, which expires after listingTtlMs (30 s default) and is read again while a long destroy runs.`,
    );
  }
  const refresh = byId.get("refresh");
  if (refresh && refresh.totalCalls > refreshCallBudget(r.n)) {
    notes.push(
      `refresh made ${refresh.totalCalls} calls against ceil(N/${pageSize}) + 1 = ${refreshCallBudget(r.n)}: the instance holds N + 1 users (the emulator's seeded Admin, whose credentials the provider uses), so the listing takes ceil((N+1)/${pageSize}) pages, and the token is one more call.`,
    );
  }
  const edit = byId.get("up-edit");
  if (edit && (edit.calls["GET /v1/users/{id}"] ?? 0) > 0) {
    notes.push(
      `the edit reads each changed user (GET /v1/users/{id}) before its PUT: the client sends the whole user because Domo's PUT may require every field.`,
    );
  }
  const pulumiPhases = r.phases.filter((ph) => ph.kind !== "baseline");
  const maxRss = Math.max(0, ...pulumiPhases.map((ph) => ph.providerPeakRssBytes ?? 0));
  if (maxRss > 0) {
    const where = pulumiPhases.find((ph) => ph.providerPeakRssBytes === maxRss);
    notes.push(`largest provider RSS in any phase: ${mib(maxRss)} (${where?.id}).`);
  }
  for (const [id, heapId] of [
    ["up-create", "diag-up-create-heap"],
    ["preview-nochange", "diag-preview-heap"],
    ["refresh", "diag-refresh-heap"],
    ["destroy", "diag-destroy-heap"],
  ] as const) {
    const plain = byId.get(id);
    const limited = byId.get(heapId);
    if (!plain || !limited || limited.error || !plain.providerPeakRssBytes || !limited.providerPeakRssBytes)
      continue;
    notes.push(
      `${id}: provider peak RSS ${mib(plain.providerPeakRssBytes)} with V8's defaults, ${mib(limited.providerPeakRssBytes)} with ${heapDiagnosticEnv.NODE_OPTIONS} ` +
        `(same result, ${limited.wallSeconds.toFixed(1)} s instead of ${plain.wallSeconds.toFixed(1)} s): the live memory fits the smaller heap, the difference is garbage ` +
        "V8 had not collected yet (its default old-space limit here is ~4 GiB, so it grows the heap before collecting). Setting NODE_OPTIONS so in the CI job that runs `pulumi` closes the gap, at this cost in wall time.",
    );
  }
  const noProvider = pulumiPhases.filter((ph) => ph.providerProcesses === 0 && !ph.error);
  if (noProvider.length > 0) {
    notes.push(
      `no dynamic provider process was seen in ${noProvider.map((ph) => ph.id).join(", ")}: its RSS is n/a there (a phase too short for the 100 ms sampler, or one that started none).`,
    );
  }
  if (spec.latencyMs > 0) {
    const bound = (p * 1000) / spec.latencyMs;
    notes.push(
      `with latency ${spec.latencyMs} ms and ${p} in flight the latency bound is ${bound.toFixed(0)} req/s, ${bound > spec.rate ? `above the ${spec.rate} req/s rate limit: the rate limit sets the floor` : `not above the ${spec.rate} req/s rate limit: latency sets the floor`}.`,
    );
  }
  return notes;
}
