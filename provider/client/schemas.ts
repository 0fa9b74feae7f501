import { z } from "zod";

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

export const domoUserSchema = z.looseObject({
  id: numericId,
  name: optionalString,
  email: optionalString,
  alternateEmail: optionalString,
  role: optionalString,
  roleId: z
    .union([z.number(), z.string().regex(/^\d+$/)])
    .nullish()
    .transform((v) => (v === null || v === undefined ? undefined : Number(v))),
  title: optionalString,
  phone: optionalString,
  location: optionalString,
  timezone: optionalString,
  locale: optionalString,
  employeeNumber: optionalNumberOrString,
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

/** The writable fields of a user: what we send on create and update. */
export const userWriteSchema = z.object({
  name: z.string().optional(),
  email: z.string().optional(),
  role: z.string().optional(),
  roleId: z.number().int().optional(),
  title: z.string().optional(),
  alternateEmail: z.string().optional(),
  phone: z.string().optional(),
  location: z.string().optional(),
  timezone: z.string().optional(),
  locale: z.string().optional(),
  employeeNumber: z.number().int().optional(),
});
export type UserWrite = z.infer<typeof userWriteSchema>;
export type UserWriteField = keyof UserWrite;
export const userWriteFields = Object.keys(userWriteSchema.shape) as UserWriteField[];
