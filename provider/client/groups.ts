import { groupNameKey } from "../model/group";
import { definedOnly } from "../model/text";
import type { ClientSettings } from "./config";
import { DomoError, isDomoError } from "./errors";
import { type ApiDeps, collect, deleteIfPresent, ListedApi, SharedListings, unlessNotFound } from "./listing";
import type { DebugLog } from "./log";
import {
  type DomoGroupRecord,
  domoGroupListSchema,
  domoGroupMemberListSchema,
  domoGroupSchema,
} from "./schemas";
import type { Transport } from "./transport";

/** Domo's page size ceiling for GET /v1/groups and GET /v1/groups/{id}/users. */
export const maxGroupPageSize = 500;

/**
 * The Groups API (see ListedApi for the shared listing of all groups). A group's members are
 * served from one shared listing per group too (a group's members cost one paged listing,
 * never a call per member). Writes through this object keep both current.
 */
export class GroupsApi extends ListedApi<DomoGroupRecord> {
  private readonly members: SharedListings<number, Set<number>>;

  constructor(transport: Transport, settings: ClientSettings, log: DebugLog, deps: ApiDeps = {}) {
    super(transport, settings, log, deps, (g) => groupNameKey(g.name));
    this.members = new SharedListings(
      async (id) => new Set(await this.listMembers(id)),
      this.clock,
      this.ttlMs,
    );
  }

  /** Every group, page by page, until a short or empty page. */
  list(pageSize = maxGroupPageSize): AsyncGenerator<DomoGroupRecord[]> {
    return this.paged(
      "/v1/groups",
      domoGroupListSchema,
      { pageSize, ceiling: maxGroupPageSize },
      (g) => g.id,
    );
  }

  /** The group, or undefined when Domo says 404. */
  get(id: number): Promise<DomoGroupRecord | undefined> {
    return this.getAt(`/v1/groups/${id}`, domoGroupSchema);
  }

  /** Lookup by name without case over the shared listing. */
  async findByName(name: string, options: { fresh?: boolean } = {}): Promise<DomoGroupRecord | undefined> {
    return this.findBy(groupNameKey(name), options.fresh);
  }

  /** POST a new group, never blindly repeated (see createOnce): a fault never duplicates a group. */
  create(group: { name: string; active?: boolean }): Promise<DomoGroupRecord> {
    return this.createOnce({
      what: `group ${group.name}`,
      by: "name",
      noun: "group",
      post: async () => {
        const created = await this.transport.request("POST", "/v1/groups", {
          body: definedOnly({ name: group.name, active: group.active }),
          schema: domoGroupSchema,
        });
        this.members.set(created.id, new Set());
        return created;
      },
      lookup: () => this.findByName(group.name, { fresh: true }),
    });
  }

  /** Renames or (de)activates in place. Domo answers with the group, or 204: then it is read back. */
  async update(id: number, fields: { name?: string; active?: boolean }): Promise<DomoGroupRecord> {
    const path = `/v1/groups/${id}`;
    return this.updateAt("group", id, path, (current) => {
      const body = definedOnly({
        id,
        name: fields.name ?? current.name,
        active: fields.active ?? current.active,
        default: current.default,
      });
      return this.transport.request("PUT", path, { body, schema: domoGroupSchema.optional() });
    });
  }

  /** Returns false when the group was already gone (404 counts as success). */
  async delete(id: number): Promise<boolean> {
    try {
      return await this.deleteAt(id, `/v1/groups/${id}`);
    } finally {
      // Even when the DELETE failed: its outcome is unknown, so neither listing is trusted.
      this.forget(id);
      this.members.drop(id);
    }
  }

  /** The ids of a group's members, page by page (one paged listing, never a call per member). */
  async listMembers(groupId: number, pageSize = maxGroupPageSize): Promise<number[]> {
    const path = `/v1/groups/${groupId}/users`;
    const limit = { pageSize, ceiling: maxGroupPageSize };
    const pages = this.paged(path, domoGroupMemberListSchema, limit, (id) => id);
    return sorted(await collect(pages));
  }

  /**
   * The group's members from the shared per-group listing (taken once per group and kept
   * current by addMember/removeMember), or undefined when the group is gone.
   */
  async membersCached(groupId: number, options: { fresh?: boolean } = {}): Promise<number[] | undefined> {
    if (options.fresh) this.members.drop(groupId);
    const ids = await unlessNotFound(this.members.get(groupId));
    return ids && sorted(ids);
  }

  /** PUT the user into the group (idempotent: an existing member stays one). */
  async addMember(groupId: number, userId: number): Promise<void> {
    try {
      await this.transport.request("PUT", `/v1/groups/${groupId}/users/${userId}`);
    } catch (e) {
      if (isDomoError(e, "not_found")) {
        throw new DomoError({
          kind: "not_found",
          status: e.status,
          method: e.method,
          path: e.path,
          toe: e.toe,
          message: `Cannot add Domo user ${userId} to group ${groupId}: the group or the user does not exist (deleted outside Pulumi?). Check the ids, or run \`pulumi refresh\``,
        });
      }
      throw e;
    }
    this.members.peek(groupId)?.add(userId);
  }

  /** DELETE the user from the group; false when they were not a member (404 counts as success). */
  async removeMember(groupId: number, userId: number): Promise<boolean> {
    const wasMember = await deleteIfPresent(this.transport, `/v1/groups/${groupId}/users/${userId}`);
    this.members.peek(groupId)?.delete(userId);
    return wasMember;
  }
}

function sorted(ids: Iterable<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}
