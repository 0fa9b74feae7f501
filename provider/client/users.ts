import { definedOnly } from "../model/text";
import { normaliseEmail } from "../model/user";
import type { ClientSettings } from "./config";
import { type ApiDeps, ListedApi } from "./listing";
import type { DebugLog } from "./log";
import { type DomoUserRecord, domoUserListSchema, domoUserSchema, type UserWrite } from "./schemas";
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

/**
 * The Users API. Reads that many resources make at once (refresh, adopt-by-email) are served
 * from one shared listing per process (see ListedApi).
 */
export class UsersApi extends ListedApi<DomoUserRecord> {
  constructor(transport: Transport, settings: ClientSettings, log: DebugLog, deps: ApiDeps = {}) {
    super(transport, settings, log, deps, (u) => (u.email ? normaliseEmail(u.email) : undefined));
  }

  /** Every live user, page by page, in Domo's ascending-id order. */
  list(pageSize = maxPageSize): AsyncGenerator<DomoUserRecord[]> {
    const limit = { pageSize, ceiling: maxPageSize };
    return this.paged(
      "/v1/users",
      domoUserListSchema,
      limit,
      (u) => u.id,
      (u) => !u.deleted,
    );
  }

  /** The user, or undefined when Domo says 404 or answers with a deleted tombstone. */
  async get(id: number): Promise<DomoUserRecord | undefined> {
    const user = await this.getAt(`/v1/users/${id}`, domoUserSchema);
    return user?.deleted ? undefined : user;
  }

  /** Case-insensitive lookup by email over the shared listing. */
  async findByEmail(email: string, options: { fresh?: boolean } = {}): Promise<DomoUserRecord | undefined> {
    return this.findBy(normaliseEmail(email), options.fresh);
  }

  /** Live users with the Admin role (for the last-Admin guard). */
  async admins(): Promise<DomoUserRecord[]> {
    const snapshot = await this.listing();
    return [...snapshot.byId.values()].filter((u) => u.role === "Admin");
  }

  /** POST a new user, never blindly repeated (see createOnce): a fault never duplicates an account. */
  create(user: UserWrite & { email: string }, options: { sendInvite: boolean }): Promise<DomoUserRecord> {
    return this.createOnce({
      what: user.email,
      by: "email",
      noun: "user",
      post: () =>
        this.transport.request("POST", "/v1/users", {
          query: { sendInvite: options.sendInvite },
          body: definedOnly(user),
          schema: domoUserSchema,
        }),
      lookup: () => this.findByEmail(user.email, { fresh: true }),
    });
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
    const path = `/v1/users/${id}`;
    return this.updateAt("user", id, path, (current) => {
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
      return this.transport.request("PUT", path, {
        body: { id, ...body },
        schema: domoUserSchema.optional(),
      });
    });
  }

  /** Returns false when the user was already gone (404 counts as success). */
  delete(id: number): Promise<boolean> {
    return this.deleteAt(id, `/v1/users/${id}`);
  }
}
