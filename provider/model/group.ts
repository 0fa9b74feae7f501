import { z } from "zod";
import { domoIdSchema } from "./ids";
import { type ParseResult, parseInputs } from "./inputs";
import { settingsConvention } from "./settings";
import { failOn, fieldsOf } from "./shapes";
import { hasInvisible, quote, typeName } from "./text";
import { deletionPolicies, normaliseEmail } from "./user";

/**
 * The model of a Domo group and of the two ways to manage its members, pure: the one place
 * that knows their fields, settings and rules. DomoGroup, DomoGroupMembers (authoritative:
 * exactly these members) and DomoGroupMembership (additive: one user in one group) derive
 * their inputs, outputs, validation and field lists from the shapes below.
 */

/** A group name as Domo stores it: NFC, trimmed. */
export function normaliseGroupName(name: string): string {
  return name.normalize("NFC").trim();
}

/** Domo refuses duplicate group names compared without case: the key names are compared by. */
export function groupNameKey(name: string): string {
  return normaliseGroupName(name).toLowerCase();
}

export function sameGroupName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && groupNameKey(a) === groupNameKey(b);
}

const groupName = z
  .string({
    error: (iss) =>
      `name must be a string${iss.input === undefined ? " (the group's name, required)" : `, got ${typeName(iss.input)}`}`,
  })
  .transform(normaliseGroupName)
  .refine((s) => s.length > 0, "name is required and must not be empty: the group's name as Domo shows it")
  .refine((s) => s.length <= 255, "name is longer than 255 characters")
  .refine((s) => !hasInvisible(s), "name contains control or invisible characters; remove them");

/** A Domo id field of a group resource (the one id rule: model/ids.ts). */
const domoId = (field: string, what: string) => domoIdSchema(field, what);

const memberEmail = z
  .string({ error: (iss) => `emails must hold strings, got ${typeName(iss.input)}` })
  .transform(normaliseEmail)
  .refine((s) => s.length > 0 && s.length <= 254, "an email must have 1 to 254 characters")
  .refine((s) => !hasInvisible(s), "an email contains control or invisible characters; remove them")
  .refine(
    (s) => z.email().safeParse(s).success,
    "an email is not a valid email address (expected name@example.com)",
  );

const deletionPolicy = (what: string) =>
  z
    .enum(deletionPolicies, {
      error: `deletionPolicy must be "delete" (${what} when the resource goes) or "retain" (leave it in Domo)`,
    })
    .default("delete");

function flag(field: string) {
  return z.boolean({ error: `${field} must be true or false` }).default(false);
}

/** What Domo stores of a group and a declaration may set, in declaration order. */
export const groupProfileShape = {
  name: groupName.describe("The group's name as Domo shows it (unique without case)."),
  active: z
    .boolean({ error: "active must be true or false" })
    .default(true)
    .describe("Whether the group is active."),
};

/** Settings of a DomoGroup: they steer the provider and never reach Domo. */
export const groupSettingsShape = {
  /** Create only: take over an existing group with the same name (without case) instead of failing. */
  adoptExisting: flag("adoptExisting").describe(
    "Create only: take over an existing group with the same name (without case) instead of failing.",
  ),
  /** Create only: take over the group with this id. */
  importId: domoId("importId", "a Domo group id")
    .transform((n) => String(n))
    .optional()
    .describe("Create only: take over the group with this Domo group id (a number or a string of digits)."),
  /**
   * Create only: let a takeover by id rename the group. Without it, importId pointing at a
   * group whose name differs from the declared one fails: a mistyped id must not turn
   * another team's group into this one.
   */
  allowNameChange: flag("allowNameChange").describe(
    "Create only: let a takeover by id rename the group. Without it, importId pointing at a group whose name differs from the declared one fails.",
  ),
  deletionPolicy: deletionPolicy("delete the group").describe(
    '"delete": delete the group when the resource goes; "retain": leave it in Domo.',
  ),
  /** Delete the group even when it still has members (their access through it goes with it). */
  allowDeleteWithMembers: flag("allowDeleteWithMembers").describe(
    "Delete the group even when it still has members (their access through it goes with it).",
  ),
};

