import { z } from "zod";
import {
  type DomoUserRecord,
  type UserWrite,
  type UserWriteField,
  userWriteFields,
} from "../../client/schemas";
import { deletionPolicies, type UserDeclaration } from "./declaration";

/**
 * The outputs a DomoUser keeps in Pulumi state: Domo's live fields as last seen, the id, and
 * which fields the declaration manages (so removing one from the declaration clears it in
 * Domo, while fields set by hand in Domo and never declared are left alone).
 */
export const userStateSchema = z.looseObject({
  userId: z.number().int(),
  email: z.string().optional(),
  name: z.string().optional(),
  role: z.string().optional(),
  roleId: z.number().optional(),
  title: z.string().optional(),
  alternateEmail: z.string().optional(),
  phone: z.string().optional(),
  location: z.string().optional(),
  timezone: z.string().optional(),
  locale: z.string().optional(),
  employeeNumber: z.union([z.number(), z.string()]).optional(),
  groups: z.array(z.string()).optional(),
  image: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  managedFields: z.array(z.string()).default([]),
  sendInvite: z.boolean().default(false),
  adoptExisting: z.boolean().default(false),
  deletionPolicy: z.enum(deletionPolicies).default("delete"),
  allowUnsafeAdminChanges: z.boolean().default(false),
});
export type UserState = z.output<typeof userStateSchema>;

/** The write fields a declaration sets. */
export function declaredWriteFields(decl: Partial<UserDeclaration>): UserWriteField[] {
  return userWriteFields.filter((f) => decl[f] !== undefined);
}

export function writeBody(decl: UserDeclaration): UserWrite & { email: string } {
  const body: UserWrite & { email: string } = { email: decl.email };
  for (const f of declaredWriteFields(decl)) (body as Record<string, unknown>)[f] = decl[f];
  return body;
}

/** Builds the state from what Domo returned, filling fields Domo does not echo (create omits timezone and locale). */
export function stateFrom(
  live: DomoUserRecord,
  decl: Pick<UserDeclaration, "sendInvite" | "adoptExisting" | "deletionPolicy" | "allowUnsafeAdminChanges">,
  managedFields: readonly string[],
  echoFallback: Partial<UserWrite> = {},
): UserState {
  const state: Record<string, unknown> = {
    userId: live.id,
    managedFields: [...managedFields].sort(),
    sendInvite: decl.sendInvite,
    adoptExisting: decl.adoptExisting,
    deletionPolicy: decl.deletionPolicy,
    allowUnsafeAdminChanges: decl.allowUnsafeAdminChanges,
  };
  for (const f of userWriteFields) {
    const value = live[f] ?? echoFallback[f];
    if (value !== undefined && value !== "") state[f] = f === "email" ? String(value).toLowerCase() : value;
  }
  if (live.groups) state.groups = live.groups.map((g) => g.name ?? String(g.id));
  for (const f of ["image", "createdAt", "updatedAt"] as const) {
    if (live[f] !== undefined) state[f] = live[f];
  }
  return state as UserState;
}
