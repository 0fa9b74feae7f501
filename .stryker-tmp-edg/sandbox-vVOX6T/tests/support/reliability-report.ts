// @ts-nocheck
import fs from "node:fs";
import path from "node:path";

/**
 * Collects what the reliability suite measured, and writes tests/RELIABILITY.md from it when
 * RELIABILITY_REPORT=1 (so the committed figures come from a run, never from a hand edit).
 *
 *   RELIABILITY_REPORT=1 npx mocha --config tests/reliability/.mocharc.json
 *
 * (or `RELIABILITY_REPORT=1 npm test`, which runs these suites with the rest).
 *
 * The report is written only when every section recorded something, so running one file of
 * the suite never overwrites the full report with a partial one.
 */

export type FaultOutcome = "converged" | "failed clearly";

export interface FaultCellRecord {
  via: "runtime" | "gRPC";
  op: string;
  fault: string;
  outcome: FaultOutcome;
  /** Requests the operation made to the faulted route (faulted ones included). */
  routeRequests: number;
  /** Every API request the operation made (token requests included). */
  totalRequests: number;
  /** Requests the emulator answered with an injected fault. */
  faultHits: number;
  /** Fake milliseconds spent waiting (backoff, Retry-After); real ms for the timeout cells. */
  waitedMs: number;
  waitKind: "simulated" | "real";
  /** The error's first line, when the operation failed. */
  error?: string;
  /** Whether the re-run after the fault cleared converged (always checked). */
  rerunConverged: boolean;
  /** Accounts with the cell's email at the end (1, or 0 after a delete): never 2. */
  accounts: number;
  /** Whether the Pulumi state (what the engine would keep) holds the account's id at the end. */
  inState: boolean;
}

export interface InputCaseRecord {
  via: "runtime" | "gRPC";
  kind: "declaration" | "users file";
  inputClass: string;
  label: string;
  field: string;
  rejected: boolean;
  fieldNamed: boolean;
  emulatorCalls: number;
}

export interface PropertyRecord {
  name: string;
  runs: number;
  passed: boolean;
}

export interface SecretScanRecord {
  source: string;
  artifacts: number;
  bytes: number;
  hits: number;
}

export interface GuardRecord {
  scenario: string;
  outcome: string;
  passed: boolean;
}

export interface LoadRecord {
  users: number;
  workers: number;
  clientRps: number;
  emulatorRps: number;
  requests: number;
  maxInAnySecond: number;
  throttled: number;
  durationMs: number;
  accountsCreated: number;
  distinctIds: number;
}

class ReliabilityCollector {
  readonly faults: FaultCellRecord[] = [];
  readonly inputs: InputCaseRecord[] = [];
  readonly properties: PropertyRecord[] = [];
  readonly secrets: SecretScanRecord[] = [];
  readonly guards: GuardRecord[] = [];
  readonly loads: LoadRecord[] = [];
  readonly notes: string[] = [];
}

export const reliability = new ReliabilityCollector();

export const reportPath = path.resolve(__dirname, "..", "RELIABILITY.md");

let hookRegistered = false;

/** Call at the top level of each reliability test file: registers one root after-all hook. */
export function useReliabilityReport(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  after(function writeReport() {
    if (process.env.RELIABILITY_REPORT !== "1") return;
    const missing = missingSections();
    if (missing.length > 0) {
      console.log(`RELIABILITY.md not written: no results for ${missing.join(", ")} (run the whole suite)`);
      return;
    }
    fs.writeFileSync(reportPath, renderReport());
    console.log(`wrote ${path.relative(process.cwd(), reportPath)}`);
  });
}

function missingSections(): string[] {
  const r = reliability;
  const sections: Array<[string, number]> = [
    ["fault matrix", r.faults.length],
    ["bad input", r.inputs.length],
    ["properties", r.properties.length],
    ["secrets", r.secrets.length],
    ["guards", r.guards.length],
    ["load", r.loads.length],
  ];
  return sections.filter(([, n]) => n === 0).map(([name]) => name);
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k) ?? [];
    list.push(item);
    map.set(k, list);
  }
  return map;
}

