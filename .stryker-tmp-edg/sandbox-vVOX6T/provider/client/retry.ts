/**
 * The one retry policy of the client, as data, and the one delay function every retry path
 * goes through (the API call loop, the token endpoint, and create's look-up-then-repeat).
 *
 * Timers come from the global `setTimeout` at call time so sinon fake timers drive them; the
 * clock (`now`) and `random` are injected so waits are deterministic under test.
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
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
  /** Kinds retried whatever the request: Domo refused it before doing anything (429). */
  readonly alwaysRetryable: readonly DomoErrorKind[];
  /** Kinds retried only when repeating the request is safe (5xx, network, timeout). */
  readonly idempotentRetryable: readonly DomoErrorKind[];
  /** Whether a non-idempotent request (a POST) may be repeated on those kinds: never blindly. */
  readonly retryNonIdempotent: boolean;
}
export const defaultRetryTiming = {
  baseMs: 250,
  capMs: 20_000,
  maxRetryAfterMs: 60_000
} as const;
export function retryPolicy(settings: Pick<ClientSettings, "maxRetries" | "deadlineMs">, overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  if (stryMutAct_9fa48("258")) {
    {}
  } else {
    stryCov_9fa48("258");
    return stryMutAct_9fa48("259") ? {} : (stryCov_9fa48("259"), {
      limit: settings.maxRetries,
      ...defaultRetryTiming,
      deadlineMs: settings.deadlineMs,
      alwaysRetryable: stryMutAct_9fa48("260") ? [] : (stryCov_9fa48("260"), [stryMutAct_9fa48("261") ? "" : (stryCov_9fa48("261"), "rate_limited")]),
      idempotentRetryable: stryMutAct_9fa48("262") ? [] : (stryCov_9fa48("262"), [stryMutAct_9fa48("263") ? "" : (stryCov_9fa48("263"), "server"), stryMutAct_9fa48("264") ? "" : (stryCov_9fa48("264"), "network"), stryMutAct_9fa48("265") ? "" : (stryCov_9fa48("265"), "timeout")]),
      retryNonIdempotent: stryMutAct_9fa48("266") ? true : (stryCov_9fa48("266"), false),
      ...overrides
    });
  }
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
  if (stryMutAct_9fa48("267")) {
    {}
  } else {
    stryCov_9fa48("267");
    return stryMutAct_9fa48("268") ? {} : (stryCov_9fa48("268"), {
      now: stryMutAct_9fa48("269") ? deps.now && (() => Date.now()) : (stryCov_9fa48("269"), deps.now ?? (stryMutAct_9fa48("270") ? () => undefined : (stryCov_9fa48("270"), () => Date.now()))),
      random: stryMutAct_9fa48("271") ? deps.random && Math.random : (stryCov_9fa48("271"), deps.random ?? Math.random)
    });
  }
}
export function isRetryable(policy: RetryPolicy, kind: DomoErrorKind, idempotent: boolean): boolean {
  if (stryMutAct_9fa48("272")) {
    {}
  } else {
    stryCov_9fa48("272");
    if (stryMutAct_9fa48("274") ? false : stryMutAct_9fa48("273") ? true : (stryCov_9fa48("273", "274"), policy.alwaysRetryable.includes(kind))) return stryMutAct_9fa48("275") ? false : (stryCov_9fa48("275"), true);
    return stryMutAct_9fa48("278") ? idempotent || policy.retryNonIdempotent || policy.idempotentRetryable.includes(kind) : stryMutAct_9fa48("277") ? false : stryMutAct_9fa48("276") ? true : (stryCov_9fa48("276", "277", "278"), (stryMutAct_9fa48("280") ? idempotent && policy.retryNonIdempotent : stryMutAct_9fa48("279") ? true : (stryCov_9fa48("279", "280"), idempotent || policy.retryNonIdempotent)) && policy.idempotentRetryable.includes(kind));
  }
}

