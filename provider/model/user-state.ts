import { z } from "zod";
import {
  type DeclarationResult,
  parseDeclaration,
  storedSettingFields,
  type UserWriteField,
  userSettingsShape,
  userWriteFields,
} from "./user";

/**
 * How each profile field looks once Domo has it: plain values, no declaration rules (a phone
 * typed into Domo's UI with letters is still a phone). The client's wire schema and the
 * DomoUser state both build on these.
 */
export const liveFieldSchemas = {
  email: z.string(),
  name: z.string(),
  role: z.string(),
  roleId: z.number(),
  title: z.string(),
  alternateEmail: z.string(),
  phone: z.string(),
  location: z.string(),
  timezone: z.string(),
  locale: z.string(),
  employeeNumber: z.union([z.number(), z.string()]),
} satisfies Record<UserWriteField, z.ZodType>;

/** Fields Domo sets and reports, never written: kept in state as outputs. */
export const readOnlyShape = {
  /** Names of the groups the user belongs to, as Domo reports them. */
  groups: z
    .array(z.string())
    .optional()
    .describe("Names of the groups the user belongs to, as Domo reports them."),
  image: z.string().optional().describe("The user's avatar image, as Domo reports it."),
  createdAt: z.string().optional().describe("When Domo created the account."),
  updatedAt: z.string().optional().describe("When Domo last changed the account."),
};

function optionalEach<T extends Record<string, z.ZodType>>(
  shape: T,
): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}

const storedSettingsShape = Object.fromEntries(
  storedSettingFields.map((f) => [f, userSettingsShape[f]]),
) as Omit<typeof userSettingsShape, "importId" | "allowEmailChange" | "formerEmails">;

/**
 * The outputs a DomoUser keeps in Pulumi state: the id, Domo's live fields as last seen, the
 * fields Domo sets, which fields the declaration manages (so removing one from the declaration
 * clears it in Domo, while fields set by hand in Domo and never declared are left alone), and
 * the provider settings that matter after create.
 */
export const userStateSchema = z.looseObject({
  userId: z.number().int().describe("Domo's numeric id of the user (the resource's id, as a number)."),
  ...optionalEach(liveFieldSchemas),
  ...readOnlyShape,
  managedFields: z
    .array(z.string())
    .default([])
    .describe(
      "The profile fields the declaration manages: removing one from the declaration clears it in Domo; fields never declared are left alone.",
    ),
  ...storedSettingsShape,
});
export type UserState = z.output<typeof userStateSchema>;

/** Every key the state holds is an output of DomoUser. */
export const userOutputKeys = Object.keys(userStateSchema.shape) as (keyof UserState)[];

/** Output keys that are not inputs: registered as undefined so they become outputs, declaring nothing. */
export const outputOnlyKeys: ReadonlySet<string> = new Set(
  userOutputKeys.filter(
    (k) =>
      !(userWriteFields as readonly string[]).includes(k) &&
      !(storedSettingFields as readonly string[]).includes(k),
  ),
);

/** Validates a DomoUser's inputs as the engine sends them (output-only keys declare nothing). */
export function parseUserInputs(raw: Record<string, unknown>): DeclarationResult {
  return parseDeclaration(raw, outputOnlyKeys);
}
