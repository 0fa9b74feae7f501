import { DomoError, isDomoError } from "../../client/errors";
import type { DomoGroupRecord } from "../../client/schemas";
import {
  type GroupDeclaration,
  type GroupState,
  groupSettings,
  groupSettingsOf,
  groupStateSchema,
  normaliseGroupName,
  parseGroupInputs,
  sameGroupName,
} from "../../model";
import { claimVerb } from "../../runtime/group-claims";
import type { ResourceKind } from "../../runtime/kind";
import { inPlace, takeoverById } from "../engine";
import type { CheckResult, CreateResult, DiffResult, PropertyMap, ReadResult, UpdateResult } from "./context";
import { checkedInputs, declared, GroupResourceHandler } from "./context";
import { diffGroup } from "./diff";
import { domoGroupType } from "./resource-type";
import { groupStateOf, outputs, PartialGroupError, parseNumericId, parseState } from "./state";

const stateOf = groupStateOf;

const groupState = (props: PropertyMap) => parseState(groupStateSchema, props, "DomoGroup");

/** DomoGroup: a Domo group, renamed in place (never replaced), deleted or retained when removed. */
export class GroupHandler extends GroupResourceHandler implements ResourceKind<GroupState> {
  readonly type = domoGroupType;

  parseState(props: PropertyMap): GroupState {
    return groupState(props);
  }

  async check(_olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    return checkedInputs(parseGroupInputs(news), news, groupSettings);
  }

  async diff(id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const state = groupState(olds);
    this.ctx.claims.hold(
      this.ctx.claims.groups,
      state.groupId || parseNumericId(id, "Domo group"),
      "declared",
    );
    const d = diffGroup(state, news);
    return inPlace(d.changed.length > 0 || d.settings.length > 0);
  }

  async create(inputs: PropertyMap): Promise<CreateResult> {
    const decl = declared(parseGroupInputs(inputs));
    const groups = this.ctx.client.groups;
    if (decl.importId !== undefined) {
      const found = await takeoverById("group", decl.importId, groups, noSuchGroup, (g) =>
        nameMismatch(g, decl),
      );
      return this.adopt(found, decl, inputs);
    }
    if (decl.adoptExisting) {
      const existing = await groups.findByName(decl.name);
      if (existing) return this.adopt(existing, decl, inputs);
    }
    let created: DomoGroupRecord;
    try {
      created = await groups.create({ name: decl.name, active: decl.active });
    } catch (e) {
      if (isDomoError(e) && (e.kind === "conflict" || e.kind === "rejected")) {
        const existing = await groups.findByName(decl.name, { fresh: true });
        // Created since the shared listing was taken: adopt it after all, if asked to.
        if (existing && decl.adoptExisting) return this.adopt(existing, decl, inputs);
        if (existing) throw existsError(decl.name, existing.id);
      }
      throw e;
    }
    this.ctx.claims.hold(this.ctx.claims.groups, created.id, "created");
    // Some Domo versions ignore `active` on create: converge it, recording the id first.
    if (created.active !== undefined && created.active !== decl.active) {
      try {
        created = await groups.update(created.id, { active: decl.active });
      } catch (e) {
        throw new PartialGroupError(
          String(created.id),
          outputs(stateOf(created, decl), inputs),
          `Domo group ${created.id}`,
          e,
        );
      }
    }
    return { id: String(created.id), outs: outputs(stateOf(created, decl)) };
  }

  async read(id: string, props: PropertyMap): Promise<ReadResult> {
    const groupId = parseNumericId(id, "Domo group");
    const live = await this.ctx.client.groups.getCached(groupId);
    if (!live) return {};
    const previous = props.groupId === undefined ? importBaseline(props) : groupState(props);
    const state = stateOf(live, previous);
    const inputs = groupSettings.withoutDefaults({
      name: state.name,
      active: state.active,
      ...groupSettingsOf(previous),
    });
    return { id: String(live.id), props: outputs(state), inputs };
  }

  async update(id: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    const groupId = parseNumericId(id, "Domo group");
    this.ctx.claims.hold(this.ctx.claims.groups, groupId, "declared");
    const state = groupState(olds);
    const decl = declared(parseGroupInputs(news));
    const d = diffGroup(state, news);
    if (d.changed.length === 0) return { outs: outputs({ ...state, ...groupSettingsOf(decl) }) };
    if (state.default && d.changed.includes("name")) {
      throw new DomoError({
        kind: "refused",
        field: "name",
        message: `Refusing to rename Domo group ${groupId} ("${state.name}"): it is Domo's Default group, where every new user lands. Nothing was changed. Put its name back to "${state.name}"`,
      });
    }
    const updated = await this.ctx.client.groups.update(groupId, { name: decl.name, active: decl.active });
    return { outs: outputs(stateOf(updated, decl)) };
  }

