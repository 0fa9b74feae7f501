import assert from "node:assert/strict";
import nodeFetch, { Response } from "node-fetch";
import sinon from "sinon";
import { z } from "zod";
import { DomoClient, type DomoClientOptions, type DomoError, type FetchLike } from "../../provider/client";
import { errorFromResponse } from "../../provider/client/attempt";
import { parseClientSettings } from "../../provider/client/config";
import type { FetchResponse } from "../../provider/client/fetch";
import type { RequestLimiter } from "../../provider/client/limiter";
import { DebugLog, Redactor } from "../../provider/client/log";
import { defaultRetryTiming } from "../../provider/client/retry";
import { type HttpMethod, Transport } from "../../provider/client/transport";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { drive, type FakeClock, fakeClock } from "../support/clock";
import { refusal } from "../support/refusal";
import { fetchResponse, type ScriptedReply, scriptedFetch } from "../support/scripted-fetch";
import { ScriptedServer, testSecret } from "../support/scripted-server";

const user = (id: number, email = `u${id}@example.com`) => ({
  id,
  name: `User ${id}`,
  email,
  role: "Participant",
});

describe("Domo client transport", () => {
  let server: ScriptedServer;
  let clock: FakeClock;
  let logLines: string[];

  function client(overrides: Record<string, unknown> = {}, options: DomoClientOptions = {}): DomoClient {
    return new DomoClient(
      {
        apiHost: server.url,
        clientId: "test-client",
        clientSecret: testSecret,
        requestsPerSecond: 1000,
        maxConcurrency: 32,
        debug: true,
        ...overrides,
      },
      { logSink: (line) => logLines.push(line), random: () => 0.5, ...options },
    );
  }

  beforeEach(async () => {
    logLines = [];
    server = await new ScriptedServer().start();
    clock = fakeClock();
  });

  afterEach(async () => {
    clock.restore();
    await server.close();
  });

  it("gets one token for 20 concurrent calls and reuses it", async () => {
    server.otherwise((r) => ({ status: 200, body: user(Number(r.path.split("/").pop())) }));
    const c = client();
    const results = await drive(
      clock,
      Promise.all(Array.from({ length: 20 }, (_, i) => c.users.get(1000 + i))),
    );
    assert.equal(results.length, 20);
    assert.equal(server.tokensIssued, 1);
    await drive(clock, c.users.get(5));
    assert.equal(server.tokensIssued, 1, "a cached token is reused");
    for (const r of server.api()) assert.equal(r.headers.authorization, "bearer token-1-abcdef");
  });

  it("renews the token shortly before it expires", async () => {
    server.tokenTtlSeconds = 120;
    server.otherwise(() => ({ status: 200, body: user(1) }));
    const c = client();
    await drive(clock, c.users.get(1));
    await clock.tickAsync(61_000);
    await drive(clock, c.users.get(1));
    assert.equal(server.tokensIssued, 2);
  });

  it("refreshes the token once on 401 and retries the call", async () => {
    server.next(() => ({ status: 401, body: { error: "invalid_token", error_description: "expired" } }));
    server.otherwise(() => ({ status: 200, body: user(7) }));
    const got = await drive(clock, client().users.get(7));
    assert.equal(got?.id, 7);
    assert.equal(server.tokensIssued, 2);
    assert.equal(server.api().length, 2);
  });

  it("fails with an auth error when 401 persists after one refresh", async () => {
    server.otherwise(() => ({ status: 401, body: { error: "invalid_token" } }));
    await assert.rejects(drive(clock, client().users.get(7)), (e: DomoError) => e.kind === "auth");
    assert.equal(server.api().length, 2);
  });

  it("says the credentials are wrong without echoing the secret", async () => {
    const c = client({ clientSecret: "wrong-secret-xyz" });
    await assert.rejects(drive(clock, c.users.get(1)), (e: DomoError) => {
      assert.equal(e.kind, "auth");
      assert.match(e.message, /rejected the API client credentials/);
      assert.ok(!e.message.includes("wrong-secret-xyz"));
      return true;
    });
  });

  it("honours Retry-After in seconds on 429", async () => {
    server.next(() => ({ status: 429, headers: { "Retry-After": "3" }, body: { status: 429 } }));
    server.otherwise(() => ({ status: 200, body: user(1) }));
    await drive(clock, client().users.get(1));
    const [first, second] = server.api();
    assert.ok(first && second);
    assert.ok(second.at - first.at >= 3000, `waited ${second.at - first.at} ms`);
    assert.ok(second.at - first.at < 3500);
  });

  it("honours Retry-After as an HTTP date on 429", async () => {
    server.next(() => ({
      status: 429,
      headers: { "Retry-After": new Date(Date.now() + 5000).toUTCString() },
    }));
    server.otherwise(() => ({ status: 200, body: user(1) }));
    await drive(clock, client().users.get(1));
    const [first, second] = server.api();
    assert.ok(first && second);
    assert.ok(second.at - first.at >= 4000, `waited ${second.at - first.at} ms`);
  });

  it("backs off exponentially with full jitter on 429 without Retry-After", async () => {
    for (let i = 0; i < 4; i++) server.next(() => ({ status: 429 }));
    server.otherwise(() => ({ status: 200, body: user(1) }));
    await drive(clock, client().users.get(1), 10);
    const gaps = server
      .api()
      .slice(1)
      .map((r, i) => r.at - (server.api()[i]?.at ?? 0));
    // random() = 0.5: waits are half of 250, 500, 1000, 2000 ms.
    const expected = [125, 250, 500, 1000];
    gaps.forEach((gap, i) => {
      assert.ok(gap >= (expected[i] ?? 0) && gap < (expected[i] ?? 0) + 200, `gap ${i}: ${gap}`);
    });
  });

  it("retries a burst of 5xx on GET and succeeds", async () => {
    server.next(
      () => ({ status: 500 }),
      () => ({ status: 502 }),
      () => ({ status: 503, body: { status: 503, toe: "TOE1" } }),
    );
    server.otherwise(() => ({ status: 200, body: user(9) }));
    assert.equal((await drive(clock, client().users.get(9)))?.id, 9);
    assert.equal(server.api().length, 4);
  });

  it("stops at the retry limit with a rate-limited error that names the fix", async () => {
    server.otherwise(() => ({ status: 429 }));
    await assert.rejects(drive(clock, client({ maxRetries: 3 }).users.get(1)), (e: DomoError) => {
      assert.equal(e.kind, "rate_limited");
      assert.equal(e.attempts, 4);
      assert.match(e.message, /requestsPerSecond/);
      return true;
    });
    assert.equal(server.api().length, 4);
  });

  it("times out a hanging GET and retries it", async () => {
    server.next(() => ({ hang: true }));
    server.otherwise(() => ({ status: 200, body: user(3) }));
    const got = await drive(clock, client({ timeoutMs: 2000 }).users.get(3), 100);
    assert.equal(got?.id, 3);
    assert.equal(server.api().length, 2);
  });

  it("reports a timeout when every attempt hangs", async () => {
    server.otherwise(() => ({ hang: true }));
    await assert.rejects(
      drive(clock, client({ timeoutMs: 1000, maxRetries: 1 }).users.get(3), 100),
      (e: DomoError) => e.kind === "timeout" && /timeoutMs/.test(e.message),
    );
  });

  it("retries a connection reset on GET", async () => {
    server.next(() => ({ reset: true }));
    server.otherwise(() => ({ status: 200, body: user(4) }));
    assert.equal((await drive(clock, client().users.get(4)))?.id, 4);
  });

  it("treats 404 and deleted tombstones as gone", async () => {
    server.next(() => ({ status: 404, body: { status: 404, message: "not found" } }));
    server.next(() => ({ status: 200, body: { id: 5, name: "x", email: "x@example.com", deleted: true } }));
    const c = client();
    assert.equal(await drive(clock, c.users.get(5)), undefined);
    assert.equal(await drive(clock, c.users.get(5)), undefined);
  });

  it("surfaces Domo's toe trace id and status in errors", async () => {
    server.next(() => ({
      status: 403,
      body: { status: 403, statusReason: "Forbidden", message: "no", toe: "ABC123" },
    }));
    await assert.rejects(drive(clock, client().users.get(1)), (e: DomoError) => {
      assert.equal(e.kind, "forbidden");
      assert.equal(e.status, 403);
      assert.equal(e.toe, "ABC123");
      assert.match(e.message, /ABC123/);
      assert.match(e.message, /'user' scope/);
      return true;
    });
  });

  it("pages through 1,234 users in pages of 500", async () => {
    const all = Array.from({ length: 1234 }, (_, i) => user(1_000_000_000 + i));
    server.otherwise((r) => {
      const limit = Number(r.query.get("limit"));
      const offset = Number(r.query.get("offset"));
      return { status: 200, body: all.slice(offset, offset + limit) };
    });
    const got = await drive(clock, client().users.listAll());
    assert.equal(got.length, 1234);
    assert.equal(new Set(got.map((u) => u.id)).size, 1234);
    assert.deepEqual(
      server.api().map((r) => [r.query.get("limit"), r.query.get("offset")]),
      [
        ["500", "0"],
        ["500", "500"],
        ["500", "1000"],
      ],
    );
  });

  it("never repeats a create whose response was lost: it finds the committed user by email", async () => {
    const created = { ...user(42, "new@example.com") };
    server.next(() => ({ reset: true })); // POST committed, response lost
    server.otherwise((r) => (r.method === "GET" ? { status: 200, body: [created] } : { status: 500 }));
    const got = await drive(
      clock,
      client().users.create(
        { email: "new@example.com", name: "N", role: "Participant" },
        { sendInvite: false },
      ),
    );
    assert.equal(got.id, 42);
    assert.deepEqual(
      server.api().map((r) => r.method),
      ["POST", "GET"],
    );
  });

  it("posts again after a 5xx only when Domo has no user with that email", async () => {
    server.next(
      () => ({ status: 503 }),
      () => ({ status: 200, body: [] }),
      () => ({ status: 201, body: user(43, "again@example.com") }),
    );
    const got = await drive(
      clock,
      client().users.create({ email: "again@example.com", name: "A", role: "Editor" }, { sendInvite: true }),
    );
    assert.equal(got.id, 43);
    assert.deepEqual(
      server.api().map((r) => `${r.method} ${r.query.get("sendInvite") ?? ""}`),
      ["POST true", "GET ", "POST true"],
    );
  });

  it("writes the whole object back on update, merged and with cleared fields", async () => {
    server.next(
      () => ({
        status: 200,
        body: { ...user(8), title: "Old", phone: "123", location: "Here", roleId: "4" },
      }),
      (r) => ({ status: 200, body: { ...JSON.parse(r.body), id: 8 } }),
    );
    await drive(clock, client().users.update(8, { title: "New", role: "Editor" }, { clear: ["phone"] }));
    const put = server.api()[1];
    assert.equal(put?.method, "PUT");
    const body = JSON.parse(put?.body ?? "{}");
    assert.equal(body.title, "New");
    assert.equal(body.role, "Editor");
    assert.equal(body.roleId, undefined, "a stale roleId must not fight the new role");
    assert.equal(body.location, "Here");
    assert.equal(body.phone, "");
    assert.equal(body.name, "User 8");
  });

  it("never writes the secret or a token into errors or debug logs", async () => {
    server.next(() => ({ status: 500, body: { message: `echo ${testSecret}` } }));
    server.otherwise(() => ({ status: 400, body: { message: "bad token-1-abcdef" } }));
    const c = client({ maxRetries: 1 });
    let message = "";
    await assert.rejects(drive(clock, c.users.get(1)), (e: DomoError) => {
      // The user still learns what failed and what Domo said, with the credential masked.
      assert.equal(e.kind, "rejected");
      assert.equal(e.status, 400);
      assert.equal(e.attempts, 2, "the 500 was retried, the 400 was not");
      assert.match(e.message, /Domo said: bad \[REDACTED\]\. /);
      assert.match(e.message, /\(GET \/v1\/users\/1 -> 400\)/);
      message = `${e.message} ${String(e)} ${JSON.stringify(e)}`;
      return true;
    });
    assert.deepEqual(
      server.api().map((r) => `${r.method} ${r.path} ${r.headers.authorization}`),
      ["GET /v1/users/1 bearer token-1-abcdef", "GET /v1/users/1 bearer token-1-abcdef"],
    );
    const everything = [message, ...logLines, c.toString(), JSON.stringify(c)].join("\n");
    assert.ok(
      logLines.some((l) => l.includes("GET /v1/users/1 attempt 1 failed (server); retrying")),
      "debug logging was on and shows the retry",
    );
    assert.ok(!everything.includes(testSecret), "client secret leaked");
    assert.ok(!everything.includes("token-1-abcdef"), "token leaked");
  });

  describe("token endpoint retries", () => {
    /** Answers the token endpoint from `replies` while they last; everything else goes to the server. */
    function scriptedTokens(replies: Array<() => Response>): { fetch: FetchLike; at: number[] } {
      const at: number[] = [];
      const fetch: FetchLike = (url, init) => {
        if (new URL(url).pathname === "/oauth/token") {
          at.push(Date.now());
          const reply = replies.shift();
          if (reply) return Promise.resolve(reply());
        }
        return nodeFetch(url, init);
      };
      return { fetch, at };
    }
    const busy = (retryAfter: string) => () =>
      new Response(JSON.stringify({ status: 503 }), { status: 503, headers: { "Retry-After": retryAfter } });

    it("caps a token endpoint's Retry-After at maxRetryAfterMs", async () => {
      const tokens = scriptedTokens([busy("3600")]);
      server.otherwise(() => ({ status: 200, body: user(1) }));
      const got = await drive(clock, client({}, { fetch: tokens.fetch }).users.get(1), 1000);
      assert.equal(got?.id, 1);
      assert.equal(tokens.at.length, 2);
      const gap = (tokens.at[1] ?? 0) - (tokens.at[0] ?? 0);
      assert.ok(
        gap >= defaultRetryTiming.maxRetryAfterMs && gap < defaultRetryTiming.maxRetryAfterMs + 1000,
        `asked for an hour, waited ${gap} ms`,
      );
    });

    it("stops retrying the token endpoint when the next wait would pass the deadline", async () => {
      const tokens = scriptedTokens(Array.from({ length: 10 }, () => busy("50")));
      const c = client({ deadlineMs: 120_000, maxRetries: 6 }, { fetch: tokens.fetch });
      await assert.rejects(drive(clock, c.users.get(1), 1000), (e: DomoError) => {
        assert.equal(e.kind, "server");
        assert.equal(e.attempts, 3, "at 0, 50 and 100 s; a fourth at 150 s would pass 120 s");
        assert.match(e.message, /deadline/);
        return true;
      });
      assert.equal(tokens.at.length, 3);
      assert.equal(server.api().length, 0, "no API call without a token");
    });
  });

  describe("create's look-up backoff", () => {
    function postFailsThenListing(): void {
      server.otherwise((r) => (r.method === "GET" ? { status: 200, body: [] } : { status: 503 }));
    }
    const gapBeforeLookup = () => {
      const [post, get] = server.api();
      assert.equal(post?.method, "POST");
      assert.equal(get?.method, "GET");
      return (get?.at ?? 0) - (post?.at ?? 0);
    };

    for (const [random, expected] of [
      [0.1, 25],
      [0.9, 225],
    ] as const) {
      it(`waits random() x 250 ms before looking up (random = ${random}), never Math.random`, async () => {
        postFailsThenListing();
        const mathRandom = sinon.spy(Math, "random");
        try {
          const c = client({ maxRetries: 0 }, { random: () => random });
          await assert.rejects(
            drive(clock, c.users.create({ email: "x@example.com", name: "X" }, { sendInvite: false }), 1),
            (e: DomoError) => e.kind === "server" && e.attempts === 1,
          );
          assert.equal(mathRandom.callCount, 0);
        } finally {
          mathRandom.restore();
        }
        const gap = gapBeforeLookup();
        assert.ok(gap >= expected && gap < expected + 10, `waited ${gap} ms, expected ${expected}`);
      });
    }

    it("counts every POST attempt and looks up after the last", async () => {
      postFailsThenListing();
      const c = client({ maxRetries: 2 }, { random: () => 0.5 });
      await assert.rejects(
        drive(clock, c.users.create({ email: "y@example.com", name: "Y" }, { sendInvite: false }), 1),
        (e: DomoError) => {
          assert.equal(e.kind, "server");
          assert.equal(e.attempts, 3);
          return true;
        },
      );
      const seen = server.api();
      assert.deepEqual(
        seen.map((r) => r.method),
        ["POST", "GET", "POST", "GET", "POST", "GET"],
      );
      // Full jitter at random() = 0.5: 125, 250, then 500 ms before each look-up.
      const gaps = [1, 3, 5].map((i) => (seen[i]?.at ?? 0) - (seen[i - 1]?.at ?? 0));
      [125, 250, 500].forEach((expected, i) => {
        const gap = gaps[i] ?? 0;
        assert.ok(
          gap >= expected && gap < expected + 10,
          `look-up ${i}: waited ${gap} ms, expected ${expected}`,
        );
      });
    });
  });

  it("validates settings and names the bad one", () => {
    assert.throws(
      () => new DomoClient({ apiHost: "not a url", clientId: "x", clientSecret: "y" }),
      (e: DomoError) => e.kind === "invalid_settings" && /apiHost/.test(e.message),
    );
    assert.throws(
      () => new DomoClient({ clientId: "x", clientSecret: "" }),
      (e: DomoError) => /clientSecret/.test(e.message),
    );
    assert.throws(
      () => new DomoClient({ clientId: "x", clientSecret: "y", requestsPerSecond: -1 }),
      (e: DomoError) => /requestsPerSecond/.test(e.message),
    );
  });
});