function renderFaults(): string {
  const r = reliability.faults;
  const out: string[] = [];
  const converged = r.filter((c) => c.outcome === "converged").length;
  const duplicates = r.filter((c) => c.accounts > 1).length;
  const lost = r.filter((c) => !c.inState && c.op !== "delete").length;
  const rerun = r.filter((c) => c.rerunConverged).length;
  out.push(
    `${r.length} cells (${r.filter((c) => c.via === "runtime").length} through UserProviderRuntime, ` +
      `${r.filter((c) => c.via === "gRPC").length} through the real dynamic-provider gRPC server): ` +
      `${converged} converged under the fault, ${r.length - converged} failed with a clear error; ` +
      `${rerun}/${r.length} converged on the re-run after the fault cleared; ` +
      `duplicate accounts: ${duplicates}; accounts lost from state: ${lost}.`,
  );
  out.push("");
  out.push(
    "Each cell: a fresh emulator, the fault injected on the operation's route, the operation run as the " +
      "engine runs it, then the fault cleared and the run repeated (a no-op diff when the first run " +
      "converged). `req` counts the operation's requests to the faulted route; `hits` how many of " +
      "them the fault answered. Waits are simulated (sinon fake clock) except in the timeout cells.",
  );
  for (const [via, cells] of groupBy(r, (c) => c.via)) {
    const ops = [...new Set(cells.map((c) => c.op))];
    const faults = [...new Set(cells.map((c) => c.fault))];
    out.push("");
    out.push(`### Through ${via === "gRPC" ? "the gRPC server (EngineHarness)" : "UserProviderRuntime"}`);
    out.push("");
    const rows = faults.map((fault) => [
      fault,
      ...ops.map((op) => {
        const c = cells.find((x) => x.op === op && x.fault === fault);
        if (!c) return "";
        const mark = c.outcome === "converged" ? "converged" : "failed clearly";
        const hits = c.fault.startsWith("token expired mid-run") ? "tokens revoked" : `hits ${c.faultHits}`;
        return `${mark}; req ${c.routeRequests}, ${hits}; re-run ${c.rerunConverged ? "ok" : "NOT converged"}`;
      }),
    ]);
    out.push(table(["fault", ...ops], rows));
  }
  const failures = r.filter((c) => c.error);
  if (failures.length > 0) {
    out.push("");
    out.push("What the failing cells reported (one example per fault; the first line of the error):");
    out.push("");
    const rows = [...groupBy(failures, (c) => `${c.via}|${c.fault}`)].map(([key, cells]) => {
      const [via, fault] = key.split("|") as [string, string];
      const example = cells[0]?.error ?? "";
      return [
        via,
        fault,
        cells.map((c) => c.op).join(", "),
        example.replace(/\[Domo trace id: [^\]]*\]?…?$/, "").trim(),
      ];
    });
    out.push(table(["via", "fault", "ops that failed", "example error"], rows));
  }
  const waits = r.filter((c) => c.waitKind === "simulated");
  const maxWait = waits.reduce((m, c) => Math.max(m, c.waitedMs), 0);
  out.push("");
  out.push(
    `Longest simulated wait in one cell: ${(maxWait / 1000).toFixed(1)} s; ` +
      `requests per cell: ${Math.min(...r.map((c) => c.totalRequests))}-${Math.max(...r.map((c) => c.totalRequests))}.`,
  );
  return out.join("\n");
}

