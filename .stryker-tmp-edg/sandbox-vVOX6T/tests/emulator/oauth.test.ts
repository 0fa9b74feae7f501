// @ts-nocheck
import assert from "node:assert/strict";
import { Api, as, basic, cleanup, read, requestToken, start, TOE, token } from "./harness";

function jwtPayload(accessToken: string): Record<string, unknown> {
  const parts = accessToken.split(".");
  assert.equal(parts.length, 3, "access_token is header.payload.signature");
  return JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
}

describe("emulator: OAuth token endpoint", () => {
  afterEach(cleanup);

  it("issues tokens over GET with query parameters (Node, Rust, R SDKs)", async () => {
    const emulator = await start();
    const reply = await requestToken(emulator, { style: "GET", scope: "user" });
    assert.equal(reply.status, 200);
    const body = as.token(reply);
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, 3599);
    assert.equal(body.scope, "user");
    assert.equal(body.userId, emulator.adminUserId);
    assert.equal(body.role, "Admin");
    assert.equal(body.customer, "emulator");
    const claims = jwtPayload(body.access_token);
    assert.equal(claims.jti, body.jti);
    assert.equal(claims.sub, String(emulator.adminUserId));
    const exp = Number(claims.exp);
    const now = Date.now() / 1000;
    assert.ok(exp > now + 3500 && exp <= now + 3600, `exp ${exp} about an hour from now`);
  });

  it("issues tokens over POST with a form body (pydomo, Java) and all client scopes by default", async () => {
    const emulator = await start();
    const reply = await requestToken(emulator, { style: "POST" });
    assert.equal(reply.status, 200);
    assert.equal(as.token(reply).scope, "user data");
  });

  it("answers the admin user and role configured for the seeded client", async () => {
    const emulator = await start();
    const admin = emulator.store.getUser(emulator.adminUserId);
    assert.equal(admin?.name, "Domo Admin");
    assert.equal(admin?.email, "admin@example.com");
    assert.equal(admin?.roleId, 1);
  });

  it("refuses bad client credentials without echoing the secret", async () => {
    const emulator = await start();
    for (const creds of [
      { clientSecret: "wrong-secret-value" },
      { clientId: "nobody", clientSecret: "wrong-secret-value" },
    ]) {
      const reply = await requestToken(emulator, creds);
      assert.equal(reply.status, 401);
      assert.deepEqual(as.oauthError(reply), {
        error: "invalid_client",
        error_description: "Bad client credentials",
      });
      assert.ok(!reply.text.includes("wrong-secret-value"));
    }
    const missing = await read(await fetch(`${emulator.url}/oauth/token?grant_type=client_credentials`));
    assert.equal(missing.status, 401);
    assert.equal(as.oauthError(missing).error, "unauthorized");
  });

  it("grants only scopes the client has", async () => {
    const emulator = await start();
    const subset = await requestToken(emulator, { scope: "data user" });
    assert.equal(as.token(subset).scope, "data user");
    for (const scope of ["dashboard", "user bogus"]) {
      const reply = await requestToken(emulator, { scope });
      assert.equal(reply.status, 400);
      assert.equal(as.oauthError(reply).error, "invalid_scope");
    }
  });

  it("rejects a missing or unsupported grant type", async () => {
    const emulator = await start();
    const auth = basic(emulator.credentials.clientId, emulator.credentials.clientSecret);
    const missing = await read(
      await fetch(`${emulator.url}/oauth/token`, { headers: { Authorization: auth } }),
    );
    assert.equal(missing.status, 400);
    assert.equal(as.oauthError(missing).error, "invalid_request");
    const password = await read(
      await fetch(`${emulator.url}/oauth/token`, {
        method: "POST",
        headers: { Authorization: auth, "Content-Type": "application/x-www-form-urlencoded" },
        body: "grant_type=password",
      }),
    );
    assert.equal(password.status, 400);
    assert.equal(as.oauthError(password).error, "unsupported_grant_type");
  });

  it("serves /oauth/token/ with a trailing slash", async () => {
    const emulator = await start();
    const auth = basic(emulator.credentials.clientId, emulator.credentials.clientSecret);
    const reply = await read(
      await fetch(`${emulator.url}/oauth/token/?grant_type=client_credentials`, {
        headers: { Authorization: auth },
      }),
    );
    assert.equal(reply.status, 200);
  });
});

describe("emulator: bearer tokens on /v1/users", () => {
  afterEach(cleanup);

  it("accepts both `bearer` and `Bearer`", async () => {
    const emulator = await start();
    const accessToken = await token(emulator);
    for (const scheme of ["bearer", "Bearer", "BEARER"]) {
      const reply = await new Api(emulator, accessToken, scheme).get("/v1/users");
      assert.equal(reply.status, 200, scheme);
    }
  });

  it("answers 401 invalid_token for a missing, forged or unknown token", async () => {
    const emulator = await start();
    const noHeader = await read(await fetch(`${emulator.url}/v1/users`));
    assert.equal(noHeader.status, 401);
    assert.equal(as.oauthError(noHeader).error, "invalid_token");
    const real = await token(emulator);
    const [h, p] = real.split(".");
    for (const bogus of ["not-a-token", `${h}.${p}.AAAA`, `${h}.${p}x.${real.split(".")[2]}`]) {
      const reply = await new Api(emulator, bogus).get("/v1/users");
      assert.equal(reply.status, 401, bogus);
      assert.equal(as.oauthError(reply).error, "invalid_token");
      assert.match(reply.headers.get("www-authenticate") ?? "", /^Bearer /);
    }
  });

  it("answers 401 once tokens are expired with expireTokens(), and a new token works", async () => {
    const emulator = await start();
    const api = await Api.connect(emulator);
    assert.equal((await api.get("/v1/users")).status, 200);
    emulator.expireTokens();
    const expired = await api.get("/v1/users");
    assert.equal(expired.status, 401);
    assert.deepEqual(as.oauthError(expired), {
      error: "invalid_token",
      error_description: "Access token expired",
    });
    api.accessToken = await token(emulator);
    assert.equal((await api.get("/v1/users")).status, 200);
  });

  it("honours tokenTtlSeconds (0 = expired on arrival)", async () => {
    const emulator = await start({ tokenTtlSeconds: 0 });
    const reply = await requestToken(emulator);
    assert.equal(as.token(reply).expires_in, 0);
    const api = new Api(emulator, as.token(reply).access_token);
    assert.equal((await api.get("/v1/users")).status, 401);
  });

  it("answers 403 in the gateway shape for a token without the user scope", async () => {
    const emulator = await start();
    const api = new Api(emulator, await token(emulator, { scope: "data" }));
    const reply = await api.get("/v1/users");
    assert.equal(reply.status, 403);
    const body = as.gateway(reply);
    assert.equal(body.statusReason, "Forbidden");
    assert.equal(body.path, "/v1/users");
    assert.match(body.toe, TOE);
  });

  it("supports extra clients with their own scopes", async () => {
    const emulator = await start({
      clients: [
        { clientId: "main", clientSecret: "s3cret", scopes: ["user", "data", "dashboard"] },
        { clientId: "reader", clientSecret: "r3ader", scopes: ["data"] },
      ],
    });
    assert.deepEqual(emulator.credentials, { clientId: "main", clientSecret: "s3cret" });
    assert.equal(as.token(await requestToken(emulator, { scope: "dashboard" })).scope, "dashboard");
    const reader = await requestToken(emulator, { clientId: "reader", clientSecret: "r3ader" });
    assert.equal(as.token(reader).scope, "data");
  });
});
