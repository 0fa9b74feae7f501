// @ts-nocheck
import { definedOnly } from "../model/text";
import { normaliseEmail } from "../model/user";
import type { ClientSettings } from "./config";
import { DomoError, isDomoError } from "./errors";
import type { DebugLog } from "./log";
import { clockFrom, type RetryClock, type RetryPolicy, RetryRun, retryPolicy, sleep } from "./retry";
import {
  type DomoUserRecord,
  domoUserListSchema,
  domoUserSchema,
  type UserWrite,
  userWriteFields,
} from "./schemas";
import type { Transport } from "./transport";

/** Keys Domo sets and answers on a read, never written back on a PUT. */
const readOnlyUserKeys: ReadonlySet<string> = new Set([
  "id",
  "groups",
  "deleted",
  "image",
  "createdAt",
  "updatedAt",
]);

/** Domo's page size ceiling for GET /v1/users. */
export const maxPageSize = 500;

interface Snapshot {
  takenAt: number;
  byId: Map<number, DomoUserRecord>;
  byEmail: Map<string, DomoUserRecord>;
}

/**
 * The Users API. Reads that many resources make at once (refresh, adopt-by-email) are served
 * from one shared listing per process (N reads cost N/500 pages, not N GETs); writes made
 * through this object keep that listing current.
 */
export class UsersApi {
  private snapshot: Snapshot | undefined;
  private snapshotInFlight: Promise<Snapshot> | undefined;
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

  /** Every live user, page by page, in Domo's ascending-id order. */
  async *list(pageSize = maxPageSize): AsyncGenerator<DomoUserRecord[]> {
    const limit = Math.min(Math.max(1, pageSize), maxPageSize);
    // Dedupe by id: if users are created while we page, offsets can shift and repeat one.
    const seen = new Set<number>();
    for (let offset = 0; ; offset += limit) {
      const page = await this.transport.request("GET", "/v1/users", {
        query: { limit, offset },
        schema: domoUserListSchema,
      });
      const fresh = page.filter((u) => !u.deleted && !seen.has(u.id));
      for (const u of fresh) seen.add(u.id);
      if (fresh.length > 0) yield fresh;
      if (page.length < limit) return;
    }
  }

  async listAll(onProgress?: (count: number) => void): Promise<DomoUserRecord[]> {
    const all: DomoUserRecord[] = [];
    for await (const page of this.list()) {
      all.push(...page);
      onProgress?.(all.length);
    }
    return all;
  }

  /** The user, or undefined when Domo says 404 or answers with a deleted tombstone. */
  async get(id: number): Promise<DomoUserRecord | undefined> {
    try {
      const user = await this.transport.request("GET", `/v1/users/${id}`, { schema: domoUserSchema });
      return user.deleted ? undefined : user;
    } catch (e) {
      if (isDomoError(e, "not_found")) return undefined;
      throw e;
    }
  }

  /**
   * Like get, but served from the shared listing when it holds the id; falls back to a GET
   * for ids the listing does not hold (deleted, or created after it was taken).
   */
  async getCached(id: number): Promise<DomoUserRecord | undefined> {
    const snapshot = await this.listing();
    return snapshot.byId.get(id) ?? (await this.get(id));
  }

  /** Case-insensitive lookup by email over the shared listing. */
  async findByEmail(email: string, options: { fresh?: boolean } = {}): Promise<DomoUserRecord | undefined> {
    if (options.fresh) this.snapshot = undefined;
    return (await this.listing()).byEmail.get(normaliseEmail(email));
  }

  /** Live users with the Admin role (for the last-Admin guard). */
  async admins(): Promise<DomoUserRecord[]> {
    const snapshot = await this.listing();
    return [...snapshot.byId.values()].filter((u) => u.role === "Admin");
  }

