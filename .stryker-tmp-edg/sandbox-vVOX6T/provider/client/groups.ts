// @ts-nocheck
import { groupNameKey } from "../model/group";
import { definedOnly } from "../model/text";
import type { ClientSettings } from "./config";
import { DomoError, isDomoError } from "./errors";
import type { DebugLog } from "./log";
import { clockFrom, type RetryClock, type RetryPolicy, RetryRun, retryPolicy, sleep } from "./retry";
import {
  type DomoGroupRecord,
  domoGroupListSchema,
  domoGroupMemberListSchema,
  domoGroupSchema,
} from "./schemas";
import type { Transport } from "./transport";

/** Domo's page size ceiling for GET /v1/groups and GET /v1/groups/{id}/users. */
export const maxGroupPageSize = 500;

interface GroupSnapshot {
  takenAt: number;
  byId: Map<number, DomoGroupRecord>;
  byName: Map<string, DomoGroupRecord>;
}

interface MemberSnapshot {
  takenAt: number;
  ids: Set<number>;
}

/**
 * The Groups API, on the client's one transport (token, limiter, retry policy). Reads that
 * many resources make at once are served from shared listings: one listing of all groups
 * (N group reads cost N/500 pages) and one listing of each group's members (a group's
 * members cost one paged listing, never a call per member). Writes through this object keep
 * both current.
 */