export const groupWriteFields = fieldsOf(groupProfileShape);
export const groupSettingFields = fieldsOf(groupSettingsShape);
export type GroupWriteField = (typeof groupWriteFields)[number];
export type GroupSettingField = (typeof groupSettingFields)[number];
/** Settings that only steer create: changing them later never causes an update. */
export const groupCreateTimeSettings: ReadonlySet<GroupSettingField> = new Set([
  "adoptExisting",
  "importId",
  "allowNameChange",
]);
/** Settings the state keeps (the ones a later update or delete needs). */
export const storedGroupSettingFields = groupSettingFields.filter((f) => !groupCreateTimeSettings.has(f)) as (
  | "deletionPolicy"
  | "allowDeleteWithMembers"
)[];

/** DomoGroup's settings under the one defaults convention of every kind (model/settings.ts). */
export const groupSettings = settingsConvention(groupSettingsShape, groupCreateTimeSettings);

const groupDeclarationKeys = [...groupWriteFields, ...groupSettingFields];

function strictKeys(kind: string, keys: readonly string[]) {
  return (iss: { code: string; keys?: string[] }) =>
    iss.code === "unrecognized_keys" && iss.keys
      ? `unknown propert${iss.keys.length > 1 ? "ies" : "y"} ${iss.keys.map((k) => quote(k)).join(", ")}; ${kind} accepts ${keys.join(", ")}`
      : undefined;
}

export const groupDeclarationSchema = z
  .strictObject(
    { ...groupProfileShape, ...groupSettingsShape },
    { error: strictKeys("DomoGroup", groupDeclarationKeys) },
  )
  .superRefine((value, ctx) => {
    if (value.importId !== undefined && value.adoptExisting) {
      failOn(
        ctx,
        "importId",
        "set either importId (take over the group with this id) or adoptExisting (by name), not both",
      );
    }
    if (value.allowNameChange && value.importId === undefined) {
      failOn(
        ctx,
        "allowNameChange",
        "allowNameChange only applies to a takeover by id (importId); remove it",
      );
    }
  });
export type GroupDeclaration = z.output<typeof groupDeclarationSchema>;
export type GroupDeclarationInput = z.input<typeof groupDeclarationSchema>;
export type GroupWrite = Pick<GroupDeclaration, GroupWriteField>;

/** The outputs a DomoGroup keeps in state. */
export const groupStateSchema = z.looseObject({
  groupId: z.number().int().describe("Domo's numeric id of the group (the resource's id, as a number)."),
  name: z.string(),
  active: z.boolean().default(true),
  /** Domo's Default group (every new user lands there): never deleted or renamed. */
  default: z
    .boolean()
    .optional()
    .describe("Whether this is Domo's Default group (every new user lands there): never deleted or renamed."),
  creatorId: z.number().optional().describe("The Domo user id of the group's creator."),
  deletionPolicy: z.enum(deletionPolicies).default("delete"),
  allowDeleteWithMembers: z.boolean().default(false),
});
export type GroupState = z.output<typeof groupStateSchema>;
export const groupOutputKeys = Object.keys(groupStateSchema.shape) as (keyof GroupState)[];

/** The settings the state keeps, taken from a declaration or a state. */
export function groupSettingsOf(from: Pick<GroupDeclaration, (typeof storedGroupSettingFields)[number]>) {
  return { deletionPolicy: from.deletionPolicy, allowDeleteWithMembers: from.allowDeleteWithMembers };
}

// ---------------------------------------------------------------------------------------------
// Memberships: two kinds that never manage one group together.

export const membershipModes = ["authoritative", "additive"] as const;
export type MembershipMode = (typeof membershipModes)[number];

