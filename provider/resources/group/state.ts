import type { z } from "zod";
import { DomoError } from "../../client/errors";
import type { DomoGroupRecord } from "../../client/schemas";
import {
  definedOnly,
  type GroupDeclaration,
  type GroupMembersDeclaration,
  type GroupMembershipDeclaration,
  type GroupMembershipState,
  type GroupMembersState,
  type GroupState,
  groupMembersStateSchema,
  groupSettingsOf,
  groupStateSchema,
  parseDomoId,
  quote,
} from "../../model";
import type { PartialFailure } from "../../runtime/kind";
import type { PropertyMap } from "../user/runtime";

// Reading a group resource's state and building it, for every handler and for `pulumi-domo
// recover` (which records a create a killed run left pending exactly as the handler would).

/** A DomoGroup's state from the group Domo holds and the declaration's (or state's) settings. */
export function groupStateOf(live: DomoGroupRecord, settings: GroupState | GroupDeclaration): GroupState {
  return groupStateSchema.parse({
    groupId: live.id,
    name: live.name,
    active: live.active ?? true,
    default: live.default,
    creatorId: live.creatorId,
    ...groupSettingsOf(settings),
  });
}

/** A DomoGroupMembers' state: the declaration, its emails as resolved, and the group's members. */
export function groupMembersStateOf(
  decl: GroupMembersDeclaration,
  resolved: Record<string, number>,
  memberIds: readonly number[],
  managed: { groupManaged?: true } = {},
): GroupMembersState {
  return groupMembersStateSchema.parse({
    groupId: decl.groupId,
    userIds: decl.userIds,
    emails: decl.emails,
    resolvedEmails: resolved,
    memberIds: [...memberIds],
    deletionPolicy: decl.deletionPolicy,
    ...managed,
  });
}

/** A DomoGroupMembership's state once the user is in the group. */
export function membershipStateOf(
  decl: GroupMembershipDeclaration,
  userId: number,
  managed: { groupManaged?: true } = {},
): GroupMembershipState {
  return {
    groupId: decl.groupId,
    userId,
    ...(decl.email ? { email: decl.email } : {}),
    deletionPolicy: decl.deletionPolicy,
    ...managed,
  };
}

/**
 * Thrown when Domo holds the object but a follow-up step failed: the engine records the id
 * and properties instead of forgetting it (a "partial failure").
 */
export class PartialGroupError extends Error implements PartialFailure {
  readonly reasons: string[];
  constructor(
    readonly id: string,
    readonly properties: PropertyMap,
    what: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${what} exists, but converging it to the declaration failed: ${reason}`);
    this.name = "PartialGroupError";
    this.reasons = [reason];
  }
}

export function parseState<T>(schema: z.ZodType<T>, props: PropertyMap, kind: string): T {
  const parsed = schema.safeParse(props);
  if (!parsed.success) {
    throw new DomoError({
      kind: "invalid_state",
      message: `The ${kind} state is not in the expected shape (${parsed.error.issues[0]?.path.join(".")}): run \`pulumi refresh\``,
    });
  }
  return parsed.data;
}

export function parseNumericId(id: string, what: string): number {
  const parsed = parseDomoId(id);
  if (parsed === undefined) {
    throw new DomoError({
      kind: "invalid_state",
      field: "id",
      message: `${quote(id)} is not a ${what} id (expected digits, e.g. 1234567890)`,
    });
  }
  return parsed;
}

export function outputs(state: object, inputs?: PropertyMap): PropertyMap {
  const outs: PropertyMap = definedOnly({ ...state });
  if (inputs?.__provider !== undefined) outs.__provider = inputs.__provider;
  return outs;
}
