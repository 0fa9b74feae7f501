// @ts-nocheck
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import {
  ADMIN_ROLE_ID,
  DEFAULT_CUSTOM_ROLES,
  DEFAULT_GROUP_ID,
  DEFAULT_GROUP_NAME,
  DEFAULT_ROLE_ID,
  type GroupInput,
  GroupInputSchema,
  type GroupRecord,
  type GroupRef,
  isoSeconds,
  OPTIONAL_TEXT_FIELDS,
  type Role,
  RoleSchema,
  type StoredGroup,
  StoredGroupSchema,
  type StoredUser,
  StoredUserSchema,
  SYSTEM_ROLES,
  type UserInput,
  UserInputSchema,
} from "./model";
import { type Client, type ClientInput, ClientSchema, type Seed } from "./options";
import { GroupCommitter } from "./persist";

/** Ids look like Domo's (10 digits) and ascend, so paging by id is stable. */
export const FIRST_USER_ID = 1_000_000_001;
/** Group ids are 9 digits, so a group id can never be mistaken for a user id in a test. */
export const FIRST_GROUP_ID = 100_000_001;

export const StateFileSchema = z.object({
  format: z.literal("pulumi-domo-emulator/1"),
  nextUserId: z.int().positive(),
  /** HMAC key for access tokens, kept so tokens survive a restart like real ones would. */
  signingKey: z.string().min(16),
  /** Bumped by expireTokens(); tokens minted under an older generation are rejected. */
  tokenGeneration: z.int().min(0),
  clients: z.array(ClientSchema.required({ userId: true })),
  customRoles: z.array(RoleSchema),
  users: z.array(StoredUserSchema),
  /** Absent in files written before groups existed: then rebuilt from the users' `groups` refs. */
  nextGroupId: z.int().positive().optional(),
  groups: z.array(StoredGroupSchema).optional(),
});
export type StateFile = z.infer<typeof StateFileSchema>;

export type ResolvedClient = Client & { userId: number };

export interface StoreConfig {
  dataFile?: string;
  clients?: ClientInput[];
  seed?: Seed;
}

/**
 * The emulator's users, roles, OAuth clients and token-signing state. Mutations happen
 * synchronously in memory (so check-then-write sequences cannot interleave) and are then made
 * durable through one group committer before the caller's promise resolves.
 */
export class UserStore {
  private users = new Map<number, StoredUser>();
  private activeSorted: StoredUser[] | undefined;
  private nextUserId = FIRST_USER_ID;
  private groups = new Map<number, StoredGroup>();
  private nextGroupId = FIRST_GROUP_ID;
  private customRoles: Role[] = [];
  private clientList: ResolvedClient[] = [];
  private signingKey = "";
  private generation = 0;
  private committer: GroupCommitter | undefined;

  private constructor(private readonly dataFile: string | undefined) {}

  static async open(config: StoreConfig): Promise<UserStore> {
    const store = new UserStore(config.dataFile);
    const file = config.dataFile;
    if (file !== undefined && existsSync(file)) {
      store.load(readStateFile(file));
      if (config.clients !== undefined) store.mergeClients(config.clients);
    } else {
      store.initialise(config);
    }
    if (file !== undefined) {
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      store.committer = new GroupCommitter(
        file,
        () => JSON.stringify(store.toStateFile(), null, 2),
        // What is on disk is the last committed state; anything newer was refused to its writers.
        () => store.load(readStateFile(file)),
      );
      // Written at once so the generated credentials are durable before anyone is shown them.
      await store.commit();
    }
    return store;
  }

  // ---- public, out-of-band access (tests, admin endpoints) ----

