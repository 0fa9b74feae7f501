import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { setImmediate as setImmediatePromise } from "node:timers/promises";
import { Api, admin, as, cleanup, requestToken, start, tempDir, token } from "./harness";

const JANE = { name: "Jane Doe", email: "jane@example.com", role: "Editor" };

/** Resolves to the error a fetch rejects with, failing if it does not reject. */
async function connectionError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail("expected the connection to be dropped");
}

describe("emulator: fault injection", () => {
  afterEach(cleanup);

  it("answers an injected status with Retry-After in seconds, then recovers", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    emulator.faults.add({ route: "GET /v1/users", kind: "status", status: 503, retryAfter: 2, count: 1 });
    const faulted = await api.get("/v1/users");
    assert.equal(faulted.status, 503);
    assert.equal(faulted.headers.get("retry-after"), "2");
    assert.equal(as.gateway(faulted).statusReason, "Service Unavailable");
    assert.equal((await api.get("/v1/users")).status, 200);
    assert.deepEqual(emulator.faults.list(), []);
  });

  it("sends Retry-After as an HTTP-date, or not at all when omitted", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    const date = new Date(Date.now() + 5000).toUTCString();
    emulator.faults.add({ kind: "status", status: 429, retryAfter: date, count: 1 });
    emulator.faults.add({ kind: "status", status: 429, count: 1 });
    const first = await api.get("/v1/users");
    assert.equal(first.status, 429);
    assert.equal(first.headers.get("retry-after"), date);
    const second = await api.get("/v1/users");
    assert.equal(second.status, 429);
    assert.equal(second.headers.get("retry-after"), null);
  });

  it("hits exactly the next 3 POSTs and leaves other routes alone", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    emulator.resetCounters();
    emulator.faults.add({ route: "POST /v1/users", kind: "status", status: 500, count: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await api.post("/v1/users", JANE)).status);
      assert.equal((await api.get("/v1/users")).status, 200);
    }
    assert.deepEqual(statuses, [500, 500, 500, 200]);
    assert.equal(emulator.store.listUsers().length, 2, "only the fourth POST created a user");
    assert.deepEqual(emulator.counters(), { "POST /v1/users": 4, "GET /v1/users": 4 });
    const faulted = emulator.requestLog().filter((e) => e.fault !== undefined);
    assert.deepEqual(
      faulted.map((e) => [e.route, e.status, e.fault]),
      Array(3).fill(["POST /v1/users", 500, "status:500"]),
    );
  });

  it("applies a route-less fault to the token endpoint too, but never to /__admin", async () => {
    const emulator = await start();
    emulator.faults.add({ kind: "status", status: 502 });
    assert.equal((await requestToken(emulator)).status, 502);
    assert.equal((await admin(emulator, "GET", "/counters")).status, 200);
    emulator.faults.clear();
    assert.equal((await requestToken(emulator)).status, 200);
  });

  it("delays by an injected latency and by the latencyMs option", async () => {
    const emulator = await start({ latencyMs: 40 });
    const api = await Api.connect(emulator);
    emulator.faults.add({ route: "GET /v1/users/{id}", kind: "latency", ms: 120, count: 1 });
    let began = performance.now();
    assert.equal((await api.get(`/v1/users/${emulator.adminUserId}`)).status, 200);
    assert.ok(performance.now() - began >= 155, "fault latency adds to the option's");
    assert.deepEqual(emulator.faults.list(), [], "the counted latency fault is used up");
    began = performance.now();
    await api.get(`/v1/users/${emulator.adminUserId}`);
    assert.ok(performance.now() - began >= 35, "latencyMs still applies");
    assert.equal(emulator.requestLog().find((e) => e.fault)?.fault, "latency:120");
  });

  it("answers slowly after committing the work (slowAnswer): the account exists before the answer", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    emulator.faults.add({ route: "POST /v1/users", kind: "slowAnswer", ms: 200, count: 1 });
    const began = performance.now();
    let answered = false;
    const created = api.post("/v1/users", JANE).then((r) => {
      answered = true;
      return r;
    });
    // Committed while the answer is still on its way.
    while (!emulator.store.listUsers().some((u) => u.email === JANE.email)) await setImmediatePromise();
    assert.equal(answered, false, "the account exists before the client hears back");
    assert.equal((await created).status, 200);
    assert.ok(performance.now() - began >= 195);
    assert.equal(emulator.requestLog().at(-1)?.fault, "slowAnswer:200");
  });

  it("resets the connection without doing the work", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    emulator.faults.add({ route: "POST /v1/users", kind: "reset", count: 1 });
    await connectionError(api.post("/v1/users", JANE));
    assert.equal(emulator.store.listUsers().length, 1, "nothing created");
    const entry = emulator.requestLog().at(-1);
    assert.deepEqual([entry?.status, entry?.fault], [0, "reset"]);
    assert.equal((await api.post("/v1/users", JANE)).status, 200);
  });

  it("commits the write and then loses the response (lostResponse)", async () => {
    const dir = await tempDir();
    const dataFile = path.join(dir, "state.json");
    const emulator = await start({ dataFile });
    const api = await Api.connect(emulator);
    emulator.faults.add({ route: "POST /v1/users", kind: "lostResponse", count: 1 });
    await connectionError(api.post("/v1/users", JANE));
    const created = emulator.store.listUsers().find((u) => u.email === JANE.email);
    assert.ok(created, "the user exists although the client never saw the response");
    const onDisk = JSON.parse(await readFile(dataFile, "utf8"));
    assert.ok(
      onDisk.users.some((u: { id: number }) => u.id === created.id),
      "and it is durable",
    );
    assert.equal(emulator.requestLog().at(-1)?.fault, "lostResponse");
    const retry = await api.post("/v1/users", JANE);
    assert.equal(retry.status, 409, "a naive retry meets its own earlier write");
  });

  it("expires the presented token (expireToken); token requests do not use the fault up", async () => {
    const emulator = await start();
    emulator.faults.add({ kind: "expireToken", count: 1 });
    const api = await Api.connect(emulator);
    assert.equal(emulator.faults.list().length, 1);
    const reply = await api.get("/v1/users");
    assert.equal(reply.status, 401);
    assert.equal(as.oauthError(reply).error_description, "Access token expired");
    assert.equal((await api.get("/v1/users")).status, 401, "the token stays expired");
    api.accessToken = await token(emulator);
    assert.equal((await api.get("/v1/users")).status, 200);
  });

  it("takes faults from the options at start", async () => {
    const emulator = await start({
      faults: [{ route: "GET /oauth/token", kind: "status", status: 504, count: 2 }],
    });
    assert.equal((await requestToken(emulator)).status, 504);
    assert.equal((await requestToken(emulator)).status, 504);
    assert.equal((await requestToken(emulator)).status, 200);
  });

  it("rejects malformed faults", async () => {
    const emulator = await start();
    assert.throws(() => emulator.faults.add({ kind: "status", status: 404 }));
    assert.throws(() => emulator.faults.add({ kind: "latency", ms: -1 }));
    assert.throws(() => emulator.faults.add({ kind: "reset", route: "GET /v1/nope" as never }));
    assert.throws(() => emulator.faults.add({ kind: "reset", count: 0 }));
  });
});