  async delete(id: string, props: PropertyMap): Promise<void> {
    const state = groupState(props);
    if (state.deletionPolicy === "retain") return;
    const groupId = parseNumericId(id, "Domo group");
    const who = `Domo group ${groupId} ("${state.name}")`;
    const claim = this.ctx.claims.groups.get(groupId);
    if (claim !== undefined) {
      this.ctx.notice(
        `pulumi-domo: not deleting ${who}: another DomoGroup of this program ${claimVerb(claim)} that group in this run, so only the removed resource leaves the state and the group stays in Domo.`,
      );
      return;
    }
    const groups = this.ctx.client.groups;
    const live = await groups.getCached(groupId);
    if (!live) return;
    if (live.default || state.default) {
      throw new DomoError({
        kind: "refused",
        field: "deletionPolicy",
        message: `Refusing to delete ${who}: it is Domo's Default group, where every new user lands, and cannot be deleted. Nothing was deleted. Put the DomoGroup back with deletionPolicy: "retain", run \`pulumi up\`, then remove it`,
      });
    }
    if (!state.allowDeleteWithMembers) {
      const members = (await groups.membersCached(groupId)) ?? [];
      if (members.length > 0) {
        const listed = members.slice(0, 10).join(", ");
        const more = members.length > 10 ? ` and ${members.length - 10} more` : "";
        throw new DomoError({
          kind: "refused",
          field: "allowDeleteWithMembers",
          message:
            `Refusing to delete ${who}: it still has ${members.length} member(s) (Domo user ids ${listed}${more}), whose access through this group would go with it. Nothing was deleted. ` +
            'To delete it anyway, put the DomoGroup back with allowDeleteWithMembers: true, run `pulumi up`, then remove it; to leave it in Domo, put it back with deletionPolicy: "retain" instead; ' +
            "or empty it first: remove its DomoGroupMembers or DomoGroupMemberships while keeping the DomoGroup, run `pulumi up`, then remove the group (member resources removed together with their group leave its members for this decision)",
        });
      }
    }
    await groups.delete(groupId);
  }

  private async adopt(
    existing: DomoGroupRecord,
    decl: GroupDeclaration,
    inputs: PropertyMap,
  ): Promise<CreateResult> {
    const id = String(existing.id);
    const holder = this.ctx.claims.groups.get(existing.id);
    if (holder !== undefined) {
      throw new DomoError({
        kind: "refused",
        field: decl.importId === undefined ? "adoptExisting" : "importId",
        message: `Refusing to take over Domo group ${existing.id} ("${existing.name}"): another DomoGroup of this program already ${claimVerb(holder)} it in this run. One group, one resource: remove one of the two declarations`,
      });
    }
    this.ctx.claims.hold(this.ctx.claims.groups, existing.id, "taken over");
    const differs = existing.name !== decl.name || (existing.active ?? true) !== decl.active;
    if (!differs) return { id, outs: outputs(stateOf(existing, decl)) };
    if (existing.default && existing.name !== decl.name) {
      throw new DomoError({
        kind: "refused",
        field: "name",
        message: `Refusing to rename Domo group ${existing.id} ("${existing.name}"): it is Domo's Default group. Declare it with its name as it is`,
      });
    }
    try {
      const updated = await this.ctx.client.groups.update(existing.id, {
        name: decl.name,
        active: decl.active,
      });
      return { id, outs: outputs(stateOf(updated, decl)) };
    } catch (e) {
      throw new PartialGroupError(id, outputs(stateOf(existing, decl), inputs), `Domo group ${id}`, e);
    }
  }
}

function importBaseline(inputs: PropertyMap): GroupState {
  const result = parseGroupInputs(inputs);
  return groupStateSchema.parse({
    groupId: 0,
    name: typeof inputs.name === "string" ? normaliseGroupName(inputs.name) : "",
    ...(result.ok ? groupSettingsOf(result.value) : {}),
  });
}

/**
 * The create conflict, with the ways out in the order they are likely: a renamed resource,
 * an interrupted run (recover), then a deliberate takeover, said for a users file (a group's
 * `id:`) and for a program (adoptExisting, importId) alike.
 */
function existsError(name: string, id: number): DomoError {
  return new DomoError({
    kind: "conflict",
    field: "name",
    message:
      `A Domo group named "${name}" already exists (id ${id}; names compare without case), so it was not created again. ` +
      `If you renamed this resource, keep managing the group under the new name with the aliases resource option ({ aliases: [{ name: "<old name>" }] }). ` +
      "If an interrupted `pulumi up` created it, run `npx pulumi-domo recover --stack <stack>` to bring what that run created into the stack, then `pulumi up` again. " +
      `To take the group over instead (also once recover has nothing left to do): in a users file, add \`id: ${id}\` to the group; in a program, set adoptExisting: true (or importId: "${id}") on the DomoGroup`,
  });
}

const noSuchGroup = "no such group. Check the id, or remove importId to create the group";

/** Why a takeover by id must not go ahead: the group is another one (unless allowed). */
function nameMismatch(found: DomoGroupRecord, decl: GroupDeclaration): string | undefined {
  if (decl.allowNameChange || sameGroupName(found.name, decl.name)) return undefined;
  return (
    `Refusing to take over Domo group ${found.id}: it is the group "${found.name}", not "${decl.name}", and taking it over would rename it (and hand its members' access to this declaration). ` +
    "Check the id. If it really is this group under a new name, set allowNameChange: true on this DomoGroup for the takeover"
  );
}
