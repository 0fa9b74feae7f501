import { z } from "zod";
import { groupProfileShape, groupSettingsShape, membershipModes } from "../model/group";
import { parseDomoId } from "../model/ids";
import { refineRoleChoice, type SystemRole, userDeclarationSchema } from "../model/user";

/**
 * The users file format. Each entry is one DomoUser declaration (its fields, names and
 * messages come from `userDeclarationSchema`, the single source of truth) plus an optional
 * `id`; `defaults` supplies values entries leave out.
 */

const declared = userDeclarationSchema.shape;

/**
 * A Domo id (of a user or a group) as a users file writes it: digits in YAML or JSON, a number
 * or a string of digits. The rule is model/ids.ts's; the messages speak of the file's `id:`.
 */
function domoIdSchema(what: string) {
  return z
    .union([z.number(), z.string()], {
      error: (iss) => `id must be ${what} (a whole number such as 1234567890), got ${describe(iss.input)}`,
    })
    .transform((value, ctx) => {
      const id = parseDomoId(typeof value === "string" ? value.trim() : value);
      if (id === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `id must be ${what} (a positive whole number such as 1234567890), got ${JSON.stringify(value)}`,
        });
        return z.NEVER;
      }
      return id;
    });
}

export const domoUserIdSchema = domoIdSchema("a Domo user id");
export const domoGroupIdSchema = domoIdSchema("a Domo group id");

/** Keys `defaults` accepts: role choice, provider settings, and org-wide profile fields. */
export const defaultableFields = [
  "role",
  "roleId",
  "location",
  "timezone",
  "locale",
  "sendInvite",
  "adoptExisting",
  "deletionPolicy",
  "allowUnsafeAdminChanges",
] as const;

export const usersFileDefaultsSchema = z
  .strictObject(
    {
      role: declared.role,
      roleId: declared.roleId,
      location: declared.location,
      timezone: declared.timezone,
      locale: declared.locale,
      // Without the declaration's own defaults: "not set here" must stay distinguishable.
      sendInvite: declared.sendInvite.unwrap().optional(),
      adoptExisting: declared.adoptExisting.unwrap().optional(),
      deletionPolicy: declared.deletionPolicy.unwrap().optional(),
      allowUnsafeAdminChanges: declared.allowUnsafeAdminChanges.unwrap().optional(),
    },
    {
      error: (iss) =>
        iss.code === "unrecognized_keys"
          ? `unknown default${iss.keys.length > 1 ? "s" : ""} ${iss.keys.join(", ")}; defaults accepts ${defaultableFields.join(", ")}`
          : `defaults must be a mapping, got ${describe(iss.input)}`,
    },
  )
  .superRefine((value, ctx) => refineRoleChoice(value, ctx, " as the default"));
export type UsersFileDefaults = z.output<typeof usersFileDefaultsSchema>;
/** Defaults as a program writes them (a typo in a system role name fails the type check). */
export type UsersFileDefaultsInput = Omit<z.input<typeof usersFileDefaultsSchema>, "role"> & {
  role?: SystemRole | undefined;
};

/**
 * One entry as written in the file or passed from TypeScript: every DomoUser field, plus `id`
 * to take over an existing account. Validation goes through `parseDeclaration`, so the
 * messages are the resource's own.
 */
export const usersFileEntrySchema = userDeclarationSchema.safeExtend({
  id: domoUserIdSchema
    .optional()
    .describe("An existing Domo user's id: the first `up` takes that account over instead of creating one."),
});
export type UsersFileEntryInput = Omit<z.input<typeof usersFileEntrySchema>, "id" | "role" | "importId"> & {
  /** An existing Domo user's id: the first `up` takes that account over instead of creating one. */
  id?: number | string | undefined;
  /** Names of groups (declared under `groups:`) the user belongs to. */
  groups?: string[] | undefined;
  /** A system role (case-sensitive); use roleId for a custom role. */
  role?: SystemRole | undefined;
};

/** Every key an entry accepts, in the order the file is rendered. */
export const entryFields = [
  "id",
  ...Object.keys(declared).filter((k) => k !== "importId"),
  "groups",
] as readonly string[];

/**
 * One group of the file: a DomoGroup declaration (its name and settings come from the group
 * model), an optional `id` to take over an existing group (with it, renaming the group in the
 * file renames it in place), and how its members are managed: `authoritative` (the users that
 * list it are exactly its members) or `additive` (they are members; others are left alone).
 */