  /** Every user, deleted ones included, ascending by id; copies, so callers cannot corrupt state. */
  listUsers(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => a.id - b.id).map((u) => structuredClone(u));
  }

  getUser(id: number): StoredUser | undefined {
    const user = this.users.get(id);
    return user === undefined ? undefined : structuredClone(user);
  }

  /**
   * Creates a user directly, skipping the API's validation (duplicates allowed) so tests can
   * build any state; only the role must exist. Missing name/email/role get placeholders.
   */
  async createUser(input: UserInput = {}): Promise<StoredUser> {
    const user = this.fromInput(UserInputSchema.parse(input), Date.now());
    await this.put(user);
    return structuredClone(user);
  }

  /** Patches a stored user directly; `updatedAt` moves to now unless the patch sets it. */
  async updateUser(id: number, patch: Partial<Omit<StoredUser, "id">>): Promise<StoredUser> {
    const current = this.users.get(id);
    if (current === undefined) throw new Error(`No user ${id}`);
    const next = StoredUserSchema.parse({
      ...current,
      ...patch,
      id,
      updatedAt: patch.updatedAt ?? isoSeconds(Date.now()),
    });
    await this.put(next);
    return structuredClone(next);
  }

  /** Tombstones a user as the API's DELETE does; false when there is no such user. */
  async deleteUser(id: number): Promise<boolean> {
    const current = this.users.get(id);
    if (current === undefined) return false;
    const now = isoSeconds(Date.now());
    await this.put({ ...current, deleted: true, deletedAt: now, updatedAt: now });
    return true;
  }

  roles(): Role[] {
    return [...SYSTEM_ROLES, ...this.customRoles].map((r) => ({ ...r }));
  }

  clients(): ResolvedClient[] {
    return this.clientList.map((c) => ({ ...c, scopes: [...c.scopes] }));
  }

  /** Every group, ascending id, with its members; copies. */
  listGroups(): GroupRecord[] {
    const members = this.membersByGroup();
    return this.sortedGroups().map((g) => ({ ...g, memberIds: members.get(g.id) ?? [] }));
  }

  getGroup(id: number): GroupRecord | undefined {
    const group = this.groups.get(id);
    return group === undefined ? undefined : { ...group, memberIds: this.memberIds(id) };
  }

  /**
   * Creates a group directly, skipping the API's checks (duplicate names allowed) so tests can
   * build any state. `memberIds` must name existing users; deleted ones are skipped.
   */
  async createGroup(input: GroupInput): Promise<GroupRecord> {
    const parsed = GroupInputSchema.parse(input);
    if (parsed.id !== undefined && this.groups.has(parsed.id)) throw new Error(`Group ${parsed.id} exists`);
    for (const userId of parsed.memberIds ?? []) {
      if (!this.users.has(userId)) throw new Error(`No user ${userId}`);
    }
    const now = isoSeconds(Date.now());
    const group: StoredGroup = {
      id: parsed.id ?? this.allocateGroupId(),
      name: parsed.name,
      active: parsed.active ?? true,
      default: parsed.default ?? false,
      createdAt: now,
      updatedAt: now,
    };
    if (parsed.creatorId !== undefined) group.creatorId = parsed.creatorId;
    this.setGroup(group);
    for (const userId of parsed.memberIds ?? []) this.setMembership(group.id, userId, true);
    await this.commit();
    return this.getGroup(group.id) as GroupRecord;
  }

  /** Patches a group directly (a rename shows in every member's `groups`). */
  async updateGroup(
    id: number,
    patch: Partial<Pick<StoredGroup, "name" | "active" | "default" | "creatorId">>,
  ): Promise<GroupRecord> {
    const current = this.groups.get(id);
    if (current === undefined) throw new Error(`No group ${id}`);
    const next = StoredGroupSchema.parse({ ...current, ...patch, id, updatedAt: isoSeconds(Date.now()) });
    await this.putGroup(next);
    return this.getGroup(id) as GroupRecord;
  }

  /** Deletes a group and takes it off every member; false when there is no such group. */
  async deleteGroup(id: number): Promise<boolean> {
    if (!this.groups.has(id)) return false;
    await this.removeGroup(id);
    return true;
  }

  /** Adds a user to a group; false when it already was a member. Deleted users cannot join. */
  async addMember(groupId: number, userId: number): Promise<boolean> {
    this.requireMembership(groupId, userId);
    const changed = this.setMembership(groupId, userId, true);
    await this.commit();
    return changed;
  }

  /** Takes a user out of a group; false when it was not a member. */
  async removeMember(groupId: number, userId: number): Promise<boolean> {
    this.requireMembership(groupId, userId);
    const changed = this.setMembership(groupId, userId, false);
    await this.commit();
    return changed;
  }

  // ---- internal, for the routes ----

  roleById(id: number): Role | undefined {
    return SYSTEM_ROLES.find((r) => r.id === id) ?? this.customRoles.find((r) => r.id === id);
  }

  roleByName(name: string): Role | undefined {
    return SYSTEM_ROLES.find((r) => r.name === name) ?? this.customRoles.find((r) => r.name === name);
  }

  findClient(clientId: string): ResolvedClient | undefined {
    return this.clientList.find((c) => c.clientId === clientId);
  }

  /** The live record; callers must treat it as immutable and write changes through put(). */
  peek(id: number): StoredUser | undefined {
    return this.users.get(id);
  }

  /** Users not deleted, ascending id; cached because listing is the hot read path. */
  activeUsers(): readonly StoredUser[] {
    if (this.activeSorted === undefined) {
      this.activeSorted = [...this.users.values()].filter((u) => !u.deleted).sort((a, b) => a.id - b.id);
    }
    return this.activeSorted;
  }

  /** Deleted users do not hold on to their email: Domo deletion is permanent. */
  findActiveByEmail(email: string, caseInsensitive: boolean, exceptId?: number): StoredUser | undefined {
    const wanted = caseInsensitive ? email.toLowerCase() : email;
    return this.activeUsers().find(
      (u) => u.id !== exceptId && (caseInsensitive ? u.email.toLowerCase() : u.email) === wanted,
    );
  }

  countActiveAdmins(): number {
    return this.activeUsers().filter((u) => u.roleId === ADMIN_ROLE_ID).length;
  }

  allocateId(): number {
    const id = this.nextUserId;
    this.nextUserId += 1;
    return id;
  }

  // ---- groups, for the routes ----

  /** The live record; callers must treat it as immutable and write changes through putGroup(). */
  peekGroup(id: number): StoredGroup | undefined {
    return this.groups.get(id);
  }

  sortedGroups(): StoredGroup[] {
    return [...this.groups.values()].sort((a, b) => a.id - b.id);
  }

  findGroupByName(name: string, caseInsensitive: boolean, exceptId?: number): StoredGroup | undefined {
    const wanted = caseInsensitive ? name.toLowerCase() : name;
    return this.sortedGroups().find(
      (g) => g.id !== exceptId && (caseInsensitive ? g.name.toLowerCase() : g.name) === wanted,
    );
  }

  /** Active members of a group, ascending user id. */
  memberIds(groupId: number): number[] {
    return this.activeUsers()
      .filter((u) => u.groups.some((g) => g.id === groupId))
      .map((u) => u.id);
  }

  /** Active members of every group, in one pass over the users. */
  membersByGroup(): Map<number, number[]> {
    const members = new Map<number, number[]>();
    for (const user of this.activeUsers()) {
      for (const ref of user.groups) {
        const list = members.get(ref.id);
        if (list === undefined) members.set(ref.id, [user.id]);
        else list.push(user.id);
      }
    }
    return members;
  }

  /** What a new user's `groups` starts as: every active group flagged `default`, ascending id. */
  defaultGroupRefs(): GroupRef[] {
    return this.sortedGroups()
      .filter((g) => g.active && g.default)
      .map((g) => ({ id: g.id, name: g.name }));
  }

  allocateGroupId(): number {
    const id = this.nextGroupId;
    this.nextGroupId += 1;
    return id;
  }

  /** Stores a group (a new name is copied into every member's `groups`), then resolves once durable. */
  putGroup(group: StoredGroup): Promise<void> {
    this.setGroup(group);
    return this.commit();
  }

  /** Deletes a group and its memberships, then resolves once durable. */
  removeGroup(id: number): Promise<void> {
    this.groups.delete(id);
    for (const user of this.users.values()) {
      if (user.groups.some((g) => g.id === id)) {
        this.users.set(user.id, { ...user, groups: user.groups.filter((g) => g.id !== id) });
      }
    }
    this.activeSorted = undefined;
    return this.commit();
  }

  /** Adds or removes one membership in memory; true when it changed anything. Commit separately. */
  setMembership(groupId: number, userId: number, member: boolean): boolean {
    const user = this.users.get(userId);
    const group = this.groups.get(groupId);
    if (user === undefined || group === undefined || user.deleted) return false;
    const has = user.groups.some((g) => g.id === groupId);
    if (has === member) return false;
    const groups = member
      ? [...user.groups, { id: group.id, name: group.name }]
      : user.groups.filter((g) => g.id !== groupId);
    this.users.set(userId, { ...user, groups });
    this.activeSorted = undefined;
    return true;
  }

  /** Makes the in-memory membership change durable (after setMembership()). */
  commitMembership(): Promise<void> {
    return this.commit();
  }

  /**
   * Stores the record synchronously, then resolves once it is durable. Rejects (and the change is
   * rolled back) if the data file could not be written.
   */
  put(user: StoredUser): Promise<void> {
    this.users.set(user.id, this.withGroupRefs(user));
    if (user.id >= this.nextUserId) this.nextUserId = user.id + 1;
    this.activeSorted = undefined;
    return this.commit();
  }

  tokenState(): { signingKey: Buffer; generation: number } {
    return { signingKey: Buffer.from(this.signingKey, "base64url"), generation: this.generation };
  }

  bumpTokenGeneration(): Promise<void> {
    this.generation += 1;
    return this.commit();
  }

  /** Resolves when every write so far is on disk (or has failed). */
  async flush(): Promise<void> {
    await this.committer?.flush();
  }

  // ---- state handling ----

  private commit(): Promise<void> {
    return this.committer === undefined ? Promise.resolve() : this.committer.commit();
  }

  private setGroup(group: StoredGroup): void {
    const renamed = this.groups.get(group.id)?.name !== group.name;
    this.groups.set(group.id, group);
    if (group.id >= this.nextGroupId && group.id >= FIRST_GROUP_ID) this.nextGroupId = group.id + 1;
    if (!renamed) return;
    for (const user of this.users.values()) {
      if (user.groups.some((g) => g.id === group.id)) {
        const groups = user.groups.map((g) => (g.id === group.id ? { id: g.id, name: group.name } : g));
        this.users.set(user.id, { ...user, groups });
      }
    }
    this.activeSorted = undefined;
  }

  /**
   * A user's `groups` as the store keeps them: a deleted user is in no group; each ref carries its
   * group's current name; a ref to a group not yet known (seeds, out-of-band writes, old data
   * files) creates that group, named as the ref names it.
   */
  private withGroupRefs(user: StoredUser): StoredUser {
    if (user.deleted) return user.groups.length === 0 ? user : { ...user, groups: [] };
    const seen = new Set<number>();
    const groups: GroupRef[] = [];
    for (const ref of user.groups) {
      if (seen.has(ref.id)) continue;
      seen.add(ref.id);
      let group = this.groups.get(ref.id);
      if (group === undefined) {
        const now = isoSeconds(Date.now());
        group = {
          id: ref.id,
          name: ref.name,
          active: true,
          default: ref.id === DEFAULT_GROUP_ID,
          createdAt: now,
          updatedAt: now,
        };
        this.setGroup(group);
      }
      groups.push({ id: group.id, name: group.name });
    }
    return { ...user, groups };
  }

  private requireMembership(groupId: number, userId: number): void {
    if (!this.groups.has(groupId)) throw new Error(`No group ${groupId}`);
    const user = this.users.get(userId);
    if (user === undefined) throw new Error(`No user ${userId}`);
    if (user.deleted) throw new Error(`User ${userId} has been deleted`);
  }

  private seedDefaultGroup(): void {
    const now = isoSeconds(Date.now());
    this.groups = new Map();
    this.nextGroupId = FIRST_GROUP_ID;
    this.setGroup({
      id: DEFAULT_GROUP_ID,
      name: DEFAULT_GROUP_NAME,
      active: true,
      default: true,
      createdAt: now,
      updatedAt: now,
    });
  }

  private initialise(config: StoreConfig): void {
    this.signingKey = randomBytes(32).toString("base64url");
    this.customRoles = (config.seed?.roles ?? DEFAULT_CUSTOM_ROLES).map((r) => ({ ...r }));
    for (const role of this.customRoles) {
      if (SYSTEM_ROLES.some((s) => s.id === role.id || s.name === role.name)) {
        throw new Error(`Custom role ${role.id} "${role.name}" clashes with a system role`);
      }
    }
    const now = Date.now();
    this.seedDefaultGroup();
    const seedGroups = (config.seed?.groups ?? []).map((g) => GroupInputSchema.parse(g));
    for (const group of seedGroups) {
      if (group.id !== undefined && group.id >= this.nextGroupId) this.nextGroupId = group.id + 1;
    }
    const seedGroupIds: number[] = [];
    for (const group of seedGroups) {
      const id = group.id ?? this.allocateGroupId();
      if (seedGroupIds.includes(id)) throw new Error(`Seed has two groups with id ${id}`);
      seedGroupIds.push(id);
      const stamp = isoSeconds(now);
      this.setGroup({
        id,
        name: group.name,
        active: group.active ?? true,
        default: group.default ?? id === DEFAULT_GROUP_ID,
        ...(group.creatorId === undefined ? {} : { creatorId: group.creatorId }),
        createdAt: stamp,
        updatedAt: stamp,
      });
    }
    const seedUsers = (config.seed?.users ?? []).map((u) => UserInputSchema.parse(u));
    const seedsHaveAdmin = seedUsers.some((u) => !u.deleted && this.resolveSeedRole(u) === ADMIN_ROLE_ID);
    const inputs = seedsHaveAdmin
      ? seedUsers
      : [
          UserInputSchema.parse({ name: "Domo Admin", email: "admin@example.com", role: "Admin" }),
          ...seedUsers,
        ];
    // Explicit ids first so generated ids never collide with them.
    for (const input of inputs) {
      if (input.id !== undefined && input.id >= this.nextUserId) this.nextUserId = input.id + 1;
    }
    for (const input of inputs) {
      const user = this.fromInput(input, now);
      if (this.users.has(user.id)) throw new Error(`Seed has two users with id ${user.id}`);
      this.users.set(user.id, this.withGroupRefs(user));
    }
    seedGroups.forEach((group, at) => {
      for (const userId of group.memberIds ?? []) {
        if (!this.users.has(userId))
          throw new Error(`Seed group "${group.name}" names unknown user ${userId}`);
        this.setMembership(seedGroupIds[at] as number, userId, true);
      }
    });
    this.activeSorted = undefined;
    this.clientList = [];
    this.mergeClients(
      config.clients ?? [
        { clientId: randomUUID(), clientSecret: randomBytes(32).toString("hex"), scopes: ["user", "data"] },
      ],
    );
  }

  private mergeClients(inputs: ClientInput[]): void {
    const owner = this.activeUsers().find((u) => u.roleId === ADMIN_ROLE_ID) ?? this.activeUsers()[0];
    for (const input of inputs) {
      const client = ClientSchema.parse(input);
      const userId = client.userId ?? owner?.id;
      if (userId === undefined) throw new Error("No user for the OAuth client to act as");
      const resolved: ResolvedClient = { ...client, userId };
      const at = this.clientList.findIndex((c) => c.clientId === client.clientId);
      if (at >= 0) this.clientList[at] = resolved;
      else this.clientList.push(resolved);
    }
  }

  private resolveSeedRole(input: z.infer<typeof UserInputSchema>): number {
    if (input.roleId !== undefined) {
      const id = Number(input.roleId);
      if (this.roleById(id) === undefined) throw new Error(`Unknown roleId ${input.roleId}`);
      return id;
    }
    if (input.role !== undefined) {
      const role = this.roleByName(input.role);
      if (role === undefined) throw new Error(`Unknown role "${input.role}"`);
      return role.id;
    }
    return DEFAULT_ROLE_ID;
  }

  private fromInput(input: z.infer<typeof UserInputSchema>, nowMs: number): StoredUser {
    const id = input.id ?? this.allocateId();
    const now = isoSeconds(nowMs);
    const user: StoredUser = {
      id,
      name: input.name ?? `User ${id}`,
      email: input.email ?? `user${id}@example.com`,
      roleId: this.resolveSeedRole(input),
      createdAt: input.createdAt ?? now,
      updatedAt: input.updatedAt ?? input.createdAt ?? now,
      groups: (input.groups ?? this.defaultGroupRefs()).map((g) => ({ ...g })),
    };
    for (const field of OPTIONAL_TEXT_FIELDS) {
      const value = input[field];
      if (value !== undefined) user[field] = value;
    }
    if (input.employeeNumber !== undefined) user.employeeNumber = Number(input.employeeNumber);
    if (input.deleted) {
      user.deleted = true;
      user.deletedAt = user.updatedAt;
    }
    if (input.ownsContent) user.ownsContent = true;
    if (input.invited) user.invited = true;
    return StoredUserSchema.parse(user);
  }

  private load(state: StateFile): void {
    if (state.groups === undefined) {
      // A data file from before groups: the Default group plus every group its users name.
      this.seedDefaultGroup();
      this.users = new Map();
      for (const user of state.users) this.users.set(user.id, this.withGroupRefs(user));
    } else {
      this.groups = new Map(state.groups.map((g) => [g.id, g]));
      this.nextGroupId = state.nextGroupId ?? FIRST_GROUP_ID;
      this.users = new Map(state.users.map((u) => [u.id, u]));
    }
    this.activeSorted = undefined;
    this.nextUserId = state.nextUserId;
    this.customRoles = state.customRoles;
    this.clientList = state.clients;
    this.signingKey = state.signingKey;
    this.generation = state.tokenGeneration;
  }

  private toStateFile(): StateFile {
    return {
      format: "pulumi-domo-emulator/1",
      nextUserId: this.nextUserId,
      signingKey: this.signingKey,
      tokenGeneration: this.generation,
      clients: this.clientList,
      customRoles: this.customRoles,
      users: [...this.users.values()].sort((a, b) => a.id - b.id),
      nextGroupId: this.nextGroupId,
      groups: this.sortedGroups(),
    };
  }
}

function readStateFile(file: string): StateFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`Emulator data file ${file} is not readable JSON: ${String(error)}`);
  }
  const parsed = StateFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Emulator data file ${file} is not emulator state:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
