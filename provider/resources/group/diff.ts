import {
  type GroupMembershipState,
  type GroupMembersState,
  type GroupState,
  groupMembershipSettings,
  groupMembersSettings,
  groupSettings,
  groupWriteFields,
  normaliseEmail,
  normaliseGroupName,
  unknownValue,
} from "../../model";

/**
 * Pure diffs of the group resources: declared inputs (as check returned them) against the
 * state, with no call to Domo. Unknown values (preview) count as changes.
 */

export interface GroupDiff {
  /** Fields whose value in Domo must change (name, active). */
  changed: string[];
  /** Stored settings that changed (recorded without a call). */
  settings: string[];
}

/** Renames are in place: nothing of a group is ever replaced. */
export function diffGroup(olds: GroupState, news: Record<string, unknown>): GroupDiff {
  const changed = groupWriteFields.filter((f) => {
    const next = news[f];
    if (next === unknownValue) return true;
    if (next === undefined) return f === "active" && olds.active !== true;
    return f === "name" ? normaliseGroupName(String(next)) !== olds.name : next !== olds[f];
  });
  // An absent setting is its default, in the declaration and in state (model/settings.ts).
  const settings = groupSettings.changed(olds, news);
  return { changed, settings };
}

export interface MembersPlan {
  /** The members the declaration wants, or undefined when some are unknown or unresolved. */
  desired: number[] | undefined;
  toAdd: number[];
  toRemove: number[];
}

/** The declared member ids, with emails mapped through `resolved`; undefined when one cannot be. */
export function declaredMemberIds(
  userIds: readonly unknown[],
  emails: readonly unknown[],
  resolved: Readonly<Record<string, number>>,
): number[] | undefined {
  const ids = new Set<number>();
  for (const id of userIds) {
    if (id === unknownValue) return undefined;
    ids.add(Number(id));
  }
  for (const email of emails) {
    if (email === unknownValue) return undefined;
    const id = resolved[normaliseEmail(String(email))];
    if (id === undefined) return undefined;
    ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** What it takes to make `current` exactly `desired`. */
export function planMembers(desired: readonly number[], current: readonly number[]): MembersPlan {
  const want = new Set(desired);
  const have = new Set(current);
  return {
    desired: [...desired],
    toAdd: desired.filter((id) => !have.has(id)),
    toRemove: current.filter((id) => !want.has(id)),
  };
}

function listOf(value: unknown): unknown[] | undefined {
  if (value === unknownValue) return undefined;
  return Array.isArray(value) ? value : [];
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export interface MembersDiff {
  changes: boolean;
  replaces: string[];
}

/**
 * DomoGroupMembers: a change when the declared set differs from the members last seen (so a
 * member added or removed in Domo, found by refresh, shows as drift), when the declaration's
 * lists changed, or when a stored setting did. Moving to another group replaces.
 */
export function diffMembers(olds: GroupMembersState, news: Record<string, unknown>): MembersDiff {
  const groupId = news.groupId;
  if (groupId === unknownValue || Number(groupId) !== olds.groupId)
    return { changes: true, replaces: ["groupId"] };
  const userIds = listOf(news.userIds);
  const emails = listOf(news.emails);
  if (!userIds || !emails) return { changes: true, replaces: [] };
  const desired = declaredMemberIds(userIds, emails, olds.resolvedEmails);
  const declaredIds = [...new Set(userIds.map(Number))].sort((a, b) => a - b);
  const declaredEmails = [...new Set(emails.map((e) => normaliseEmail(String(e))))].sort();
  const changes =
    desired === undefined ||
    !sameIds(desired, olds.memberIds) ||
    !sameIds(declaredIds, olds.userIds) ||
    declaredEmails.join("\n") !== olds.emails.join("\n") ||
    groupMembersSettings.changed(olds, news).length > 0;
  return { changes, replaces: [] };
}

/**
 * DomoGroupMembership: its id is the pair, so another group or user replaces it (the claims
 * keep the replaced resource's delete from undoing a create of the same pair).
 */
export function diffMembership(olds: GroupMembershipState, news: Record<string, unknown>): MembersDiff {
  const replaces: string[] = [];
  if (news.groupId === unknownValue || Number(news.groupId) !== olds.groupId) replaces.push("groupId");
  if (news.userId !== undefined) {
    if (news.userId === unknownValue || Number(news.userId) !== olds.userId) replaces.push("userId");
  } else if (news.email !== undefined) {
    if (
      news.email === unknownValue ||
      olds.email === undefined ||
      normaliseEmail(String(news.email)) !== olds.email
    )
      replaces.push("email");
  }
  const settingsChanged =
    groupMembershipSettings.changed(olds, news).length > 0 ||
    (news.email === undefined && olds.email !== undefined);
  return { changes: replaces.length > 0 || settingsChanged, replaces };
}
