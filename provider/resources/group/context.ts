import type { DomoClient } from "../../client";
import { DomoError } from "../../client/errors";
import { type MembershipMode, unknownValue } from "../../model";
import type { GroupClaims } from "../../runtime/group-claims";
import type { CheckResult, PropertyMap } from "../engine";
import { outputs, parseNumericId } from "./state";

// The engine's shapes, for modules that import them from here.
export type * from "../engine";

/** What every group resource's handler shares in one provider process. */
export interface GroupContext {
  readonly client: DomoClient;
  readonly claims: GroupClaims;
  notice(line: string): void;
}

/** What the three group resources' handlers are built on: the process's shared context. */
export abstract class GroupResourceHandler {
  constructor(protected readonly ctx: GroupContext) {}

  /** A group kind's id is the Domo group's (a membership overrides it: `<groupId>|<userId>`). */
  parseId(id: string): unknown {
    return parseNumericId(id, "Domo group");
  }

  /** The state as the engine records it: defined values only. */
  outputs(state: object): PropertyMap {
    return outputs(state);
  }

  /**
   * check for a member resource: the inputs checked, and the group claimed for `mode` when its
   * id is known already (so mixing modes on one group fails at preview, not half-way through up).
   */
  protected checkedInMode(result: CheckResult, mode: MembershipMode): CheckResult {
    const groupId = knownId(result.inputs?.groupId);
    if (groupId === undefined) return result;
    try {
      this.ctx.claims.mode(groupId, mode);
    } catch (e) {
      return { failures: [{ property: "groupId", reason: (e as Error).message }] };
    }
    return result;
  }
}

export { checkedInputs, declared } from "../engine";

/** A known group id from raw inputs (for claims at check), or undefined. */
export function knownId(value: unknown): number | undefined {
  if (value === unknownValue || value === undefined || value === null) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Emails to user ids through the client's shared user listing; an email it does not hold
 * gets one fresh listing (the user may have been created in this run), then fails.
 */
export async function resolveEmails(
  ctx: GroupContext,
  emails: readonly string[],
): Promise<Record<string, number>> {
  const resolved: Record<string, number> = {};
  const missing: string[] = [];
  for (const email of emails) {
    const user = await ctx.client.users.findByEmail(email);
    if (user) resolved[email] = user.id;
    else missing.push(email);
  }
  if (missing.length > 0) {
    let fresh = true;
    for (const email of missing) {
      const user = await ctx.client.users.findByEmail(email, { fresh });
      fresh = false;
      if (user) resolved[email] = user.id;
      else {
        throw new DomoError({
          kind: "not_found",
          field: "emails",
          message: `No Domo user has the email ${email}, so it cannot be made a group member. Fix the email, or declare the person as a DomoUser and pass its id (userIds: [user.id]) so Pulumi creates the account first`,
        });
      }
    }
  }
  return resolved;
}