describe("Domo client: a rate limit answered as 403, against the emulator", () => {
  let emu: RunningEmulator;
  let clock: FakeClock;
  let logLines: string[];

  /** The emulator's rate limits in one shape: 429 (gateway body) or 403 {"message":"API Rate limit reached."}. */
  async function emulator(rateLimitStatus: 429 | 403): Promise<RunningEmulator> {
    emu = await startEmulator({ behaviour: { rateLimitStatus } });
    return emu;
  }

  function client(overrides: Record<string, unknown> = {}): DomoClient {
    return new DomoClient(
      {
        apiHost: emu.url,
        clientId: emu.credentials.clientId,
        clientSecret: emu.credentials.clientSecret,
        requestsPerSecond: 1000,
        debug: true,
        ...overrides,
      },
      { logSink: (line) => logLines.push(line), random: () => 0.5 },
    );
  }

  /** What the retry loop decided, attempt by attempt: its "retrying in N ms" lines. */
  const waits = () =>
    logLines.filter((l) => /retrying in/.test(l)).map((l) => l.replace(/^\[pulumi-domo\] /, ""));
  const statuses = (route: string) =>
    emu
      .requestLog()
      .filter((e) => e.route === route)
      .map((e) => e.status);

  beforeEach(() => {
    logLines = [];
    clock = fakeClock();
  });

  afterEach(async () => {
    clock.restore();
    await emu?.close();
  });

  it("retries a 403 rate limit exactly as a 429: same attempts, same waits, then succeeds", async () => {
    const seen: Record<number, { waits: string[]; statuses: number[] }> = {};
    for (const shape of [429, 403] as const) {
      logLines = [];
      await emulator(shape);
      emu.faults.add({ route: "GET /v1/users/{id}", kind: "status", status: 429, count: 3 });
      const got = await drive(clock, client().users.get(emu.adminUserId));
      assert.equal(got?.id, emu.adminUserId);
      seen[shape] = { waits: waits(), statuses: statuses("GET /v1/users/{id}") };
      await emu.close();
    }
    assert.deepEqual(seen[403]?.statuses, [403, 403, 403, 200]);
    assert.deepEqual(seen[429]?.statuses, [429, 429, 429, 200]);
    // random() = 0.5: half of 250, 500 and 1000 ms, whichever status the rate limit came as.
    assert.deepEqual(seen[403]?.waits, [
      `GET /v1/users/${emu.adminUserId} attempt 1 failed (rate_limited); retrying in 125 ms`,
      `GET /v1/users/${emu.adminUserId} attempt 2 failed (rate_limited); retrying in 250 ms`,
      `GET /v1/users/${emu.adminUserId} attempt 3 failed (rate_limited); retrying in 500 ms`,
    ]);
    assert.deepEqual(seen[403]?.waits, seen[429]?.waits);
  });

  it("honours a Retry-After sent with the 403", async () => {
    await emulator(403);
    emu.faults.add({ route: "GET /v1/users/{id}", kind: "status", status: 429, retryAfter: 3, count: 1 });
    await drive(clock, client().users.get(emu.adminUserId));
    assert.deepEqual(waits(), [
      `GET /v1/users/${emu.adminUserId} attempt 1 failed (rate_limited); retrying in 3000 ms`,
    ]);
    const [first, second] = emu.requestLog().filter((e) => e.route === "GET /v1/users/{id}");
    assert.equal(first?.status, 403);
    assert.ok(first && second && second.at - first.at >= 3000, "waited what Retry-After said");
  });

  for (const shape of [429, 403] as const) {
    it(`gives up after maxRetries on a ${shape} rate limit, saying rate limit, not permission`, async () => {
      await emulator(shape);
      emu.faults.add({ route: "GET /v1/users/{id}", kind: "status", status: 429 });
      await assert.rejects(drive(clock, client({ maxRetries: 2 }).users.get(1)), (e: DomoError) => {
        assert.equal(e.kind, "rate_limited");
        assert.equal(e.status, shape);
        assert.equal(e.attempts, 3);
        assert.match(e.message, /^Gave up after 3 attempt\(s\): /);
        assert.match(e.message, /Domo kept rate limiting after all retries: lower domo:requestsPerSecond/);
        assert.doesNotMatch(e.message, /scope|permission/);
        if (shape === 403) assert.match(e.message, /Domo said: API Rate limit reached\. Domo kept/);
        return true;
      });
      assert.equal(emu.counters()["GET /v1/users/{id}"], 3);
    });

    it(`stops when the next wait would pass the deadline on a ${shape} rate limit`, async () => {
      await emulator(shape);
      emu.faults.add({ route: "GET /v1/users/{id}", kind: "status", status: 429, retryAfter: 50 });
      const c = client({ maxRetries: 6, deadlineMs: 120_000 });
      await assert.rejects(drive(clock, c.users.get(1), 1000), (e: DomoError) => {
        assert.equal(e.kind, "rate_limited");
        assert.equal(e.attempts, 3, "at 0, 50 and 100 s; a fourth at 150 s would pass 120 s");
        assert.match(e.message, /deadline/);
        return true;
      });
      assert.equal(emu.counters()["GET /v1/users/{id}"], 3);
    });
  }

  it("retries a 403 rate limit at the token endpoint too", async () => {
    await emulator(403);
    emu.faults.add({ route: "POST /oauth/token", kind: "status", status: 429, count: 2 });
    const got = await drive(clock, client().users.get(emu.adminUserId));
    assert.equal(got?.id, emu.adminUserId);
    assert.deepEqual(statuses("POST /oauth/token"), [403, 403, 200]);
    assert.deepEqual(
      logLines
        .filter((l) => l.includes("/oauth/token failed"))
        .map((l) => l.replace(/^\[pulumi-domo\] /, "")),
      [
        "POST /oauth/token failed (rate_limited); retrying in 125 ms",
        "POST /oauth/token failed (rate_limited); retrying in 250 ms",
      ],
    );
  });

  it("fails a plain 403 (a token without the user scope) at once, with one attempt", async () => {
    await emulator(403);
    await assert.rejects(drive(clock, client({ scope: "data" }).users.get(1)), (e: DomoError) => {
      assert.equal(e.kind, "forbidden");
      assert.equal(e.status, 403);
      assert.equal(e.attempts, 1);
      assert.match(e.message, /Domo said: The access token does not have the user scope\. /);
      assert.match(e.message, /'user' scope/);
      assert.doesNotMatch(e.message, /rate limit/i);
      return true;
    });
    assert.equal(emu.counters()["GET /v1/users/{id}"], 1);
    assert.deepEqual(waits(), []);
  });
});