  /**
   * POST a new user. A create is never blindly repeated: when its outcome is unknown (a lost
   * response, a timeout, a 5xx), we look the email up first and only post again if Domo has
   * no such user. So a fault can cost a retry, never a duplicate account.
   */
  async create(
    user: UserWrite & { email: string },
    options: { sendInvite: boolean },
  ): Promise<DomoUserRecord> {
    const run = new RetryRun(this.policy, this.clock);
    for (;;) {
      let failure: DomoError;
      try {
        const created = await this.transport.request("POST", "/v1/users", {
          query: { sendInvite: options.sendInvite },
          body: definedOnly(user),
          schema: domoUserSchema,
        });
        this.remember(created);
        return created;
      } catch (e) {
        const unknownOutcome = isDomoError(e) && (e.maybeCommitted || e.kind === "server");
        if (!unknownOutcome) throw e;
        failure = e;
      }
      run.attempted(failure.attempts);
      // Posting again is safe only because the look-up below comes first.
      const verdict = run.next(failure, { idempotent: true });
      this.log.write(`create of ${user.email}: outcome unknown (${failure.kind}); checking by email`);
      // Look the email up after the last attempt too: giving up without looking would leave a
      // committed account outside Pulumi's state, and the re-run would call it a conflict.
      await sleep(verdict.retry ? verdict.waitMs : run.settleDelay());
      let existing: DomoUserRecord | undefined;
      try {
        existing = await this.findByEmail(user.email, { fresh: true });
      } catch (lookupError) {
        throw verdict.retry ? lookupError : verdict.error;
      }
      if (existing) {
        this.log.write(`create of ${user.email} had committed as user ${existing.id}`);
        return existing;
      }
      if (!verdict.retry) throw verdict.error;
    }
  }

  /**
   * Domo's PUT wants the whole object ("all user fields are required"): read the user, merge
   * the declared fields over it, clear the fields listed in `clear`, and send it all back.
   */
  async update(
    id: number,
    fields: UserWrite,
    options: { clear?: readonly string[] } = {},
  ): Promise<DomoUserRecord> {
    const current = await this.get(id);
    if (!current) {
      throw new DomoError({
        kind: "not_found",
        method: "PUT",
        path: `/v1/users/${id}`,
        message: `Domo user ${id} no longer exists; run \`pulumi refresh\` so Pulumi recreates it`,
      });
    }
    // Everything the read answered goes back (fields the model does not declare, such as
    // department or employeeId, included), except what Domo sets itself: a Domo whose PUT
    // replaces the whole object would otherwise clear them on every update.
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(current)) {
      if (value !== undefined && !readOnlyUserKeys.has(key)) body[key] = value;
    }
    Object.assign(body, definedOnly(fields));
    // A role name wins over a stale roleId carried from the read, and vice versa.
    if (fields.role !== undefined && fields.roleId === undefined) delete body.roleId;
    if (fields.roleId !== undefined && fields.role === undefined) delete body.role;
    for (const key of options.clear ?? []) body[key] = key === "employeeNumber" ? null : "";
    const updated = await this.transport.request("PUT", `/v1/users/${id}`, {
      body: { id, ...body },
      schema: domoUserSchema.optional(),
    });
    // Some Domo clients see 204 here: then the write is all we know, so read it back.
    const result = updated ?? (await this.get(id));
    if (!result)
      throw new DomoError({ kind: "not_found", message: `Domo user ${id} vanished during update` });
    this.remember(result);
    return result;
  }

  /** Returns false when the user was already gone (404 counts as success). */
  async delete(id: number): Promise<boolean> {
    try {
      await this.transport.request("DELETE", `/v1/users/${id}`);
      this.forget(id);
      return true;
    } catch (e) {
      if (isDomoError(e, "not_found")) {
        this.forget(id);
        return false;
      }
      throw e;
    }
  }

  private listing(): Promise<Snapshot> {
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

  private async takeSnapshot(): Promise<Snapshot> {
    const snapshot: Snapshot = { takenAt: this.clock.now(), byId: new Map(), byEmail: new Map() };
    for await (const page of this.list()) {
      for (const user of page) index(snapshot, user);
    }
    this.snapshot = snapshot;
    return snapshot;
  }

  private remember(user: DomoUserRecord): void {
    if (this.snapshot) {
      this.forget(user.id);
      index(this.snapshot, user);
    }
  }

  private forget(id: number): void {
    const old = this.snapshot?.byId.get(id);
    if (!old || !this.snapshot) return;
    this.snapshot.byId.delete(id);
    if (old.email) this.snapshot.byEmail.delete(normaliseEmail(old.email));
  }
}

function index(snapshot: Snapshot, user: DomoUserRecord): void {
  snapshot.byId.set(user.id, user);
  if (user.email) snapshot.byEmail.set(normaliseEmail(user.email), user);
}
