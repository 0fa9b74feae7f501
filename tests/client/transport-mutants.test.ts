import assert from "node:assert/strict";
import sinon from "sinon";
import { z } from "zod";
import { errorFromResponse } from "../../provider/client/attempt";
import { parseClientSettings } from "../../provider/client/config";
import type { DomoError } from "../../provider/client/errors";
import type { FetchInit, FetchResponse } from "../../provider/client/fetch";
import type { RequestLimiter } from "../../provider/client/limiter";
import { DebugLog, Redactor } from "../../provider/client/log";
import { type HttpMethod, Transport } from "../../provider/client/transport";

// The HTTP layer against a scripted fetch: no sockets, no real time.

type Reply =
  | { status: number; body?: string; headers?: Record<string, string> }
  | (() => Promise<FetchResponse>);

function response(status: number, body = "", headers: Record<string, string> = {}): FetchResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
    text: async () => body,
  };
}

const secret = "the-client-secret-xyz";

function harness(replies: Reply[], overrides: Record<string, unknown> = {}) {
  const settings = parseClientSettings({
    apiHost: "http://domo.test/base",
    clientId: "id",
    clientSecret: secret,
    maxRetries: 3,
    timeoutMs: 100,
    ...overrides,
  });
  const calls: Array<{ url: string; init: FetchInit }> = [];
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
  const queue = [...replies];
  const transport = new Transport(settings, {
    limiter,
    log: new DebugLog(true, redactor, (l) => lines.push(l)),
    redactor,
    tokens,
    random: () => 0,
    now: () => 1000,
    fetch: async (url, init) => {
      calls.push({ url, init });
      const next = queue.shift();
      if (!next) throw new Error("no scripted reply left");
      if (typeof next === "function") return next();
      return response(next.status, next.body ?? "", next.headers);
    },
  });
  return {
    transport,
    calls,
    lines,
    invalidated,
    counts: () => ({ acquired, released }),
  };
}

async function refusal(p: Promise<unknown>): Promise<DomoError> {
  try {
    await p;
  } catch (e) {
    return e as DomoError;
  }
  assert.fail("expected the request to fail");
}

describe("transport.ts against a scripted fetch", () => {
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
      ...response(200),
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

describe("errorFromResponse", () => {
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
});