const usersFileGroupShape = {
  name: groupProfileShape.name,
  id: domoGroupIdSchema
    .optional()
    .describe(
      "An existing Domo group's id: the first `up` takes that group over; renaming it then renames it in place.",
    ),
  /**
   * The names this group had before in this file: renaming a group keeps its Domo id (one PUT
   * of the new name), so every page, card, DataSet and PDP policy shared with it keeps it.
   */
  formerNames: z
    .array(groupProfileShape.name, {
      error: (iss) =>
        `formerNames must be a list of the names this group had before, got ${describe(iss.input)}`,
    })
    .optional()
    .describe(
      "The names this group had before: renaming a group keeps its Domo id (one PUT of the new name).",
    ),
  members: z
    .enum(membershipModes, {
      error: `members must be "authoritative" (exactly the users that list this group) or "additive" (at least them)`,
    })
    .default("authoritative")
    .describe(
      'How its members are managed: "authoritative" (the users that list it are exactly its members) or "additive" (they are members; others are left alone).',
    ),
  active: groupProfileShape.active.optional(),
  deletionPolicy: groupSettingsShape.deletionPolicy.unwrap().optional(),
  allowDeleteWithMembers: groupSettingsShape.allowDeleteWithMembers.unwrap().optional(),
  allowNameChange: groupSettingsShape.allowNameChange.unwrap().optional(),
};
const groupKeys = Object.keys(usersFileGroupShape);

export const usersFileGroupSchema = z.strictObject(usersFileGroupShape, {
  error: (iss) =>
    iss.code === "unrecognized_keys"
      ? `unknown propert${iss.keys.length > 1 ? "ies" : "y"} ${iss.keys.join(", ")}; a group accepts ${groupKeys.join(", ")}`
      : `each group must be a mapping with at least a name, got ${describe(iss.input)}`,
});
export type UsersFileGroup = z.output<typeof usersFileGroupSchema>;
export type UsersFileGroupInput = Omit<z.input<typeof usersFileGroupSchema>, "id"> & { id?: number | string };

/** A user's groups: names of groups the file declares. */
export const userGroupsSchema = z.array(z.string({ error: "each group must be a group's name (a string)" }), {
  error: (iss) => `groups must be a list of group names declared under groups:, got ${describe(iss.input)}`,
});

/** The top level: structure only; entries are validated one by one for precise messages. */
/** How a DomoUserDirectory holds its users: one DomoUser each, or DomoUserBatch resources. */
export const directoryModes = ["perUser", "bulk"] as const;
export type DirectoryMode = (typeof directoryModes)[number];
export const directoryModeSchema = z.enum(directoryModes, {
  error: (iss) =>
    `mode must be "perUser" (one DomoUser per entry) or "bulk" (DomoUserBatch resources), got ${describe(iss.input)}`,
});
export const batchSizeSchema = z
  .number({ error: (iss) => `batchSize must be a number (users per batch), got ${describe(iss.input)}` })
  .int("batchSize must be a whole number")
  .min(1, "batchSize must be at least 1")
  .max(100_000, "batchSize must be at most 100000");

export const usersFileSchema = z.strictObject(
  {
    mode: directoryModeSchema.optional(),
    batchSize: batchSizeSchema.optional(),
    defaults: z.unknown().optional(),
    groups: z.unknown().optional(),
    users: z.array(z.unknown(), {
      error: (iss) =>
        iss.input === undefined
          ? "users is required: a list of user entries (write users: [] to declare none)"
          : `users must be a list of user entries, got ${describe(iss.input)} (write users: [] to declare none)`,
    }),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown top-level key${iss.keys.length > 1 ? "s" : ""} ${iss.keys.join(", ")}; a users file has mode, batchSize, defaults, groups and users`
        : `a users file must be a mapping with a users: list, got ${describe(iss.input)}`,
  },
);

/** A problem in a users file, located as precisely as the source allows. */
export const usersFileProblemSchema = z.object({
  file: z.string(),
  /** 1-based; undefined for declarations that come from a program rather than a file. */
  line: z.number().int().positive().optional(),
  /** Where in the document: e.g. `users[3].role`; empty for the file as a whole. */
  path: z.string(),
  message: z.string(),
});
export type UsersFileProblem = z.infer<typeof usersFileProblemSchema>;

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Uint8Array) return "binary data";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `${typeof value} ${String(value)}`;
}
