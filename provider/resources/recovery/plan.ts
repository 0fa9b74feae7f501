import { deletionGuardRecovery } from "../directory/recovery";
import { domoUserDirectoryType } from "../directory/resource-type";
import { groupMembershipRecovery, groupMembersRecovery, groupRecovery } from "../group/recovery";
import { type DynamicKind, dynamicKinds, dynamicType, typesOf } from "../type-tokens";
import { userBatchRecovery, userRecovery } from "../user/recovery";
import {
  type ExportedStack,
  nameOf,
  type PendingOperation,
  type ResourceState,
  referencedUrns,
} from "./deployment";
import type { Holding, KindRecovery, RecoveryContext, Settlement } from "./kind";
import { type LiveDomo, LiveIndex, type LiveReads, mergeReads, noReads } from "./live";

/**
 * Recovery after an interrupted `pulumi up` (SIGKILL, a CI timeout, a lost runner): the
 * checkpoint then holds `pending_operations` the engine never finished, which may or may not
 * have reached Domo. Given the exported deployment and Domo's live listings, decide for each
 * one: record what reached Domo exactly as the finished operation would have, drop what did
 * not (the next `pulumi up` does it), or leave what is not this package's to settle. Pure:
 * it calls nothing and changes nothing; the CLI reads the listings and imports the result.
 */

/** Every resource kind the package registers, by type token. */
export const recoveryKinds: readonly KindRecovery[] = [
  userRecovery,
  userBatchRecovery,
  groupRecovery,
  groupMembersRecovery,
  groupMembershipRecovery,
  deletionGuardRecovery,
];
/** A kind by either of its tokens: a stack of dynamic resources or of the native provider's. */
const kindOf = new Map(recoveryKinds.flatMap((k) => nativeTokenOf(k.type).map((t) => [t, k] as const)));

function nativeTokenOf(type: string): string[] {
  const kind = (Object.keys(dynamicKinds) as DynamicKind[]).find((k) => dynamicType(k) === type);
  return kind === undefined ? [type] : typesOf(kind);
}

export type RecoveryAction =
  | { kind: "recorded"; urn: string; type: string; detail: string; recorded: number }
  | { kind: "dropped"; urn: string; type: string; subject: string | undefined; reason: string }
  | { kind: "left"; urn: string; type: string; operation: string; reason: string };

export interface RecoveryPlan {
  actions: RecoveryAction[];
  /** The deployment to import: resources recorded, settled pending operations removed. */
  deployment: ExportedStack;
  /** Whether importing it changes the stack at all. */
  changes: boolean;
}

const pendingOf = (exported: ExportedStack): PendingOperation[] =>
  exported.deployment.pending_operations ?? [];

/** The listings the plan of this deployment reads: the CLI reads exactly these, then plans. */
export function recoveryReads(exported: ExportedStack): LiveReads {
  return pendingOf(exported).reduce((all, op) => {
    const kind = kindOf.get(op.resource.type);
    return kind ? mergeReads(all, kind.reads(op)) : all;
  }, noReads);
}

const keyOf = (h: Holding) => `${h.kind}:${h.key}`;

/** The state as recovery rewrites it: resources by URN, and who holds what in Domo. */
class StateLedger implements RecoveryContext {
  readonly resources: ResourceState[];
  private readonly byUrn = new Map<string, number>();
  private readonly holders = new Map<string, Set<string>>();

  constructor(
    resources: readonly ResourceState[],
    readonly live: LiveIndex,
    readonly now: Date,
  ) {
    this.resources = [...resources];
    this.resources.forEach((r, i) => {
      this.byUrn.set(r.urn, i);
      this.hold(r);
    });
  }

  recorded(urn: string): ResourceState | undefined {
    const at = this.byUrn.get(urn);
    return at === undefined ? undefined : this.resources[at];
  }

  holder(what: Holding, self: ResourceState): string | undefined {
    for (const urn of this.holders.get(keyOf(what)) ?? []) {
      if (urn === self.urn) continue;
      if (what.kind === "user" && this.sameDirectory(urn, self)) continue;
      return urn;
    }
    return undefined;
  }

  /** The URNs `r` needs before it that the state does not hold. */
  missingRefs(r: ResourceState): string[] {
    return referencedUrns(r).filter((u) => !this.byUrn.has(u));
  }

  /** Records `r`: in place of the resource with its URN, else after everything it needs. */
  put(r: ResourceState): void {
    const at = this.byUrn.get(r.urn);
    if (at !== undefined) {
      this.release(this.resources[at]!);
      this.resources[at] = r;
    } else {
      this.byUrn.set(r.urn, this.resources.length);
      this.resources.push(r);
    }
    this.hold(r);
  }

  private sameDirectory(urn: string, self: ResourceState): boolean {
    const other = this.recorded(urn);
    const parent = self.parent === undefined ? undefined : this.recorded(self.parent);
    return other?.parent === self.parent && parent?.type === domoUserDirectoryType;
  }

  private hold(r: ResourceState): void {
    for (const h of kindOf.get(r.type)?.holdings(r) ?? []) {
      const key = keyOf(h);
      const set = this.holders.get(key) ?? new Set<string>();
      set.add(r.urn);
      this.holders.set(key, set);
    }
  }

  private release(r: ResourceState): void {
    for (const h of kindOf.get(r.type)?.holdings(r) ?? []) this.holders.get(keyOf(h))?.delete(r.urn);
  }
}

