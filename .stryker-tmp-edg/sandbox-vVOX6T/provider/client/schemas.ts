// @ts-nocheck
import { z } from "zod";
import { type UserWriteField, userWriteFields } from "../model/user";

/**
 * Shapes of what Domo sends back, tolerant where Domo is inconsistent: `roleId` comes as a
 * string or a number, `employeeNumber` as a number or a string, fields are omitted (or, in
 * the wild, null), and unknown fields appear. Everything is normalised to one typed shape.
 */
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

const numericId = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((v) => Number(v));

const optionalNumberOrString = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined || v === "") return undefined;
    if (typeof v === "string" && /^\d+$/.test(v.trim())) return Number(v.trim());
    return v;
  });

export const domoGroupRefSchema = z.looseObject({ id: numericId, name: optionalString });

/** Domo's inconsistencies per field, on top of "omitted, or null in the wild". */
const wireOverrides = {
  roleId: z
    .union([z.number(), z.string().regex(/^\d+$/)])
    .nullish()
    .transform((v) => (v === null || v === undefined ? undefined : Number(v))),
  employeeNumber: optionalNumberOrString,
};
type WireProfile = {
  [K in UserWriteField]: K extends keyof typeof wireOverrides
    ? (typeof wireOverrides)[K]
    : typeof optionalString;
};
/** The profile fields as Domo sends them: the model's field list, tolerant types. */
const wireProfile = Object.fromEntries(
  userWriteFields.map((f) => [
    f,
    f in wireOverrides ? wireOverrides[f as keyof typeof wireOverrides] : optionalString,
  ]),
) as WireProfile;

export const domoUserSchema = z.looseObject({
  id: numericId,
  ...wireProfile,
  employeeId: optionalString,
  department: optionalString,
  createdAt: optionalString,
  updatedAt: optionalString,
  image: optionalString,
  groups: z
    .array(domoGroupRefSchema)
    .nullish()
    .transform((v) => v ?? undefined),
  deleted: z
    .boolean()
    .nullish()
    .transform((v) => v ?? undefined),
});
export type DomoUserRecord = z.infer<typeof domoUserSchema>;

export const domoUserListSchema = z.array(domoUserSchema);

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
  userId: numericId.optional(),
  role: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Domo's gateway error body; `toe` is a request trace id worth showing to a person. */
export const gatewayErrorSchema = z.looseObject({
  status: z.number().optional(),
  statusReason: z.string().optional(),
  message: z.string().optional(),
  toe: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/** The writable fields of a user (what create and update send) come from the model. */
export type { UserWrite, UserWriteField } from "../model/user";
export { userWriteFields };

/** A group as Domo sends it (`{id, name, active, default, creatorId, memberCount}`), tolerant. */
export const domoGroupSchema = z.looseObject({
  id: numericId,
  name: z.string(),
  active: z
    .boolean()
    .nullish()
    .transform((v) => v ?? undefined),
  default: z
    .boolean()
    .nullish()
    .transform((v) => v ?? undefined),
  creatorId: numericId.nullish().transform((v) => v ?? undefined),
  memberCount: z
    .number()
    .nullish()
    .transform((v) => v ?? undefined),
});
export type DomoGroupRecord = z.infer<typeof domoGroupSchema>;
export const domoGroupListSchema = z.array(domoGroupSchema);

/** GET /v1/groups/{id}/users: an array of user ids (numbers, digit strings, or `{id}` objects). */
export const domoGroupMemberListSchema = z.array(
  z.union([numericId, z.looseObject({ id: numericId }).transform((u) => u.id)]),
);
