import { DomoError } from "../../client/errors";
import {
  type GroupMembersState,
  groupMembersSettings,
  groupMembersStateSchema,
  normaliseEmail,
  parseGroupMembersInputs,
} from "../../model";
import { claimVerb } from "../../runtime/group-claims";
import type { ResourceKind } from "../../runtime/kind";
import type { CheckResult, CreateResult, DiffResult, PropertyMap, ReadResult, UpdateResult } from "./context";
import { checkedInputs, declared, GroupResourceHandler, resolveEmails } from "./context";
import { declaredMemberIds, diffMembers, planMembers } from "./diff";
import { domoGroupMembersType } from "./resource-type";
import { groupMembersStateOf, outputs, PartialGroupError, parseNumericId, parseState } from "./state";

const membersState = (props: PropertyMap) => parseState(groupMembersStateSchema, props, "DomoGroupMembers");

/**
 * DomoGroupMembers: a group's complete member list (authoritative). `up` adds the declared
 * members and removes everyone else; refresh reads the group's members through one shared
 * listing, so a member added or removed in Domo shows as drift and the next `up` corrects it.
 */
export class GroupMembersHandler extends GroupResourceHandler implements ResourceKind<GroupMembersState> {
  readonly type = domoGroupMembersType;

  parseState(props: PropertyMap): GroupMembersState {
    return membersState(props);
  }

  async check(_olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    return this.checkedInMode(
      checkedInputs(parseGroupMembersInputs(news), news, groupMembersSettings),
      "authoritative",
    );
  }

  async diff(_id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const state = membersState(olds);
    this.ctx.claims.mode(state.groupId, "authoritative");
    this.ctx.claims.hold(this.ctx.claims.memberLists, state.groupId, "declared");
    const d = diffMembers(state, news);
    return { ...d, deleteBeforeReplace: false };
  }

  async create(inputs: PropertyMap): Promise<CreateResult> {
    const decl = declared(parseGroupMembersInputs(inputs));
    const { claims, client } = this.ctx;
    claims.mode(decl.groupId, "authoritative");
    const holder = claims.memberLists.get(decl.groupId);
    if (holder !== undefined) {
      throw new DomoError({
        kind: "refused",
        field: "groupId",
        message: `Refusing a second DomoGroupMembers for Domo group ${decl.groupId}: another DomoGroupMembers of this program already ${claimVerb(holder)} its member list in this run, and two authoritative lists of one group fight. Keep one list per group (to rename the resource, use the aliases resource option)`,
      });
    }
    claims.hold(claims.memberLists, decl.groupId, "created");
    const group = await client.groups.getCached(decl.groupId);
    if (!group) {
      throw new DomoError({
        kind: "not_found",
        field: "groupId",
        message: `Domo group ${decl.groupId} does not exist, so its members cannot be set. Check the id (pass a DomoGroup's id), or run \`pulumi refresh\``,
      });
    }
    if (group.default) {
      throw new DomoError({
        kind: "refused",
        field: "groupId",
        message: `Refusing to manage the members of Domo group ${group.id} ("${group.name}") authoritatively: it is Domo's Default group, where every user lands, and an exact list would remove everyone else. Use DomoGroupMembership (additive) for it instead`,
      });
    }
    const resolved = await resolveEmails(this.ctx, decl.emails);
    const desired = declaredMemberIds(decl.userIds, decl.emails, resolved) ?? [];
    const current = (await client.groups.membersCached(decl.groupId)) ?? [];
    const plan = planMembers(desired, current);
    if (plan.toRemove.length > 0 && !decl.allowRemoveExisting) {
      const listed = plan.toRemove.slice(0, 10).join(", ");
      const more = plan.toRemove.length > 10 ? ` and ${plan.toRemove.length - 10} more` : "";
      throw new DomoError({
        kind: "refused",
        field: "allowRemoveExisting",
        message:
          `Refusing to take over the members of Domo group ${group.id} ("${group.name}"): it already has ${plan.toRemove.length} member(s) this DomoGroupMembers does not declare (Domo user ids ${listed}${more}), and an authoritative list would remove them. Nothing was changed. ` +
          "Add them to userIds (or emails) to keep them; set allowRemoveExisting: true to remove them; or use one DomoGroupMembership per user (additive) to leave other members alone",
      });
    }
    const base = groupMembersStateOf(decl, resolved, current, claims.groupManagedState(decl.groupId));
    const id = String(decl.groupId);
    try {
      const memberIds = await this.apply(decl.groupId, plan.toAdd, plan.toRemove);
      return { id, outs: outputs({ ...base, memberIds }) };
    } catch (e) {
      const memberIds = (await client.groups.membersCached(decl.groupId).catch(() => current)) ?? current;
      throw new PartialGroupError(
        id,
        outputs({ ...base, memberIds }, inputs),
        `The member list of Domo group ${id}`,
        e,
      );
    }
  }