// The HTTP layer against a scripted fetch: no sockets, no real time.

const secret = "the-client-secret-xyz";

function harness(replies: ScriptedReply[], overrides: Record<string, unknown> = {}) {
  const settings = parseClientSettings({
    apiHost: "http://domo.test/base",
    clientId: "id",
    clientSecret: secret,
    maxRetries: 3,
    timeoutMs: 100,
    ...overrides,
  });
  const { fetch, calls } = scriptedFetch(replies);
  const lines: string[] = [];
  const redactor = new Redactor();
  redactor.add(secret);
  let acquired = 0;
  let released = 0;
  const limiter = {
    acquire: async () => {
      acquired++;
      return () => {
        released++;
      };
    },
  } as unknown as RequestLimiter;
  let tokenNo = 1;
  const invalidated: string[] = [];
  const tokens = {
    token: async () => `tok${tokenNo}`,
    invalidate: (t: string) => {
      invalidated.push(t);
      tokenNo++;
    },
  };
  const transport = new Transport(settings, {
    limiter,
    log: new DebugLog(true, redactor, (l) => lines.push(l)),
    redactor,
    tokens,
    random: () => 0,
    now: () => 1000,
    fetch,
  });
  return {
    transport,
    calls,
    lines,
    invalidated,
    counts: () => ({ acquired, released }),
  };
}

