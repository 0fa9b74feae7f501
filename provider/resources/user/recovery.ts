import { isDeepStrictEqual } from "node:util";
import type { DomoUserRecord } from "../../client/schemas";
import {
  declaredWriteFields,
  definedOnly,
  normaliseEmail,
  omitDefaultSettings,
  parseDomoId,
  parseUserInputs,
  sameEmail,
  type UserDeclaration,
  userStateSchema,
} from "../../model";
import { isRecord, nameOf, type PendingOperation, type ResourceState } from "../recovery/deployment";
import type { Holding, KindRecovery, RecoveryContext, Settlement } from "../recovery/kind";
import { noReads } from "../recovery/live";
import { batchId, batchOutputs, slimUserState } from "./batch-runtime";
import { domoUserBatchType, domoUserType } from "./resource-type";
import { stateFrom } from "./state-build";

/**
 * Recovery of the user kinds after an interrupted `pulumi up`: whether the accounts a pending
 * DomoUser or DomoUserBatch operation declares reached Domo, and the state a finished create
 * would have recorded for those that did, built by the same code the provider builds it with
 * (stateFrom, and slimUserState for a batch). Pure: Domo is seen through the live listings.
 */

/** A declaration whose every value is known and valid, or undefined. */
function declarationOf(inputs: unknown): UserDeclaration | undefined {
  if (!isRecord(inputs)) return undefined;
  const parsed = parseUserInputs(inputs);
  return parsed.ok && parsed.unknowns.length === 0 ? parsed.value : undefined;
}

type Found =
  | { kind: "found"; account: DomoUserRecord }
  | { kind: "missing" }
  | { kind: "problem"; reason: string };

/**
 * The account a create of this declaration makes or takes over: by id for a takeover (refused
 * when it is someone else's, as the create refuses it), else by email without case. One held
 * by another resource of the state is not recorded twice.
 */
function accountFor(decl: UserDeclaration, self: ResourceState, ctx: RecoveryContext): Found {
  const account =
    decl.importId !== undefined ? ctx.live.userById(Number(decl.importId)) : ctx.live.userByEmail(decl.email);
  if (!account) return { kind: "missing" };
  if (decl.importId !== undefined && !decl.allowEmailChange && !sameEmail(account.email, decl.email)) {
    return {
      kind: "problem",
      reason: `Domo user ${account.id} is ${account.email ?? "an account without email"}, not ${decl.email}; the next \`pulumi up\` explains the takeover`,
    };
  }
  const holder = ctx.holder(userHolding(account.id), self);
  if (holder !== undefined)
    return { kind: "problem", reason: `Domo user ${account.id} is already managed by ${nameOf(holder)}` };
  return { kind: "found", account };
}

function userHolding(id: number): Holding {
  return { kind: "user", key: String(id) };
}

const usersRead = { ...noReads, users: true };

const neverReached = "the create never reached Domo: no such account; the next `pulumi up` creates it";

export const userRecovery: KindRecovery = {
  type: domoUserType,
  noun: "DomoUser",
  unit: "user account",
  holdings: (r) => {
    const id = parseDomoId(r.id);
    return id === undefined ? [] : [userHolding(id)];
  },
  reads: (op) => (op.type === "creating" ? usersRead : noReads),
  settle(op: PendingOperation, ctx: RecoveryContext): Settlement {
    const r = op.resource;
    const decl = declarationOf(r.inputs);
    if (!decl) return { kind: "leave", reason: "its recorded inputs do not validate" };
    const found = accountFor(decl, r, ctx);
    if (found.kind === "missing") return { kind: "drop", subject: decl.email, reason: neverReached };
    if (found.kind === "problem") return { kind: "drop", subject: decl.email, reason: found.reason };
    const { account } = found;
    // What the provider's create answers (the state without settings at their default), plus
    // the `__provider` the engine copies from the inputs into every dynamic resource's outputs.
    const outputs = definedOnly({
      ...omitDefaultSettings(definedOnly({ ...stateFrom(account, decl, declaredWriteFields(decl)) })),
      __provider: r.inputs?.__provider,
    });
    return {
      kind: "record",
      resource: { ...r, id: String(account.id), custom: true, outputs },
      detail: `${decl.email} is Domo user ${account.id}; now managed as if the create had finished`,
      recorded: 1,
    };
  },
  afterDropped: {
    updating:
      "the state holds the user as before the update; the next `pulumi up` compares the declaration with it and sends the update again (a full-object PUT, safe to repeat)",
    deleting:
      "the state still holds the user; if the program no longer declares it, the next `pulumi up` deletes it again (an account already gone counts as deleted)",
  },
};

