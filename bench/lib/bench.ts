import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { CommandResult, LocalStack } from "../../scripts/lib/pulumi-cli";
import {
  type BaselineSettings,
  baselineEmail,
  refreshByGet,
  sequentialCreate,
  sequentialDelete,
} from "./baselines";
import type { ParallelSetting } from "./environment";
import { blankPhase, exactlyOnce, measured, mib, no429LeftUnretried, noneLeft } from "./measure";
import { type Backend, BenchProject, type BenchUser, benchUsers, editedIndices } from "./project";
import { type MotoS3, s3Env } from "./s3";
import { dynamicProviderMatcher, nativeProviderMatcher, ProcessSampler, pulumiCliMatcher } from "./sampler";
import { compare, notSlower, observe } from "./summary";
import {
  editCount,
  floorSeconds,
  type ModeTargets,
  modeTargets,
  pageSize,
  refreshCallBudget,
  target,
} from "./targets";
import {
  diagnosticEnv,
  heapDiagnosticEnv,
  type PhaseId,
  type PhaseKind,
  type PhaseResult,
  providerOf,
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
  /** The native plugin's archive, built in the setup step (native runs only). */
  pluginArchive?: string;
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

/**
 * One run of the matrix, in the order its phases run. Each phase is a function below that takes
 * the run (and what it changes) and returns the PhaseResult it measured; every phase is also
 * appended to `result.phases`, in this order, which is the order of the report.
 */
export async function runOne(spec: RunSpec, ctx: RunContext): Promise<RunResult> {
  const run = await setUp(spec, ctx);
  try {
    await initStack(run, run.project);
    await firstUp(run, run.users);
    await noChangePreview(run);
    run.result.fixedOverheadSeconds = (await noChangeUp(run)).wallSeconds;
    await edit(run, editCount(run.n));
    await refresh(run);
    // While the users exist: the heap diagnostic's preview and refresh, the naive refresh.
    if (spec.heapDiagnostic) await heapDiagnosticOnLiveStack(run);
    if (spec.baselines) await naiveRefresh(run);
    await destroy(run);
    if (spec.baselines) await naiveCreateAndDelete(run);
    if (spec.diagnose) await checkpointDiagnostic(run);
    if (spec.heapDiagnostic) await heapDiagnosticStack(run);
  } catch (e) {
    run.result.error = e instanceof Error ? e.message.slice(0, 2000) : String(e);
    run.log(`stopped: ${run.result.error}`);
  } finally {
    await tearDown(run);
  }
  return summarise(run);
}

/** What every phase of one run shares: its inputs, the emulator, the project, the result so far. */
class BenchRun {
  readonly id: string;
  readonly n: number;
  readonly goals: ModeTargets;
  readonly users: BenchUser[];
  readonly emails: string[];
  /** Requests in flight: min(--parallel, the client's maxConcurrency). */
  readonly p: number;
  /** The CLI flags of every up, preview, refresh and destroy (--parallel, or none). */
  readonly flags: string[];
  /** The naive baselines' client settings (the emulator's URL and credentials, the same rate). */
  readonly baseline: BaselineSettings;
  readonly result: RunResult;
  /** The diagnostics' second stacks, disposed with the main one. */
  readonly otherProjects: BenchProject[] = [];

  constructor(
    readonly spec: RunSpec,
    readonly ctx: RunContext,
    readonly emu: RunningEmulator,
    readonly backend: Backend,
    readonly projectName: string,
    readonly project: BenchProject,
  ) {
    this.id = runId(spec);
    this.n = spec.n;
    this.goals = modeTargets[spec.mode];
    this.users = benchUsers(spec.n);
    this.emails = this.users.map((u) => u.email);
    this.p = Math.min(ctx.parallel.value, ctx.maxConcurrency);
    this.flags = ctx.parallel.flags;
    this.baseline = {
      apiHost: emu.url,
      clientId: emu.credentials.clientId,
      clientSecret: emu.credentials.clientSecret,
      requestsPerSecond: spec.rate,
      maxConcurrency: ctx.maxConcurrency,
    };
    this.result = {
      id: this.id,
      spec,
      n: spec.n,
      backendUrl: backend.kind === "s3" ? backend.url : "file://<temp dir>/state",
      notSlower: [],
      phases: [],
      comparisons: [],
      fixedOverheadSeconds: null,
      observations: [],
    };
  }

  log(line: string): void {
    this.ctx.log(`[${this.id}] ${line}`);
  }

  /** The rate-limit floor of `calls` calls (targets.ts's floorSeconds at this run's settings). */
  floor(calls: number): number {
    return floorSeconds({ calls, rate: this.spec.rate, latencyMs: this.spec.latencyMs, parallel: this.p });
  }

  floorText(c: number): string {
    const { rate, latencyMs } = this.spec;
    return `max(${c}/${rate}, ${c}×${latencyMs / 1000}/${this.p}) = ${this.floor(c).toFixed(2)} s`;
  }

  setFloor(phase: PhaseResult, calls: number): void {
    phase.floorSeconds = this.floor(calls);
    phase.floorRatio = phase.floorSeconds > 0 ? phase.wallSeconds / phase.floorSeconds : null;
  }

  /**
   * Measures one CLI command on `on`'s stack: emulator calls, wall time, provider and CLI peak
   * RSS, the state after it. `after` adds the phase's targets and checks. A failed command is
   * recorded (with its error) and then thrown, which ends the run.
   */
  async pulumiPhase(
    pid: PhaseId,
    command: (stack: LocalStack) => Promise<CommandResult>,
    after: (phase: PhaseResult, out: CommandResult) => void,
    on: BenchProject = this.project,
    kind: PhaseKind = on === this.project ? "pulumi" : "diagnostic",
  ): Promise<PhaseResult> {
    this.log(`${pid}: running`);
    const providerMatcher =
      providerOf(this.spec) === "native" ? nativeProviderMatcher : dynamicProviderMatcher;
    const sampler = new ProcessSampler([providerMatcher, pulumiCliMatcher], { cwd: on.projectDir });
    sampler.start();
    let out: CommandResult | undefined;
    let error: unknown;
    const { window } = await measured(this.emu, this.spec.latencyMs, async () => {
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
    this.result.phases.push(phase);
    if (error !== undefined || !out) {
      phase.error = error instanceof Error ? error.message.slice(0, 2000) : String(error);
      throw new Error(`${pid} failed: ${phase.error}`);
    }
    phase.checks.push(no429LeftUnretried(phase));
    after(phase, out);
    const rss = this.goals.providerPeakRssBytes;
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
    this.log(
      `${pid}: ${phase.wallSeconds.toFixed(1)} s, ${phase.totalCalls} calls ${JSON.stringify(phase.calls)}, ` +
        `provider RSS ${phase.providerPeakRssBytes === null ? "n/a" : mib(phase.providerPeakRssBytes)} (${phase.providerProcesses} process(es)), ` +
        `CLI RSS ${phase.cliPeakRssBytes === null ? "n/a" : mib(phase.cliPeakRssBytes)}` +
        `${phase.state ? `, state ${phase.state.bytes} B, ${phase.state.users} users` : ""}` +
        `${phase.checks.every((c) => c.ok) ? "" : `, FAILED CHECKS: ${JSON.stringify(phase.checks.filter((c) => !c.ok))}`}` +
        `${phase.targets.every((t) => t.met) ? "" : `, missed: ${phase.targets.filter((t) => !t.met).map((t) => `${t.kind} ${t.actual.toFixed(1)} > ${t.limit.toFixed(1)}`)}`}`,
    );
    return phase;
  }

  /** Measures one naive baseline (direct API calls, no Pulumi) against the floor of N + 1 calls. */
  async baselinePhase<T>(
    pid: PhaseId,
    work: () => Promise<T>,
    after: (phase: PhaseResult, value: T) => void,
  ): Promise<{ phase: PhaseResult; value: T }> {
    this.log(`${pid}: running`);
    const { value, window } = await measured(this.emu, this.spec.latencyMs, work);
    const phase = blankPhase(pid, "baseline", window);
    this.setFloor(phase, this.n + 1);
    phase.checks.push(no429LeftUnretried(phase));
    after(phase, value);
    this.result.phases.push(phase);
    this.log(
      `${pid}: ${phase.wallSeconds.toFixed(1)} s, ${phase.totalCalls} calls ${JSON.stringify(phase.calls)}`,
    );
    return { phase, value };
  }

  /** Targets and checks of a first up that creates every user (the main stack's or a diagnostic's). */
  createdAll(phase: PhaseResult): void {
    const { n } = this;
    const c = n + 1;
    this.setFloor(phase, c);
    const up = this.goals.upCreateSlack(n);
    phase.targets.push(
      target(
        "wall",
        `within ${up.slack}× the floor (${up.note}) for C = N creates + 1 token = ${c} calls: ${this.floorText(c)}`,
        this.floor(c),
        phase.wallSeconds,
        up.slack,
        up.source,
      ),
      target("calls", `N creates + 1 token = ${c}`, c, phase.totalCalls),
    );
    if (phase.kind === "pulumi" && phase.state) {
      const perUser = this.goals.stateBytesPerUser;
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
    phase.checks.push(exactlyOnce(this.emu, "bench.user", this.emails));
    const st = phase.state;
    phase.checks.push({
      name: `state holds N users (${this.spec.mode === "bulk" ? "entries of the batches' outputs.users" : "DomoUser resources"})`,
      ok: st?.users === n && st.distinctUsers === n,
      detail: `${st?.users} user(s), ${st?.distinctUsers} distinct, in ${st?.resources} resource(s)`,
    });
  }

  /** Targets and checks of a destroy that deletes every user (the main stack's or a diagnostic's). */
  destroyedAll(phase: PhaseResult): void {
    const { n } = this;
    const pages = Math.ceil(n / pageSize);
    const c = n + 1 + pages;
    this.setFloor(phase, n + 1);
    const d = this.goals.destroySlack;
    phase.targets.push(
      target(
        "wall",
        `within ${d.slack}× the floor for C = N deletes + 1 token = ${n + 1} calls: ${this.floorText(n + 1)}`,
        this.floor(n + 1),
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
    phase.checks.push(noneLeft(this.emu, "bench.user"));
    phase.checks.push({ name: "state empty", ok: phase.state?.users === 0 && phase.state.resources === 0 });
  }

  /** Targets of a phase with nothing to change: no API call (and, in bulk mode, a wall-time cap). */
  changedNothing(phase: PhaseResult): void {
    phase.targets.push(
      target(
        "calls",
        "no API call",
        0,
        phase.totalCalls,
        1,
        this.spec.mode === "bulk" ? "issue #15" : "bench",
      ),
    );
    const nc = this.goals.noChangeMaxSeconds;
    if (nc) {
      phase.targets.push(
        target("wall", `at most ${nc.seconds} s`, nc.seconds, phase.wallSeconds, 1, nc.source),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The phases, in the order runOne runs them.

/**
 * Set up: a fresh emulator (the spec's latency and rate limit), the state backend (the local
 * file backend, or the run's S3 server) and the Pulumi project under the packed install. Nothing
 * is measured here; the stack is initialised by initStack, the first step inside the run.
 */
async function setUp(spec: RunSpec, ctx: RunContext): Promise<BenchRun> {
  const id = runId(spec);
  const emu = await startEmulator({
    latencyMs: spec.latencyMs,
    rateLimit: { requestsPerSecond: spec.rate, retryAfter: "seconds" },
    requestLogLimit: Math.max(1_000_000, 4 * spec.n),
  });
  let backend: Backend = { kind: "file" };
  if (spec.backend === "s3") {
    const s3 = ctx.s3;
    if (!s3) throw new Error(`${id}: an s3 run needs an S3 server`);
    backend = { kind: "s3", url: s3.backendUrl, env: { ...s3Env }, get: (key) => s3.get(key) };
  }
  const projectName = `bench-${providerOf(spec) === "native" ? "native-" : ""}${spec.mode.toLowerCase()}-${spec.backend}-${spec.n}`;
  const project = new BenchProject(projectName, {
    mode: spec.mode,
    packedRoot: ctx.packedRoot,
    backend,
    ...pluginOf(spec, ctx),
  });
  return new BenchRun(spec, ctx, emu, backend, projectName, project);
}

/** A native run's plugin archive (the project installs it); nothing for a dynamic run. */
function pluginOf(spec: RunSpec, ctx: RunContext): { pluginArchive?: string } {
  if (providerOf(spec) !== "native") return {};
  if (!ctx.pluginArchive)
    throw new Error(`${runId(spec)}: a native run needs the plugin archive (setup step)`);
  return { pluginArchive: ctx.pluginArchive };
}

/** `pulumi stack init` and the provider's config (the emulator's URL and credentials, the rate). */
async function initStack(run: BenchRun, on: BenchProject): Promise<void> {
  await on.stack.init();
  await on.stack.setConfig("domo:apiHost", run.emu.url);
  await on.stack.setConfig("domo:clientId", run.emu.credentials.clientId);
  await on.stack.setConfig("domo:clientSecret", run.emu.credentials.clientSecret, { secret: true });
  await on.stack.setConfig("domo:requestsPerSecond", String(run.spec.rate));
}

/** 1. First up: N creates and one token. */
function firstUp(run: BenchRun, users: BenchUser[]): Promise<PhaseResult> {
  run.project.declare(users);
  return run.pulumiPhase(
    "up-create",
    (stack) => stack.up(run.flags),
    (phase) => run.createdAll(phase),
  );
}

/** 2. Preview with nothing changed: Check and Diff only. */
function noChangePreview(run: BenchRun): Promise<PhaseResult> {
  return run.pulumiPhase(
    "preview-nochange",
    (stack) => stack.preview(run.flags),
    (phase, out) => {
      run.changedNothing(phase);
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
}

/** 3. Up with nothing changed: its wall time is the run's fixed overhead. */
function noChangeUp(run: BenchRun): Promise<PhaseResult> {
  return run.pulumiPhase(
    "up-nochange",
    (stack) => stack.up(run.flags),
    (phase, out) => {
      run.changedNothing(phase);
      phase.checks.push({
        name: "nothing created, updated or deleted",
        ok: !/\b(created|updated|deleted)\b/.test(out.stdout),
      });
    },
  );
}

/** 4. Edit `k` of the users (1%: their title) and up. */
function edit(run: BenchRun, k: number): Promise<PhaseResult> {
  const { n, emu } = run;
  const edited = new Set(editedIndices(n, k));
  const editedUsers = run.users.map((u, i) => (edited.has(i) ? { ...u, title: `Edited ${i}` } : u));
  run.project.declare(editedUsers);
  return run.pulumiPhase(
    "up-edit",
    (stack) => stack.up(run.flags),
    (phase) => {
      const c = 2 * k + 1;
      run.setFloor(phase, c);
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
}

/** 5. Refresh: every user read, through the shared listing. */
function refresh(run: BenchRun): Promise<PhaseResult> {
  const { n } = run;
  return run.pulumiPhase(
    "refresh",
    (stack) => stack.refresh(run.flags),
    (phase, out) => {
      const budget = refreshCallBudget(n);
      phase.targets.push(
        target(
          "calls",
          `ceil(N/${pageSize}) + 1 = ${budget} (listing pages + token)`,
          budget,
          phase.totalCalls,
          1,
          run.spec.mode === "bulk" ? "issue #15" : "bench",
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
}

/**
 * Diagnostic (heapDiagnostic): the same no-change preview and refresh with a V8 old-space limit,
 * to show how much of the provider's peak RSS is live memory and how much uncollected garbage.
 */
async function heapDiagnosticOnLiveStack(run: BenchRun): Promise<PhaseResult[]> {
  const limited = run.project.stackWith(heapDiagnosticEnv);
  const preview = await run.pulumiPhase(
    "diag-preview-heap",
    () => limited.preview(run.flags),
    (phase) => {
      phase.checks.push({
        name: "no API call",
        ok: phase.totalCalls === 0,
        detail: `${phase.totalCalls}`,
      });
    },
    run.project,
    "diagnostic",
  );
  const refreshed = await run.pulumiPhase(
    "diag-refresh-heap",
    () => limited.refresh(run.flags),
    (phase, out) => {
      phase.checks.push({
        name: "refresh found no drift",
        ok: !/\b(updated|deleted)\b/.test(out.stdout),
      });
    },
    run.project,
    "diagnostic",
  );
  return [preview, refreshed];
}

/** Baseline: the naive refresh, one GET per user (8 at a time). */
async function naiveRefresh(run: BenchRun): Promise<PhaseResult> {
  const { n } = run;
  const ids = run.emu.store
    .listUsers()
    .filter((u) => !u.deleted && (u.email ?? "").startsWith("bench.user"))
    .map((u) => u.id);
  const { phase } = await run.baselinePhase(
    "baseline-refresh",
    () => refreshByGet(run.baseline, ids, run.ctx.maxConcurrency),
    (phase, found) => {
      phase.checks.push({ name: "found every user", ok: found === n, detail: `${found}/${n}` });
    },
  );
  return phase;
}

/** 6. Destroy: N deletes, one token, the last-Admin guard's listing. */
function destroy(run: BenchRun): Promise<PhaseResult> {
  return run.pulumiPhase(
    "destroy",
    (stack) => stack.destroy(run.flags),
    (phase) => run.destroyedAll(phase),
  );
}

/** Baselines: the naive sequential create, then delete, one call per user. */
async function naiveCreateAndDelete(run: BenchRun): Promise<PhaseResult[]> {
  const { n, emu } = run;
  const created = await run.baselinePhase(
    "baseline-create",
    () => sequentialCreate(run.baseline, n),
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
  const deleted = await run.baselinePhase(
    "baseline-delete",
    () => sequentialDelete(run.baseline, created.value),
    (phase) => {
      phase.checks.push(noneLeft(emu, "naive.user"));
    },
  );
  return [created.phase, deleted.phase];
}

/** A second stack of the same users, with `env` added to its CLI: first up, then destroy. */
async function upAndDestroyWith(
  run: BenchRun,
  suffix: string,
  env: Record<string, string>,
  ids: readonly [up: PhaseId, destroy: PhaseId],
): Promise<PhaseResult[]> {
  const other = new BenchProject(`${run.projectName}-${suffix}`, {
    mode: run.spec.mode,
    packedRoot: run.ctx.packedRoot,
    backend: run.backend,
    env,
    ...pluginOf(run.spec, run.ctx),
  });
  run.otherProjects.push(other);
  await initStack(run, other);
  other.declare(run.users);
  const up = await run.pulumiPhase(
    ids[0],
    (stack) => stack.up(run.flags),
    (phase) => run.createdAll(phase),
    other,
  );
  const down = await run.pulumiPhase(
    ids[1],
    (stack) => stack.destroy(run.flags),
    (phase) => run.destroyedAll(phase),
    other,
  );
  return [up, down];
}

/**
 * Diagnostic (diagnose): the same first up and destroy with the engine's intermediate
 * checkpoints off, on a second stack, to show how much of their wall time is the engine saving state.
 */
function checkpointDiagnostic(run: BenchRun): Promise<PhaseResult[]> {
  return upAndDestroyWith(run, "nockpt", diagnosticEnv, ["diag-up-create", "diag-destroy"]);
}

/** Diagnostic (heapDiagnostic): the same first up and destroy on a second stack with the V8 limit. */
function heapDiagnosticStack(run: BenchRun): Promise<PhaseResult[]> {
  return upAndDestroyWith(run, "heap", heapDiagnosticEnv, ["diag-up-create-heap", "diag-destroy-heap"]);
}

/** Stops the emulator; removes the projects unless --keep. */
async function tearDown(run: BenchRun): Promise<void> {
  await run.emu.close();
  if (!run.ctx.keep) {
    run.project.dispose();
    for (const other of run.otherProjects) other.dispose();
  }
}

/** The run's result with what its phases add up to (summary.ts). */
function summarise(run: BenchRun): RunResult {
  const { result, spec, ctx } = run;
  result.comparisons = compare(result);
  if (run.n === 100 && ctx.before) result.notSlower = notSlower(result, ctx.before);
  result.observations = observe(result, spec, run.p, (calls) => run.floor(calls));
  return result;
}
