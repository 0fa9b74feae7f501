import { DomoError } from "../../client/errors";
import {
  type GroupMembershipState,
  groupMembershipSettings,
  groupMembershipStateSchema,
  membershipId,
  parseGroupMembershipInputs,
  parseMembershipId,
} from "../../model";
import { claimVerb } from "../../runtime/group-claims";
import type { ResourceKind } from "../../runtime/kind";
import type { CheckResult, CreateResult, DiffResult, PropertyMap, ReadResult, UpdateResult } from "./context";
import { checkedInputs, declared, GroupResourceHandler, resolveEmails } from "./context";
import { diffMembership } from "./diff";
import { domoGroupMembershipType } from "./resource-type";
import { membershipStateOf, outputs, parseState } from "./state";

const membershipState = (props: PropertyMap) =>
  parseState(groupMembershipStateSchema, props, "DomoGroupMembership");

function parsePair(id: string): { groupId: number; userId: number } {
  const pair = parseMembershipId(id);
  if (!pair) {
    throw new DomoError({
      kind: "invalid_state",
      field: "id",
      message: `"${id}" is not a DomoGroupMembership id (expected <groupId>|<userId>, e.g. 1234|5678)`,
    });
  }
  return pair;
}

/**
 * DomoGroupMembership: one user in one group (additive); other members are left alone. Its id
 * is `<groupId>|<userId>`.
 */
export class GroupMembershipHandler
  extends GroupResourceHandler
  implements ResourceKind<GroupMembershipState>
{
  readonly type = domoGroupMembershipType;

  parseState(props: PropertyMap): GroupMembershipState {
    return membershipState(props);
  }

  /** `<groupId>|<userId>`. */
  override parseId(id: string): { groupId: number; userId: number } {
    return parsePair(id);
  }

  /** Groups whose memberships were left to the group's own delete in this run (one notice each). */
  private readonly leftToGroup = new Set<number>();

  async check(_olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    return this.checkedInMode(
      checkedInputs(parseGroupMembershipInputs(news), news, groupMembershipSettings),
      "additive",
    );
  }

  async diff(_id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const state = membershipState(olds);
    const { claims } = this.ctx;
    claims.mode(state.groupId, "additive");
    claims.hold(claims.pairs, claims.pair(state.groupId, state.userId), "declared");
    return { ...diffMembership(state, news), deleteBeforeReplace: false };
  }

  async create(inputs: PropertyMap): Promise<CreateResult> {
    const decl = declared(parseGroupMembershipInputs(inputs));
    const { claims, client } = this.ctx;
    claims.mode(decl.groupId, "additive");
    const userId =
      decl.userId ?? (decl.email ? (await resolveEmails(this.ctx, [decl.email]))[decl.email] : undefined);
    if (userId === undefined)
      throw new DomoError({ kind: "invalid_input", field: "userId", message: "userId or email is required" });
    const key = claims.pair(decl.groupId, userId);
    const holder = claims.pairs.get(key);
    if (holder === "created" || holder === "taken over") {
      throw new DomoError({
        kind: "refused",
        field: decl.userId === undefined ? "email" : "userId",
        message: `Refusing a second DomoGroupMembership of Domo user ${userId} in group ${decl.groupId}: another DomoGroupMembership of this program already ${claimVerb(holder)} it in this run. One membership, one resource: remove one of the two declarations`,
      });
    }
    claims.hold(claims.pairs, key, "created");
    await client.groups.addMember(decl.groupId, userId);
    return {
      id: membershipId(decl.groupId, userId),
      outs: outputs(membershipStateOf(decl, userId, claims.groupManagedState(decl.groupId))),
    };
  }

  async read(id: string, props: PropertyMap): Promise<ReadResult> {
    const { groupId, userId } = parsePair(id);
    const members = await this.ctx.client.groups.membersCached(groupId);
    if (!members?.includes(userId)) return {};
    this.ctx.claims.mode(groupId, "additive");
    const previous = props.groupId === undefined ? undefined : membershipState(props);
    const state: GroupMembershipState = {
      groupId,
      userId,
      ...(previous?.email ? { email: previous.email } : {}),
      deletionPolicy: previous?.deletionPolicy ?? "delete",
      ...(previous?.groupManaged ? { groupManaged: true } : {}),
    };
    const inputs: PropertyMap = groupMembershipSettings.withoutDefaults({
      groupId,
      ...(state.email ? { email: state.email } : { userId }),
      deletionPolicy: state.deletionPolicy,
    });
    return { id, props: outputs(state), inputs };
  }

  /** Only settings change in place (the deletion policy, email vs id): recorded, no call. */
  async update(_id: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    const state = membershipState(olds);
    const decl = declared(parseGroupMembershipInputs(news));
    const { claims } = this.ctx;
    claims.mode(state.groupId, "additive");
    claims.hold(claims.pairs, claims.pair(state.groupId, state.userId), "declared");
    const next: GroupMembershipState = {
      groupId: state.groupId,
      userId: state.userId,
      ...(decl.email ? { email: decl.email } : {}),
      deletionPolicy: decl.deletionPolicy,
      ...claims.groupManagedState(state.groupId),
    };
    return { outs: outputs(next) };
  }

  async delete(id: string, props: PropertyMap): Promise<void> {
    const state = membershipState(props);
    if (state.deletionPolicy === "retain") return;
    const { groupId, userId } = parsePair(id);
    const { claims } = this.ctx;
    const holder = claims.pairs.get(claims.pair(groupId, userId));
    if (holder !== undefined) {
      this.ctx.notice(
        `pulumi-domo: not removing Domo user ${userId} from group ${groupId}: another DomoGroupMembership of this program ${claimVerb(holder)} that membership in this run.`,
      );
      return;
    }
    if (claims.hasMode(groupId, "authoritative")) {
      this.ctx.notice(
        `pulumi-domo: not removing Domo user ${userId} from group ${groupId}: a DomoGroupMembers of this program now manages that group's member list.`,
      );
      return;
    }
    if (claims.groupLeaving(groupId, state)) {
      // One notice per group: a users file's group may have hundreds of memberships.
      if (!this.leftToGroup.has(groupId)) {
        this.leftToGroup.add(groupId);
        this.ctx.notice(
          `pulumi-domo: not removing Domo user ${userId}, nor any other DomoGroupMembership of this group, from Domo group ${groupId}: its DomoGroup leaves the program too, so the group's own delete decides (refused while it has members unless allowDeleteWithMembers: true; with deletionPolicy "retain" the group and its members stay).`,
        );
      }
      return;
    }
    await this.ctx.client.groups.removeMember(groupId, userId);
  }
}
