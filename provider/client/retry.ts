/**
 * The one retry policy of the client, as data, and the one delay function every retry path
 * goes through (the API call loop, the token endpoint, and create's look-up-then-repeat).
 *
 * Timers come from the global `setTimeout` at call time so sinon fake timers drive them; the
 * clock (`now`) and `random` are injected so waits are deterministic under test.
 */
import type { ClientSettings } from "./config";
import { DomoError, type DomoErrorKind } from "./errors";

export interface RetryPolicy {
  /** Retries after the first attempt (settings.maxRetries): at most limit + 1 attempts. */
  readonly limit: number;
  /** Exponential backoff: a full-jitter wait in [0, min(capMs, baseMs * 2^retry)). */
  readonly baseMs: number;
  readonly capMs: number;
  /** Every wait, a server's Retry-After included, is capped at this. */
  readonly maxRetryAfterMs: number;
  /** One overall budget for a call, its retries included (settings.deadlineMs). */
  readonly deadlineMs: number;
  /** Kinds retried whatever the request: Domo refused it before doing anything (429, or a 403 saying "rate limit"). */
  readonly alwaysRetryable: readonly DomoErrorKind[];
  /** Kinds retried only when repeating the request is safe (5xx, network, timeout). */
  readonly idempotentRetryable: readonly DomoErrorKind[];
  /** Whether a non-idempotent request (a POST) may be repeated on those kinds: never blindly. */
  readonly retryNonIdempotent: boolean;
}

export const defaultRetryTiming = { baseMs: 250, capMs: 20_000, maxRetryAfterMs: 60_000 } as const;

export function retryPolicy(
  settings: Pick<ClientSettings, "maxRetries" | "deadlineMs">,
  overrides: Partial<RetryPolicy> = {},
): RetryPolicy {
  return {
    limit: settings.maxRetries,
    ...defaultRetryTiming,
    deadlineMs: settings.deadlineMs,
    alwaysRetryable: ["rate_limited"],
    idempotentRetryable: ["server", "network", "timeout"],
    retryNonIdempotent: false,
    ...overrides,
  };
}

export interface RetryClock {
  now: () => number;
  random: () => number;
}

/** The injected clock and random, or the real ones. */
export function clockFrom(deps: {
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
}): RetryClock {
  return { now: deps.now ?? (() => Date.now()), random: deps.random ?? Math.random };
}

export function isRetryable(policy: RetryPolicy, kind: DomoErrorKind, idempotent: boolean): boolean {
  if (policy.alwaysRetryable.includes(kind)) return true;
  return (idempotent || policy.retryNonIdempotent) && policy.idempotentRetryable.includes(kind);
}

/**
 * The one delay function: the server's Retry-After (delta-seconds or an HTTP date) when it
 * sent a usable one, else capped exponential backoff with full jitter for the `retry`-th
 * retry (0-based); either way no more than `maxRetryAfterMs`.
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfter: string | null | undefined,
  clock: RetryClock,
): number {
  const asked = parseRetryAfter(retryAfter, clock.now());
  const wait = asked ?? Math.floor(clock.random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry));
  return Math.min(wait, policy.maxRetryAfterMs);
}

/** Milliseconds to wait, or undefined when the header is absent or unparseable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export type RetryVerdict = { retry: true; waitMs: number } | { retry: false; error: DomoError };

/**
 * One call's retries under a policy: counts the HTTP attempts, holds the deadline, and
 * decides after each failure whether to wait and try again or which error to throw.
 */
export class RetryRun {
  private attemptsMade = 0;
  private retriesMade = 0;
  private readonly deadline: number;

  constructor(
    readonly policy: RetryPolicy,
    private readonly clock: RetryClock,
  ) {
    this.deadline = clock.now() + policy.deadlineMs;
  }

  /** HTTP attempts made so far. */
  get attempts(): number {
    return this.attemptsMade;
  }

  /** Records `count` HTTP attempts; returns the number of the last one (1-based). */
  attempted(count = 1): number {
    this.attemptsMade += count;
    return this.attemptsMade;
  }

  /**
   * After a failed attempt: the wait before the next one, or the error to throw (carrying
   * the attempt count) when the kind is not retryable, the limit is reached, or waiting would
   * pass the deadline.
   */
  next(error: DomoError, options: { idempotent: boolean; retryAfter?: string | null }): RetryVerdict {
    if (!isRetryable(this.policy, error.kind, options.idempotent)) {
      error.attempts = this.attemptsMade;
      return { retry: false, error };
    }
    if (this.retriesMade >= this.policy.limit) return { retry: false, error: this.exhausted(error) };
    const waitMs = this.delay(options.retryAfter);
    if (this.clock.now() + waitMs > this.deadline) {
      return { retry: false, error: this.exhausted(error, "the call's deadline would pass") };
    }
    this.retriesMade++;
    return { retry: true, waitMs };
  }

  /**
   * The wait before a look-up that must happen whatever the verdict (create's check by email):
   * the policy's delay, but never past the deadline.
   */
  settleDelay(): number {
    return Math.max(0, Math.min(this.delay(undefined), this.deadline - this.clock.now()));
  }

  private delay(retryAfter: string | null | undefined): number {
    return retryDelay(this.policy, this.retriesMade, retryAfter, this.clock);
  }

  /** The error a call gives up with: the last failure's kind and details, and the attempt count. */
  exhausted(error: DomoError, why?: string): DomoError {
    return new DomoError({
      kind: error.kind,
      status: error.status,
      method: error.method,
      path: error.path,
      toe: error.toe,
      field: error.field,
      maybeCommitted: error.maybeCommitted,
      attempts: this.attemptsMade,
      cause: error,
      message: `Gave up after ${this.attemptsMade} attempt(s)${why ? ` because ${why}` : ""}: ${stripWhere(error)}`,
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function stripWhere(error: DomoError): string {
  return error.message.replace(/ \((GET|POST|PUT|DELETE) [^)]*\)( \[Domo trace id: [^\]]*\])?$/, "");
}