describe("emulator: rate limit", () => {
  afterEach(cleanup);

  it("answers 429 with Retry-After: 1 beyond the bucket, counting and logging the refusals", async () => {
    const emulator = await start({ rateLimit: { requestsPerSecond: 1, burst: 3 } });
    const api = await Api.connect(emulator);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await api.get("/v1/users"));
    assert.deepEqual(
      statuses.map((r) => r.status),
      [200, 200, 429],
    );
    assert.equal(statuses[2]?.headers.get("retry-after"), "1");
    assert.equal(as.gateway(statuses[2] ?? assert.fail()).status, 429);
    assert.equal(emulator.counters()["GET /v1/users"], 3);
    assert.equal(emulator.requestLog().at(-1)?.fault, "rateLimit");
    assert.equal((await admin(emulator, "GET", "/counters")).status, 200, "admin is never throttled");
  });

  it("answers the bucket's refusals as 403 {message} with rateLimitStatus: 403, without Retry-After", async () => {
    const emulator = await start({
      rateLimit: { requestsPerSecond: 1, burst: 3 },
      behaviour: { rateLimitStatus: 403 },
    });
    const api = await Api.connect(emulator);
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await api.get("/v1/users"));
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 200, 403],
    );
    const refused = replies[2] ?? assert.fail();
    assert.equal(refused.text, '{"message":"API Rate limit reached."}');
    assert.equal(refused.headers.get("retry-after"), null, "even with rateLimit.retryAfter: seconds");
    assert.deepEqual(
      [emulator.requestLog().at(-1)?.status, emulator.requestLog().at(-1)?.fault],
      [403, "rateLimit"],
    );
    const token = await requestToken(emulator);
    assert.deepEqual([token.status, token.json], [403, { message: "API Rate limit reached." }]);
  });

  it("answers injected 429 faults as 403 {message} with rateLimitStatus: 403, other faults unchanged", async () => {
    const emulator = await start({ behaviour: { rateLimitStatus: 403 } });
    const api = await Api.connect(emulator);
    emulator.faults.add({ kind: "status", status: 429, retryAfter: 2, count: 1 });
    emulator.faults.add({ kind: "status", status: 429, count: 1 });
    emulator.faults.add({ kind: "status", status: 503, count: 1 });
    const [withHeader, without, unavailable] = [
      await api.get("/v1/users"),
      await api.get("/v1/users"),
      await api.get("/v1/users"),
    ];
    assert.deepEqual([withHeader.status, withHeader.json], [403, { message: "API Rate limit reached." }]);
    assert.equal(withHeader.headers.get("retry-after"), "2", "the fault's own Retry-After is kept");
    assert.deepEqual([without.status, without.json], [403, { message: "API Rate limit reached." }]);
    assert.equal(without.headers.get("retry-after"), null);
    assert.equal(unavailable.status, 503);
    assert.equal(as.gateway(unavailable).message, "Injected fault");
    assert.deepEqual(
      emulator
        .requestLog()
        .filter((e) => e.fault)
        .map((e) => [e.status, e.fault]),
      [
        [403, "status:429"],
        [403, "status:429"],
        [503, "status:503"],
      ],
    );
    assert.equal((await api.get("/v1/users")).status, 200);
  });

  it("switches rateLimitStatus at run time (setBehaviour, POST /__admin/behaviour) and refuses other values", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    assert.equal(emulator.behaviour().rateLimitStatus, 429, "429 by default");
    const refusal = async () => {
      emulator.faults.add({ kind: "status", status: 429, count: 1 });
      return (await api.get("/v1/users")).status;
    };
    assert.equal(await refusal(), 429);
    emulator.setBehaviour({ rateLimitStatus: 403 });
    assert.equal(await refusal(), 403);
    const patched = await admin(emulator, "POST", "/behaviour", { rateLimitStatus: 429 });
    assert.equal(as.object(patched).rateLimitStatus, 429);
    assert.equal(await refusal(), 429);
    assert.equal((await admin(emulator, "POST", "/behaviour", { rateLimitStatus: 418 })).status, 400);
    assert.equal(emulator.behaviour().rateLimitStatus, 429);
  });

  it("omits Retry-After when rateLimit.retryAfter is none", async () => {
    const emulator = await start({ rateLimit: { requestsPerSecond: 1, burst: 1, retryAfter: "none" } });
    await requestToken(emulator);
    const refused = await requestToken(emulator);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), null);
  });
});
