import assert from "node:assert/strict";
import { kindForResponse, parseClientSettings } from "../../provider/client";
import { errorFromResponse } from "../../provider/client/attempt";
import { isRetryable, type RetryClock, retryDelay, retryPolicy } from "../../provider/client/retry";

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
