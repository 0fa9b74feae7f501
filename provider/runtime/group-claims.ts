import { DomoError } from "../client/errors";
import { type MembershipMode, membershipId } from "../model";

/** How a resource of this run came to hold an object. */
export type Claim = "declared" | "created" | "taken over";

export const kindOf: Record<MembershipMode, string> = {
  authoritative: "DomoGroupMembers (authoritative: exactly these members, others removed)",
  additive: "DomoGroupMembership (additive: one user in the group, others left alone)",
};

export function claimVerb(claim: Claim): string {
  return claim === "declared" ? "manages" : claim === "created" ? "created" : "took over";
}

/**
 * What the resources of one run (one provider process) hold: groups, authoritative member
 * lists and additive pairs, and which membership mode each group is managed in. Two rules
 * come from it:
 * - one object, one resource: a delete of something another resource of this run holds is
 *   skipped (a rename, a replacement of the same pair), and a second takeover is refused;
 * - one mode per group: an additive membership on a group a DomoGroupMembers manages (or the
 *   reverse) is refused in this run, at preview when the group id is known then, because the
 *   authoritative resource would remove what the additive one adds on every run (GitHub's
 *   team_members vs team_membership lesson).
 */
export class GroupClaims {
  private readonly modes = new Map<number, MembershipMode>();
  readonly groups = new Map<number, Claim>();
  readonly memberLists = new Map<number, Claim>();
  readonly pairs = new Map<string, Claim>();

  /** Records the group's membership mode, refusing the other one. */
  mode(groupId: number, mode: MembershipMode): void {
    if (!(groupId > 0)) return;
    const held = this.modes.get(groupId);
    if (held !== undefined && held !== mode) {
      const [first, second] = [kindOf[held], kindOf[mode]];
      throw new DomoError({
        kind: "refused",
        field: "groupId",
        message:
          `Refusing to manage Domo group ${groupId} with both a ${first} and a ${second} in one program: the authoritative one would remove what the additive one adds, on every run. ` +
          "Use one kind per group: list every member in the DomoGroupMembers (userIds or emails), or replace it with one DomoGroupMembership per user. Nothing was changed",
      });
    }
    this.modes.set(groupId, mode);
  }

  hasMode(groupId: number, mode: MembershipMode): boolean {
    return this.modes.get(groupId) === mode;
  }

  /** Records a hold, keeping the first. */
  hold<K>(map: Map<K, Claim>, key: K, how: Claim): void {
    if (!map.has(key)) map.set(key, how);
  }

  pair(groupId: number, userId: number): string {
    return membershipId(groupId, userId);
  }

  /**
   * What a member resource records of its group at create and update: `groupManaged: true`
   * when a DomoGroup of this run diffed, created or took over the group (the member resource
   * depends on the DomoGroup's id, so the engine has processed the group first), nothing
   * otherwise (a literal group id), which keeps the state compact. A diff cannot record it:
   * on a no-change step the engine keeps the old outputs, and a dynamic provider's delete sees
   * only outputs, so a resource written before the field existed gains it at its next update.
   */
  groupManagedState(groupId: number): { groupManaged?: true } {
    return this.groups.has(groupId) ? { groupManaged: true } : {};
  }

  /**
   * At a member resource's delete: its group was managed by a DomoGroup of the program and no
   * DomoGroup of this run declares it any more (deletes run after every declared resource was
   * diffed or created), so the group itself is being removed, deleted or retained. The member
   * resource then removes no one and leaves the decision to the group's own delete: removing
   * the members first would empty the group and so bypass its allowDeleteWithMembers guard.
   * A state without the field (a literal group id, or written before it existed) answers false:
   * its members are removed as before.
   */
  groupLeaving(groupId: number, state: { groupManaged?: boolean | undefined }): boolean {
    return state.groupManaged === true && !this.groups.has(groupId);
  }
}
