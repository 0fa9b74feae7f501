import { z } from "zod";
import { domoIdSchema } from "./ids";
import { type ParseResult, parseInputs, unknownValue } from "./inputs";
import { settingsConvention } from "./settings";
import { hasInvisible, quote, typeName } from "./text";

/**
 * The model of a Domo user: the one place that knows its fields, its provider settings, how
 * each is validated and normalised, and what Domo may write. The DomoUser inputs and outputs,
 * the users-file entry, the client's write body and wire schema and the emulator's API types
 * all derive from the shapes below; no other module keeps a list of user fields.
 */

export const systemRoles = ["Admin", "Privileged", "Editor", "Participant", "Social"] as const;
export type SystemRole = (typeof systemRoles)[number];

export const deletionPolicies = ["delete", "retain"] as const;
export type DeletionPolicy = (typeof deletionPolicies)[number];

/** Emails are the identity of a person in Domo and compare without case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function sameEmail(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normaliseEmail(a) === normaliseEmail(b);
}

function text(field: string, max: number, options: { required?: string } = {}) {
  return z
    .string({
      error: (iss) =>
        `${field} must be a string${iss.input === undefined ? "" : `, got ${typeName(iss.input)}`}`,
    })
    .transform((s) => s.normalize("NFC").trim())
    .refine(
      (s) => s.length > 0,
      options.required
        ? `${field} is required and must not be empty: ${options.required}`
        : `${field} must not be empty; to leave it unmanaged, remove the property (or set it to undefined)`,
    )
    .refine((s) => s.length <= max, `${field} is longer than ${max} characters`)
    .refine(
      // Control characters and invisible formatting characters (bidi overrides, zero-width
      // characters) make a name look like another in Domo's UI: refuse them everywhere.
      (s) => !hasInvisible(s),
      `${field} contains control or invisible characters; remove them`,
    );
}

function email(field: string, options: { required?: boolean } = {}) {
  return z
    .string({ error: (iss) => `${field} must be a string, got ${typeName(iss.input)}` })
    .transform(normaliseEmail)
    .refine(
      (s) => s.length > 0,
      options.required
        ? `${field} is required and must not be empty: the person's email, their identity in Domo`
        : `${field} must not be empty; remove the property to leave it unmanaged`,
    )
    .refine((s) => s.length <= 254, `${field} is longer than 254 characters`)
    .refine((s) => !hasInvisible(s), `${field} contains control or invisible characters; remove them`)
    .refine(
      (s) => z.email().safeParse(s).success,
      `${field} is not a valid email address (expected name@example.com)`,
    );
}

const validTimezones = new Set(Intl.supportedValuesOf("timeZone"));
// Intl lists canonical zones only; UTC and Etc/* aliases are valid too.
validTimezones.add("UTC");

/** Whether the Etc/* name is one Intl knows (Etc/GMT+5 yes, Etc/GMT+99 or Etc/Nowhere no). */
function isEtcZone(s: string): boolean {
  if (!s.startsWith("Etc/")) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

function isLocale(s: string): boolean {
  try {
    return Intl.getCanonicalLocales(s).length === 1 && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(s);
  } catch {
    return false;
  }
}

function role() {
  return z
    .string({ error: (iss) => `role must be a string, got ${typeName(iss.input)}` })
    .superRefine((value, ctx) => {
      if ((systemRoles as readonly string[]).includes(value)) return;
      const near = systemRoles.find((r) => r.toLowerCase() === value.trim().toLowerCase());
      ctx.addIssue({
        code: "custom",
        message: near
          ? `role ${quote(value)} is not a Domo system role; role names are case-sensitive: use "${near}"`
          : `role ${quote(value)} is not a Domo system role; use one of ${systemRoles.join(", ")}, or roleId for a custom role`,
      });
    })
    .transform((value) => value as SystemRole); // refined above: one of systemRoles
}

function wholeNumber(field: string, what: string) {
  return z
    .number({ error: (iss) => `${field} must be a number (${what}), got ${typeName(iss.input)}` })
    .int(`${field} must be a whole number`);
}

/**
 * The profile: every field Domo stores that a declaration may set. Its keys, in this order,
 * are the user's writable fields everywhere (write body, state, diff, users file, export).
 */
export const userProfileShape = {
  email: email("email", { required: true }).describe(
    "The person's email: their identity in Domo, compared without case.",
  ),
  name: text("name", 255, { required: "the person's full name as Domo shows it" }).describe(
    "The person's full name as Domo shows it.",
  ),
  role: role().optional().describe("A Domo system role (case-sensitive). Set this or roleId."),
  roleId: wholeNumber("roleId", "a custom role's id")
    .positive("roleId must be positive")
    .optional()
    .describe("A custom role's id. Set this or role."),
  title: text("title", 255).optional().describe("The person's job title."),
  alternateEmail: email("alternateEmail")
    .optional()
    .describe("Another email of the person (not the same as email)."),
  phone: text("phone", 40)
    .refine((s) => /^[+0-9 ()./x-]{3,40}$/i.test(s), "phone may contain only digits, spaces, + ( ) . - and x")
    .optional()
    .describe("The person's phone number: digits, spaces, + ( ) . - and x."),
  location: text("location", 255).optional().describe("Where the person works."),
  timezone: text("timezone", 64)
    .refine(
      (s) => validTimezones.has(s) || isEtcZone(s),
      "timezone is not an IANA time zone (expected e.g. America/Los_Angeles)",
    )
    .optional()
    .describe("The person's IANA time zone, e.g. America/Los_Angeles."),
  locale: text("locale", 35)
    .refine(isLocale, "locale is not a BCP 47 locale tag (expected e.g. en-US)")
    .optional()
    .describe("The person's BCP 47 locale tag, e.g. en-US."),
  employeeNumber: wholeNumber("employeeNumber", "the person's employee number")
    .nonnegative("employeeNumber must not be negative")
    .max(Number.MAX_SAFE_INTEGER, "employeeNumber is too large")
    .optional()
    .describe("The person's employee number."),
};

/** A Domo user id, as a number or a string of digits; always a string once parsed (model/ids.ts). */
const importIdSchema = domoIdSchema(
  "importId",
  "a Domo user id",
  "use the account's numeric id (digits only, e.g. 1234567890), as shown by `pulumi-domo export`",
).transform(String);

/** Settings: properties that steer the provider and never reach Domo. */
export const userSettingsShape = {
  /** Create only: ask Domo to email an invitation. */
  sendInvite: z
    .boolean({ error: "sendInvite must be true or false" })
    .default(false)
    .describe("Create only: ask Domo to email an invitation."),
  /** Create only: take over an existing account with the same email instead of failing. */
  adoptExisting: z
    .boolean({ error: "adoptExisting must be true or false" })
    .default(false)
    .describe("Create only: take over an existing account with the same email instead of failing."),
  /** Create only: take over the account with this id (the `import` resource option lands here). */
  importId: importIdSchema
    .optional()
    .describe(
      "Create only: take over the account with this Domo user id (a number or a string of digits) instead of creating one.",
    ),
  /**
   * Create only: let a takeover by id rewrite the account's email. Without it, importId (or a
   * users-file `id:`) pointing at an account whose email differs from the declared one fails:
   * a mistyped id must not turn someone else's account into this person's.
   */
  allowEmailChange: z
    .boolean({ error: "allowEmailChange must be true or false" })
    .default(false)
    .describe(
      "Create only: let a takeover by id rewrite the account's email. Without it, importId pointing at an account whose email differs from the declared one fails.",
    ),
  /**
   * The emails this person's account had before (a marriage, a typo fixed, a domain move): the
   * explicit statement "same person, new email". A users directory keeps the account's
   * resource through the change (one PUT of the new email, no create, no delete), and a create
   * finds the account under a former email and takes it over instead of making a second one.
   * Compared without case; never stored, never causes an update.
   */
  formerEmails: z
    .array(email("formerEmails[]"), {
      error: (iss) =>
        `formerEmails must be a list of the emails this person had before, got ${typeName(iss.input)}`,
    })
    .optional()
    .describe(
      'The emails this person\'s account had before: the statement "same person, new email". A create finds the account under a former email and takes it over instead of making a second one. Compared without case; never stored, never causes an update.',
    ),
  deletionPolicy: z
    .enum(deletionPolicies, {
      error: `deletionPolicy must be "delete" (remove the account when the resource goes) or "retain" (leave it in Domo)`,
    })
    .default("delete")
    .describe('"delete": remove the account when the resource goes; "retain": leave it in Domo.'),
  allowUnsafeAdminChanges: z
    .boolean({ error: "allowUnsafeAdminChanges must be true or false" })
    .default(false)
    .describe(
      "Allow deleting or demoting the account the API credentials belong to, or the last Admin (refused otherwise).",
    ),
};

export type UserWriteField = keyof typeof userProfileShape;
export type UserSettingField = keyof typeof userSettingsShape;

/** The writable fields of a user, in declaration order. */
export const userWriteFields = Object.keys(userProfileShape) as UserWriteField[];
/** The provider settings, in declaration order. */
export const settingFields = Object.keys(userSettingsShape) as UserSettingField[];
/** Settings that only steer create: changing them later must never cause an update. */
export const createTimeSettings: ReadonlySet<UserSettingField> = new Set([
  "sendInvite",
  "adoptExisting",
  "importId",
  "allowEmailChange",
  "formerEmails",
]);
/**
 * Settings the state keeps. importId, allowEmailChange and formerEmails matter to one create only and are
 * not stored (sendInvite and adoptExisting are, as the first release stored them).
 */
export const storedSettingFields = settingFields.filter(
  (f) => f !== "importId" && f !== "allowEmailChange" && f !== "formerEmails",
);
export type StoredSettings = Pick<UserDeclaration, (typeof storedSettingFields)[number]>;

/**
 * DomoUser's settings under the one defaults convention of every kind (model/settings.ts): a
 * setting at its default is left out of inputs (and of DomoUser's state), and an absent setting
 * reads as its default. State that pulumi-domo 0.1.0 wrote (every default spelled out in the
 * inputs) diffs clean against the shorter inputs; the next `up` records them.
 */
export const userSettings = settingsConvention(userSettingsShape, createTimeSettings);

/** Each setting's default (importId has none): what an absent setting means, in inputs and in state alike. */
export const settingDefaults: Readonly<Partial<Record<UserSettingField, unknown>>> = userSettings.defaults;

/** A setting's value in inputs or state, its default where absent. */
export function settingValue(field: UserSettingField, from: Record<string, unknown>): unknown {
  return userSettings.value(field, from);
}

/** Inputs (or a state) without the settings that merely repeat their default. */
export function omitDefaultSettings(inputs: Record<string, unknown>): Record<string, unknown> {
  return userSettings.withoutDefaults(inputs);
}

const declarationKeys = [...userWriteFields, ...settingFields];

export const userDeclarationSchema = z
  .strictObject(
    { ...userProfileShape, ...userSettingsShape },
    {
      error: (iss) =>
        iss.code === "unrecognized_keys"
          ? `unknown propert${iss.keys.length > 1 ? "ies" : "y"} ${iss.keys.map((k) => quote(k)).join(", ")}; DomoUser accepts ${declarationKeys.join(", ")}`
          : undefined,
    },
  )
  .superRefine((value, ctx) => {
    refineRoleChoice(value, ctx, "");
    if (value.role === undefined && value.roleId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["role"],
        message: `role is required: set role to one of ${systemRoles.join(", ")}, or roleId to a custom role's id`,
      });
    }
    if (value.importId !== undefined && value.adoptExisting) {
      ctx.addIssue({
        code: "custom",
        path: ["importId"],
        message:
          "set either importId (take over the account with this id) or adoptExisting (by email), not both",
      });
    }
    if (value.allowEmailChange && value.importId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["allowEmailChange"],
        message:
          "allowEmailChange only applies to a takeover by id (importId, or id: in a users file); remove it",
      });
    }
    const formers = value.formerEmails ?? [];
    formers.forEach((former, i) => {
      if (former === value.email) {
        ctx.addIssue({
          code: "custom",
          path: ["formerEmails", i],
          message: `formerEmails lists the current email ${value.email}; list only the emails this person had before`,
        });
      } else if (formers.indexOf(former) !== i) {
        ctx.addIssue({
          code: "custom",
          path: ["formerEmails", i],
          message: `formerEmails lists ${former} twice (emails are compared without case)`,
        });
      }
    });
    if (value.alternateEmail !== undefined && value.alternateEmail === value.email) {
      ctx.addIssue({
        code: "custom",
        path: ["alternateEmail"],
        message: "alternateEmail must differ from email; remove it or use another address",
      });
    }
  });

