import { z } from "zod";

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
export const DEFAULT_GROUPS: readonly GroupRef[] = [{ id: 1, name: "Default" }];

/** Optional free-text user fields: stored only when set, omitted from responses otherwise. */
export const OPTIONAL_TEXT_FIELDS = [
  "alternateEmail",
  "title",
  "phone",
  "location",
  "timezone",
  "locale",
  "employeeId",
  "department",
] as const;
export type OptionalTextField = (typeof OPTIONAL_TEXT_FIELDS)[number];

/** A user as the emulator keeps it: internal flags included, role by id only. */
export const StoredUserSchema = z.object({
  id: z.int().positive(),
  name: z.string(),
  email: z.string(),
  roleId: z.int().positive(),
  alternateEmail: z.string().optional(),
  title: z.string().optional(),
  phone: z.string().optional(),
  location: z.string().optional(),
  timezone: z.string().optional(),
  locale: z.string().optional(),
  employeeId: z.string().optional(),
  department: z.string().optional(),
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
  name: z.string().optional(),
  email: z.string().optional(),
  role: z.string().optional(),
  roleId: intLike.optional(),
  alternateEmail: z.string().optional(),
  title: z.string().optional(),
  phone: z.string().optional(),
  location: z.string().optional(),
  timezone: z.string().optional(),
  locale: z.string().optional(),
  employeeId: z.string().optional(),
  department: z.string().optional(),
  employeeNumber: intLike.optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  groups: z.array(GroupRefSchema).optional(),
  deleted: z.boolean().optional(),
  ownsContent: z.boolean().optional(),
  invited: z.boolean().optional(),
});
export type UserInput = z.input<typeof UserInputSchema>;

const writableText = z.string().nullable().optional();
const readOnly = z.unknown().optional();

/**
 * The body of POST and PUT /v1/users. Read-only fields are accepted because clients do a
 * read-modify-write and send the whole object back; unknown fields are dropped like Jackson does.
 * `null` and `""` both mean "clear this field".
 */
export const UserWriteSchema = z.object({
  name: writableText,
  email: writableText,
  role: writableText,
  roleId: z
    .union([z.int(), z.string().regex(/^\s*\d*\s*$/, "must be an integer")])
    .nullable()
    .optional(),
  alternateEmail: writableText,
  title: writableText,
  phone: writableText,
  location: writableText,
  timezone: writableText,
  locale: writableText,
  employeeId: writableText,
  department: writableText,
  employeeNumber: z
    .union([z.int(), z.string().regex(/^\s*(-?\d+)?\s*$/, "must be an integer")])
    .nullable()
    .optional(),
  id: readOnly,
  createdAt: readOnly,
  updatedAt: readOnly,
  image: readOnly,
  groups: readOnly,
  deleted: readOnly,
});
export type UserWrite = z.infer<typeof UserWriteSchema>;

/** The user object on the wire. */
export const ApiUserSchema = z.object({
  id: z.int(),
  name: z.string(),
  email: z.string(),
  role: z.string().optional(),
  roleId: z.string(),
  alternateEmail: z.string().optional(),
  title: z.string().optional(),
  phone: z.string().optional(),
  location: z.string().optional(),
  timezone: z.string().optional(),
  locale: z.string().optional(),
  employeeId: z.string().optional(),
  department: z.string().optional(),
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