/** DomoGroupMembers: the group's complete member list (authoritative). */
export const groupMembersShape = {
  groupId: domoId("groupId", "a Domo group id (pass a DomoGroup's id or groupId)").describe(
    "The group: a Group's `id` (known at preview even while the group changes) or `groupId`.",
  ),
  /** Members by Domo user id (a DomoUser's id or userId). */
  userIds: z
    .array(domoId("userIds", "a Domo user id (pass a DomoUser's id or userId)"), {
      error: (iss) => `userIds must be a list of Domo user ids, got ${typeName(iss.input)}`,
    })
    .default([])
    .describe("Members by Domo user id: pass Users' `id`s."),
  /** Members by email, resolved to ids through Domo's user listing at apply. */
  emails: z
    .array(memberEmail, { error: (iss) => `emails must be a list of emails, got ${typeName(iss.input)}` })
    .default([])
    .describe("Members by email, resolved to accounts through Domo's user listing at apply."),
  deletionPolicy: deletionPolicy("remove the members it declares from the group").describe(
    '"delete": removing the resource removes the members it declares from the group; "retain" leaves them.',
  ),
  /**
   * Create only: when the group already has members outside the declaration, remove them.
   * Without it such a create is refused, naming them (Okta's authoritative memberships once
   * stripped members that rules had added, unannounced).
   */
  allowRemoveExisting: flag("allowRemoveExisting").describe(
    "Create only: when the group already has members outside the declaration, remove them (without it such a create is refused, naming them).",
  ),
};
const membersKeys = Object.keys(groupMembersShape);
/** DomoGroupMembers' settings under the one defaults convention (its lists are declarations, not settings). */
export const groupMembersSettings = settingsConvention(
  {
    deletionPolicy: groupMembersShape.deletionPolicy,
    allowRemoveExisting: groupMembersShape.allowRemoveExisting,
  },
  ["allowRemoveExisting"],
);
export const groupMembersDeclarationSchema = z
  .strictObject(groupMembersShape, { error: strictKeys("DomoGroupMembers", membersKeys) })
  .transform((v) => ({
    ...v,
    userIds: [...new Set(v.userIds)].sort((a, b) => a - b),
    emails: [...new Set(v.emails)].sort(),
  }));
export type GroupMembersDeclaration = z.output<typeof groupMembersDeclarationSchema>;
export type GroupMembersDeclarationInput = z.input<typeof groupMembersDeclarationSchema>;

/**
 * In a member resource's state: its group is managed by a DomoGroup of the same program
 * (recorded at create and update; left out when not). At the member resource's delete, a
 * group no DomoGroup of the run declares any more is being removed itself, so the member
 * resource removes no one and the group's own delete decides (its allowDeleteWithMembers
 * guard, its deletionPolicy). State written before this field existed lacks it and behaves as
 * before (the members are removed) until the resource's next create or update.
 */
const groupManaged = z
  .boolean()
  .optional()
  .describe("Whether the group is managed by a Group of the same program (recorded at create and update).");

export const groupMembersStateSchema = z.looseObject({
  groupId: z.number().int().describe("The group's Domo id."),
  /** The declared members by id, sorted. */
  userIds: z.array(z.number()).default([]).describe("The declared members by id, sorted."),
  /** The declared members by email, normalised and sorted. */
  emails: z.array(z.string()).default([]).describe("The declared members by email, normalised and sorted."),
  /** The ids the declared emails resolved to at the last apply, so diff needs no call. */
  resolvedEmails: z
    .record(z.string(), z.number())
    .default({})
    .describe("The ids the declared emails resolved to at the last apply."),
  /** Every member of the group as last written or read, sorted: what drift is measured against. */
  memberIds: z
    .array(z.number())
    .default([])
    .describe("Every member of the group as last written or read, sorted: what drift is measured against."),
  deletionPolicy: z.enum(deletionPolicies).default("delete"),
  groupManaged,
});
export type GroupMembersState = z.output<typeof groupMembersStateSchema>;
export const groupMembersOutputKeys = Object.keys(
  groupMembersStateSchema.shape,
) as (keyof GroupMembersState)[];

