/**
 * Every failure that crosses the client's boundary is a DomoError: a value with a kind that
 * callers branch on (never on message text), plus what a person needs to act on it.
 */
export const domoErrorKinds = [
  "auth",
  "forbidden",
  "not_found",
  "conflict",
  "rate_limited",
  "server",
  "network",
  "timeout",
  /** Domo refused the request as invalid (a 4xx other than the ones above). */
  "rejected",
  /** A declaration that does not validate, or holds values still unknown at apply. */
  "invalid_input",
  /** A provider setting (stack config or environment) that does not validate. */
  "invalid_settings",
  /** Pulumi state that is not in the shape this provider writes. */
  "invalid_state",
  /** A safety guard refused the change; `field` names the setting that allows it. */
  "refused",
  /**
   * Domo refused to delete a user who owns DataSets or DataFlows (see isContentOwnerRefusal):
   * their content must be transferred in Domo first, or the account kept.
   */
  "content_owner",
] as const;
export type DomoErrorKind = (typeof domoErrorKinds)[number];

export interface DomoErrorDetails {
  kind: DomoErrorKind;
  message: string;
  status?: number | undefined;
  method?: string | undefined;
  path?: string | undefined;
  /** Domo's gateway trace id: support can find the request with it. */
  toe?: string | undefined;
  /** The field or setting at fault (invalid input or settings), or that a guard names. */
  field?: string | undefined;
  /** True when the request may have reached Domo and changed something (lost response). */
  maybeCommitted?: boolean | undefined;
  /** How many HTTP attempts the failed call made (0 when it made none). */
  attempts?: number | undefined;
  cause?: unknown;
}

export class DomoError extends Error {
  readonly kind: DomoErrorKind;
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly toe: string | undefined;
  readonly field: string | undefined;
  readonly maybeCommitted: boolean;
  /**
   * How many HTTP attempts the failed call made (0 when it made none). Set by the retry loop
   * that made them, so branch on this rather than on the "Gave up after N attempt(s)" text.
   */
  attempts: number;

  constructor(details: DomoErrorDetails) {
    super(composeMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "DomoError";
    this.kind = details.kind;
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.toe = details.toe;
    this.field = details.field;
    this.maybeCommitted = details.maybeCommitted ?? false;
    this.attempts = details.attempts ?? 0;
  }

  /** Retrying may succeed: the server asked us to slow down, failed, or the network did. */
  get transient(): boolean {
    return (
      this.kind === "rate_limited" ||
      this.kind === "server" ||
      this.kind === "network" ||
      this.kind === "timeout"
    );
  }
}

function composeMessage(d: DomoErrorDetails): string {
  const where = d.method && d.path ? ` (${d.method} ${d.path}${d.status ? ` -> ${d.status}` : ""})` : "";
  const trace = d.toe ? ` [Domo trace id: ${d.toe}]` : "";
  return `${d.message}${where}${trace}`;
}

export function isDomoError(e: unknown, kind?: DomoErrorKind): e is DomoError {
  return e instanceof DomoError && (kind === undefined || e.kind === kind);
}

/** Maps an HTTP status to the kind a caller branches on. */
export function kindForStatus(status: number): DomoErrorKind {
  if (status === 401) return "auth";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  return "rejected";
}

/**
 * What a 403 says when it is a rate limit: Domo has been seen answering one with
 * 403 {"message":"API Rate limit reached."} instead of 429. Case, spacing, "_" and "-" vary.
 */
const rateLimitWording = /rate[\s_-]*limit|too many requests/i;

/**
 * The one classification of a failed response, by its status and what its body says: a 403
 * whose text says the rate limit was reached is `rate_limited` (so it is retried exactly as a
 * 429 is); every other status maps as kindForStatus says.
 */
export function kindForResponse(status: number, said: string | undefined): DomoErrorKind {
  if (status === 403 && said !== undefined && rateLimitWording.test(said)) return "rate_limited";
  return kindForStatus(status);
}

/** What a person should do about a failed call, by kind. */
export function adviceFor(kind: DomoErrorKind): string {
  switch (kind) {
    case "auth":
      return "Check domo:clientId and domo:clientSecret (or DOMO_CLIENT_ID / DOMO_CLIENT_SECRET).";
    case "forbidden":
      return "The API client lacks a needed scope or permission: give it the 'user' scope in Domo's developer portal.";
    case "not_found":
      return "The object does not exist in Domo (it may have been deleted outside Pulumi); run `pulumi refresh`.";
    case "conflict":
      return "Domo refused the change because it conflicts with existing data.";
    case "rate_limited":
      return "Domo kept rate limiting after all retries: lower domo:requestsPerSecond or `pulumi up --parallel`.";
    case "server":
      return "Domo failed repeatedly; try again later and quote the trace id if it persists.";
    case "network":
    case "timeout":
      return "Domo could not be reached in time: check domo:apiHost and the network, or raise domo:timeoutMs.";
    case "rejected":
      return "Domo rejected the request as invalid.";
    case "invalid_input":
      return "Fix the declaration and run again.";
    case "invalid_settings":
      return "Fix the setting and run again.";
    case "invalid_state":
      return "Run `pulumi refresh`, or `pulumi-domo recover` after an interrupted run.";
    case "refused":
      return "Nothing was changed.";
    case "content_owner":
      return "Domo does not delete a user who owns DataSets or DataFlows: transfer their content to someone else in Domo, or keep the account with deletionPolicy: retain.";
  }
}

/** Domo's own words in a failed call's message (after "Domo said: "), or undefined. */
export function domoSaid(e: DomoError): string | undefined {
  const prefix = "Domo said: ";
  if (!e.message.startsWith(prefix)) return undefined;
  const rest = e.message.slice(prefix.length);
  const end = rest.lastIndexOf(`. ${adviceFor(e.kind)}`);
  return end >= 0 ? rest.slice(0, end) : undefined;
}

/** What Domo's refusal names: the content a user owns… */
const ownedContent = /\b(?:data[\s_-]*(?:sets?|flows?)|content)\b/i;
/** …and that it is about owning it. */
const ownership = /\b(?:own(?:s|ed|er|ers|ership|ing)?|transfer(?:s|red|ring)?|reassign(?:s|ed|ing)?)\b/i;

/**
 * Whether a failed call is Domo refusing to delete a user who owns DataSets or DataFlows. Its
 * answer is not documented: a 4xx (the emulator says 400, or 409 by switch; 403 and 422 are
 * plausible too) whose message names the content (DataSets, DataFlows, data flow, content) and
 * its ownership (owns, owner, ownership, transfer, reassign), in any case. A refusal for another
 * reason (the last Admin, a missing scope) or a rate limit never matches.
 */
export function isContentOwnerRefusal(e: unknown): e is DomoError {
  if (!isDomoError(e)) return false;
  if (e.kind === "content_owner") return true;
  if (e.kind !== "rejected" && e.kind !== "conflict" && e.kind !== "forbidden") return false;
  if (e.status !== undefined && (e.status < 400 || e.status > 499)) return false;
  const said = domoSaid(e) ?? e.message;
  return ownedContent.test(said) && ownership.test(said);
}
