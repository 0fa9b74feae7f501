import { z } from "zod";

/**
 * What a person declares for one Domo user, validated and normalised at `check` (so at
 * preview) before anything reaches Domo. This schema is the single source of truth for the
 * DomoUser inputs; TypeScript types and the users-file format are derived from it.
 */

/** Pulumi's placeholder for values not known until apply (preview of computed inputs). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const systemRoles = ["Admin", "Privileged", "Editor", "Participant", "Social"] as const;
export type SystemRole = (typeof systemRoles)[number];

export const deletionPolicies = ["delete", "retain"] as const;
export type DeletionPolicy = (typeof deletionPolicies)[number];

// Control characters and invisible formatting characters (bidi overrides, zero-width
// characters) make a name look like another in Domo's UI: refuse them everywhere. Beyond the
// listed ranges: every other format character (Cf: e.g. the Arabic letter mark, soft hyphen,
// tag characters), line and paragraph separators (Zl, Zp) and lone surrogates (Cs).
const forbiddenCharacters =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

function text(field: string, max: number) {
  return z
    .string({
      error: (iss) =>
        `${field} must be a string${iss.input === undefined ? "" : `, got ${typeName(iss.input)}`}`,
    })
    .transform((s) => s.normalize("NFC").trim())
    .refine((s) => s.length > 0, `${field} must not be empty; remove the property to leave it unmanaged`)
    .refine((s) => s.length <= max, `${field} is longer than ${max} characters`)
    .refine(
      (s) => !forbiddenCharacters.test(s),
      `${field} contains control or invisible characters; remove them`,
    );
}

function email(field: string) {
  return z
    .string({ error: (iss) => `${field} must be a string, got ${typeName(iss.input)}` })
    .transform((s) => s.trim().toLowerCase())
    .refine((s) => s.length > 0, `${field} must not be empty`)
    .refine((s) => s.length <= 254, `${field} is longer than 254 characters`)
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

function role() {
  return z
    .string({ error: (iss) => `role must be a string, got ${typeName(iss.input)}` })
    .superRefine((value, ctx) => {
      if ((systemRoles as readonly string[]).includes(value)) return;
      const near = systemRoles.find((r) => r.toLowerCase() === value.trim().toLowerCase());
      ctx.addIssue({
        code: "custom",
        message: near
          ? `role "${value}" is not a Domo system role; role names are case-sensitive: use "${near}"`
          : `role "${value}" is not a Domo system role; use one of ${systemRoles.join(", ")}, or roleId for a custom role`,
      });
    });
}

export const userDeclarationSchema = z
  .strictObject(
    {
      email: email("email"),
      name: text("name", 255),
      role: role().optional(),
      roleId: z
        .number({
          error: (iss) => `roleId must be a number (a custom role's id), got ${typeName(iss.input)}`,
        })
        .int("roleId must be a whole number")
        .positive("roleId must be positive")
        .optional(),
      title: text("title", 255).optional(),
      alternateEmail: email("alternateEmail").optional(),
      phone: text("phone", 40)
        .refine(
          (s) => /^[+0-9 ()./x-]{3,40}$/i.test(s),
          "phone may contain only digits, spaces, + ( ) . - and x",
        )
        .optional(),
      location: text("location", 255).optional(),
      timezone: text("timezone", 64)
        .refine(
          (s) => validTimezones.has(s) || isEtcZone(s),
          "timezone is not an IANA time zone (expected e.g. America/Los_Angeles)",
        )
        .optional(),
      locale: text("locale", 35)
        .refine(isLocale, "locale is not a BCP 47 locale tag (expected e.g. en-US)")
        .optional(),
      employeeNumber: z
        .number({ error: (iss) => `employeeNumber must be a number, got ${typeName(iss.input)}` })
        .int("employeeNumber must be a whole number")
        .nonnegative("employeeNumber must not be negative")
        .max(Number.MAX_SAFE_INTEGER, "employeeNumber is too large")
        .optional(),
      sendInvite: z.boolean({ error: "sendInvite must be true or false" }).default(false),
      adoptExisting: z.boolean({ error: "adoptExisting must be true or false" }).default(false),
      importId: z
        .union(
          [
            z
              .string()
              .trim()
              .regex(/^\d{1,15}$/),
            z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
          ],
          {
            error: "importId must be a Domo user id (digits, e.g. 1234567890)",
          },
        )
        .transform((v) => String(v))
        .optional(),
      deletionPolicy: z
        .enum(deletionPolicies, {
          error: `deletionPolicy must be "delete" (remove the account when the resource goes) or "retain" (leave it in Domo)`,
        })
        .default("delete"),
      allowUnsafeAdminChanges: z
        .boolean({ error: "allowUnsafeAdminChanges must be true or false" })
        .default(false),
    },
    {
      error: (iss) =>
        iss.code === "unrecognized_keys"
          ? `unknown propert${iss.keys.length > 1 ? "ies" : "y"} ${iss.keys.join(", ")}; DomoUser accepts ${Object.keys(declarationShapeKeys).join(", ")}`
          : undefined,
    },
  )
  .superRefine((value, ctx) => {
    if (value.role !== undefined && value.roleId !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["roleId"],
        message: "set either role (a system role) or roleId (a custom role), not both",
      });
    }
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
    if (value.alternateEmail !== undefined && value.alternateEmail === value.email) {
      ctx.addIssue({
        code: "custom",
        path: ["alternateEmail"],
        message: "alternateEmail must differ from email; remove it or use another address",
      });
    }
  });

export type UserDeclaration = z.output<typeof userDeclarationSchema>;
export type UserDeclarationInput = z.input<typeof userDeclarationSchema>;

const declarationShapeKeys = {
  email: 1,
  name: 1,
  role: 1,
  roleId: 1,
  title: 1,
  alternateEmail: 1,
  phone: 1,
  location: 1,
  timezone: 1,
  locale: 1,
  employeeNumber: 1,
  sendInvite: 1,
  adoptExisting: 1,
  importId: 1,
  deletionPolicy: 1,
  allowUnsafeAdminChanges: 1,
};

const outputOnlyKeys = new Set(["userId", "groups", "image", "createdAt", "updatedAt", "managedFields"]);

/** Properties that only steer the provider and never reach Domo. */
export const settingFields = [
  "sendInvite",
  "adoptExisting",
  "importId",
  "deletionPolicy",
  "allowUnsafeAdminChanges",
] as const;