/**
 * The role rule, shared by declarations and users-file defaults: a system role by name or a
 * custom role by id, never both. `where` qualifies the message (" as the default").
 */
export function refineRoleChoice(
  value: { role?: unknown; roleId?: unknown },
  ctx: z.RefinementCtx,
  where: string,
): void {
  if (value.role !== undefined && value.roleId !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["roleId"],
      message: `set either role (a system role) or roleId (a custom role)${where}, not both`,
    });
  }
}

export type UserDeclaration = z.output<typeof userDeclarationSchema>;
export type UserDeclarationInput = z.input<typeof userDeclarationSchema>;
/** The body of a create or update: the profile fields, each optional. */
export type UserWrite = { [K in UserWriteField]?: NonNullable<UserDeclaration[K]> };
export type UserSettings = Pick<UserDeclaration, UserSettingField>;

/** The write fields a declaration sets. */
export function declaredWriteFields(decl: Partial<UserDeclaration>): UserWriteField[] {
  return userWriteFields.filter((f) => decl[f] !== undefined);
}

/** What create and update send: the declared profile fields (email always). */
export function writeBody(decl: UserDeclaration): UserWrite & { email: string } {
  const body: UserWrite & { email: string } = { email: decl.email };
  for (const f of declaredWriteFields(decl)) Object.assign(body, { [f]: decl[f] });
  return body;
}

