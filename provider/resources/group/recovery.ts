import {
  membershipId,
  type ParseResult,
  parseDomoId,
  parseGroupInputs,
  parseGroupMembershipInputs,
  parseGroupMembersInputs,
  parseMembershipId,
  sameGroupName,
} from "../../model";
import { isRecord, nameOf, type PendingOperation } from "../recovery/deployment";
import type { Holding, KindRecovery, RecoveryContext, Settlement } from "../recovery/kind";
import { noReads } from "../recovery/live";
import { declaredMemberIds } from "./diff";
import { domoGroupMembershipType, domoGroupMembersType, domoGroupType } from "./resource-type";
import { groupMembersStateOf, groupStateOf, membershipStateOf, outputs } from "./state";

/**
 * Recovery of the group kinds after an interrupted `pulumi up`: whether what a pending
 * DomoGroup, DomoGroupMembers or DomoGroupMembership create declares reached Domo, and the
 * state the finished create would have recorded, built by the handlers' own functions
 * (groupStateOf, groupMembersStateOf, membershipStateOf). Pure: Domo is seen through the live
 * listings (groups, users, and the members of the groups concerned).
 */

/** The value of a parse whose every value is known, or undefined. */
function known<T>(result: ParseResult<T>): T | undefined {
  return result.ok && result.unknowns.length === 0 ? result.value : undefined;
}

function inputsOf(op: PendingOperation): Record<string, unknown> {
  return isRecord(op.resource.inputs) ? op.resource.inputs : {};
}

const groupHolding = (id: number): Holding => ({ kind: "group", key: String(id) });

/**
 * As a finished create records it: the member resource's group is managed by a DomoGroup of
 * the stack (so removing both together leaves the decision to the group's delete guard).
 */
function groupManaged(ctx: RecoveryContext, groupId: number, op: PendingOperation): { groupManaged?: true } {
  return ctx.holder(groupHolding(groupId), op.resource) === undefined ? {} : { groupManaged: true };
}
const listHolding = (groupId: number): Holding => ({ kind: "memberList", key: String(groupId) });
const pairHolding = (id: string): Holding => ({ kind: "membership", key: id });

function numericId(id: string | undefined): number | undefined {
  return parseDomoId(id);
}

const invalid: Settlement = { kind: "leave", reason: "its recorded inputs do not validate" };

export const groupRecovery: KindRecovery = {
  type: domoGroupType,
  noun: "DomoGroup",
  unit: "group",
  holdings(r) {
    const id = numericId(r.id);
    return id === undefined ? [] : [groupHolding(id)];
  },
  reads: (op) => (op.type === "creating" ? { ...noReads, groups: true } : noReads),
  settle(op, ctx: RecoveryContext): Settlement {
    const decl = known(parseGroupInputs(inputsOf(op)));
    if (!decl) return invalid;
    const subject = `"${decl.name}"`;
    const live =
      decl.importId !== undefined
        ? ctx.live.groupById(Number(decl.importId))
        : ctx.live.groupByName(decl.name);
    if (!live) {
      return {
        kind: "drop",
        subject,
        reason: "the create never reached Domo: no such group; the next `pulumi up` creates it",
      };
    }
    if (decl.importId !== undefined && !decl.allowNameChange && !sameGroupName(live.name, decl.name)) {
      return {
        kind: "drop",
        subject,
        reason: `Domo group ${live.id} is "${live.name}", not "${decl.name}"; the next \`pulumi up\` explains the takeover`,
      };
    }
    // A create by name never makes or takes over Domo's Default group (Domo refuses the name).
    if (decl.importId === undefined && live.default) {
      return {
        kind: "drop",
        subject,
        reason: `"${live.name}" is Domo's Default group, which no create makes; the next \`pulumi up\` explains`,
      };
    }
    const holder = ctx.holder(groupHolding(live.id), op.resource);
    if (holder !== undefined) {
      return {
        kind: "drop",
        subject,
        reason: `Domo group ${live.id} is already managed by ${nameOf(holder)}`,
      };
    }
    return {
      kind: "record",
      resource: {
        ...op.resource,
        id: String(live.id),
        custom: true,
        outputs: outputs(groupStateOf(live, decl), op.resource.inputs),
      },
      detail: `group "${live.name}" is Domo group ${live.id}; now managed as if the create had finished`,
      recorded: 1,
    };
  },
  afterDropped: {
    updating:
      "the state holds the group as before the update; the next `pulumi up` compares the declaration with it and sends the change again (safe to repeat)",
    deleting:
      "the state still holds the group; if the program no longer declares it, the next `pulumi up` deletes it again (a group already gone counts as deleted)",
  },
};

/**
 * DomoGroupMembers (authoritative). Recorded, not dropped: its create refuses a group that has
 * members the list does not declare, so a repeated create would refuse the members the killed
 * run added as soon as the declaration no longer lists one of them (an entry removed from the
 * users file before the next `up`), and nothing would manage them. Recorded with the group's
 * members as Domo has them, the next `up` updates the list instead: it adds the declared
 * members the killed run did not reach, and removes only what the declaration drops. Recorded
 * only when every member is one the list declares (or it allows removing the others): members
 * the group had before are not the killed run's, and the next create must still ask about them.
 */