/**
 * The one delay function: the server's Retry-After (delta-seconds or an HTTP date) when it
 * sent a usable one, else capped exponential backoff with full jitter for the `retry`-th
 * retry (0-based); either way no more than `maxRetryAfterMs`.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfter: string | null | undefined, clock: RetryClock): number {
  if (stryMutAct_9fa48("281")) {
    {}
  } else {
    stryCov_9fa48("281");
    const asked = parseRetryAfter(retryAfter, clock.now());
    const wait = stryMutAct_9fa48("282") ? asked && Math.floor(clock.random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry)) : (stryCov_9fa48("282"), asked ?? Math.floor(stryMutAct_9fa48("283") ? clock.random() / Math.min(policy.capMs, policy.baseMs * 2 ** retry) : (stryCov_9fa48("283"), clock.random() * (stryMutAct_9fa48("284") ? Math.max(policy.capMs, policy.baseMs * 2 ** retry) : (stryCov_9fa48("284"), Math.min(policy.capMs, stryMutAct_9fa48("285") ? policy.baseMs / 2 ** retry : (stryCov_9fa48("285"), policy.baseMs * 2 ** retry)))))));
    return stryMutAct_9fa48("286") ? Math.max(wait, policy.maxRetryAfterMs) : (stryCov_9fa48("286"), Math.min(wait, policy.maxRetryAfterMs));
  }
}

/** Milliseconds to wait, or undefined when the header is absent or unparseable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (stryMutAct_9fa48("287")) {
    {}
  } else {
    stryCov_9fa48("287");
    if (stryMutAct_9fa48("290") ? false : stryMutAct_9fa48("289") ? true : stryMutAct_9fa48("288") ? value : (stryCov_9fa48("288", "289", "290"), !value)) return undefined;
    const trimmed = stryMutAct_9fa48("291") ? value : (stryCov_9fa48("291"), value.trim());
    if (stryMutAct_9fa48("293") ? false : stryMutAct_9fa48("292") ? true : (stryCov_9fa48("292", "293"), (stryMutAct_9fa48("300") ? /^\d+(\.\D+)?$/ : stryMutAct_9fa48("299") ? /^\d+(\.\d)?$/ : stryMutAct_9fa48("298") ? /^\d+(\.\d+)$/ : stryMutAct_9fa48("297") ? /^\D+(\.\d+)?$/ : stryMutAct_9fa48("296") ? /^\d(\.\d+)?$/ : stryMutAct_9fa48("295") ? /^\d+(\.\d+)?/ : stryMutAct_9fa48("294") ? /\d+(\.\d+)?$/ : (stryCov_9fa48("294", "295", "296", "297", "298", "299", "300"), /^\d+(\.\d+)?$/)).test(trimmed))) return Math.ceil(stryMutAct_9fa48("301") ? Number(trimmed) / 1000 : (stryCov_9fa48("301"), Number(trimmed) * 1000));
    const date = Date.parse(trimmed);
    if (stryMutAct_9fa48("303") ? false : stryMutAct_9fa48("302") ? true : (stryCov_9fa48("302", "303"), Number.isNaN(date))) return undefined;
    return stryMutAct_9fa48("304") ? Math.min(0, date - now) : (stryCov_9fa48("304"), Math.max(0, stryMutAct_9fa48("305") ? date + now : (stryCov_9fa48("305"), date - now)));
  }
}
export type RetryVerdict = {
  retry: true;
  waitMs: number;
} | {
  retry: false;
  error: DomoError;
};

/**
 * One call's retries under a policy: counts the HTTP attempts, holds the deadline, and
 * decides after each failure whether to wait and try again or which error to throw.
 */
export class RetryRun {
  private attemptsMade = 0;
  private retriesMade = 0;
  private readonly deadline: number;
  constructor(readonly policy: RetryPolicy, private readonly clock: RetryClock) {
    if (stryMutAct_9fa48("306")) {
      {}
    } else {
      stryCov_9fa48("306");
      this.deadline = stryMutAct_9fa48("307") ? clock.now() - policy.deadlineMs : (stryCov_9fa48("307"), clock.now() + policy.deadlineMs);
    }
  }

