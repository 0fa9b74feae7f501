import type { DomoGroupRecord, DomoUserRecord } from "../../client/schemas";
import { groupNameKey, normaliseEmail } from "../../model";

/**
 * What recovery knows of Domo: the listings the CLI read (reads only) before planning. Planning
 * is pure; this is its whole view of Domo.
 */
export interface LiveDomo {
  /** Every live user (no deleted tombstones), when the plan needs them. */
  users?: readonly DomoUserRecord[];
  /** Every group, when the plan needs them. */
  groups?: readonly DomoGroupRecord[];
  /** The members of each group the plan asked for; undefined for a group Domo no longer has. */
  members?: ReadonlyMap<number, readonly number[] | undefined>;
}

/** Which listings a plan reads: what the CLI must fetch first (and nothing more). */
export interface LiveReads {
  users: boolean;
  groups: boolean;
  /** Group ids whose member lists are read. */
  membersOf: number[];
}

export const noReads: LiveReads = { users: false, groups: false, membersOf: [] };

export function mergeReads(a: LiveReads, b: LiveReads): LiveReads {
  return {
    users: a.users || b.users,
    groups: a.groups || b.groups,
    membersOf: [...new Set([...a.membersOf, ...b.membersOf])].sort((x, y) => x - y),
  };
}

/**
 * Planning asked for a listing the caller did not read: a bug in the caller (the CLI reads
 * what `recoveryReads` names), never a reason to guess that Domo lacks something.
 */
export class RecoveryError extends Error {
  readonly kind = "live_data_not_read";
  constructor(what: string) {
    super(
      `Recovery planning needs ${what}, which was not read from Domo: read every listing recoveryReads() names before planning. Nothing was changed`,
    );
    this.name = "RecoveryError";
  }
}

/** Lookups over the live listings, as the provider makes them (emails and group names without case). */
export class LiveIndex {
  private readonly usersByEmail = new Map<string, DomoUserRecord>();
  private readonly usersById = new Map<number, DomoUserRecord>();
  private readonly groupsByName = new Map<string, DomoGroupRecord>();
  private readonly groupsById = new Map<number, DomoGroupRecord>();

  constructor(private readonly live: LiveDomo) {
    for (const u of live.users ?? []) {
      this.usersById.set(u.id, u);
      if (u.email) this.usersByEmail.set(normaliseEmail(u.email), u);
    }
    for (const g of live.groups ?? []) {
      this.groupsById.set(g.id, g);
      // The first by id wins, as Domo's own duplicate-name check would have stopped a second.
      if (!this.groupsByName.has(groupNameKey(g.name))) this.groupsByName.set(groupNameKey(g.name), g);
    }
  }

  userByEmail(email: string): DomoUserRecord | undefined {
    this.need("users");
    return this.usersByEmail.get(normaliseEmail(email));
  }

  userById(id: number): DomoUserRecord | undefined {
    this.need("users");
    return this.usersById.get(id);
  }

  groupByName(name: string): DomoGroupRecord | undefined {
    this.need("groups");
    return this.groupsByName.get(groupNameKey(name));
  }

  groupById(id: number): DomoGroupRecord | undefined {
    this.need("groups");
    return this.groupsById.get(id);
  }

  /** The group's member ids, or undefined when Domo no longer has the group. */
  membersOf(groupId: number): readonly number[] | undefined {
    if (!this.live.members?.has(groupId)) throw new RecoveryError(`the members of Domo group ${groupId}`);
    return this.live.members.get(groupId);
  }

  private need(what: "users" | "groups"): void {
    if (this.live[what] === undefined) throw new RecoveryError(`Domo's ${what} listing`);
  }
}
