import { z } from "zod";
import { FaultSchema } from "./faults";
import { GroupInputSchema, RoleSchema, ScopeSchema, UserInputSchema } from "./model";
import { RateLimitSchema } from "./ratelimit";

/**
 * Switches for everything Domo leaves undocumented. Defaults are the emulator's best guess;
 * README.md explains each choice. Clients must work with every alternative.
 */
export const BehaviourSchema = z.object({
  /** Status for a duplicate email on create or update. */
  duplicateEmailStatus: z.union([z.literal(400), z.literal(409)]).default(409),
  /** Whether `A@x.com` and `a@x.com` collide. */
  emailCaseInsensitive: z.boolean().default(true),
  /** Whether emails are stored (and answered) lowercased, whatever case was sent. */
  storeEmailLowercase: z.boolean().default(true),
  /** 200 per Domo's OpenAPI file, 201 per some of its client libraries. */
  createStatus: z.union([z.literal(200), z.literal(201)]).default(200),
  /** 200 with the user per the docs; one client expects 204 with no body. */
  putStatus: z.union([z.literal(200), z.literal(204)]).default(200),
  /**
   * merge: absent fields unchanged. strict: name, email and role (or roleId) must be present,
   * other absent fields unchanged. replace: as strict, and absent optional fields are cleared.
   */
  putMode: z.enum(["merge", "strict", "replace"]).default("merge"),
  /** `limit` outside 1..500 (and negative `offset`): clamp into range, or answer 400. */
  limitOutOfRange: z.enum(["clamp", "error"]).default("clamp"),
  /** Status for PUT on a deleted user. */
  putDeletedStatus: z.union([z.literal(400), z.literal(404), z.literal(409), z.literal(410)]).default(404),
  /** Status for DELETE on an already-deleted user: 404 (gone) or 204 (idempotent). */
  deleteDeletedStatus: z.union([z.literal(204), z.literal(404)]).default(404),
  /** Whether deleting or demoting the last active Admin is refused with 400. */
  deleteLastAdmin: z.enum(["refuse", "allow"]).default("refuse"),
  /** Status for deleting a user who owns DataSets or DataFlows. */
  ownsContentStatus: z.union([z.literal(400), z.literal(409)]).default(400),
  /** Whether POST accepts `roleId` without `role`. */
  createAcceptsRoleIdAlone: z.boolean().default(true),

  // ---- groups ----
  /** 201 per Domo's group docs; pydomo accepts 200 too. */
  groupCreateStatus: z.union([z.literal(200), z.literal(201)]).default(201),
  /** A second group with a taken name on create or rename: 409, 400, or allowed. */
  duplicateGroupName: z.union([z.literal(400), z.literal(409), z.literal("allow")]).default(409),
  /** Whether `Sales` and `sales` count as the same group name. */
  groupNameCaseInsensitive: z.boolean().default(true),
  /** DELETE on a group that still has members: allowed (members leave it) or refused with 400. */
  deleteGroupWithMembers: z.enum(["allow", "refuse"]).default("allow"),
  /** Whether the seeded Default group (id 1) refuses DELETE, rename, deactivation and un-defaulting (400). */
  protectDefaultGroup: z.boolean().default(true),
  /** Removing a user from the Default group (id 1): refused with 400, or allowed. */
  removeFromDefaultGroup: z.enum(["refuse", "allow"]).default("refuse"),
  /** PUT of a member already in the group: 204 (idempotent), or refused. */
  addMemberTwiceStatus: z.union([z.literal(204), z.literal(400), z.literal(409)]).default(204),
  /** DELETE of a user who is not a member: 204 (idempotent) or 404. */
  removeNonMemberStatus: z.union([z.literal(204), z.literal(404)]).default(204),
  /** Adding a deleted or unknown user to a group: 404 or 400. */
  addMissingUserStatus: z.union([z.literal(400), z.literal(404)]).default(404),
  /** `GET /v1/groups/{id}/users` without `limit`: that many ids, or every member ("all"). */
  groupUsersDefaultLimit: z.union([z.int().min(1).max(500), z.literal("all")]).default(50),

  // ---- gateway ----
  /**
   * How rate limits are answered (the `rateLimit` option's and injected 429 faults): 429 in the
   * gateway shape, or 403 `{"message":"API Rate limit reached."}` as Domo has also been seen to.
   */
  rateLimitStatus: z.union([z.literal(429), z.literal(403)]).default(429),
});
export type Behaviour = z.infer<typeof BehaviourSchema>;
export const BehaviourPatchSchema = BehaviourSchema.partial();

export const ClientSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scopes: z.array(ScopeSchema).min(1),
  /** The user tokens of this client act as; default: the seeded Admin. */
  userId: z.int().positive().optional(),
});
export type Client = z.infer<typeof ClientSchema>;
export type ClientInput = z.input<typeof ClientSchema>;

export const SeedSchema = z.object({
  /** Users to create on a fresh start; a "Domo Admin" is added first unless one of them is an active Admin. */
  users: z.array(UserInputSchema).default([]),
  /** Custom roles (system roles 1-5 always exist); default: Data Steward (6). */
  roles: z.array(RoleSchema).optional(),
  /** Groups besides the Default group (id 1, always seeded; a seed entry with id 1 replaces it). */
  groups: z.array(GroupInputSchema).optional(),
});
export type Seed = z.infer<typeof SeedSchema>;
export type SeedInput = z.input<typeof SeedSchema>;

export const EmulatorOptionsSchema = z.object({
  /** 0 picks a free port. */
  port: z.int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  /** JSON file holding durable state; absent: state lives in memory only. */
  dataFile: z.string().min(1).optional(),
  /** OAuth clients; default: one generated client with scopes user and data. */
  clients: z.array(ClientSchema).min(1).optional(),
  seed: SeedSchema.optional(),
  /** A JSON file of the `seed` shape; replaces `seed` when both are given. */
  seedFile: z.string().min(1).optional(),
  /** Domo instance name, answered as the token's `customer` and used in avatar URLs. */
  customer: z.string().min(1).default("emulator"),
  tokenTtlSeconds: z.int().min(0).default(3599),
  /** Added to every API request before it is handled. */
  latencyMs: z.number().min(0).default(0),
  rateLimit: RateLimitSchema.optional(),
  behaviour: BehaviourSchema.prefault({}),
  faults: z.array(FaultSchema).default([]),
  /** Most recent requests kept for requestLog(); older ones are dropped. */
  requestLogLimit: z.int().positive().default(10_000),
});
export type EmulatorOptions = z.infer<typeof EmulatorOptionsSchema>;
export type EmulatorOptionsInput = z.input<typeof EmulatorOptionsSchema>;

export function parseOptions(input: EmulatorOptionsInput = {}): EmulatorOptions {
  const result = EmulatorOptionsSchema.safeParse(input);
  if (!result.success) throw new Error(`Invalid emulator options:\n${z.prettifyError(result.error)}`);
  return result.data;
}