export const groupMembersRecovery: KindRecovery = {
  type: domoGroupMembersType,
  noun: "DomoGroupMembers",
  unit: "member list",
  holdings(r) {
    const id = numericId(r.id);
    return id === undefined ? [] : [listHolding(id)];
  },
  reads(op) {
    if (op.type !== "creating") return noReads;
    const decl = known(parseGroupMembersInputs(inputsOf(op)));
    return decl ? { users: decl.emails.length > 0, groups: true, membersOf: [decl.groupId] } : noReads;
  },
  settle(op, ctx: RecoveryContext): Settlement {
    const decl = known(parseGroupMembersInputs(inputsOf(op)));
    if (!decl) return invalid;
    const { groupId } = decl;
    const subject = `Domo group ${groupId}`;
    const group = ctx.live.groupById(groupId);
    const members = ctx.live.membersOf(groupId);
    if (!group || members === undefined) {
      return {
        kind: "drop",
        subject,
        reason: "the group is not in Domo, so no member reached it; the next `pulumi up` says what to do",
      };
    }
    if (group.default) {
      return {
        kind: "drop",
        subject,
        reason:
          "it is Domo's Default group, whose members a DomoGroupMembers never sets; the next `pulumi up` explains",
      };
    }
    const holder = ctx.holder(listHolding(groupId), op.resource);
    if (holder !== undefined)
      return { kind: "drop", subject, reason: `its member list is already managed by ${nameOf(holder)}` };
    const resolved: Record<string, number> = {};
    for (const email of decl.emails) {
      const user = ctx.live.userByEmail(email);
      if (!user) {
        return {
          kind: "drop",
          subject,
          reason: `no Domo user has the declared email ${email}, so the create stopped before changing the group; the next \`pulumi up\` says what to do`,
        };
      }
      resolved[email] = user.id;
    }
    const desired = declaredMemberIds(decl.userIds, decl.emails, resolved) ?? [];
    const wanted = new Set(desired);
    const others = members.filter((id) => !wanted.has(id));
    if (others.length > 0 && !decl.allowRemoveExisting) {
      return {
        kind: "drop",
        subject,
        reason: `the group has ${others.length} member(s) the list does not declare (Domo user ids ${others.slice(0, 10).join(", ")}${others.length > 10 ? " …" : ""}), which the interrupted run did not add (it adds only declared members); the next \`pulumi up\` names them and asks before removing any`,
      };
    }
    const have = new Set(members);
    const lacking = desired.filter((id) => !have.has(id)).length;
    return {
      kind: "record",
      resource: {
        ...op.resource,
        id: String(groupId),
        custom: true,
        outputs: outputs(
          groupMembersStateOf(decl, resolved, members, groupManaged(ctx, groupId, op)),
          op.resource.inputs,
        ),
      },
      detail: `the member list of Domo group ${groupId} ("${group.name}"), with the ${members.length} member(s) Domo holds${lacking > 0 ? `; the next \`pulumi up\` adds the ${lacking} declared member(s) the interrupted run did not reach` : ""}`,
      recorded: 1,
    };
  },
  afterDropped: {
    updating:
      "the state holds the member list as before the update; the next `pulumi up` reads the group's members and adds or removes what still differs",
    deleting:
      "the state still holds the member list; if the program no longer declares it, the next `pulumi up` removes its declared members again (members already gone count as removed)",
  },
};

/**
 * DomoGroupMembership (additive). Its create is one idempotent call with no precondition, so
 * dropping it would be safe for the next `up` as such; it is recorded all the same when Domo
 * has the user in the group: that is exactly the state the finished create records, and were
 * the declaration removed before the next `up`, a dropped create would leave the membership the
 * killed run added in Domo with no resource to remove it.
 */
export const groupMembershipRecovery: KindRecovery = {
  type: domoGroupMembershipType,
  noun: "DomoGroupMembership",
  unit: "membership",
  holdings(r) {
    return r.id !== undefined && parseMembershipId(r.id) ? [pairHolding(r.id)] : [];
  },
  reads(op) {
    if (op.type !== "creating") return noReads;
    const decl = known(parseGroupMembershipInputs(inputsOf(op)));
    return decl ? { users: decl.email !== undefined, groups: false, membersOf: [decl.groupId] } : noReads;
  },
  settle(op, ctx: RecoveryContext): Settlement {
    const decl = known(parseGroupMembershipInputs(inputsOf(op)));
    if (!decl) return invalid;
    const userId =
      decl.userId ?? (decl.email === undefined ? undefined : ctx.live.userByEmail(decl.email)?.id);
    const who = decl.email ?? `Domo user ${decl.userId}`;
    const subject = `${who} in group ${decl.groupId}`;
    const members = ctx.live.membersOf(decl.groupId);
    if (userId === undefined || members === undefined || !members.includes(userId)) {
      return {
        kind: "drop",
        subject,
        reason: "the create never reached Domo: the user is not in the group; the next `pulumi up` adds them",
      };
    }
    const id = membershipId(decl.groupId, userId);
    const holder = ctx.holder(pairHolding(id), op.resource);
    if (holder !== undefined)
      return { kind: "drop", subject, reason: `that membership is already managed by ${nameOf(holder)}` };
    return {
      kind: "record",
      resource: {
        ...op.resource,
        id,
        custom: true,
        outputs: outputs(
          membershipStateOf(decl, userId, groupManaged(ctx, decl.groupId, op)),
          op.resource.inputs,
        ),
      },
      detail: `Domo user ${userId} is in group ${decl.groupId}; now managed as if the create had finished`,
      recorded: 1,
    };
  },
  afterDropped: {
    updating:
      "only its settings change in an update (no call to Domo): the next `pulumi up` records them again",
    deleting:
      "the state still holds the membership; if the program no longer declares it, the next `pulumi up` removes the user from the group again (already out counts as removed)",
  },
};
