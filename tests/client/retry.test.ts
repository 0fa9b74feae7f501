import assert from "node:assert/strict";
import sinon from "sinon";
import { kindForResponse, parseClientSettings } from "../../provider/client";
import { errorFromResponse } from "../../provider/client/attempt";
import { DomoError, type DomoErrorKind } from "../../provider/client/errors";
import {
  clockFrom,
  defaultRetryTiming,
  isRetryable,
  parseRetryAfter,
  type RetryClock,
  RetryRun,
  retryDelay,
  retryPolicy,
  sleep,
} from "../../provider/client/retry";

describe("retry policy", () => {
  const settings = parseClientSettings({
    clientId: "x",
    clientSecret: "y",
    maxRetries: 4,
    deadlineMs: 90_000,
  });
  const policy = retryPolicy(settings);
  const at = (now: number, random = 0.5): RetryClock => ({ now: () => now, random: () => random });

  it("takes the limit and the deadline from the settings", () => {
    assert.equal(policy.limit, 4);
    assert.equal(policy.deadlineMs, 90_000);
    assert.ok(policy.maxRetryAfterMs > 0);
    assert.equal(policy.retryNonIdempotent, false);
  });

  it("retries 429 always, and 5xx, network and timeouts only when repeating is safe", () => {
    assert.equal(isRetryable(policy, "rate_limited", false), true);
    for (const kind of ["server", "network", "timeout"] as const) {
      assert.equal(isRetryable(policy, kind, true), true, kind);
      assert.equal(isRetryable(policy, kind, false), false, kind);
    }
    for (const kind of ["auth", "forbidden", "not_found", "conflict", "rejected"] as const) {
      assert.equal(isRetryable(policy, kind, true), false, kind);
    }
  });

  it("classifies a 403 that says the rate limit was reached as rate_limited, retried as a 429", () => {
    const saysRateLimit = [
      JSON.stringify({ message: "API Rate limit reached." }),
      '{"message":"API Rate limit reached.}', // as quoted in the wild: not even JSON
      "API Rate limit reached.",
      JSON.stringify({ status: 403, statusReason: "Forbidden", message: "RATE-LIMIT exceeded", toe: "T" }),
      JSON.stringify({ error: "rate_limit_exceeded" }),
      JSON.stringify({ message: "Forbidden", error_description: "ratelimit hit" }),
      JSON.stringify({ message: "Too Many Requests" }),
    ];
    for (const body of saysRateLimit) {
      const e = errorFromResponse("GET", "/v1/users/1", 403, body);
      assert.equal(e.kind, "rate_limited", body);
      assert.equal(e.status, 403);
      assert.equal(isRetryable(policy, e.kind, false), true, "even for a POST, as a 429 is");
      assert.match(e.message, /Domo kept rate limiting/);
    }
    assert.equal(
      errorFromResponse("GET", "/p", 403, '{"message":"API Rate limit reached."}').message,
      "Domo said: API Rate limit reached. Domo kept rate limiting after all retries: lower domo:requestsPerSecond or `pulumi up --parallel`. (GET /p -> 403)",
    );
    const permission = [
      JSON.stringify({ status: 403, message: "The access token does not have the user scope" }),
      JSON.stringify({ statusReason: "rate limit" }), // a reason phrase is the status's, not the body's say
      "",
      "<html><body>Forbidden</body></html>",
    ];
    for (const body of permission) {
      const e = errorFromResponse("GET", "/v1/users/1", 403, body);
      assert.equal(e.kind, "forbidden", body);
      assert.equal(isRetryable(policy, e.kind, true), false);
    }
    // Only a 403 is read for it: other statuses keep their kind whatever they say.
    assert.equal(kindForResponse(401, "rate limit"), "auth");
    assert.equal(kindForResponse(400, "rate limit"), "rejected");
    assert.equal(kindForResponse(429, undefined), "rate_limited");
    assert.equal(kindForResponse(403, undefined), "forbidden");
  });

  it("waits what Retry-After says, in seconds or as an HTTP date", () => {
    const now = Date.UTC(2026, 0, 1);
    assert.equal(retryDelay(policy, 0, "3", at(now)), 3000);
    assert.equal(retryDelay(policy, 0, "0.5", at(now)), 500);
    assert.equal(retryDelay(policy, 0, new Date(now + 7000).toUTCString(), at(now)), 7000);
    assert.equal(retryDelay(policy, 0, new Date(now - 7000).toUTCString(), at(now)), 0);
  });

  it("caps every wait at maxRetryAfterMs", () => {
    const capped = retryPolicy(settings, { maxRetryAfterMs: 10_000, capMs: 60_000 });
    assert.equal(retryDelay(capped, 0, "3600", at(0)), 10_000);
    assert.equal(retryDelay(capped, 0, new Date(Date.UTC(2030, 0, 1)).toUTCString(), at(0)), 10_000);
    assert.equal(retryDelay(capped, 10, undefined, at(0, 0.99)), 10_000);
  });

  it("otherwise backs off exponentially with full jitter from the injected random", () => {
    const waits = [0, 1, 2, 3, 10].map((retry) => retryDelay(policy, retry, undefined, at(0, 0.5)));
    assert.deepEqual(waits, [125, 250, 500, 1000, policy.capMs / 2]);
    assert.equal(retryDelay(policy, 3, "not a date", at(0, 0)), 0);
    assert.equal(retryDelay(policy, 3, null, at(0, 0.25)), 500);
  });
});