export class GroupsApi {
  private snapshot: GroupSnapshot | undefined;
  private snapshotInFlight: Promise<GroupSnapshot> | undefined;
  private readonly members = new Map<number, MemberSnapshot>();
  private readonly membersInFlight = new Map<number, Promise<MemberSnapshot>>();
  private readonly clock: RetryClock;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly transport: Transport,
    private readonly settings: ClientSettings,
    private readonly log: DebugLog,
    deps: { now?: () => number; random?: () => number; retry?: RetryPolicy } = {},
  ) {
    this.clock = clockFrom(deps);
    this.policy = deps.retry ?? retryPolicy(settings);
  }

  /** Every group, page by page, until a short or empty page. */
  async *list(pageSize = maxGroupPageSize): AsyncGenerator<DomoGroupRecord[]> {
    const limit = Math.min(Math.max(1, pageSize), maxGroupPageSize);
    const seen = new Set<number>();
    for (let offset = 0; ; offset += limit) {
      const page = await this.transport.request("GET", "/v1/groups", {
        query: { limit, offset },
        schema: domoGroupListSchema,
      });
      const fresh = page.filter((g) => !seen.has(g.id));
      for (const g of fresh) seen.add(g.id);
      if (fresh.length > 0) yield fresh;
      if (page.length < limit) return;
    }
  }

  async listAll(): Promise<DomoGroupRecord[]> {
    const all: DomoGroupRecord[] = [];
    for await (const page of this.list()) all.push(...page);
    return all;
  }

  /** The group, or undefined when Domo says 404. */
  async get(id: number): Promise<DomoGroupRecord | undefined> {
    try {
      return await this.transport.request("GET", `/v1/groups/${id}`, { schema: domoGroupSchema });
    } catch (e) {
      if (isDomoError(e, "not_found")) return undefined;
      throw e;
    }
  }

  /** Like get, served from the shared listing when it holds the id. */
  async getCached(id: number): Promise<DomoGroupRecord | undefined> {
    const snapshot = await this.listing();
    return snapshot.byId.get(id) ?? (await this.get(id));
  }

  /** Lookup by name without case over the shared listing. */
  async findByName(name: string, options: { fresh?: boolean } = {}): Promise<DomoGroupRecord | undefined> {
    if (options.fresh) this.snapshot = undefined;
    return (await this.listing()).byName.get(groupNameKey(name));
  }

  /**
   * POST a new group. Like a user create, never blindly repeated: when the outcome is unknown
   * (lost response, timeout, 5xx) the name is looked up first, and only a group Domo does not
   * have is posted again. A fault can cost a retry, never a duplicate group.
   */
  async create(group: { name: string; active?: boolean }): Promise<DomoGroupRecord> {
    const run = new RetryRun(this.policy, this.clock);
    for (;;) {
      let failure: DomoError;
      try {
        const created = await this.transport.request("POST", "/v1/groups", {
          body: definedOnly({ name: group.name, active: group.active }),
          schema: domoGroupSchema,
        });
        this.remember(created);
        this.members.set(created.id, { takenAt: this.clock.now(), ids: new Set() });
        return created;
      } catch (e) {
        const unknownOutcome = isDomoError(e) && (e.maybeCommitted || e.kind === "server");
        if (!unknownOutcome) throw e;
        failure = e;
      }
      run.attempted(failure.attempts);
      const verdict = run.next(failure, { idempotent: true });
      this.log.write(`create of group ${group.name}: outcome unknown (${failure.kind}); checking by name`);
      await sleep(verdict.retry ? verdict.waitMs : run.settleDelay());
      let existing: DomoGroupRecord | undefined;
      try {
        existing = await this.findByName(group.name, { fresh: true });
      } catch (lookupError) {
        throw verdict.retry ? lookupError : verdict.error;
      }
      if (existing) {
        this.log.write(`create of group ${group.name} had committed as group ${existing.id}`);
        return existing;
      }
      if (!verdict.retry) throw verdict.error;
    }
  }

  /** Renames or (de)activates in place. Domo answers with the group, or 204: then it is read back. */
  async update(id: number, fields: { name?: string; active?: boolean }): Promise<DomoGroupRecord> {
    const current = await this.get(id);
    if (!current) {
      throw new DomoError({
        kind: "not_found",
        method: "PUT",
        path: `/v1/groups/${id}`,
        message: `Domo group ${id} no longer exists; run \`pulumi refresh\` so Pulumi recreates it`,
      });
    }
    const body = definedOnly({
      id,
      name: fields.name ?? current.name,
      active: fields.active ?? current.active,
      default: current.default,
    });
    const updated = await this.transport.request("PUT", `/v1/groups/${id}`, {
      body,
      schema: domoGroupSchema.optional(),
    });
    const result = updated ?? (await this.get(id));
    if (!result)
      throw new DomoError({ kind: "not_found", message: `Domo group ${id} vanished during update` });
    this.remember(result);
    return result;
  }

  /** Returns false when the group was already gone (404 counts as success). */
  async delete(id: number): Promise<boolean> {
    try {
      await this.transport.request("DELETE", `/v1/groups/${id}`);
      return true;
    } catch (e) {
      if (isDomoError(e, "not_found")) return false;
      throw e;
    } finally {
      this.forget(id);
    }
  }

  /** The ids of a group's members, page by page (one paged listing, never a call per member). */
  async listMembers(groupId: number, pageSize = maxGroupPageSize): Promise<number[]> {
    const limit = Math.min(Math.max(1, pageSize), maxGroupPageSize);
    const ids = new Set<number>();
    for (let offset = 0; ; offset += limit) {
      const page = await this.transport.request("GET", `/v1/groups/${groupId}/users`, {
        query: { limit, offset },
        schema: domoGroupMemberListSchema,
      });
      for (const id of page) ids.add(id);
      if (page.length < limit) break;
    }
    return [...ids].sort((a, b) => a - b);
  }

  /**
   * The group's members from the shared per-group listing (taken once per group and kept
   * current by addMember/removeMember), or undefined when the group is gone.
   */
  async membersCached(groupId: number, options: { fresh?: boolean } = {}): Promise<number[] | undefined> {
    if (options.fresh) this.members.delete(groupId);
    const cached = this.members.get(groupId);
    if (cached && this.clock.now() - cached.takenAt <= this.settings.listingTtlMs) return sorted(cached.ids);
    let inFlight = this.membersInFlight.get(groupId);
    if (!inFlight) {
      inFlight = this.listMembers(groupId)
        .then((ids) => {
          const snap = { takenAt: this.clock.now(), ids: new Set(ids) };
          this.members.set(groupId, snap);
          return snap;
        })
        .finally(() => this.membersInFlight.delete(groupId));
      this.membersInFlight.set(groupId, inFlight);
    }
    try {
      return sorted((await inFlight).ids);
    } catch (e) {
      if (isDomoError(e, "not_found")) return undefined;
      throw e;
    }
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
    this.members.get(groupId)?.ids.add(userId);
  }

  /** DELETE the user from the group; false when they were not a member (404 counts as success). */
  async removeMember(groupId: number, userId: number): Promise<boolean> {
    try {
      await this.transport.request("DELETE", `/v1/groups/${groupId}/users/${userId}`);
      this.members.get(groupId)?.ids.delete(userId);
      return true;
    } catch (e) {
      if (isDomoError(e, "not_found")) {
        this.members.get(groupId)?.ids.delete(userId);
        return false;
      }
      throw e;
    }
  }

  private listing(): Promise<GroupSnapshot> {
    if (this.snapshot && this.clock.now() - this.snapshot.takenAt <= this.settings.listingTtlMs) {
      return Promise.resolve(this.snapshot);
    }
    if (!this.snapshotInFlight) {
      this.snapshotInFlight = this.takeSnapshot().finally(() => {
        this.snapshotInFlight = undefined;
      });
    }
    return this.snapshotInFlight;
  }

  private async takeSnapshot(): Promise<GroupSnapshot> {
    const snapshot: GroupSnapshot = { takenAt: this.clock.now(), byId: new Map(), byName: new Map() };
    for await (const page of this.list()) for (const g of page) index(snapshot, g);
    this.snapshot = snapshot;
    return snapshot;
  }

  private remember(group: DomoGroupRecord): void {
    if (!this.snapshot) return;
    this.dropFromSnapshot(group.id);
    index(this.snapshot, group);
  }

  private forget(id: number): void {
    this.dropFromSnapshot(id);
    this.members.delete(id);
  }

  private dropFromSnapshot(id: number): void {
    const old = this.snapshot?.byId.get(id);
    if (!old || !this.snapshot) return;
    this.snapshot.byId.delete(id);
    if (this.snapshot.byName.get(groupNameKey(old.name))?.id === id)
      this.snapshot.byName.delete(groupNameKey(old.name));
  }
}

function index(snapshot: GroupSnapshot, group: DomoGroupRecord): void {
  snapshot.byId.set(group.id, group);
  snapshot.byName.set(groupNameKey(group.name), group);
}

function sorted(ids: Set<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}
