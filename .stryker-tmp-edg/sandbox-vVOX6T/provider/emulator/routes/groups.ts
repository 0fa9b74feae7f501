// @ts-nocheck
import { ApiError } from "../errors";
import { type ApiResponse, parseJson } from "../http";
import {
  DEFAULT_GROUP_ID,
  type GroupWrite,
  GroupWriteSchema,
  isoSeconds,
  type StoredGroup,
  toApiGroup,
  toBool,
} from "../model";
import type { Behaviour } from "../options";
import type { UserStore } from "../store";
import { pageParams, parsePathId, type UsersRequest } from "./users";

export interface GroupsDeps {
  store: UserStore;
  behaviour: () => Behaviour;
}

/**
 * Domo's public Groups API (`/v1/groups`). Membership lives on the users (`groups` refs), so every
 * change here shows at once in the members' `groups` field. README.md lists each undocumented
 * choice and the behaviour switch for its alternative.
 */
export class GroupsRoutes {
  constructor(private readonly deps: GroupsDeps) {}

  async create(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const input = parseGroupBody(req.body);
    const name = groupName(input.name);
    this.refuseDuplicateName(name);
    const { store } = this.deps;
    const now = isoSeconds(Date.now());
    const group: StoredGroup = {
      id: store.allocateGroupId(),
      name,
      active: optionalBool(input.active) ?? true,
      default: optionalBool(input.default) ?? false,
      createdAt: now,
      updatedAt: now,
    };
    if (req.actingUserId !== undefined) group.creatorId = req.actingUserId;
    await this.commit(() => store.putGroup(group));
    return { status: behaviour.groupCreateStatus, body: toApiGroup(group, 0) };
  }

  get(req: UsersRequest): ApiResponse {
    const group = this.existing(req.id);
    return { status: 200, body: toApiGroup(group, this.deps.store.memberIds(group.id).length) };
  }

  list(req: UsersRequest): ApiResponse {
    const { limit, offset } = pageParams(req.query, this.deps.behaviour());
    const { store } = this.deps;
    const members = store.membersByGroup();
    const page = store.sortedGroups().slice(offset, offset + limit);
    return { status: 200, body: page.map((g) => toApiGroup(g, members.get(g.id)?.length ?? 0)) };
  }

  async update(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const current = this.existing(req.id);
    const input = parseGroupBody(req.body);
    const next: StoredGroup = { ...current };
    if (input.name !== undefined) next.name = groupName(input.name);
    next.active = optionalBool(input.active) ?? current.active;
    next.default = optionalBool(input.default) ?? current.default;
    if (current.id === DEFAULT_GROUP_ID && behaviour.protectDefaultGroup) {
      if (next.name !== current.name) throw new ApiError(400, "The Default group cannot be renamed");
      if (!next.active) throw new ApiError(400, "The Default group cannot be deactivated");
      if (!next.default) throw new ApiError(400, "The Default group must stay the default group");
    }
    if (next.name !== current.name) this.refuseDuplicateName(next.name, current.id);
    next.updatedAt = isoSeconds(Date.now());
    const { store } = this.deps;
    await this.commit(() => store.putGroup(next));
    return { status: 200, body: toApiGroup(next, store.memberIds(next.id).length) };
  }

  async remove(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const group = this.existing(req.id);
    const { store } = this.deps;
    if (group.id === DEFAULT_GROUP_ID && behaviour.protectDefaultGroup) {
      throw new ApiError(400, "The Default group cannot be deleted");
    }
    const members = store.memberIds(group.id).length;
    if (members > 0 && behaviour.deleteGroupWithMembers === "refuse") {
      throw new ApiError(
        400,
        `Group ${group.id} still has ${members} members; remove them before deleting it`,
      );
    }
    await this.commit(() => store.removeGroup(group.id));
    return { status: 204 };
  }

  listUsers(req: UsersRequest): ApiResponse {
    const behaviour = this.deps.behaviour();
    const group = this.existing(req.id);
    const fallback = behaviour.groupUsersDefaultLimit;
    const { limit, offset } = pageParams(req.query, behaviour, fallback === "all" ? null : fallback);
    return { status: 200, body: this.deps.store.memberIds(group.id).slice(offset, offset + limit) };
  }

  async addUser(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const group = this.existing(req.id);
    const userId = parsePathId(req.userId, "user");
    const { store } = this.deps;
    const user = store.peek(userId);
    if (user === undefined || user.deleted) {
      throw new ApiError(behaviour.addMissingUserStatus, `User ${userId} not found`);
    }
    if (user.groups.some((g) => g.id === group.id)) {
      if (behaviour.addMemberTwiceStatus === 204) return { status: 204 };
      throw new ApiError(
        behaviour.addMemberTwiceStatus,
        `User ${userId} is already a member of group ${group.id}`,
      );
    }
    store.setMembership(group.id, userId, true);
    await this.commit(() => store.commitMembership());
    return { status: 204 };
  }

  async removeUser(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const group = this.existing(req.id);
    const userId = parsePathId(req.userId, "user");
    const { store } = this.deps;
    const user = store.peek(userId);
    if (user === undefined) throw new ApiError(404, `User ${userId} not found`);
    if (!user.groups.some((g) => g.id === group.id)) {
      if (behaviour.removeNonMemberStatus === 204) return { status: 204 };
      throw new ApiError(404, `User ${userId} is not a member of group ${group.id}`);
    }
    if (group.id === DEFAULT_GROUP_ID && behaviour.removeFromDefaultGroup === "refuse") {
      throw new ApiError(400, "Users cannot be removed from the Default group");
    }
    store.setMembership(group.id, userId, false);
    await this.commit(() => store.commitMembership());
    return { status: 204 };
  }

  // ---- helpers ----

  private existing(rawId: string | undefined): StoredGroup {
    const id = parsePathId(rawId, "group");
    const group = this.deps.store.peekGroup(id);
    if (group === undefined) throw new ApiError(404, `Group ${id} not found`);
    return group;
  }

  private refuseDuplicateName(name: string, exceptId?: number): void {
    const behaviour = this.deps.behaviour();
    if (behaviour.duplicateGroupName === "allow") return;
    const clash = this.deps.store.findGroupByName(name, behaviour.groupNameCaseInsensitive, exceptId);
    if (clash !== undefined) {
      throw new ApiError(behaviour.duplicateGroupName, `There is already a group with the name ${name}`);
    }
  }

  private async commit(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch {
      throw new ApiError(500, "Could not save the group; the change was not applied");
    }
  }
}

function parseGroupBody(body: Buffer): GroupWrite {
  const json = parseJson(body);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ApiError(400, "Request body must be a JSON object");
  }
  const parsed = GroupWriteSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "body";
    throw new ApiError(400, `Invalid value for ${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Names are trimmed; missing, null or blank is 400. */
function groupName(value: string | null | undefined): string {
  if (value === undefined) throw new ApiError(400, "Missing required field: name");
  if (value === null || value.trim() === "") throw new ApiError(400, "name must not be empty");
  return value.trim();
}

/** `null` means "not given", as for `roleId` on users. */
function optionalBool(value: boolean | string | null | undefined): boolean | undefined {
  return value === undefined || value === null ? undefined : toBool(value);
}
