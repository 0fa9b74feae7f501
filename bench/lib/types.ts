import type { BackendKind, Mode, StateSummary } from "./project";
import type { Target } from "./targets";

export const pulumiPhases = [
  "up-create",
  "preview-nochange",
  "up-nochange",
  "up-edit",
  "refresh",
  "destroy",
] as const;
export const baselinePhases = ["baseline-refresh", "baseline-create", "baseline-delete"] as const;
export const diagnosticPhases = [
  "diag-up-create",
  "diag-destroy",
  "diag-preview-heap",
  "diag-refresh-heap",
  "diag-up-create-heap",
  "diag-destroy-heap",
] as const;
export type PulumiPhaseId = (typeof pulumiPhases)[number];
export type BaselinePhaseId = (typeof baselinePhases)[number];
export type DiagnosticPhaseId = (typeof diagnosticPhases)[number];
export type PhaseId = PulumiPhaseId | BaselinePhaseId | DiagnosticPhaseId;
export type PhaseKind = "pulumi" | "baseline" | "diagnostic";

/** The engine setting the diagnostic phases change, to show where the wall time of up and destroy goes. */
export const diagnosticEnv = { PULUMI_SKIP_CHECKPOINTS: "true" } as const;

/**
 * The heap diagnostic's setting: a V8 old-space limit for the CLI's Node processes (the program
 * and the dynamic provider), to tell the provider's live memory from garbage V8 has not yet
 * collected (its default limit on this machine is ~4 GiB, so it grows the heap freely).
 */
export const heapDiagnosticEnv = { NODE_OPTIONS: "--max-old-space-size=160" } as const;

export const phaseLabels: Record<PhaseId, string> = {
  "up-create": "first `pulumi up` (create N)",
  "preview-nochange": "`pulumi preview`, no change",
  "up-nochange": "`pulumi up`, no change",
  "up-edit": "`pulumi up`, edit 1% (title)",
  refresh: "`pulumi refresh`",
  destroy: "`pulumi destroy`",
  "baseline-refresh": "naive: refresh by GET per user (8 at a time)",
  "baseline-create": "naive: sequential create, 1 call per user",
  "baseline-delete": "naive: sequential delete, 1 call per user",
  "diag-up-create": "diagnostic: first `pulumi up`, PULUMI_SKIP_CHECKPOINTS=true",
  "diag-destroy": "diagnostic: `pulumi destroy`, PULUMI_SKIP_CHECKPOINTS=true",
  "diag-preview-heap": "diagnostic: `pulumi preview`, no change, NODE_OPTIONS=--max-old-space-size=160",
  "diag-refresh-heap": "diagnostic: `pulumi refresh`, NODE_OPTIONS=--max-old-space-size=160",
  "diag-up-create-heap": "diagnostic: first `pulumi up`, NODE_OPTIONS=--max-old-space-size=160",
  "diag-destroy-heap": "diagnostic: `pulumi destroy`, NODE_OPTIONS=--max-old-space-size=160",
};

/**
 * Which provider serves the run's users: the dynamic resources (DomoUser, DomoUserDirectory in
 * a TypeScript program, served by Pulumi's Node dynamic provider), or the native `domo`
 * provider (the plugin `pulumi-resource-domo`, installed from the archive the build makes).
 */
export type ProviderKind = "dynamic" | "native";

/** One run of the matrix. */
export interface RunSpec {
  /** The provider (dynamic unless given). */
  provider?: ProviderKind;
  n: number;
  mode: Mode;
  backend: BackendKind;
  /** Emulator rate limit and the provider's domo:requestsPerSecond. */
  rate: number;
  /** Emulator latency per request, ms. */
  latencyMs: number;
  /** The naive create/delete/refresh baselines. */
  baselines?: boolean;
  /** First up and destroy again with PULUMI_SKIP_CHECKPOINTS=true (the engine checkpoint share). */
  diagnose?: boolean;
  /**
   * No-change preview and refresh again with heapDiagnosticEnv, and a first up and destroy on a
   * second stack with it (the provider's live memory).
   */
  heapDiagnostic?: boolean;
}

/** A run's name: `[native-]<mode>-<backend>-<n>`, e.g. perUser-file-1000, native-bulk-file-10000. */
export function runId(s: Pick<RunSpec, "mode" | "backend" | "n" | "provider">): string {
  return `${s.provider === "native" ? "native-" : ""}${s.mode}-${s.backend}-${s.n}`;
}

/** The run's provider (dynamic unless the spec says native). */
export function providerOf(s: Pick<RunSpec, "provider">): ProviderKind {
  return s.provider ?? "dynamic";
}

/** What a run measured against the committed N = 100 figures (bench/before-n100.json). */
export interface NotSlower {
  phase: PhaseId;
  /** The phase of before-n100.json compared with. */
  before: string;
  beforeInstall: string;
  beforeWallSeconds: number;
  beforeCalls: number;
  wallSeconds: number;
  calls: number;
  limitSeconds: number;
  ok: boolean;
}

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface PhaseResult {
  id: PhaseId;
  label: string;
  kind: PhaseKind;
  /** Requests that reached the emulator, by route key (429-refused ones included). */
  calls: Record<string, number>;
  totalCalls: number;
  /** Requests answered 429 (from the emulator's request log). */
  status429: number;
  /** 429s with no later answered request to the same method and path. */
  unretried429: number;
  wallSeconds: number;
  /** The machine's 1-minute load average when the phase ended (other work on the machine shows here). */
  loadAverage: number;
  /** From the first request's arrival to the last one's, plus one latency: the part of the wall spent calling Domo. */
  apiSpanSeconds: number;
  /** Request starts per second between the first request and the last (0 with fewer than two). */
  apiRate: number;
  /** The floor of the phase's necessary calls (rate-bound phases only), seconds. */
  floorSeconds: number | null;
  /** wall / floor. */
  floorRatio: number | null;
  /** wall − API span: the engine and CLI's own time outside the API calls. */
  engineSeconds: number;
  /**
   * Peak RSS of the provider process (pulumi phases only): the Node dynamic provider, or the
   * native plugin `pulumi-resource-domo` (the largest of its processes when there are several).
   */
  providerPeakRssBytes: number | null;
  /** Peak RSS of the Pulumi CLI (Go engine) process. */
  cliPeakRssBytes: number | null;
  /** Provider processes seen (one per CLI run expected; 0 for preview-less runs that need none). */
  providerProcesses: number;
  /** The checkpoint after the phase (pulumi phases only). */
  state: StateSummary | null;
  targets: Target[];
  checks: Check[];
  error?: string;
}

export interface Comparison {
  what: string;
  pulumi: PhaseId;
  naive: PhaseId;
  pulumiCalls: number;
  naiveCalls: number;
  pulumiWallSeconds: number;
  naiveWallSeconds: number;
  /** naive / pulumi: how many times more the naive way costs. */
  callsFactor: number;
  wallFactor: number;
}

export interface RunResult {
  id: string;
  spec: RunSpec;
  n: number;
  /** The backend URL as passed to the CLI (no secrets in it). */
  backendUrl: string;
  /** N = 100 phases against bench/before-n100.json. */
  notSlower: NotSlower[];
  phases: PhaseResult[];
  comparisons: Comparison[];
  /** Wall of the no-change `up`: what any `up` over N resources costs before a single API call. */
  fixedOverheadSeconds: number | null;
  observations: string[];
  error?: string;
}
