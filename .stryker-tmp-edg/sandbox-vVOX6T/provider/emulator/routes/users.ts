// @ts-nocheck
import { ApiError } from "../errors";
import { type ApiResponse, parseJson } from "../http";
import {
  ADMIN_ROLE_ID,
  type ApiUser,
  isoSeconds,
  OPTIONAL_TEXT_FIELDS,
  type RenderContext,
  type Role,
  type StoredUser,
  toApiUser,
  toTombstone,
  type UserWrite,
  UserWriteSchema,
} from "../model";
import type { Behaviour } from "../options";
import type { UserStore } from "../store";

export interface UsersDeps {
  store: UserStore;
  behaviour: () => Behaviour;
  customer: string;
}

export interface UsersRequest {
  id?: string;
  /** The `{userId}` of /v1/groups/{id}/users/{userId}. */
  userId?: string;
  /** The user the bearer token acts as. */
  actingUserId?: number;
  query: URLSearchParams;
  body: Buffer;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export class UsersRoutes {
  private readonly render: RenderContext;

  constructor(private readonly deps: UsersDeps) {
    this.render = { customer: deps.customer, roleName: (id) => deps.store.roleById(id)?.name };
  }

  async create(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const invite = parseSendInvite(req.query);
    const input = parseWriteBody(req.body);
    const name = requiredText(input.name, "name");
    const email = this.normaliseEmail(requiredText(input.email, "email"));
    const roleId = this.createRole(input, behaviour).id;
    const { store } = this.deps;
    this.refuseDuplicateEmail(email);
    const id = store.allocateId();
    const now = isoSeconds(Date.now());
    const user: StoredUser = {
      id,
      name,
      email,
      roleId,
      createdAt: now,
      updatedAt: now,
      groups: store.defaultGroupRefs(),
    };
    applyOptionalFields(user, input, "merge");
    if (invite) user.invited = true;
    await this.commit(user);
    return { status: behaviour.createStatus, body: toApiUser(user, this.render, { omitLocale: true }) };
  }

  list(req: UsersRequest): ApiResponse {
    const { limit, offset } = pageParams(req.query, this.deps.behaviour());
    const page = this.deps.store.activeUsers().slice(offset, offset + limit);
    return { status: 200, body: page.map((u) => toApiUser(u, this.render)) };
  }

  get(req: UsersRequest): ApiResponse {
    const user = this.existing(req.id);
    return { status: 200, body: user.deleted ? toTombstone(user) : toApiUser(user, this.render) };
  }

  async update(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const id = parseUserId(req.id);
    const input = parseWriteBody(req.body);
    const current = this.existing(req.id);
    if (current.deleted) throw new ApiError(behaviour.putDeletedStatus, `User ${id} has been deleted`);
    const complete = behaviour.putMode !== "merge";
    if (complete) {
      for (const field of ["name", "email"] as const) requiredText(input[field], field);
      if (blank(input.role) && blank(input.roleId)) throw new ApiError(400, "Missing required field: role");
    }
    const next: StoredUser = { ...current, groups: current.groups.map((g) => ({ ...g })) };
    if (input.name !== undefined) next.name = requiredText(input.name, "name");
    if (input.email !== undefined) next.email = this.normaliseEmail(requiredText(input.email, "email"));
    if (input.role === null || input.role === "") throw new ApiError(400, "role must not be empty");
    next.roleId = this.updatedRole(input, current.roleId);
    applyOptionalFields(next, input, behaviour.putMode === "replace" ? "replace" : "merge");
    if (
      current.roleId === ADMIN_ROLE_ID &&
      next.roleId !== ADMIN_ROLE_ID &&
      behaviour.deleteLastAdmin === "refuse" &&
      this.deps.store.countActiveAdmins() <= 1
    ) {
      throw new ApiError(400, "Cannot change the role of the last Admin");
    }
    if (next.email !== current.email) this.refuseDuplicateEmail(next.email, id);
    next.updatedAt = isoSeconds(Date.now());
    await this.commit(next);
    if (behaviour.putStatus === 204) return { status: 204 };
    return { status: 200, body: toApiUser(next, this.render) };
  }

  async remove(req: UsersRequest): Promise<ApiResponse> {
    const behaviour = this.deps.behaviour();
    const user = this.existing(req.id);
    if (user.deleted) {
      if (behaviour.deleteDeletedStatus === 204) return { status: 204 };
      throw new ApiError(404, `User ${user.id} not found`);
    }
    if (user.ownsContent) {
      throw new ApiError(
        behaviour.ownsContentStatus,
        `User ${user.id} owns DataSets or DataFlows; transfer their ownership before deleting the user`,
      );
    }
    if (
      user.roleId === ADMIN_ROLE_ID &&
      behaviour.deleteLastAdmin === "refuse" &&
      this.deps.store.countActiveAdmins() <= 1
    ) {
      throw new ApiError(400, "Cannot delete the last Admin");
    }
    const now = isoSeconds(Date.now());
    await this.commit({ ...user, deleted: true, deletedAt: now, updatedAt: now });
    return { status: 204 };
  }

  bulkEmails(req: UsersRequest): ApiResponse {
    const body = parseJson(req.body);
    if (!Array.isArray(body) || !body.every((e): e is string => typeof e === "string")) {
      throw new ApiError(400, "Request body must be a JSON array of email addresses");
    }
    const wanted = new Set(body.map((e) => e.trim().toLowerCase()));
    const found: ApiUser[] = [];
    for (const user of this.deps.store.activeUsers()) {
      if (wanted.has(user.email.toLowerCase())) found.push(toApiUser(user, this.render));
    }
    return { status: 200, body: found };
  }

  // ---- helpers ----

  private existing(rawId: string | undefined): StoredUser {
    const id = parseUserId(rawId);
    const user = this.deps.store.peek(id);
    if (user === undefined) throw new ApiError(404, `User ${id} not found`);
    return user;
  }

  private async commit(user: StoredUser): Promise<void> {
    try {
      await this.deps.store.put(user);
    } catch {
      throw new ApiError(500, "Could not save the user; the change was not applied");
    }
  }

  private normaliseEmail(raw: string): string {
    const email = raw.trim();
    if (!EMAIL_SHAPE.test(email)) throw new ApiError(400, `Invalid email address: ${email}`);
    return this.deps.behaviour().storeEmailLowercase ? email.toLowerCase() : email;
  }

  private refuseDuplicateEmail(email: string, exceptId?: number): void {
    const behaviour = this.deps.behaviour();
    if (this.deps.store.findActiveByEmail(email, behaviour.emailCaseInsensitive, exceptId) !== undefined) {
      throw new ApiError(behaviour.duplicateEmailStatus, `There is already a user with the email ${email}`);
    }
  }

  private lookupRoleName(name: string): Role {
    const role = this.deps.store.roleByName(name);
    if (role === undefined) throw new ApiError(400, `Invalid role: ${name}`);
    return role;
  }

  private lookupRoleId(raw: number | string): Role {
    const id = Number(raw);
    const role = Number.isSafeInteger(id) ? this.deps.store.roleById(id) : undefined;
    if (role === undefined) throw new ApiError(400, `Invalid roleId: ${String(raw).trim()}`);
    return role;
  }

  private createRole(input: UserWrite, behaviour: Behaviour): Role {
    const byName = blank(input.role) ? undefined : this.lookupRoleName(String(input.role));
    if (blank(input.roleId) || input.roleId === undefined || input.roleId === null) {
      if (byName === undefined) throw new ApiError(400, "Missing required field: role");
      return byName;
    }
    if (byName === undefined && !behaviour.createAcceptsRoleIdAlone) {
      throw new ApiError(400, "Missing required field: role");
    }
    const byId = this.lookupRoleId(input.roleId);
    if (byName !== undefined && byName.id !== byId.id) {
      throw new ApiError(400, `role ${byName.name} does not match roleId ${byId.id}`);
    }
    return byId;
  }

  /**
   * Read-modify-write clients echo both fields back and change only one, so whichever differs
   * from the stored role is the intended change; both changing to different roles is a conflict.
   */
  private updatedRole(input: UserWrite, current: number): number {
    const byName = blank(input.role) ? undefined : this.lookupRoleName(String(input.role));
    const byId =
      input.roleId === undefined || input.roleId === null || blank(input.roleId)
        ? undefined
        : this.lookupRoleId(input.roleId);
    const nameChanges = byName !== undefined && byName.id !== current;
    const idChanges = byId !== undefined && byId.id !== current;
    if (nameChanges && idChanges && byName.id !== byId.id) {
      throw new ApiError(400, `role ${byName.name} does not match roleId ${byId.id}`);
    }
    if (nameChanges) return byName.id;
    if (idChanges) return byId.id;
    return current;
  }
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

function requiredText(value: string | null | undefined, field: string): string {
  if (value === undefined) throw new ApiError(400, `Missing required field: ${field}`);
  if (value === null || value.trim() === "") throw new ApiError(400, `${field} must not be empty`);
  return value;
}

/**
 * `undefined` leaves a field alone (merge) or clears it (replace); `null` and `""` clear it.
 * Domo omits unset fields rather than answering null, so clearing means deleting the key.
 */
function applyOptionalFields(user: StoredUser, input: UserWrite, mode: "merge" | "replace"): void {
  for (const field of OPTIONAL_TEXT_FIELDS) {
    const value = input[field];
    if (value === undefined && mode === "merge") continue;
    if (value === undefined || value === null || value === "") delete user[field];
    else user[field] = value;
  }
  const number = input.employeeNumber;
  if (number === undefined && mode === "merge") return;
  if (number === undefined || number === null || (typeof number === "string" && number.trim() === "")) {
    delete user.employeeNumber;
    return;
  }
  const parsed = Number(number);
  if (!Number.isSafeInteger(parsed)) throw new ApiError(400, "employeeNumber must be an integer");
  user.employeeNumber = parsed;
}

function parseWriteBody(body: Buffer): UserWrite {
  const json = parseJson(body);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ApiError(400, "Request body must be a JSON object");
  }
  const parsed = UserWriteSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "body";
    throw new ApiError(400, `Invalid value for ${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

function parseUserId(raw: string | undefined): number {
  return parsePathId(raw, "user");
}

/** A numeric path segment; anything else is 400, as a Spring type mismatch is. */
export function parsePathId(raw: string | undefined, what: "user" | "group"): number {
  const id = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new ApiError(400, `Invalid ${what} id: ${raw ?? ""}`);
  return id;
}

/**
 * `limit`/`offset` of a listing: limit defaults to `defaultLimit` (null = no limit), at most
 * 500; out-of-range values are clamped or refused by `limitOutOfRange`; non-integers are 400.
 */
export function pageParams(
  query: URLSearchParams,
  behaviour: Behaviour,
  defaultLimit: number | null = DEFAULT_LIMIT,
): { limit: number; offset: number } {
  let limit = intParam(query, "limit") ?? defaultLimit;
  let offset = intParam(query, "offset") ?? 0;
  if (limit === null) limit = Number.MAX_SAFE_INTEGER;
  else if (limit < 1 || limit > MAX_LIMIT) {
    if (behaviour.limitOutOfRange === "error") {
      throw new ApiError(400, `limit must be between 1 and ${MAX_LIMIT}`);
    }
    limit = Math.min(MAX_LIMIT, Math.max(1, limit));
  }
  if (offset < 0) {
    if (behaviour.limitOutOfRange === "error") throw new ApiError(400, "offset must not be negative");
    offset = 0;
  }
  return { limit, offset };
}

/** pydomo sends `True`/`False`; any casing of true/false is accepted. */
function parseSendInvite(query: URLSearchParams): boolean {
  const raw = query.get("sendInvite");
  if (raw === null || raw === "") return false;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new ApiError(400, `Invalid value for sendInvite: ${raw}`);
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw.trim() === "") return undefined;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw new ApiError(400, `Invalid value for ${name}: ${raw}`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new ApiError(400, `Invalid value for ${name}: ${raw}`);
  return value;
}
