// @ts-nocheck
import { z } from "zod";
import { liveFieldSchemas, type UserWriteField, userWriteFields } from "../model";

/** Scopes Domo's token endpoint grants; anything else is `invalid_scope`. */
export const SCOPES = ["account", "audit", "buzz", "dashboard", "data", "user", "workflow"] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

export const RoleSchema = z.object({
  id: z.int().positive(),
  name: z.string().min(1),
});
export type Role = z.infer<typeof RoleSchema>;

/**
 * Domo's five system roles. Domo documents the names but not the ids; these follow the documented
 * order, and `roleId` in responses is their string form.
 */
export const SYSTEM_ROLES: readonly Role[] = [
  { id: 1, name: "Admin" },
  { id: 2, name: "Privileged" },
  { id: 3, name: "Editor" },
  { id: 4, name: "Participant" },
  { id: 5, name: "Social" },
];
export const ADMIN_ROLE_ID = 1;
/** Domo's instance default role, used when out-of-band seeding gives no role. */
export const DEFAULT_ROLE_ID = 2;
/** Custom roles seeded when the options name none, so custom-role-by-id paths are testable. */
export const DEFAULT_CUSTOM_ROLES: readonly Role[] = [{ id: 6, name: "Data Steward" }];

export const GroupRefSchema = z.object({ id: z.int(), name: z.string() });
export type GroupRef = z.infer<typeof GroupRefSchema>;
/** The seeded group every new user lands in (Domo's "Default"); id 1 as the user examples show. */
export const DEFAULT_GROUP_ID = 1;
export const DEFAULT_GROUP_NAME = "Default";
export const DEFAULT_GROUPS: readonly GroupRef[] = [{ id: DEFAULT_GROUP_ID, name: DEFAULT_GROUP_NAME }];

/**
 * A group as the emulator keeps it. Membership is not stored here: each user's `groups` refs are
 * the one source of truth, so a user's `groups` field and a group's member list cannot disagree.
 */