  /** HTTP attempts made so far. */
  get attempts(): number {
    if (stryMutAct_9fa48("308")) {
      {}
    } else {
      stryCov_9fa48("308");
      return this.attemptsMade;
    }
  }

  /** Records `count` HTTP attempts; returns the number of the last one (1-based). */
  attempted(count = 1): number {
    if (stryMutAct_9fa48("309")) {
      {}
    } else {
      stryCov_9fa48("309");
      stryMutAct_9fa48("310") ? this.attemptsMade -= count : (stryCov_9fa48("310"), this.attemptsMade += count);
      return this.attemptsMade;
    }
  }

  /**
   * After a failed attempt: the wait before the next one, or the error to throw (carrying
   * the attempt count) when the kind is not retryable, the limit is reached, or waiting would
   * pass the deadline.
   */
  next(error: DomoError, options: {
    idempotent: boolean;
    retryAfter?: string | null;
  }): RetryVerdict {
    if (stryMutAct_9fa48("311")) {
      {}
    } else {
      stryCov_9fa48("311");
      if (stryMutAct_9fa48("314") ? false : stryMutAct_9fa48("313") ? true : stryMutAct_9fa48("312") ? isRetryable(this.policy, error.kind, options.idempotent) : (stryCov_9fa48("312", "313", "314"), !isRetryable(this.policy, error.kind, options.idempotent))) {
        if (stryMutAct_9fa48("315")) {
          {}
        } else {
          stryCov_9fa48("315");
          error.attempts = this.attemptsMade;
          return stryMutAct_9fa48("316") ? {} : (stryCov_9fa48("316"), {
            retry: stryMutAct_9fa48("317") ? true : (stryCov_9fa48("317"), false),
            error
          });
        }
      }
      if (stryMutAct_9fa48("321") ? this.retriesMade < this.policy.limit : stryMutAct_9fa48("320") ? this.retriesMade > this.policy.limit : stryMutAct_9fa48("319") ? false : stryMutAct_9fa48("318") ? true : (stryCov_9fa48("318", "319", "320", "321"), this.retriesMade >= this.policy.limit)) return stryMutAct_9fa48("322") ? {} : (stryCov_9fa48("322"), {
        retry: stryMutAct_9fa48("323") ? true : (stryCov_9fa48("323"), false),
        error: this.exhausted(error)
      });
      const waitMs = this.delay(options.retryAfter);
      if (stryMutAct_9fa48("327") ? this.clock.now() + waitMs <= this.deadline : stryMutAct_9fa48("326") ? this.clock.now() + waitMs >= this.deadline : stryMutAct_9fa48("325") ? false : stryMutAct_9fa48("324") ? true : (stryCov_9fa48("324", "325", "326", "327"), (stryMutAct_9fa48("328") ? this.clock.now() - waitMs : (stryCov_9fa48("328"), this.clock.now() + waitMs)) > this.deadline)) {
        if (stryMutAct_9fa48("329")) {
          {}
        } else {
          stryCov_9fa48("329");
          return stryMutAct_9fa48("330") ? {} : (stryCov_9fa48("330"), {
            retry: stryMutAct_9fa48("331") ? true : (stryCov_9fa48("331"), false),
            error: this.exhausted(error, stryMutAct_9fa48("332") ? "" : (stryCov_9fa48("332"), "the call's deadline would pass"))
          });
        }
      }
      stryMutAct_9fa48("333") ? this.retriesMade-- : (stryCov_9fa48("333"), this.retriesMade++);
      return stryMutAct_9fa48("334") ? {} : (stryCov_9fa48("334"), {
        retry: stryMutAct_9fa48("335") ? false : (stryCov_9fa48("335"), true),
        waitMs
      });
    }
  }