describe("Transport (client/transport.ts) against a scripted fetch", () => {
  it("sends the token, JSON headers and body, and builds the URL with the query", async () => {
    const h = harness([{ status: 200 }, { status: 204 }]);
    await h.transport.request("POST", "/v1/users", {
      body: { name: "A" },
      query: { limit: 5, sendInvite: false, skip: undefined, q: "a b" },
    });
    const first = h.calls[0];
    assert.ok(first);
    assert.equal(first.url, "http://domo.test/base/v1/users?limit=5&sendInvite=false&q=a+b");
    assert.equal(first.init.method, "POST");
    assert.deepEqual(first.init.headers, {
      Authorization: "bearer tok1",
      Accept: "application/json",
      "Content-Type": "application/json",
    });
    assert.equal(first.init.body, '{"name":"A"}');
    assert.ok(first.init.signal instanceof AbortSignal);
    await h.transport.request("GET", "/v1/x");
    const second = h.calls[1];
    assert.ok(second);
    assert.equal(second.url, "http://domo.test/base/v1/x");
    assert.deepEqual(second.init.headers, { Authorization: "bearer tok1", Accept: "application/json" });
    assert.equal(second.init.body, undefined);
    assert.deepEqual(h.counts(), { acquired: 2, released: 2 });
    assert.deepEqual(h.lines, [
      "[pulumi-domo] POST /v1/users -> 200 in 0 ms (attempt 1)",
      "[pulumi-domo] GET /v1/x -> 204 in 0 ms (attempt 1)",
    ]);
  });

  it("returns undefined without a schema, the parsed body with one", async () => {
    const h = harness([
      { status: 200, body: '{"id":1}' },
      { status: 200, body: '{"id":2}' },
      { status: 200, body: "" },
    ]);
    assert.equal(await h.transport.request("GET", "/a"), undefined);
    assert.deepEqual(await h.transport.request("GET", "/a", { schema: z.object({ id: z.number() }) }), {
      id: 2,
    });
    assert.equal(await h.transport.request("GET", "/a", { schema: z.undefined() }), undefined);
  });

  it("calls a body that is not JSON, or of the wrong shape, a server error naming the field", async () => {
    const h = harness(
      [
        { status: 200, body: "<html>" },
        { status: 200, body: '{"users":[{"id":"x"}]}' },
        { status: 200, body: '"text"' },
      ],
      { maxRetries: 0 },
    );
    const schema = z.object({ users: z.array(z.object({ id: z.number() })) });
    const notJson = await refusal(h.transport.request("GET", "/a", { schema }));
    assert.equal(notJson.kind, "server");
    assert.equal(notJson.status, 200);
    assert.equal(
      notJson.message,
      "Gave up after 1 attempt(s): Domo answered with a body that is not JSON (GET /a -> 200)",
    );
    const shape = await refusal(h.transport.request("GET", "/a", { schema }));
    assert.equal(shape.kind, "server");
    assert.match(
      shape.message,
      /^Gave up after 1 attempt\(s\): Domo's response did not have the expected shape \(users\.0\.id: .+\) \(GET \/a -> 200\)$/,
    );
    const top = await refusal(h.transport.request("GET", "/a", { schema }));
    assert.match(top.message, /expected shape \(body: /);
    assert.equal(h.calls.length, 3);
  });

  it("refreshes the token once on a 401, then gives up", async () => {
    const h = harness([{ status: 401 }, { status: 200 }]);
    await h.transport.request("GET", "/a");
    assert.deepEqual(h.invalidated, ["tok1"]);
    assert.equal(h.calls[1]?.init.headers.Authorization, "bearer tok2");
    const again = harness([{ status: 401 }, { status: 401 }, { status: 200 }]);
    const e = await refusal(again.transport.request("GET", "/a"));
    assert.equal(e.kind, "auth");
    assert.equal(e.attempts, 2);
    assert.deepEqual(again.invalidated, ["tok1"]);
  });

  it("retries a 5xx GET up to maxRetries, logging each wait", async () => {
    const h = harness([{ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }, { status: 200 }]);
    const e = await refusal(h.transport.request("GET", "/a"));
    assert.equal(e.kind, "server");
    assert.equal(e.status, 504);
    assert.equal(e.attempts, 4);
    assert.equal(h.calls.length, 4);
    assert.ok(h.lines.includes("[pulumi-domo] GET /a attempt 1 failed (server); retrying in 0 ms"));
    assert.deepEqual(h.counts(), { acquired: 4, released: 4 });
  });

  it("does not repeat a POST after a 5xx unless told it is idempotent; 429 always", async () => {
    const post = harness([{ status: 500 }, { status: 200 }]);
    const e = await refusal(post.transport.request("POST", "/a"));
    assert.equal(e.kind, "server");
    assert.equal(post.calls.length, 1);
    const idem = harness([{ status: 500 }, { status: 200 }]);
    await idem.transport.request("POST", "/a", { idempotent: true });
    assert.equal(idem.calls.length, 2);
    const put = harness([{ status: 500 }, { status: 200 }]);
    await refusal(put.transport.request("PUT", "/a", { idempotent: false }));
    assert.equal(put.calls.length, 1);
    const limited = harness([{ status: 429, headers: { "retry-after": "0" } }, { status: 200 }]);
    await limited.transport.request("POST", "/a");
    assert.equal(limited.calls.length, 2);
  });

  it("leaves no timeout timer behind once an attempt is answered (nothing keeps the provider alive or aborts later)", async () => {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const h = harness([{ status: 200 }, { status: 400 }], { maxRetries: 0 });
      await h.transport.request("GET", "/a");
      assert.equal(clock.countTimers(), 0, "after a 200");
      await refusal(h.transport.request("GET", "/b"));
      assert.equal(clock.countTimers(), 0, "after a refused call");
    } finally {
      clock.restore();
    }
  });

  it("waits what Retry-After asks", async () => {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const h = harness([{ status: 429, headers: { "retry-after": "2" } }, { status: 200 }]);
      let done = false;
      const p = h.transport.request("GET", "/a").then(() => {
        done = true;
      });
      await clock.tickAsync(1999);
      assert.equal(done, false);
      assert.equal(h.calls.length, 1);
      await clock.tickAsync(1);
      await p;
      assert.equal(h.calls.length, 2);
      assert.ok(h.lines.some((l) => l.endsWith("failed (rate_limited); retrying in 2000 ms")));
    } finally {
      clock.restore();
    }
  });

  it("reports a network failure with the host and the code; maybe committed unless refused or a GET", async () => {
    const reset = () => Promise.reject(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const refused = () =>
      Promise.reject(Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" }));
    const plain = () => Promise.reject(new Error("x".repeat(300)));
    const put = harness([reset], { maxRetries: 0 });
    const e = await refusal(put.transport.request("PUT", "/a"));
    assert.equal(e.kind, "network");
    assert.equal(e.maybeCommitted, true);
    assert.match(
      e.message,
      /^Gave up after 1 attempt\(s\): Could not reach Domo at http:\/\/domo\.test\/base: ECONNRESET\. Domo could not be reached in time/,
    );
    assert.ok(put.lines.includes("[pulumi-domo] PUT /a attempt 1: network error"));
    const get = harness([reset], { maxRetries: 0 });
    assert.equal((await refusal(get.transport.request("GET", "/a"))).maybeCommitted, false);
    const ref = harness([refused], { maxRetries: 0 });
    assert.equal((await refusal(ref.transport.request("DELETE", "/a"))).maybeCommitted, false);
    const long = harness([plain], { maxRetries: 0 });
    const le = await refusal(long.transport.request("GET", "/a"));
    assert.ok(le.message.includes(`: ${"x".repeat(200)}. Domo could not`));
    assert.ok(!le.message.includes("x".repeat(201)));
    assert.deepEqual(long.counts(), { acquired: 1, released: 1 });
  });

  it("times out a request that does not answer within timeoutMs", async () => {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let signal: AbortSignal | undefined;
      const h = harness([], { maxRetries: 0 });
      const hang = new Transport(
        parseClientSettings({ clientId: "i", clientSecret: secret, timeoutMs: 150, maxRetries: 0 }),
        {
          limiter: { acquire: async () => () => {} } as unknown as RequestLimiter,
          log: new DebugLog(true, new Redactor(), (l) => h.lines.push(l)),
          redactor: new Redactor(),
          tokens: { token: async () => "t", invalidate: () => {} },
          fetch: (_url, init) =>
            new Promise((_resolve, reject) => {
              signal = init.signal;
              init.signal?.addEventListener("abort", () => reject(new Error("aborted")));
            }),
        },
      );
      const p = refusal(hang.request("POST", "/a"));
      await clock.tickAsync(149);
      assert.equal(signal?.aborted, false);
      await clock.tickAsync(1);
      const e = await p;
      assert.equal(e.kind, "timeout");
      assert.equal(e.maybeCommitted, true);
      assert.match(e.message, /Domo did not answer within 150 ms\. Domo could not be reached in time/);
      assert.ok(h.lines.includes("[pulumi-domo] POST /a attempt 1: timeout"));
    } finally {
      clock.restore();
    }
  });

  it("reports a connection that breaks while the body is read", async () => {
    const broken = async (): Promise<FetchResponse> => ({
      ...fetchResponse(200),
      text: () =>
        Promise.reject(Object.assign(new Error("premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" })),
    });
    for (const [method, committed] of [
      ["PUT", true],
      ["GET", false],
    ] as Array<[HttpMethod, boolean]>) {
      const h = harness([broken], { maxRetries: 0 });
      const e = await refusal(h.transport.request(method, "/a"));
      assert.equal(e.kind, "network");
      assert.equal(e.maybeCommitted, committed);
      assert.match(
        e.message,
        /The connection to Domo broke while reading the response: ERR_STREAM_PREMATURE_CLOSE\./,
      );
      assert.deepEqual(h.counts(), { acquired: 1, released: 1 });
    }
  });

  it("redacts the secret from every error message", async () => {
    const h = harness([{ status: 400, body: JSON.stringify({ message: `bad secret ${secret}` }) }]);
    const e = await refusal(h.transport.request("GET", "/a"));
    assert.equal(e.kind, "rejected");
    assert.ok(!e.message.includes(secret), e.message);
    assert.match(e.message, /Domo said: bad secret \[REDACTED\]\. Domo rejected the request as invalid\./);
  });
});

