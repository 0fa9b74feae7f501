import os from "node:os";
import type { RequestLogEntry, RunningEmulator } from "../../provider/emulator";
import type { Check, PhaseId, PhaseKind, PhaseResult } from "./types";
import { phaseLabels } from "./types";

/** What reached the emulator while one phase ran, and how long the phase took. */
export interface Window {
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
export async function measured<T>(
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

/** A phase's result with its window filled in and no floor, target or check yet. */
export function blankPhase(id: PhaseId, kind: PhaseKind, window: Window): PhaseResult {
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

/** The check every phase carries: each 429 the emulator answered was retried to a success. */
export function no429LeftUnretried(phase: PhaseResult): Check {
  return {
    name: "no 429 left unretried",
    ok: phase.unretried429 === 0,
    detail: `${phase.status429} answered 429, ${phase.unretried429} without a later success`,
  };
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

export function exactlyOnce(emu: RunningEmulator, prefix: string, emails: readonly string[]): Check {
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

export function noneLeft(emu: RunningEmulator, prefix: string): Check {
  const left = [...liveByEmail(emu, prefix).values()].reduce((a, b) => a + b, 0);
  return { name: "no account left", ok: left === 0, detail: `${left} left` };
}

export const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
