import assert from "node:assert/strict";
import nodeFetch, { Response } from "node-fetch";
import sinon from "sinon";
import { DomoClient, type DomoClientOptions, type DomoError, type FetchLike } from "../../provider/client";
import { defaultRetryTiming } from "../../provider/client/retry";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { drive, type FakeClock, fakeClock } from "../support/clock";
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