/** The settings the state keeps, taken from a declaration or a state. */
export function settingsOf(from: StoredSettings): StoredSettings {
  const out: Record<string, unknown> = {};
  for (const f of storedSettingFields) out[f] = from[f];
  return out as StoredSettings;
}

export type DeclarationResult = ParseResult<UserDeclaration>;

/** Keys the DomoUser resource registers as outputs only: present in inputs as undefined. */
export type OutputOnlyKeys = ReadonlySet<string>;

/**
 * Validates raw inputs. Properties holding Pulumi's unknown placeholder (preview of values
 * computed by other resources) are set aside, validated as far as possible, and put back
 * unchanged so preview works. `ignore` names keys that declare nothing (output-only keys).
 */
export function parseDeclaration(
  raw: Record<string, unknown>,
  ignore: OutputOnlyKeys = new Set(),
): DeclarationResult {
  // Stand-ins let an unknown required field pass; its real value is checked at apply time. A
  // role or a custom role's id taken from another resource's output both satisfy "a role".
  const both = raw.role === unknownValue && raw.roleId === unknownValue;
  return parseInputs(userDeclarationSchema, raw, {
    ignore,
    standIns: {
      email: "unknown@example.com",
      name: "unknown",
      // Both unknown: one choice still to be made at apply, not "role and roleId together".
      ...(both ? {} : { role: "Participant" }),
      roleId: 1,
    },
  });
}

/** Values equal as Domo would see them: emails without case, numbers and numeric strings alike. */
export function sameField(field: string, a: unknown, b: unknown): boolean {
  if (a === undefined) return false;
  if (field === "email" || field === "alternateEmail")
    return String(a).toLowerCase() === String(b).toLowerCase();
  if (typeof a === "number" || typeof b === "number") return String(a) === String(b);
  return a === b;
}