function renderInputs(): string {
  const r = reliability.inputs;
  const out: string[] = [];
  const rejected = r.filter((c) => c.rejected && c.fieldNamed).length;
  const calls = r.reduce((n, c) => n + c.emulatorCalls, 0);
  const declaration = r.filter((c) => c.kind === "declaration" && c.via === "runtime").length;
  const grpc = r.filter((c) => c.via === "gRPC").length;
  const files = r.filter((c) => c.kind === "users file").length;
  out.push(
    `${declaration} declaration cases through UserProviderRuntime.check, ${grpc} of them again through ` +
      `the gRPC server's Check${files > 0 ? `, ${files} users-file cases` : ""}: ` +
      `${rejected}/${r.length} rejected with a message naming the field; emulator calls: ${calls}.`,
  );
  out.push("");
  const rows = [...groupBy(r, (c) => `${c.kind}|${c.inputClass}`)].map(([key, cases]) => {
    const [kind, inputClass] = key.split("|") as [string, string];
    const fields = [...new Set(cases.map((c) => c.field))].join(", ");
    const direct = cases.filter((c) => c.via === "runtime");
    const overGrpc = cases.filter((c) => c.via === "gRPC");
    const ok = (list: InputCaseRecord[]) => list.filter((c) => c.rejected && c.fieldNamed).length;
    const calls = cases.reduce((n, c) => n + c.emulatorCalls, 0);
    return [
      kind,
      inputClass,
      String(direct.length),
      overGrpc.length > 0 ? String(overGrpc.length) : "-",
      fields,
      `${ok(direct)}/${direct.length} refused naming the field` +
        (overGrpc.length > 0 ? ` (gRPC: ${ok(overGrpc)}/${overGrpc.length})` : "") +
        `; ${calls} calls to Domo`,
    ];
  });
  out.push(table(["kind", "input class", "cases", "again via gRPC", "fields", "outcome"], rows));
  return out.join("\n");
}

function renderProperties(): string {
  const rows = reliability.properties.map((p) => [p.name, String(p.runs), p.passed ? "held" : "FAILED"]);
  return table(["property", "runs", "result"], rows);
}

function renderSecrets(): string {
  const r = reliability.secrets;
  const hits = r.reduce((n, s) => n + s.hits, 0);
  const rows = r.map((s) => [s.source, String(s.artifacts), String(s.bytes), String(s.hits)]);
  return [
    "Scanned for the client secret and every token the emulator issued to the client (captured on the wire; " +
      "whole, or any 24-character fragment), and for any JWT-shaped string (the gRPC process's tokens). " +
      `Total hits: ${hits}.`,
    "",
    table(["source", "artifacts", "bytes", "hits"], rows),
  ].join("\n");
}

function renderGuards(): string {
  const rows = reliability.guards.map((g) => [g.scenario, g.outcome, g.passed ? "as required" : "VIOLATED"]);
  return table(["scenario", "outcome", "result"], rows);
}

function renderLoad(): string {
  const rows = reliability.loads.map((l) => [
    String(l.users),
    String(l.workers),
    `${l.clientRps}/s`,
    `${l.emulatorRps}/s`,
    String(l.requests),
    String(l.maxInAnySecond),
    String(l.throttled),
    `${(l.durationMs / 1000).toFixed(1)} s`,
    `${l.accountsCreated} (${l.distinctIds} distinct ids)`,
  ]);
  return table(
    [
      "users",
      "workers",
      "client limit",
      "emulator limit",
      "requests",
      "max requests in any 1 s window",
      "429s",
      "duration",
      "accounts",
    ],
    rows,
  );
}

export function renderReport(): string {
  const parts = [
    "# Reliability and security figures",
    "",
    "Generated by the test run, not written by hand. Regenerate with",
    "",
    "```sh",
    "npm run build   # the gRPC cells run the packed tarball",
    "RELIABILITY_REPORT=1 PATH=$PWD/node_modules/.bin:$PATH npx mocha --config tests/reliability/.mocharc.json",
    "```",
    "",
    "or `RELIABILITY_REPORT=1 npm test` (the whole suite, these included). Figures vary slightly from run to run",
    "(timings, the busiest second); every assertion behind them holds on each run.",
    "",
    "Sources: `tests/reliability/*.test.ts`; the collector and this layout: `tests/support/reliability-report.ts`.",
    "",
    "## Fault matrix",
    "",
    renderFaults(),
    "",
    "## Bad input (rejected at check, before any call to Domo)",
    "",
    renderInputs(),
    "",
    "## Properties (fast-check)",
    "",
    renderProperties(),
    "",
    "## Secrets",
    "",
    renderSecrets(),
    "",
    "## Guards",
    "",
    renderGuards(),
    "",
    "## Load",
    "",
    renderLoad(),
  ];
  if (reliability.notes.length > 0) {
    parts.push("", "## Notes", "", ...reliability.notes.map((n) => `- ${n}`));
  }
  return `${parts.join("\n")}\n`;
}
