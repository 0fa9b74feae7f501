/**
 * The figures each phase should reach. Kept apart from the runner so the formulas are in one
 * place, stated once, and printed into the report as written here.
 */
// @ts-nocheck


/** Domo's page size ceiling for GET /v1/users. */
export const pageSize = 500;
/** How far above the floor a rate-bound phase may land and still pass. */
export const wallSlack = 1.3;

export interface FloorInputs {
  /** API calls the phase cannot do without. */
  calls: number;
  /** Requests per second the emulator admits (and the client is set to). */
  rate: number;
  /** Latency the emulator adds to every request, ms. */
  latencyMs: number;
  /** Requests in flight at most: min(pulumi --parallel, client maxConcurrency). */
  parallel: number;
}

/**
 * The fastest a phase of `calls` API calls can be. Two independent limits:
 * - the rate limit admits at most `rate` requests a second: calls / rate seconds;
 * - at most `parallel` requests are in flight, each taking `latency`: throughput is at most
 *   parallel / latency requests a second, so calls * latency / parallel seconds.
 * The phase can go no faster than the slower of the two:
 *   floor = max(calls / rate, calls * latency / parallel).
 */
export function floorSeconds(f: FloorInputs): number {
  return Math.max(f.calls / f.rate, (f.calls * f.latencyMs) / 1000 / f.parallel);
}

export const floorFormula = "floor = max(C / R, C × L / P)";

/** Calls a refresh of `n` users may make: the shared listing's pages plus one token. */
export function refreshCallBudget(n: number): number {
  return Math.ceil(n / pageSize) + 1;
}

/** How many users the "edit 1%" phase changes. */
export function editCount(n: number): number {
  return Math.max(1, Math.round(n / 100));
}

export type TargetKind = "calls" | "wall";

/** One figure a phase is measured against. */
export interface Target {
  kind: TargetKind;
  /** How the figure is derived, for the report. */
  description: string;
  /** The figure (calls, or seconds for wall targets). */
  value: number;
  /** The limit the actual figure must not exceed (value × slack for wall targets). */
  limit: number;
  actual: number;
  /** actual / value; null when the target is 0 (then only actual === 0 passes). */
  ratio: number | null;
  met: boolean;
}

export function target(
  kind: TargetKind,
  description: string,
  value: number,
  actual: number,
  slack = 1,
): Target {
  const limit = value * slack;
  return {
    kind,
    description,
    value,
    limit,
    actual,
    ratio: value === 0 ? null : actual / value,
    met: actual <= limit + 1e-9,
  };
}