/** DomoGroupMembership: one user in one group (additive), id `<groupId>|<userId>`. */
export const groupMembershipShape = {
  groupId: groupMembersShape.groupId,
  userId: domoId("userId", "a Domo user id (pass a DomoUser's id or userId)")
    .optional()
    .describe("The user: a User's `id`. Set this or email."),
  email: memberEmail.optional().describe("The user by email, resolved at apply. Set this or userId."),
  deletionPolicy: deletionPolicy("remove the user from the group").describe(
    '"delete": removing the resource removes the user from the group; "retain" leaves them.',
  ),
};
const membershipKeys = Object.keys(groupMembershipShape);
/** DomoGroupMembership's settings under the one defaults convention. */
export const groupMembershipSettings = settingsConvention({
  deletionPolicy: groupMembershipShape.deletionPolicy,
});
export const groupMembershipDeclarationSchema = z
  .strictObject(groupMembershipShape, { error: strictKeys("DomoGroupMembership", membershipKeys) })
  .superRefine((value, ctx) => {
    if ((value.userId === undefined) === (value.email === undefined)) {
      failOn(ctx, "userId", "set exactly one of userId (a DomoUser's id) or email (resolved at apply)");
    }
  });
export type GroupMembershipDeclaration = z.output<typeof groupMembershipDeclarationSchema>;
export type GroupMembershipDeclarationInput = z.input<typeof groupMembershipDeclarationSchema>;

export const groupMembershipStateSchema = z.looseObject({
  groupId: z.number().int().describe("The group's Domo id."),
  userId: z.number().int().describe("The user's Domo id."),
  email: z.string().optional().describe("The user's email, when declared by email."),
  deletionPolicy: z.enum(deletionPolicies).default("delete"),
  groupManaged,
});
export type GroupMembershipState = z.output<typeof groupMembershipStateSchema>;
export const groupMembershipOutputKeys = Object.keys(
  groupMembershipStateSchema.shape,
) as (keyof GroupMembershipState)[];

/** The id of an additive membership. */
export function membershipId(groupId: number, userId: number): string {
  return `${groupId}|${userId}`;
}

export function parseMembershipId(id: string): { groupId: number; userId: number } | undefined {
  const m = /^(\d+)\|(\d+)$/.exec(id);
  return m ? { groupId: Number(m[1]), userId: Number(m[2]) } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parsing the engine's inputs: unknowns set aside at preview, as for DomoUser.

export type { ParseResult };

const groupOutputOnly: ReadonlySet<string> = new Set(
  groupOutputKeys.filter(
    (k) => !(groupWriteFields as string[]).includes(k) && !(groupSettingFields as string[]).includes(k),
  ),
);
const membersOutputOnly: ReadonlySet<string> = new Set(
  groupMembersOutputKeys.filter((k) => !membersKeys.includes(k)),
);
const membershipOutputOnly: ReadonlySet<string> = new Set(
  groupMembershipOutputKeys.filter((k) => !membershipKeys.includes(k)),
);

export function parseGroupInputs(raw: Record<string, unknown>): ParseResult<GroupDeclaration> {
  return parseInputs(groupDeclarationSchema, raw, { ignore: groupOutputOnly, standIns: { name: "unknown" } });
}

export function parseGroupMembersInputs(raw: Record<string, unknown>): ParseResult<GroupMembersDeclaration> {
  return parseInputs(groupMembersDeclarationSchema, raw, {
    ignore: membersOutputOnly,
    standIns: { groupId: 1 },
  });
}

export function parseGroupMembershipInputs(
  raw: Record<string, unknown>,
): ParseResult<GroupMembershipDeclaration> {
  return parseInputs(groupMembershipDeclarationSchema, raw, {
    ignore: membershipOutputOnly,
    standIns: {
      groupId: 1,
      userId: 1,
      email: "unknown@example.com",
    },
  });
}
