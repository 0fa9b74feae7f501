import { z } from "zod";

/**
 * The shapes of the kinds only a UserDirectory makes (UserBatch, DirectoryDeletionGuard) and of
 * the UserDirectory component's outputs and the functions' inputs: they have no zod model of
 * their own elsewhere (the dynamic resources take them as TypeScript types), so their package
 * schema is derived from these.
 */

const userIdMap = z.record(z.string(), z.number().int());

/** What a UserBatch takes: its users, keyed by normalised email (plain values, no outputs inside). */
export const userBatchInputShape = {
  users: z
    .record(z.string(), z.unknown())
    .describe(
      "The users, keyed by normalised email; each value is a User declaration (the User resource's inputs, plain values).",
    ),
};

/** What a UserBatch keeps in state. */
export const userBatchOutputShape = {
  users: z
    .record(z.string(), z.unknown())
    .describe("Each user's state as the batch keeps it, keyed by normalised email."),
  userIds: userIdMap.describe("Domo user id per normalised email."),
  batch: z.string().describe("The batch's name (its resource name)."),
};

/** What a DirectoryDeletionGuard takes and keeps (its state is its inputs). */
export const deletionGuardShape = {
  directory: z.string().describe("The directory the guard belongs to, as messages name it."),
  accounts: z
    .array(z.string())
    .describe("The normalised emails of the accounts the directory would delete if their entries went."),
  allowMassDeletion: z.boolean().describe("Let this run delete more accounts than the guard allows."),
  maxDeletes: z
    .number()
    .int()
    .optional()
    .describe("Refuse a run that would delete more than this many accounts."),
  held: z
    .array(z.string())
    .optional()
    .describe("Who is who: each person's email, declared id, name hash and former emails."),
  groups: z
    .array(z.unknown())
    .optional()
    .describe("Each declared group's name, id, former names and member count."),
  layout: z.string().optional().describe('How the directory holds its users: "perUser" or "bulk:<batches>".'),
};

/** The UserDirectory component's outputs (what the TypeScript component registers). */
export const userDirectoryOutputShape = {
  userIds: userIdMap.describe("Domo user id per (normalised) email."),
  groupIds: userIdMap.describe("Domo group id per declared group name."),
};

/** getUser's inputs: one of the two. */
export const getUserInputShape = {
  email: z.string().optional().describe("The user's email (compared without case). Set this or id."),
  id: z
    .union([z.number().int(), z.string()])
    .optional()
    .describe("The user's Domo id (a number, or a string of digits). Set this or email."),
};

/** getGroup's inputs: one of the two. */
export const getGroupInputShape = {
  name: z.string().optional().describe("The group's name (compared without case). Set this or id."),
  id: z
    .union([z.number().int(), z.string()])
    .optional()
    .describe("The group's Domo id (a number, or a string of digits). Set this or name."),
};