/**
 * A recorded user's slim state with the fields Domo has now, as the provider's read builds it
 * (the recorded settings and managed fields, Domo's values); as recorded if it does not parse.
 */
function asDomoHasIt(account: DomoUserRecord, recorded: Record<string, unknown>): Record<string, unknown> {
  const state = userStateSchema.safeParse(recorded);
  return state.success ? slimUserState(stateFrom(account, state.data, state.data.managedFields)) : recorded;
}

/** A batch's users map (inputs or outputs), or undefined when it is not one. */
function usersOf(
  props: Record<string, unknown> | undefined,
): Record<string, Record<string, unknown>> | undefined {
  const users = props?.users;
  if (users === undefined) return {};
  if (!isRecord(users) || !Object.values(users).every(isRecord)) return undefined;
  return users as Record<string, Record<string, unknown>>;
}

function listed(emails: readonly string[], max = 5): string {
  return emails.length <= max
    ? emails.join(", ")
    : `${emails.slice(0, max).join(", ")} and ${emails.length - max} more`;
}

/**
 * DomoUserBatch (bulk mode). A pending create: each declared user is looked up in Domo; those
 * Domo holds are recorded in the slim state a finished batch writes, the others left out so the
 * next `up` creates them (as a batch that failed half-way records every user that converged).
 * A pending update, or a create that a later failed run recorded in part, starts from the
 * batch as last recorded: its users still in Domo are kept (their settings and managed fields
 * as recorded, their fields as Domo has them now), those Domo no longer holds (deleted by the
 * killed run) go, and declared users the run created are added.
 */
