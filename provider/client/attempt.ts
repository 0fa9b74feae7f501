import type { ClientSettings } from "./config";
import { adviceFor, DomoError, kindForResponse } from "./errors";
import { defaultFetch, type FetchLike, type FetchResponse } from "./fetch";
import type { RequestLimiter } from "./limiter";
import type { DebugLog, Redactor } from "./log";
import { clockFrom, type RetryClock, type RetryPolicy } from "./retry";
import { gatewayErrorSchema } from "./schemas";

/**
 * One HTTP attempt, shared by the API transport and the token endpoint: a slot from the
 * limiter, fetch under a timeout, a network failure mapped to a kind, the answer read and
 * classified. Callers differ only in what they send, how they read a 2xx body and how they
 * word their log lines and lost-answer messages; retrying is theirs, under retry.ts's policy.
 */

/** What the transport and the token manager are each built with. */
export interface HttpDeps {
  limiter: RequestLimiter;
  log: DebugLog;
  /** Scrubs the secret and issued tokens from error messages (Domo may echo what it got). */
  redactor: Redactor;
  fetch?: FetchLike;
  random?: () => number;
  now?: () => number;
  /** Defaults to the policy built from the settings. */
  retry?: RetryPolicy;
}

/** What an attempt uses: the caller's limiter, log and redactor, with the defaults filled in. */
export interface AttemptDeps extends Pick<HttpDeps, "limiter" | "log" | "redactor"> {
  fetch: FetchLike;
  clock: RetryClock;
  timeoutMs: number;
}

export function attemptDeps(settings: Pick<ClientSettings, "timeoutMs">, deps: HttpDeps): AttemptDeps {
  const { limiter, log, redactor } = deps;
  const fetch = deps.fetch ?? defaultFetch;
  return { fetch, limiter, log, redactor, clock: clockFrom(deps), timeoutMs: settings.timeoutMs };
}

/** Why an attempt got no whole answer. */
export interface LostAnswer {
  kind: "timeout" | "network";
  /** "request": no answer came at all; "response": the connection broke while the body was read. */
  stage: "request" | "response";
  /** The error's code (ECONNRESET, …), when it had one. */
  code: string | undefined;
  /** The code, or else the start of the error's message. */
  detail: string;
}

export interface AttemptRequest<T> {
  method: string;
  /** What errors and log lines name: the path without host or query. */
  path: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /**
   * Whether a lost answer may hide a change Domo made (then `maybeCommitted` is set): true for
   * API writes; never for reads or a token request.
   */
  mayCommit: boolean;
  /** Reads a 2xx body; a DomoError it throws is the attempt's failure. */
  parse: (text: string, status: number) => T;
  /** The debug line for an answer. */
  answered: (status: number, elapsedMs: number) => string;
  /** The debug line when no answer came at all, for a caller that logs one. */
  unanswered?: (kind: LostAnswer["kind"]) => string;
  /** The message of a failure without a whole answer. */
  lost: (lost: LostAnswer) => string;
}

export type AttemptOutcome<T> =
  | { ok: true; value: T }
  /** `answer` is set when Domo answered with a failure status; `error` classifies it. */
  | { ok: false; error: DomoError; answer?: { status: number; retryAfter: string | null } };

export async function attemptRequest<T>(
  deps: AttemptDeps,
  request: AttemptRequest<T>,
): Promise<AttemptOutcome<T>> {
  const { method, path } = request;
  const release = await deps.limiter.acquire();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deps.timeoutMs);
  const started = deps.clock.now();
  const lostAnswer = (stage: LostAnswer["stage"], cause: unknown): AttemptOutcome<T> => {
    const kind = controller.signal.aborted ? "timeout" : "network";
    const code = (cause as { code?: string }).code;
    const lost: LostAnswer = { kind, stage, code, detail: describeNetworkError(cause) };
    // A refused connection never reached Domo, so nothing can have been committed.
    const maybeCommitted = request.mayCommit && code !== "ECONNREFUSED";
    const error = new DomoError({ kind, method, path, maybeCommitted, message: request.lost(lost) });
    return { ok: false, error };
  };
  try {
    let response: FetchResponse;
    try {
      const { headers, body } = request;
      response = await deps.fetch(request.url, { method, headers, body, signal: controller.signal });
    } catch (cause) {
      if (request.unanswered)
        deps.log.write(request.unanswered(controller.signal.aborted ? "timeout" : "network"));
      return lostAnswer("request", cause);
    }
    const text = await response.text();
    deps.log.write(request.answered(response.status, deps.clock.now() - started));
    if (response.ok) return { ok: true, value: request.parse(text, response.status) };
    const error = errorFromResponse(method, path, response.status, text, (t) => deps.redactor.redact(t));
    return {
      ok: false,
      error,
      answer: { status: response.status, retryAfter: response.headers.get("retry-after") },
    };
  } catch (cause) {
    // A DomoError is `parse` refusing the body; anything else, the connection dropping mid-body.
    if (cause instanceof DomoError) return { ok: false, error: cause };
    return lostAnswer("response", cause);
  } finally {
    clearTimeout(timer);
    release();
  }
}

/**
 * `redact` runs before Domo's message is shortened: shortening first could cut an echoed secret
 * or token into a prefix the redactor no longer recognises.
 */
export function errorFromResponse(
  method: string,
  path: string,
  status: number,
  text: string,
  redact: (s: string) => string = (s) => s,
): DomoError {
  let detail: string | undefined;
  let toe: string | undefined;
  // What the body says, to tell a rate limit answered as 403 from a permission error: the
  // message and error fields of Domo's JSON, or else the raw text (a proxy's page, say).
  let says = text.slice(0, 1000);
  try {
    const parsed = gatewayErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { message, error_description, statusReason, error } = parsed.data;
      detail = message ?? error_description ?? statusReason ?? error;
      toe = parsed.data.toe;
      says = [message, error, error_description].filter((s) => s !== undefined).join(" ");
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the status and the raw text must do.
  }
  const kind = kindForResponse(status, says);
  const shown = detail === undefined ? "" : redact(detail).slice(0, 300);
  const said = shown ? `Domo said: ${shown}${/[.!?]$/.test(shown) ? "" : "."} ` : "";
  return new DomoError({ kind, status, method, path, toe, message: `${said}${adviceFor(kind)}` });
}

function describeNetworkError(cause: unknown): string {
  const code = (cause as { code?: string }).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code ? `${code}` : message.slice(0, 200);
}
