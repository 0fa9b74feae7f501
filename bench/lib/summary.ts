import type { BeforeN100 } from "./bench";
import { mib } from "./measure";
import { notSlowerLimit, pageSize, refreshCallBudget } from "./targets";
import {
  type Comparison,
  heapDiagnosticEnv,
  type NotSlower,
  type PhaseId,
  type RunResult,
  type RunSpec,
} from "./types";

/* What a run's phases add up to, read off after the last phase: the N = 100 figures against the
   committed ones, Pulumi against the naive baselines, and plain statements for the report. */

/**
 * Each N = 100 phase against the committed figures: first up and destroy against the ones
 * installed from the npm tarball (as every run now is), the others against the only ones kept
 * (linked from the repo).
 */
export function notSlower(r: RunResult, before: BeforeN100): NotSlower[] {
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

export function compare(r: RunResult): Comparison[] {
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
export function observe(r: RunResult, spec: RunSpec, p: number, floor: (calls: number) => number): string[] {
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