export function planRecovery(exported: ExportedStack, live: LiveDomo, now: Date): RecoveryPlan {
  const pending = pendingOf(exported);
  const ledger = new StateLedger(exported.deployment.resources ?? [], new LiveIndex(live), now);
  const actions: RecoveryAction[] = [];
  const kept: PendingOperation[] = [];
  for (const op of pending) {
    const r = op.resource;
    const kind = kindOf.get(r.type);
    if (!kind) {
      kept.push(op);
      actions.push({ kind: "left", urn: r.urn, type: r.type, operation: op.type, reason: foreign(op.type) });
      continue;
    }
    const outcome = settle(kind, op, ledger);
    if (outcome.kind === "leave") {
      kept.push(op);
      actions.push({ kind: "left", urn: r.urn, type: r.type, operation: op.type, reason: outcome.reason });
    } else if (outcome.kind === "drop") {
      actions.push({
        kind: "dropped",
        urn: r.urn,
        type: r.type,
        subject: outcome.subject,
        reason: outcome.reason,
      });
    } else {
      const before = ledger.recorded(r.urn);
      const stamp = now.toISOString();
      ledger.put({ ...outcome.resource, created: before?.created ?? stamp, modified: stamp });
      actions.push({
        kind: "recorded",
        urn: r.urn,
        type: r.type,
        detail: outcome.detail,
        recorded: outcome.recorded,
      });
    }
  }
  const deployment: ExportedStack = {
    ...exported,
    deployment: { ...exported.deployment, resources: ledger.resources, pending_operations: kept },
  };
  return { actions, deployment, changes: pending.length !== kept.length };
}

/** One pending operation of this package's kinds. */
function settle(kind: KindRecovery, op: PendingOperation, ledger: StateLedger): Settlement {
  const r = op.resource;
  const base = ledger.recorded(r.urn);
  const written = op.type === "creating" || op.type === "updating" || op.type === "deleting";
  if (base && written && kind.settlesRecorded) return kind.settle(op, ledger);
  switch (op.type) {
    case "creating": {
      if (base) {
        return {
          kind: "drop",
          reason:
            "the state already records this resource (a later run finished it); the next `pulumi up` compares it with Domo",
        };
      }
      const missing = ledger.missingRefs(r);
      if (missing.length > 0) {
        return {
          kind: "drop",
          reason: `its parent, provider or dependency ${missing.map(nameOf).join(", ")} is not in the state; run \`pulumi up\` once without it, then \`pulumi-domo recover\` again`,
        };
      }
      return kind.settle(op, ledger);
    }
    case "updating":
      return { kind: "drop", reason: `pending update: ${kind.afterDropped.updating}` };
    case "deleting":
      return { kind: "drop", reason: `pending delete: ${kind.afterDropped.deleting}` };
    default:
      return {
        kind: "drop",
        reason: `pending ${op.type}: it wrote nothing to Domo; the next \`pulumi up\` or \`pulumi refresh\` reads it again`,
      };
  }
}

/** What to do about another provider's pending operation: recover cannot see its cloud. */
function foreign(operation: string): string {
  return operation === "creating"
    ? "not a pulumi-domo resource, so recover cannot tell whether it exists. Check with its own provider; then `pulumi refresh --import-pending-creates` (with its URN and id) records it if it exists, and `pulumi refresh --clear-pending-creates` drops the pending creates that never happened"
    : `not a pulumi-domo resource: left as Pulumi recorded it; the state holds the resource as before the ${operation} started, and the next \`pulumi up\` repeats what is still needed through its own provider`;
}

/** One line per action, for a person. */
export function describeRecovery(plan: RecoveryPlan): string[] {
  return plan.actions.map((a) =>
    a.kind === "recorded"
      ? `recorded  ${nameOf(a.urn)}: ${a.detail}`
      : a.kind === "dropped"
        ? `dropped   ${nameOf(a.urn)}${a.subject ? ` (${a.subject})` : ""}: ${a.reason}`
        : `left      ${nameOf(a.urn)} (pending ${a.operation}): ${a.reason}`,
  );
}

/** The counts of a plan: resources recorded, and the objects they hold by unit. */
export function recoveryCounts(plan: RecoveryPlan): {
  resources: number;
  dropped: number;
  left: number;
  /** unit -> how many of them (only units with some), in the kinds' order. */
  recorded: Map<string, number>;
} {
  const recorded = new Map<string, number>();
  for (const k of recoveryKinds) recorded.set(k.unit, 0);
  let resources = 0;
  let dropped = 0;
  let left = 0;
  for (const a of plan.actions) {
    if (a.kind === "recorded") {
      resources++;
      const unit = kindOf.get(a.type)?.unit;
      if (unit !== undefined) recorded.set(unit, (recorded.get(unit) ?? 0) + a.recorded);
    } else if (a.kind === "dropped") dropped++;
    else left++;
  }
  for (const [unit, n] of recorded) if (n === 0) recorded.delete(unit);
  return { resources, dropped, left, recorded };
}

/** One line: "3 resource(s) recorded (41 user account(s), 2 group(s)), 1 pending operation(s) dropped, 0 left". */
export function recoverySummary(plan: RecoveryPlan): string {
  const c = recoveryCounts(plan);
  const held = [...c.recorded].map(([unit, n]) => `${n} ${unit}(s)`);
  return `${c.resources} resource(s) recorded${held.length > 0 ? ` (${held.join(", ")})` : ""}, ${c.dropped} pending operation(s) dropped, ${c.left} left`;
}
