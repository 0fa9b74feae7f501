import assert from "node:assert/strict";
import sinon from "sinon";
import {
  adviceFor,
  DomoError,
  type DomoErrorKind,
  domoErrorKinds,
  isDomoError,
  kindForStatus,
} from "../../provider/client/errors";
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

describe("errors.ts: kinds, messages, advice", () => {
  it("maps every status to the kind a caller branches on", () => {
    const cases: Array<[number, DomoErrorKind]> = [
      [401, "auth"],
      [403, "forbidden"],
      [404, "not_found"],
      [409, "conflict"],
      [429, "rate_limited"],
      [500, "server"],
      [503, "server"],
      [599, "server"],
      [400, "rejected"],
      [402, "rejected"],
      [422, "rejected"],
      [499, "rejected"],
    ];
    for (const [status, kind] of cases) assert.equal(kindForStatus(status), kind, String(status));
  });

  it("composes the message with the request and Domo's trace id", () => {
    const e = new DomoError({
      kind: "not_found",
      message: "No user",
      method: "GET",
      path: "/v1/users/5",
      status: 404,
      toe: "T1",
    });
    assert.equal(e.message, "No user (GET /v1/users/5 -> 404) [Domo trace id: T1]");
    assert.equal(e.name, "DomoError");
    assert.equal(
      new DomoError({ kind: "network", message: "down", method: "GET", path: "/x" }).message,
      "down (GET /x)",
    );
    assert.equal(new DomoError({ kind: "network", message: "down", method: "GET" }).message, "down");
    assert.equal(
      new DomoError({ kind: "network", message: "down", path: "/x", status: 500 }).message,
      "down",
    );
    assert.equal(new DomoError({ kind: "server", message: "m", toe: "T2" }).message, "m [Domo trace id: T2]");
  });

  it("keeps every detail, defaults maybeCommitted to false and attempts to 0", () => {
    const cause = new Error("socket");
    const e = new DomoError({
      kind: "timeout",
      message: "m",
      status: 504,
      method: "PUT",
      path: "/p",
      toe: "t",
      field: "f",
      maybeCommitted: true,
      attempts: 3,
      cause,
    });
    assert.deepEqual(
      [e.kind, e.status, e.method, e.path, e.toe, e.field, e.maybeCommitted, e.attempts, e.cause],
      ["timeout", 504, "PUT", "/p", "t", "f", true, 3, cause],
    );
    const bare = new DomoError({ kind: "auth", message: "m" });
    assert.equal(bare.maybeCommitted, false);
    assert.equal(bare.attempts, 0);
    assert.equal("cause" in bare, false);
  });

  it("calls rate limits, server errors, network and timeouts transient, and nothing else", () => {
    const transient = new Set(["rate_limited", "server", "network", "timeout"]);
    for (const kind of domoErrorKinds) {
      assert.equal(new DomoError({ kind, message: "m" }).transient, transient.has(kind), kind);
    }
  });

  it("recognises DomoErrors, optionally of one kind", () => {
    const e = new DomoError({ kind: "conflict", message: "m" });
    assert.equal(isDomoError(e), true);
    assert.equal(isDomoError(e, "conflict"), true);
    assert.equal(isDomoError(e, "auth"), false);
    assert.equal(isDomoError(new Error("m")), false);
    assert.equal(isDomoError({ kind: "conflict" }, "conflict"), false);
  });

  it("advises by kind", () => {
    const advice: Record<DomoErrorKind, RegExp> = {
      auth: /^Check domo:clientId and domo:clientSecret \(or DOMO_CLIENT_ID \/ DOMO_CLIENT_SECRET\)\.$/,
      forbidden: /lacks a needed scope or permission: give it the 'user' scope/,
      not_found: /does not exist in Domo .* run `pulumi refresh`\.$/,
      conflict: /^Domo refused the change because it conflicts with existing data\.$/,
      rate_limited: /lower domo:requestsPerSecond or `pulumi up --parallel`/,
      server: /^Domo failed repeatedly; try again later and quote the trace id/,
      network: /check domo:apiHost and the network, or raise domo:timeoutMs\.$/,
      timeout: /check domo:apiHost and the network, or raise domo:timeoutMs\.$/,
      rejected: /^Domo rejected the request as invalid\.$/,
      invalid_input: /^Fix the declaration and run again\.$/,
      invalid_settings: /^Fix the setting and run again\.$/,
      invalid_state: /^Run `pulumi refresh`, or `pulumi-domo recover` after an interrupted run\.$/,
      refused: /^Nothing was changed\.$/,
      content_owner: /owns DataSets or DataFlows: transfer their content .* deletionPolicy: retain\.$/,
    };
    for (const kind of domoErrorKinds) assert.match(adviceFor(kind), advice[kind], kind);
  });
});

describe("retry.ts: policy, delays, the retry run", () => {
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
});