export const userBatchRecovery: KindRecovery = {
  type: domoUserBatchType,
  noun: "DomoUserBatch",
  unit: "user account",
  settlesRecorded: true,
  holdings(r) {
    const users = usersOf(r.outputs) ?? {};
    return Object.values(users)
      .map((s) => Number(s.userId))
      .filter((id) => Number.isSafeInteger(id) && id > 0)
      .map(userHolding);
  },
  reads: (op) => (["creating", "updating", "deleting"].includes(op.type) ? usersRead : noReads),
  settle(op: PendingOperation, ctx: RecoveryContext): Settlement {
    const pending = op.resource;
    const base = ctx.recorded(pending.urn);
    const declared = usersOf(pending.inputs);
    const before = base ? usersOf(base.outputs) : {};
    if (!declared || !before)
      return { kind: "leave", reason: "its recorded users are not a map of email to user" };

    const states: Record<string, Record<string, unknown>> = {};
    const gone: string[] = [];
    let refreshed = 0;
    for (const [email, state] of Object.entries(before)) {
      const account = ctx.live.userById(Number(state.userId));
      if (!account) {
        gone.push(email);
        continue;
      }
      // Kept with the fields Domo has now, as a refresh would read them: updates the killed run
      // already made are recorded, so the next `up` sends only those it did not make.
      states[email] = op.type === "deleting" ? state : asDomoHasIt(account, state);
      if (!isDeepStrictEqual(states[email], state)) refreshed++;
    }
    const kept = Object.keys(states).length;
    if (op.type === "deleting") {
      // The killed run was deleting the batch's users: those gone leave the state, so a batch
      // declared again later never updates an account that no longer exists.
      if (!base || gone.length === 0)
        return { kind: "drop", reason: userBatchRecovery.afterDropped.deleting };
      const baseUsers = usersOf(base.inputs) ?? {};
      const inputs = {
        ...base.inputs,
        users: Object.fromEntries(Object.entries(baseUsers).filter(([email]) => email in states)),
      };
      const outputs = definedOnly({
        ...batchOutputs(base.outputs ?? {}, states),
        __provider: base.outputs?.__provider,
      });
      return {
        kind: "record",
        resource: { ...base, inputs, outputs },
        detail: `the interrupted delete removed ${gone.length} of its users from Domo (${listed(gone)}): they leave the state; ${userBatchRecovery.afterDropped.deleting}`,
        recorded: 0,
      };
    }
    const added: string[] = [];
    const missing: string[] = [];
    const problems: string[] = [];
    for (const [key, raw] of Object.entries(declared)) {
      const email = normaliseEmail(key);
      if (email in states) continue;
      const decl = declarationOf(raw);
      if (!decl) {
        problems.push(`${email} (its recorded declaration does not validate)`);
        continue;
      }
      const found = accountFor(decl, pending, ctx);
      if (found.kind === "missing") missing.push(email);
      else if (found.kind === "problem") problems.push(`${email} (${found.reason})`);
      else {
        states[email] = slimUserState(stateFrom(found.account, decl, declaredWriteFields(decl)));
        added.push(email);
      }
    }
    const notes = [
      ...(missing.length > 0
        ? [`${missing.length} never reached Domo (${listed(missing)}): the next \`pulumi up\` creates them`]
        : []),
      ...(problems.length > 0 ? [`${problems.length} not recorded: ${listed(problems, 3)}`] : []),
    ];
    if (added.length === 0 && gone.length === 0 && refreshed === 0) {
      return {
        kind: "drop",
        reason: base
          ? `Domo holds what the state records for this batch${notes.length > 0 ? `; ${notes.join("; ")}` : ""}; the next \`pulumi up\` does the rest`
          : `none of its ${Object.keys(declared).length} user(s) reached Domo: the next \`pulumi up\` creates them${problems.length > 0 ? `; ${notes.at(-1)}` : ""}`,
      };
    }
    // Inputs name exactly the recorded users (the recorded declaration where there is one), so
    // `pulumi preview --diff` shows the users the next `up` still creates or changes.
    const baseInputs = usersOf(base?.inputs) ?? {};
    const inputUsers: Record<string, Record<string, unknown>> = {};
    for (const email of Object.keys(states).sort()) {
      const decl = baseInputs[email] ?? declared[email];
      if (decl) inputUsers[email] = decl;
    }
    // The recorded resource's own fields (parent, dependencies, provider, `__provider`) win:
    // they are the newer ones when a later run recorded it; a pending create has only its own.
    const shell = base ?? pending;
    const provider = shell.inputs?.__provider ?? pending.inputs?.__provider;
    const inputs = definedOnly({
      ...pending.inputs,
      ...base?.inputs,
      users: inputUsers,
      __provider: provider,
    });
    const outputs = definedOnly({ ...batchOutputs(inputs, states), __provider: provider });
    const total = Object.keys(states).length;
    const what = base
      ? `kept ${kept} recorded user(s) Domo still holds (${refreshed} with fields changed in Domo since, such as the interrupted run's updates), added ${added.length} it created${gone.length > 0 ? `, dropped ${gone.length} Domo no longer holds (${listed(gone)})` : ""}`
      : `${added.length} of ${Object.keys(declared).length} user(s) reached Domo and are recorded as the finished create records them`;
    return {
      kind: "record",
      resource: { ...shell, id: shell.id ?? batchId(inputs), custom: true, inputs, outputs },
      detail: `${what} (${total} in all)${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
      recorded: added.length,
    };
  },
  afterDropped: {
    updating:
      "the state holds the batch as before the update; the next `pulumi up` compares each user with it and repeats what is left",
    deleting:
      "the state still holds the batch; if the program no longer declares it, the next `pulumi up` deletes its users again (accounts already gone count as deleted)",
  },
};