  async read(id: string, props: PropertyMap): Promise<ReadResult> {
    const groupId = parseNumericId(id, "Domo group");
    const live = await this.ctx.client.groups.membersCached(groupId);
    if (!live) return {};
    const previous = props.groupId === undefined ? importBaseline(props, groupId) : membersState(props);
    this.ctx.claims.mode(groupId, "authoritative");
    const state: GroupMembersState = { ...previous, groupId, memberIds: live };
    // The inputs as Domo has them, so the next preview shows drift in the declared lists.
    const liveSet = new Set(live);
    const emails = previous.emails.filter((e) => {
      const resolved = previous.resolvedEmails[e];
      return resolved !== undefined && liveSet.has(resolved);
    });
    const byEmail = new Set(emails.map((e) => previous.resolvedEmails[e]));
    const inputs = groupMembersSettings.withoutDefaults({
      groupId,
      userIds: live.filter((u) => !byEmail.has(u)),
      emails,
      deletionPolicy: previous.deletionPolicy,
    });
    return { id: String(groupId), props: outputs(state), inputs };
  }

  async update(id: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    const groupId = parseNumericId(id, "Domo group");
    const { claims, client } = this.ctx;
    claims.mode(groupId, "authoritative");
    claims.hold(claims.memberLists, groupId, "declared");
    const state = membersState(olds);
    const decl = declared(parseGroupMembersInputs(news));
    const resolved = await resolveEmails(this.ctx, decl.emails);
    const desired = declaredMemberIds(decl.userIds, decl.emails, resolved) ?? [];
    const current = await client.groups.membersCached(groupId);
    if (!current) {
      throw new DomoError({
        kind: "not_found",
        field: "groupId",
        message: `Domo group ${groupId} no longer exists, so its members cannot be set; run \`pulumi refresh\` (and recreate the DomoGroup)`,
      });
    }
    const plan = planMembers(desired, current);
    const base = groupMembersStateOf(decl, resolved, current, claims.groupManagedState(groupId));
    try {
      const memberIds = await this.apply(groupId, plan.toAdd, plan.toRemove);
      return { outs: outputs({ ...base, memberIds }) };
    } catch (e) {
      const memberIds = (await client.groups.membersCached(groupId).catch(() => current)) ?? current;
      throw new PartialGroupError(
        id,
        outputs({ ...state, groupManaged: base.groupManaged, memberIds }, news),
        `The member list of Domo group ${id}`,
        e,
      );
    }
  }

  /**
   * Removes the members this resource declared (not members added in Domo by hand since), and
   * none that another resource of this run now manages. When its group goes too (a DomoGroup
   * of the program managed it and none declares it in this run) it removes no one: the group's
   * delete decides, so its allowDeleteWithMembers guard sees the members.
   */
  async delete(id: string, props: PropertyMap): Promise<void> {
    const state = membersState(props);
    if (state.deletionPolicy === "retain") return;
    const groupId = parseNumericId(id, "Domo group");
    const { claims, client } = this.ctx;
    const holder = claims.memberLists.get(groupId);
    if (holder !== undefined) {
      this.ctx.notice(
        `pulumi-domo: not removing the members of Domo group ${groupId}: another DomoGroupMembers of this program ${claimVerb(holder)} its member list in this run.`,
      );
      return;
    }
    if (claims.groupLeaving(groupId, state)) {
      this.ctx.notice(
        `pulumi-domo: not removing the members of Domo group ${groupId}: its DomoGroup leaves the program too, so the group's own delete decides (refused while it has members unless allowDeleteWithMembers: true; with deletionPolicy "retain" the group and its members stay).`,
      );
      return;
    }
    const live = await client.groups.membersCached(groupId);
    if (!live) return;
    const declaredIds = new Set([...state.userIds, ...Object.values(state.resolvedEmails)]);
    const kept = live.filter((u) => declaredIds.has(u) && claims.pairs.has(claims.pair(groupId, u)));
    if (kept.length > 0) {
      this.ctx.notice(
        `pulumi-domo: leaving Domo user(s) ${kept.join(", ")} in group ${groupId}: a DomoGroupMembership of this program holds them.`,
      );
    }
    const keep = new Set(kept);
    await this.apply(
      groupId,
      [],
      live.filter((u) => declaredIds.has(u) && !keep.has(u)),
    );
  }

  /** Writes the plan; answers the group's members afterwards (the shared listing, kept current). */
  private async apply(groupId: number, toAdd: number[], toRemove: number[]): Promise<number[]> {
    const groups = this.ctx.client.groups;
    const results = await Promise.allSettled([
      ...toAdd.map((u) => groups.addMember(groupId, u)),
      ...toRemove.map((u) => groups.removeMember(groupId, u)),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return (await groups.membersCached(groupId)) ?? [];
  }
}

function importBaseline(inputs: PropertyMap, groupId: number): GroupMembersState {
  const result = parseGroupMembersInputs(inputs);
  return groupMembersStateSchema.parse({
    groupId,
    ...(result.ok
      ? {
          userIds: result.value.userIds,
          emails: result.value.emails.map(normaliseEmail),
          deletionPolicy: result.value.deletionPolicy,
        }
      : {}),
  });
}