describe("retry (client/retry.ts): policy, delays, the retry run", () => {
  const settings = { maxRetries: 2, deadlineMs: 10_000 };
  const fixed = (now: number, random = 0.5): RetryClock => ({ now: () => now, random: () => random });

  it("builds the policy from the settings, the default timing and overrides", () => {
    const p = retryPolicy(settings);
    assert.deepEqual(p, {
      limit: 2,
      baseMs: 250,
      capMs: 20_000,
      maxRetryAfterMs: 60_000,
      deadlineMs: 10_000,
      alwaysRetryable: ["rate_limited"],
      idempotentRetryable: ["server", "network", "timeout"],
      retryNonIdempotent: false,
    });
    assert.deepEqual(defaultRetryTiming, { baseMs: 250, capMs: 20_000, maxRetryAfterMs: 60_000 });
    assert.equal(retryPolicy(settings, { baseMs: 1, limit: 9 }).baseMs, 1);
    assert.equal(retryPolicy(settings, { limit: 9 }).limit, 9);
  });

  it("repeats a POST on a 5xx only when the policy allows it", () => {
    const p = retryPolicy(settings, { retryNonIdempotent: true });
    assert.equal(isRetryable(p, "server", false), true);
    assert.equal(isRetryable(p, "conflict", false), false);
    assert.equal(isRetryable(retryPolicy(settings), "server", false), false);
  });

  it("uses the injected clock, or the real one", () => {
    const c = clockFrom({ now: () => 42, random: () => 0.25 });
    assert.equal(c.now(), 42);
    assert.equal(c.random(), 0.25);
    const real = clockFrom({});
    assert.ok(Math.abs(real.now() - Date.now()) < 1000);
    assert.equal(real.random, Math.random);
  });

  it("backs off exponentially with full jitter, capped", () => {
    const p = retryPolicy(settings);
    assert.equal(retryDelay(p, 0, undefined, fixed(0, 0.999)), 249);
    assert.equal(retryDelay(p, 2, null, fixed(0, 0.5)), 500);
    assert.equal(retryDelay(p, 3, "", fixed(0, 0.999)), 1998);
    assert.equal(retryDelay(p, 10, undefined, fixed(0, 0.5)), 10_000);
    assert.equal(retryDelay(p, 0, undefined, fixed(0, 0)), 0);
    assert.equal(
      retryDelay(retryPolicy(settings, { maxRetryAfterMs: 100 }), 10, undefined, fixed(0, 0.5)),
      100,
    );
  });

  it("reads Retry-After as seconds or a date, trimmed, capped at maxRetryAfterMs", () => {
    const p = retryPolicy(settings);
    assert.equal(retryDelay(p, 0, "120", fixed(0)), 60_000);
    assert.equal(retryDelay(p, 0, " 3 ", fixed(0)), 3000);
    assert.equal(parseRetryAfter("1.2345", 0), 1235);
    assert.equal(parseRetryAfter("2", 0), 2000);
    assert.equal(parseRetryAfter("garbage", 0), undefined);
    assert.equal(parseRetryAfter("", 0), undefined);
    assert.equal(parseRetryAfter(null, 0), undefined);
    const now = Date.UTC(2026, 0, 1);
    assert.equal(parseRetryAfter(new Date(now + 5000).toUTCString(), now), 5000);
    assert.equal(parseRetryAfter(new Date(now - 5000).toUTCString(), now), 0);
    // An unusable header falls back to backoff.
    assert.equal(retryDelay(p, 1, "soon", fixed(0, 0.5)), 250);
  });

  function failure(kind: DomoErrorKind = "server"): DomoError {
    return new DomoError({
      kind,
      message: "boom",
      method: "GET",
      path: "/v1/x",
      status: 503,
      toe: "T9",
      field: "f",
      maybeCommitted: true,
    });
  }

  it("counts attempts", () => {
    const run = new RetryRun(retryPolicy(settings), fixed(0));
    assert.equal(run.attempts, 0);
    assert.equal(run.attempted(), 1);
    assert.equal(run.attempted(3), 4);
    assert.equal(run.attempts, 4);
  });

  it("does not retry what is not retryable, and stamps the attempts on the error", () => {
    const run = new RetryRun(retryPolicy(settings), fixed(0));
    run.attempted(2);
    const e = failure("conflict");
    const v = run.next(e, { idempotent: true });
    assert.deepEqual(v, { retry: false, error: e });
    assert.equal(e.attempts, 2);
  });

  it("retries up to the limit, then gives up with the last failure's details", () => {
    const run = new RetryRun(retryPolicy(settings), fixed(0, 0.5));
    const waits: number[] = [];
    let verdict = run.next(failure(), { idempotent: true });
    while (verdict.retry) {
      waits.push(verdict.waitMs);
      run.attempted();
      verdict = run.next(failure(), { idempotent: true });
    }
    assert.deepEqual(waits, [125, 250]);
    const e = verdict.error;
    assert.equal(e.attempts, 2);
    assert.deepEqual(
      [e.kind, e.status, e.method, e.path, e.toe, e.field, e.maybeCommitted],
      ["server", 503, "GET", "/v1/x", "T9", "f", true],
    );
    assert.ok(e.cause instanceof DomoError);
    assert.equal(e.message, "Gave up after 2 attempt(s): boom (GET /v1/x -> 503) [Domo trace id: T9]");
  });

  it("gives up when waiting would pass the deadline, not when it reaches it", () => {
    const p = retryPolicy({ maxRetries: 5, deadlineMs: 1000 });
    const atDeadline = new RetryRun(p, fixed(0)).next(failure("rate_limited"), {
      idempotent: false,
      retryAfter: "1",
    });
    assert.deepEqual(atDeadline, { retry: true, waitMs: 1000 });
    const past = new RetryRun(p, fixed(0)).next(failure("rate_limited"), {
      idempotent: false,
      retryAfter: "1.001",
    });
    assert.equal(past.retry, false);
    if (!past.retry) {
      assert.match(
        past.error.message,
        /^Gave up after 0 attempt\(s\) because the call's deadline would pass: boom/,
      );
    }
  });

  it("settles within the deadline", () => {
    let now = 0;
    const clock: RetryClock = { now: () => now, random: () => 0.5 };
    const run = new RetryRun(retryPolicy({ maxRetries: 5, deadlineMs: 1000 }), clock);
    assert.equal(run.settleDelay(), 125);
    now = 950;
    assert.equal(run.settleDelay(), 50);
    now = 2000;
    assert.equal(run.settleDelay(), 0);
  });

  it("sleeps on the global timer", async () => {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      let done = false;
      const p = sleep(500).then(() => {
        done = true;
      });
      await clock.tickAsync(499);
      assert.equal(done, false);
      await clock.tickAsync(1);
      await p;
      assert.equal(done, true);
    } finally {
      clock.restore();
    }
  });

  it("ignores Retry-After values with junk around the number", () => {
    for (const junk of ["x5", "5x", "1.5x", "a1.5"]) assert.equal(parseRetryAfter(junk, 0), undefined, junk);
  });
});
