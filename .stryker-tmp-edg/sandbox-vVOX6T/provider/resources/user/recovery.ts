// @ts-nocheck
import { z } from "zod";
import type { DomoUserRecord } from "../../client/schemas";
import { declaredWriteFields, definedOnly, normaliseEmail, parseUserInputs, sameEmail } from "../../model";
import { domoUserType } from "./resource-type";
import { stateFrom } from "./state-build";

/**
 * Recovery after an interrupted `pulumi up` (SIGKILL, a CI timeout, a lost runner): the
 * checkpoint then holds `pending_operations` for creates that may or may not have reached
 * Domo. Pure planning: given the exported deployment and Domo's live users, decide for each
 * pending DomoUser create whether Domo holds the account (record it as a normal create
 * would) or not (drop the pending create), and say why. It calls nothing and changes nothing.
 */

const resourceSchema = z.looseObject({
  urn: z.string(),
  type: z.string(),
  id: z.string().optional(),
  custom: z.boolean().optional(),
  parent: z.string().optional(),
  provider: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
});
type ResourceState = z.infer<typeof resourceSchema>;

const pendingSchema = z.looseObject({ resource: resourceSchema, type: z.string() });

/** What `pulumi stack export` prints (deployment format version 3), kept loose: we rewrite two lists only. */
export const exportedStackSchema = z.looseObject({
  version: z.number(),
  deployment: z.looseObject({
    resources: z.array(resourceSchema).optional(),
    pending_operations: z.array(pendingSchema).optional(),
  }),
});
export type ExportedStack = z.infer<typeof exportedStackSchema>;

export type RecoveryAction =
  | { kind: "recorded"; urn: string; id: number; email: string }
  | { kind: "dropped"; urn: string; email: string | undefined; reason: string }
  | { kind: "left"; urn: string; operation: string; reason: string };

export interface RecoveryPlan {
  actions: RecoveryAction[];
  /** The deployment to import: recovered resources added, handled pending operations removed. */
  deployment: ExportedStack;
  /** Whether importing it changes the stack at all. */
  changes: boolean;
}

/** The last segment of a URN: the resource's logical name. */
function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export function planRecovery(
  exported: ExportedStack,
  live: readonly DomoUserRecord[],
  now: Date,
): RecoveryPlan {
  const resources = [...(exported.deployment.resources ?? [])];
  const pending = exported.deployment.pending_operations ?? [];
  const known = new Set(resources.map((r) => r.urn));
  const held = new Map<string, string>();
  for (const r of resources) if (r.type === domoUserType && r.id) held.set(r.id, r.urn);
  const byEmail = new Map<string, DomoUserRecord>();
  const byId = new Map<number, DomoUserRecord>();
  for (const u of live) {
    byId.set(u.id, u);
    if (u.email) byEmail.set(normaliseEmail(u.email), u);
  }

  const actions: RecoveryAction[] = [];
  const kept: typeof pending = [];
  for (const op of pending) {
    const r = op.resource;
    if (r.type !== domoUserType) {
      kept.push(op);
      actions.push({
        kind: "left",
        urn: r.urn,
        operation: op.type,
        reason: "not a DomoUser: left for its own provider (`pulumi refresh` handles it)",
      });
      continue;
    }
    if (op.type !== "creating") {
      // An update or delete of a resource the state already holds: the next `up` re-checks it.
      actions.push({
        kind: "dropped",
        urn: r.urn,
        email: emailOf(r),
        reason: `pending ${op.type}: the resource is in the state already; the next \`pulumi up\` compares it with Domo again`,
      });
      continue;
    }
    const parsed = parseUserInputs(r.inputs ?? {});
    if (!parsed.ok) {
      kept.push(op);
      actions.push({
        kind: "left",
        urn: r.urn,
        operation: op.type,
        reason: "its recorded inputs do not validate",
      });
      continue;
    }
    const decl = parsed.value;
    const account =
      decl.importId !== undefined ? byId.get(Number(decl.importId)) : byEmail.get(normaliseEmail(decl.email));
    if (!account) {
      actions.push({
        kind: "dropped",
        urn: r.urn,
        email: decl.email,
        reason: "the create never reached Domo: no such account; the next `pulumi up` creates it",
      });
      continue;
    }
    const problem =
      decl.importId !== undefined && !decl.allowEmailChange && !sameEmail(account.email, decl.email)
        ? `Domo user ${account.id} is ${account.email}, not ${decl.email}; the next \`pulumi up\` explains the takeover`
        : known.has(r.urn)
          ? "the state already records this resource"
          : held.has(String(account.id))
            ? `Domo user ${account.id} is already managed by ${nameOf(held.get(String(account.id)) ?? "")}`
            : (r.parent !== undefined && !known.has(r.parent)) ||
                (r.provider !== undefined && !known.has(providerUrn(r.provider)))
              ? "its parent or provider is not in the state; run `pulumi up` once without it, then `pulumi-domo recover` again"
              : undefined;
    if (problem !== undefined) {
      actions.push({ kind: "dropped", urn: r.urn, email: decl.email, reason: problem });
      continue;
    }
    const outputs = definedOnly({
      ...stateFrom(account, decl, declaredWriteFields(decl)),
      __provider: r.inputs?.__provider,
    });
    const recorded: ResourceState = {
      ...r,
      id: String(account.id),
      custom: true,
      outputs,
      created: now.toISOString(),
      modified: now.toISOString(),
    };
    resources.push(recorded);
    known.add(r.urn);
    held.set(String(account.id), r.urn);
    actions.push({ kind: "recorded", urn: r.urn, id: account.id, email: decl.email });
  }
  const deployment: ExportedStack = {
    ...exported,
    deployment: { ...exported.deployment, resources, pending_operations: kept },
  };
  return { actions, deployment, changes: pending.length !== kept.length };
}

/** A provider reference is `<provider urn>::<provider id>`. */
function providerUrn(ref: string): string {
  const at = ref.lastIndexOf("::");
  return at < 0 ? ref : ref.slice(0, at);
}

function emailOf(r: ResourceState): string | undefined {
  const email = r.inputs?.email;
  return typeof email === "string" ? email : undefined;
}

/** One line per action, for a person. */
export function describeRecovery(plan: RecoveryPlan): string[] {
  return plan.actions.map((a) =>
    a.kind === "recorded"
      ? `recorded  ${nameOf(a.urn)}: ${a.email} is Domo user ${a.id}; now managed as if the create had finished`
      : a.kind === "dropped"
        ? `dropped   ${nameOf(a.urn)}${a.email ? ` (${a.email})` : ""}: ${a.reason}`
        : `left      ${nameOf(a.urn)} (pending ${a.operation}): ${a.reason}`,
  );
}