describe("errorFromResponse (client/attempt.ts)", () => {
  it("quotes Domo's message, preferring message, then error_description, statusReason, error", () => {
    const say = (body: unknown) => errorFromResponse("GET", "/p", 400, JSON.stringify(body)).message;
    assert.equal(
      say({ message: "m", error_description: "d", statusReason: "s", error: "e", toe: "T" }),
      "Domo said: m. Domo rejected the request as invalid. (GET /p -> 400) [Domo trace id: T]",
    );
    assert.match(say({ error_description: "d", statusReason: "s", error: "e" }), /^Domo said: d\. /);
    assert.match(say({ statusReason: "s", error: "e" }), /^Domo said: s\. /);
    assert.match(say({ error: "e" }), /^Domo said: e\. /);
    assert.equal(say({}), "Domo rejected the request as invalid. (GET /p -> 400)");
    assert.equal(say({ message: 5 }), "Domo rejected the request as invalid. (GET /p -> 400)");
  });

  it("takes the kind from the status and keeps the trace id", () => {
    const e = errorFromResponse("DELETE", "/p", 404, '{"toe":"ABC"}');
    assert.equal(e.kind, "not_found");
    assert.equal(e.status, 404);
    assert.equal(e.toe, "ABC");
    assert.equal(e.method, "DELETE");
    assert.equal(e.path, "/p");
  });

  it("copes with a body that is not JSON and shortens long messages after redacting", () => {
    assert.equal(
      errorFromResponse("GET", "/p", 502, "<html>").message,
      `${"Domo failed repeatedly; try again later and quote the trace id if it persists."} (GET /p -> 502)`,
    );
    const long = errorFromResponse(
      "GET",
      "/p",
      400,
      JSON.stringify({ message: `${"a".repeat(290)}SECRET-TOKEN` }),
      (s) => s.replace("SECRET-TOKEN", "[X]"),
    );
    assert.ok(long.message.startsWith(`Domo said: ${"a".repeat(290)}[X]. `));
    const cut = errorFromResponse("GET", "/p", 400, JSON.stringify({ message: "b".repeat(400) }));
    assert.ok(cut.message.startsWith(`Domo said: ${"b".repeat(300)}. `));
  });
  it("ends Domo's words with one stop: its own '.', '!' or '?' is kept, never doubled", () => {
    const say = (message: string) => errorFromResponse("GET", "/p", 400, JSON.stringify({ message })).message;
    assert.ok(say("Stop!").startsWith("Domo said: Stop! Domo rejected"));
    assert.ok(say("Why?").startsWith("Domo said: Why? Domo rejected"));
    assert.ok(say("Done.").startsWith("Domo said: Done. Domo rejected"));
    assert.ok(say("No stop").startsWith("Domo said: No stop. Domo rejected"));
    assert.ok(say("Stop!?x").startsWith("Domo said: Stop!?x. Domo rejected"));
  });

  it("a 403 is a rate limit when Domo's message, error or error_description says so (a rate limit is retried, a refusal is not)", () => {
    const kind = (body: unknown) => errorFromResponse("GET", "/p", 403, JSON.stringify(body)).kind;
    assert.equal(kind({ message: "API Rate limit reached." }), "rate_limited");
    assert.equal(kind({ message: "Forbidden", error: "rate_limit_exceeded" }), "rate_limited");
    assert.equal(kind({ error_description: "Too Many Requests" }), "rate_limited");
    assert.equal(kind({ message: "Forbidden", error: "access_denied" }), "forbidden");
    // statusReason is shown when nothing else is, but does not make a 403 a rate limit.
    assert.equal(kind({ statusReason: "rate limit" }), "forbidden");
    // Not JSON (a proxy's page): its first 1,000 characters are read, no more.
    assert.equal(errorFromResponse("GET", "/p", 403, "<h1>Too many requests</h1>").kind, "rate_limited");
    assert.equal(
      errorFromResponse("GET", "/p", 403, `${"<p>".repeat(400)}rate limit`).kind,
      "forbidden",
      "wording past the first 1,000 characters is not read",
    );
  });
});