export const StoredGroupSchema = z.object({
  id: z.int().positive(),
  name: z.string().min(1),
  active: z.boolean(),
  /** Domo's flag; here: new users also land in every active group that has it. */
  default: z.boolean(),
  /** The user whose token created it; absent for groups that came from a seed or a migration. */
  creatorId: z.int().positive().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredGroup = z.infer<typeof StoredGroupSchema>;

/** A stored group with its members (ascending active user ids), for out-of-band readers. */
export type GroupRecord = StoredGroup & { memberIds: number[] };

/** Accepts what clients send for booleans: JSON booleans, or "true"/"false" in any case (pydomo sends `'true'`). */
const boolLike = z.union([z.boolean(), z.string().regex(/^\s*(true|false)\s*$/i, "must be a boolean")]);

export function toBool(value: boolean | string): boolean {
  return typeof value === "boolean" ? value : value.trim().toLowerCase() === "true";
}

/** A group for seeding or out-of-band creation. */
export const GroupInputSchema = z.object({
  id: z.int().positive().optional(),
  name: z.string().min(1),
  active: z.boolean().optional(),
  default: z.boolean().optional(),
  creatorId: z.int().positive().optional(),
  /** Users to put in the group (out-of-band: unknown ids are an error, deleted users are skipped). */
  memberIds: z.array(z.int().positive()).optional(),
});
export type GroupInput = z.input<typeof GroupInputSchema>;

/**
 * The body of POST and PUT /v1/groups. Read-only fields the SDKs echo back (`id`, `creatorId`,
 * `memberCount`; pydomo's request model even has `memberCount`) are accepted and ignored.
 */
export const GroupWriteSchema = z.object({
  name: z.string().nullable().optional(),
  active: boolLike.nullable().optional(),
  default: boolLike.nullable().optional(),
  id: z.unknown().optional(),
  creatorId: z.unknown().optional(),
  memberCount: z.unknown().optional(),
});
export type GroupWrite = z.infer<typeof GroupWriteSchema>;

/** The group object on the wire, as the SDKs model it; `creatorId` omitted when unknown. */
export const ApiGroupSchema = z.object({
  id: z.int(),
  name: z.string(),
  active: z.boolean(),
  default: z.boolean(),
  creatorId: z.int().optional(),
  memberCount: z.int(),
});
export type ApiGroup = z.infer<typeof ApiGroupSchema>;

export function toApiGroup(group: StoredGroup, memberCount: number): ApiGroup {
  return {
    id: group.id,
    name: group.name,
    active: group.active,
    default: group.default,
    ...(group.creatorId === undefined ? {} : { creatorId: group.creatorId }),
    memberCount,
  };
}

/**
 * The user's optional free-text profile fields, taken from the model: every writable field
 * Domo keeps as plain text, less the three every user has (email, name, role).
 */
type ProfileTextField = Exclude<
  { [K in UserWriteField]: (typeof liveFieldSchemas)[K] extends z.ZodString ? K : never }[UserWriteField],
  "email" | "name" | "role"
>;
const alwaysPresent: ReadonlySet<UserWriteField> = new Set(["email", "name", "role"]);
const PROFILE_TEXT_FIELDS = userWriteFields.filter(
  (f): f is ProfileTextField => liveFieldSchemas[f] instanceof z.ZodString && !alwaysPresent.has(f),
);
/** Text fields Domo's API has that the provider does not manage. */
const EMULATOR_TEXT_FIELDS = ["employeeId", "department"] as const;

/** Optional free-text user fields: stored only when set, omitted from responses otherwise. */
export const OPTIONAL_TEXT_FIELDS: readonly OptionalTextField[] = [
  ...PROFILE_TEXT_FIELDS,
  ...EMULATOR_TEXT_FIELDS,
];
export type OptionalTextField = ProfileTextField | (typeof EMULATOR_TEXT_FIELDS)[number];

/** One schema for each of `fields`. */
function shapeOf<const K extends string, S extends z.ZodType>(
  fields: readonly K[],
  schema: () => S,
): Record<K, S> {
  return Object.fromEntries(fields.map((f) => [f, schema()])) as Record<K, S>;
}

/** The optional text fields as Domo answers them: strings, left out when unset. */
const optionalTextShape = shapeOf(OPTIONAL_TEXT_FIELDS, () => z.string().optional());

/** A user as the emulator keeps it: internal flags included, role by id only. */
export const StoredUserSchema = z.object({
  id: z.int().positive(),
  name: liveFieldSchemas.name,
  email: liveFieldSchemas.email,
  roleId: z.int().positive(),
  ...optionalTextShape,
  employeeNumber: z.int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  groups: z.array(GroupRefSchema),
  deleted: z.boolean().optional(),
  deletedAt: z.string().optional(),
  /** Stands in for "owns DataSets or DataFlows", which blocks deletion in Domo. */
  ownsContent: z.boolean().optional(),
  /** Whether the create asked Domo to send an invitation e-mail. */
  invited: z.boolean().optional(),
});
export type StoredUser = z.infer<typeof StoredUserSchema>;

/** Accepts what Domo clients send for integers: a number or a string of digits. */
const intLike = z.union([z.int(), z.string().regex(/^\s*-?\d+\s*$/, "must be an integer")]);

/**
 * A user for seeding or out-of-band creation: everything optional except what cannot be defaulted
 * sensibly, integers accepted as numbers or digit strings as in the wire format.
 */
export const UserInputSchema = z.object({
  id: z.int().positive().optional(),
  name: liveFieldSchemas.name.optional(),
  email: liveFieldSchemas.email.optional(),
  role: liveFieldSchemas.role.optional(),
  roleId: intLike.optional(),
  ...optionalTextShape,
  employeeNumber: intLike.optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  groups: z.array(GroupRefSchema).optional(),
  deleted: z.boolean().optional(),
  ownsContent: z.boolean().optional(),
  invited: z.boolean().optional(),
});
export type UserInput = z.input<typeof UserInputSchema>;

const writableText = () => z.string().nullable().optional();
const readOnly = () => z.unknown().optional();

/**
 * The body of POST and PUT /v1/users. Read-only fields are accepted because clients do a
 * read-modify-write and send the whole object back; unknown fields are dropped like Jackson does.
 * `null` and `""` both mean "clear this field".
 */
export const UserWriteSchema = z.object({
  ...shapeOf(["name", "email", "role"], writableText),
  roleId: z
    .union([z.int(), z.string().regex(/^\s*\d*\s*$/, "must be an integer")])
    .nullable()
    .optional(),
  ...shapeOf(OPTIONAL_TEXT_FIELDS, writableText),
  employeeNumber: z
    .union([z.int(), z.string().regex(/^\s*(-?\d+)?\s*$/, "must be an integer")])
    .nullable()
    .optional(),
  ...shapeOf(["id", "createdAt", "updatedAt", "image", "groups", "deleted"], readOnly),
});
export type UserWrite = z.infer<typeof UserWriteSchema>;

/** The user object on the wire. */
export const ApiUserSchema = z.object({
  id: z.int(),
  name: liveFieldSchemas.name,
  email: liveFieldSchemas.email,
  role: liveFieldSchemas.role.optional(),
  roleId: z.string(),
  ...optionalTextShape,
  employeeNumber: z.int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  image: z.string(),
  groups: z.array(GroupRefSchema),
});
export type ApiUser = z.infer<typeof ApiUserSchema>;

/** What GET /v1/users/{id} answers for a deleted user. */
export const TombstoneSchema = z.object({
  id: z.int(),
  name: z.string(),
  email: z.string(),
  deleted: z.literal(true),
});
export type Tombstone = z.infer<typeof TombstoneSchema>;

export interface RenderContext {
  customer: string;
  roleName(roleId: number): string | undefined;
}

/** Domo's timestamps: UTC, second precision, no fraction. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function toApiUser(
  user: StoredUser,
  ctx: RenderContext,
  opts: { omitLocale?: boolean } = {},
): ApiUser {
  const role = ctx.roleName(user.roleId);
  const out: ApiUser = {
    id: user.id,
    name: user.name,
    email: user.email,
    ...(role === undefined ? {} : { role }),
    roleId: String(user.roleId),
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    image: `https://${ctx.customer}.domo.com/avatar/thumbnail/domo/${user.id}?size=300`,
    groups: user.groups.map((g) => ({ ...g })),
  };
  for (const field of OPTIONAL_TEXT_FIELDS) {
    const value = user[field];
    if (value === undefined) continue;
    // Domo's create response omits these two even when they were sent.
    if (opts.omitLocale && (field === "timezone" || field === "locale")) continue;
    out[field] = value;
  }
  if (user.employeeNumber !== undefined) out.employeeNumber = user.employeeNumber;
  return out;
}

export function toTombstone(user: StoredUser): Tombstone {
  return { id: user.id, name: user.name, email: user.email, deleted: true };
}