export interface CheckFailure {
  property: string;
  reason: string;
}

export type DeclarationResult =
  | { ok: true; value: UserDeclaration; unknowns: string[] }
  | { ok: false; failures: CheckFailure[] };

/**
 * Validates raw inputs. Properties holding Pulumi's unknown placeholder (preview of values
 * computed by other resources) are set aside, validated as far as possible, and put back
 * unchanged so preview works.
 */
export function parseDeclaration(raw: Record<string, unknown>): DeclarationResult {
  const unknowns: string[] = [];
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    // Output-only keys (registered as undefined so they become outputs) and nulls declare nothing.
    if (key === "__provider" || value === undefined || value === null || outputOnlyKeys.has(key)) continue;
    if (value === unknownValue) unknowns.push(key);
    // Defined, not assigned: an own "__proto__" key must stay a key (and be refused as unknown).
    else Object.defineProperty(known, key, { value, enumerable: true, writable: true, configurable: true });
  }
  // Stand-ins let an unknown required field pass; its real value is checked at apply time.
  const standIns: Record<string, unknown> = {
    email: "unknown@example.com",
    name: "unknown",
    role: "Participant",
  };
  const candidate = { ...known };
  for (const key of unknowns) {
    if (key in standIns) candidate[key] = standIns[key];
  }
  if (unknowns.includes("roleId") && candidate.role === "Participant") delete candidate.role;
  const parsed = userDeclarationSchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      failures: parsed.error.issues.map((issue) => ({
        property: String(issue.path[0] ?? issueKeys(issue) ?? "inputs"),
        reason: issue.message,
      })),
    };
  }
  return { ok: true, value: parsed.data, unknowns };
}

function issueKeys(issue: { code: string; keys?: string[] }): string | undefined {
  return issue.code === "unrecognized_keys" ? issue.keys?.[0] : undefined;
}

function isLocale(s: string): boolean {
  try {
    return Intl.getCanonicalLocales(s).length === 1 && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(s);
  } catch {
    return false;
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