  /**
   * The wait before a look-up that must happen whatever the verdict (create's check by email):
   * the policy's delay, but never past the deadline.
   */
  settleDelay(): number {
    if (stryMutAct_9fa48("336")) {
      {}
    } else {
      stryCov_9fa48("336");
      return stryMutAct_9fa48("337") ? Math.min(0, Math.min(this.delay(undefined), this.deadline - this.clock.now())) : (stryCov_9fa48("337"), Math.max(0, stryMutAct_9fa48("338") ? Math.max(this.delay(undefined), this.deadline - this.clock.now()) : (stryCov_9fa48("338"), Math.min(this.delay(undefined), stryMutAct_9fa48("339") ? this.deadline + this.clock.now() : (stryCov_9fa48("339"), this.deadline - this.clock.now())))));
    }
  }
  private delay(retryAfter: string | null | undefined): number {
    if (stryMutAct_9fa48("340")) {
      {}
    } else {
      stryCov_9fa48("340");
      return retryDelay(this.policy, this.retriesMade, retryAfter, this.clock);
    }
  }

  /** The error a call gives up with: the last failure's kind and details, and the attempt count. */
  exhausted(error: DomoError, why?: string): DomoError {
    if (stryMutAct_9fa48("341")) {
      {}
    } else {
      stryCov_9fa48("341");
      return new DomoError(stryMutAct_9fa48("342") ? {} : (stryCov_9fa48("342"), {
        kind: error.kind,
        status: error.status,
        method: error.method,
        path: error.path,
        toe: error.toe,
        field: error.field,
        maybeCommitted: error.maybeCommitted,
        attempts: this.attemptsMade,
        cause: error,
        message: stryMutAct_9fa48("343") ? `` : (stryCov_9fa48("343"), `Gave up after ${this.attemptsMade} attempt(s)${why ? stryMutAct_9fa48("344") ? `` : (stryCov_9fa48("344"), ` because ${why}`) : stryMutAct_9fa48("345") ? "Stryker was here!" : (stryCov_9fa48("345"), "")}: ${stripWhere(error)}`)
      }));
    }
  }
}
export function sleep(ms: number): Promise<void> {
  if (stryMutAct_9fa48("346")) {
    {}
  } else {
    stryCov_9fa48("346");
    return new Promise(stryMutAct_9fa48("347") ? () => undefined : (stryCov_9fa48("347"), resolve => setTimeout(resolve, ms)));
  }
}
function stripWhere(error: DomoError): string {
  if (stryMutAct_9fa48("348")) {
    {}
  } else {
    stryCov_9fa48("348");
    return error.message.replace(stryMutAct_9fa48("354") ? / \((GET|POST|PUT|DELETE) [^)]*\)( \[Domo trace id: [\]]*\])?$/ : stryMutAct_9fa48("353") ? / \((GET|POST|PUT|DELETE) [^)]*\)( \[Domo trace id: [^\]]\])?$/ : stryMutAct_9fa48("352") ? / \((GET|POST|PUT|DELETE) [^)]*\)( \[Domo trace id: [^\]]*\])$/ : stryMutAct_9fa48("351") ? / \((GET|POST|PUT|DELETE) [)]*\)( \[Domo trace id: [^\]]*\])?$/ : stryMutAct_9fa48("350") ? / \((GET|POST|PUT|DELETE) [^)]\)( \[Domo trace id: [^\]]*\])?$/ : stryMutAct_9fa48("349") ? / \((GET|POST|PUT|DELETE) [^)]*\)( \[Domo trace id: [^\]]*\])?/ : (stryCov_9fa48("349", "350", "351", "352", "353", "354"), / \((GET|POST|PUT|DELETE) [^)]*\)( \[Domo trace id: [^\]]*\])?$/), stryMutAct_9fa48("355") ? "Stryker was here!" : (stryCov_9fa48("355"), ""));
  }
}