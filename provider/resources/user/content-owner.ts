import { DomoError, domoSaid } from "../../client/errors";

/**
 * What a user's delete did: `deleted` (Domo deleted the account), `gone` (Domo no longer had it:
 * no DELETE was sent, or it answered 404), `retained` (deletionPolicy retain: no call) or
 * `kept` (another resource of this run holds the account: no call). A refusal throws.
 */
export type DeleteOutcome = "deleted" | "gone" | "retained" | "kept";

/** One person Domo would not delete, as a message names them. */
export interface RefusedOwner {
  email?: string | undefined;
  userId: number;
}

/**
 * Domo refused to delete the user because they own DataSets or DataFlows (the client's
 * `content_owner` kind, recognised by isContentOwnerRefusal). Nothing was deleted.
 */
export class ContentOwnerError extends DomoError {
  readonly owner: RefusedOwner;
  /** The request and Domo's answer (`DELETE /v1/users/7 -> 400: Domo said: "…"`). */
  readonly evidence: string;

  constructor(email: string | undefined, userId: number, cause: DomoError) {
    const said = domoSaid(cause);
    const request =
      cause.method && cause.path ? `${cause.method} ${cause.path} -> ${cause.status}` : undefined;
    const evidence = [request, said === undefined ? undefined : `Domo said: "${said}"`]
      .filter((s) => s !== undefined)
      .join(": ");
    super({
      kind: "content_owner",
      status: cause.status,
      toe: cause.toe,
      field: "deletionPolicy",
      cause,
      message: contentOwnerMessage({
        owners: [{ email, userId }],
        said: evidence,
        outcome:
          "Nothing was deleted: the account stays in Domo and its DomoUser stays in the stack, so the next `pulumi up` tries the delete again",
      }),
    });
    this.owner = { email, userId };
    this.evidence = evidence;
  }
}

/** "ada@example.com (Domo user 1000000002)" */
export function ownerName(o: RefusedOwner): string {
  return o.email ? `${o.email} (Domo user ${o.userId})` : `Domo user ${o.userId}`;
}

/**
 * Who, why, what happened, and the two ways out: transfer the content in Domo and run again,
 * or keep the account with deletionPolicy retain (for a users file and for a program).
 */
export function contentOwnerMessage(m: {
  owners: readonly RefusedOwner[];
  /** Domo's answer, shown as evidence. */
  said?: string | undefined;
  /** What happened to the account(s) and the state, and what the next run does. */
  outcome: string;
}): string {
  const one = m.owners.length === 1;
  const shown = m.owners.slice(0, 10).map(ownerName).join(", ");
  const more = m.owners.length > 10 ? ` and ${m.owners.length - 10} more` : "";
  const who = one ? shown : `${m.owners.length} users: ${shown}${more}`;
  const evidence = m.said ? ` (${one ? "" : "for one of them: "}${m.said})` : "";
  return (
    `Domo refused to delete ${who}: ${one ? "they own" : "each owns"} DataSets or DataFlows, and Domo deletes no user who owns content${evidence}. ` +
    `${m.outcome}. Two ways out: ` +
    `(1) transfer ${one ? "their" : "each one's"} DataSets and DataFlows to someone else in Domo (as an Admin: Admin > People, select the person, transfer ownership of their content; Domo's public API has no ownership transfer), then run \`pulumi up\` again: it deletes ${one ? "the account" : "their accounts"}; ` +
    `(2) keep the account in Domo and stop managing it: declare the person again with deletionPolicy: retain, run \`pulumi up\` (it records the policy, no call to Domo), then remove them again and run \`pulumi up\` (or \`pulumi destroy\`): the account stays. ` +
    'In a users file: put their entry back under users: with `deletionPolicy: retain` (or set it under defaults:); in a program: put the DomoUser back (same resource name) with deletionPolicy: "retain"'
  );
}
