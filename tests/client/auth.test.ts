import assert from "node:assert/strict";
import util from "node:util";
import sinon from "sinon";
import { DomoClient } from "../../provider/client";
import { TokenManager } from "../../provider/client/auth";
import { parseClientSettings } from "../../provider/client/config";
import type { FetchResponse } from "../../provider/client/fetch";
import type { RequestLimiter } from "../../provider/client/limiter";
import { DebugLog, Redactor } from "../../provider/client/log";
import { refusal } from "../support/refusal";
import { type ScriptedReply, scriptedFetch } from "../support/scripted-fetch";

// The token endpoint against a scripted fetch: caching, refresh margin, errors, retries.

const secret = "client-secret-123";

function tokenBody(token: string, extra: Record<string, unknown> = {}) {
  return { access_token: token, token_type: "bearer", expires_in: 3600, ...extra };
}

function harness(replies: ScriptedReply[], overrides: Record<string, unknown> = {}) {
  const settings = parseClientSettings({
    apiHost: "http://domo.test",
    clientId: "my-client",
    clientSecret: secret,
    scope: "user data",
    maxRetries: 2,
    timeoutMs: 100,
    ...overrides,
  });
  const { fetch, calls } = scriptedFetch(replies, { emptyBody: "{}" });
  const lines: string[] = [];
  const redactor = new Redactor();
  let now = 1_000_000;
  let released = 0;
  const tokens = new TokenManager(settings, {
    limiter: {
      acquire: async () => () => {
        released++;
      },
    } as unknown as RequestLimiter,
    log: new DebugLog(true, redactor, (l) => lines.push(l)),
    redactor,
    now: () => now,
    random: () => 0,
    fetch,
  });
  return {
    tokens,
    calls,
    lines,
    redactor,
    released: () => released,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("TokenManager (client/auth.ts): the token endpoint", () => {
  it("asks for client credentials with basic auth and a form body", async () => {
    const h = harness([{ status: 200, body: tokenBody("tok-aaaa", { userId: 77 }) }]);
    assert.equal(await h.tokens.token(), "tok-aaaa");
    const call = h.calls[0];
    assert.ok(call);
    assert.equal(call.url, "http://domo.test/oauth/token");
    assert.equal(call.init.method, "POST");
    assert.deepEqual(call.init.headers, {
      Authorization: `Basic ${Buffer.from(`my-client:${secret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    });
    assert.equal(call.init.body, "grant_type=client_credentials&scope=user+data");
    assert.deepEqual(await h.tokens.info(), { userId: 77 });
    assert.deepEqual(h.lines, ["[pulumi-domo] POST /oauth/token -> 200"]);
    assert.equal(h.released(), 1);
    assert.equal(h.redactor.redact(`x ${secret} tok-aaaa`), "x [REDACTED] [REDACTED]");
  });

  it("reuses the token until a minute before it expires", async () => {
    const h = harness([
      { status: 200, body: tokenBody("tok-one1", { expires_in: 120 }) },
      { status: 200, body: tokenBody("tok-two2") },
    ]);
    assert.equal(await h.tokens.token(), "tok-one1");
    h.advance(59_999);
    assert.equal(await h.tokens.token(), "tok-one1");
    h.advance(1);
    assert.equal(await h.tokens.token(), "tok-two2");
    assert.equal(h.calls.length, 2);
  });

  it("takes a lifetime of 3599 s when Domo states none", async () => {
    const h = harness([
      { status: 200, body: { access_token: "tok-life" } },
      { status: 200, body: tokenBody("tok-next") },
    ]);
    await h.tokens.token();
    h.advance(3_539_000 - 1);
    assert.equal(await h.tokens.token(), "tok-life");
    h.advance(1);
    assert.equal(await h.tokens.token(), "tok-next");
  });

  it("keeps one request in flight for concurrent callers, and a fresh one after it", async () => {
    const h = harness([
      { status: 200, body: tokenBody("tok-same") },
      { status: 200, body: tokenBody("tok-new1") },
    ]);
    const all = await Promise.all([h.tokens.token(), h.tokens.token(), h.tokens.info()]);
    assert.deepEqual(all, ["tok-same", "tok-same", { userId: undefined }]);
    assert.equal(h.calls.length, 1);
    h.tokens.invalidate("someone-else");
    assert.equal(await h.tokens.token(), "tok-same");
    h.tokens.invalidate("tok-same");
    assert.equal(await h.tokens.token(), "tok-new1");
  });

  for (const status of [400, 401]) {
    it(`calls a ${status} a credentials problem, names the client and scope, and does not retry`, async () => {
      const h = harness([
        { status, body: { error: "invalid_client" } },
        { status: 200, body: tokenBody("x") },
      ]);
      const e = await refusal(h.tokens.token());
      assert.equal(e.kind, "auth");
      assert.equal(e.status, status);
      assert.equal(e.attempts, 1);
      assert.equal(
        e.message,
        `Domo rejected the API client credentials (client id "my-client", scope "user data"). Check domo:clientId and domo:clientSecret (or DOMO_CLIENT_ID / DOMO_CLIENT_SECRET) and that the client has the 'user' scope (POST /oauth/token -> ${status})`,
      );
      assert.equal(h.calls.length, 1);
    });
  }

  it("calls a 200 without an access_token an auth failure", async () => {
    for (const body of ["not json", { token_type: "bearer" }, { access_token: "" }]) {
      const h = harness([{ status: 200, body }]);
      const e = await refusal(h.tokens.token());
      assert.equal(e.kind, "auth");
      assert.equal(e.message, "Domo's token endpoint answered without an access_token");
      assert.equal(e.attempts, 1);
    }
  });

  it("retries a 5xx and a 429 (waiting Retry-After), then gives up with the count", async () => {
    const ok = harness([{ status: 503 }, { status: 200, body: tokenBody("tok-back") }]);
    assert.equal(await ok.tokens.token(), "tok-back");
    assert.ok(ok.lines.includes("[pulumi-domo] POST /oauth/token failed (server); retrying in 0 ms"));
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const limited = harness([
        { status: 429, headers: { "retry-after": "3" } },
        { status: 200, body: tokenBody("tok-late") },
      ]);
      let got: string | undefined;
      const p = limited.tokens.token().then((t) => {
        got = t;
      });
      await clock.tickAsync(2999);
      assert.equal(got, undefined);
      await clock.tickAsync(1);
      await p;
      assert.equal(got, "tok-late");
    } finally {
      clock.restore();
    }
    const down = harness([
      { status: 500 },
      { status: 500 },
      { status: 502, body: { message: "bad gateway", toe: "TT" } },
    ]);
    const e = await refusal(down.tokens.token());
    assert.equal(e.kind, "server");
    assert.equal(e.attempts, 3);
    assert.equal(e.toe, "TT");
    assert.match(
      e.message,
      /^Gave up after 3 attempt\(s\): Domo said: bad gateway\..* \(POST \/oauth\/token -> 502\) \[Domo trace id: TT\]$/,
    );
    assert.equal(e.method, "POST");
    assert.equal(down.released(), 3);
  });

  it("reports network failures with the host and code, and timeouts", async () => {
    const reset = () => Promise.reject(Object.assign(new Error("x"), { code: "ECONNRESET" }));
    const h = harness([reset], { maxRetries: 0 });
    const e = await refusal(h.tokens.token());
    assert.equal(e.kind, "network");
    assert.match(
      e.message,
      /^Gave up after 1 attempt\(s\): Could not get a token from http:\/\/domo\.test: ECONNRESET/,
    );
    assert.equal(e.method, "POST");
    assert.equal(e.path, "/oauth/token");
    const nocode = harness([() => Promise.reject(new Error("x"))], { maxRetries: 0 });
    assert.match((await refusal(nocode.tokens.token())).message, /: connection failed/);
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const hang = harness(
        [
          () =>
            new Promise<FetchResponse>((_resolve, reject) => {
              const signal = hang.calls[0]?.init.signal;
              signal?.addEventListener("abort", () => reject(new Error("aborted")));
            }),
        ],
        { maxRetries: 0, timeoutMs: 200 },
      );
      const p = refusal(hang.tokens.token());
      await clock.tickAsync(200);
      const t = await p;
      assert.equal(t.kind, "timeout");
    } finally {
      clock.restore();
    }
  });
});

describe("DomoClient (client/index.ts) never shows its secret", () => {
  it("masks the secret in describe, toString, toJSON and inspect", () => {
    const c = new DomoClient({ apiHost: "http://h.test", clientId: "cid", clientSecret: secret });
    const shown = "DomoClient(http://h.test, client cid, secret [REDACTED])";
    assert.equal(c.describe(), shown);
    assert.equal(String(c), shown);
    assert.equal(util.inspect(c), shown);
    const json = c.toJSON();
    assert.equal(json.clientSecret, "[REDACTED]");
    assert.equal(json.clientId, "cid");
    assert.ok(!JSON.stringify(c).includes(secret));
    assert.equal(c.redactor.redact(secret), "[REDACTED]");
  });
});
