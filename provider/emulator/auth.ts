import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { OAuthError } from "./errors";
import { type Scope, ScopeSchema } from "./model";
import type { ResolvedClient, UserStore } from "./store";

/** Who a token acts as: the token endpoint's answer and the token's own claims both carry it. */
const tokenIdentity = {
  customer: z.string(),
  userId: z.int(),
  role: z.string(),
  jti: z.string(),
};

/** What the token endpoint answers; `access_token` is a JWT because pydomo reads its `exp`. */
export const TokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.int(),
  scope: z.string(),
  ...tokenIdentity,
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** JWT's registered claims the emulator sets (RFC 7519 §4.1): subject, issued at, expiry. */
const registeredClaims = { sub: z.string(), iat: z.int(), exp: z.int() };

export const TokenClaimsSchema = z.object({
  ...registeredClaims,
  client_id: z.string(),
  scope: z.array(ScopeSchema),
  ...tokenIdentity,
  /** Token generation at minting time; expireTokens() moves the store past it. */
  gen: z.int(),
});
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

const JWT_HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

function invalidToken(description: string): OAuthError {
  return new OAuthError(401, "invalid_token", description, {
    "WWW-Authenticate": `Bearer realm="domo", error="invalid_token", error_description="${description}"`,
  });
}

/** Accepts `bearer` and `Bearer` (any case), as Domo's SDKs send both. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Compares secrets without leaking their length or content through timing. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHmac("sha256", "compare").update(given).digest();
  const b = createHmac("sha256", "compare").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Mints and checks stateless HMAC-signed tokens. The key and generation live in the store, so a
 * restarted emulator with the same data file still honours tokens it issued; revocations by the
 * expireToken fault are in memory only.
 */
export class TokenService {
  private readonly revoked = new Set<string>();

  constructor(
    private readonly store: UserStore,
    private readonly ttlSeconds: number,
    private readonly customer: string,
  ) {}

  issue(client: ResolvedClient, scopes: Scope[]): TokenResponse {
    const nowSec = Math.floor(Date.now() / 1000);
    const owner = this.store.peek(client.userId);
    const role = (owner && this.store.roleById(owner.roleId)?.name) ?? "Admin";
    const claims: TokenClaims = {
      sub: String(client.userId),
      jti: randomUUID(),
      iat: nowSec,
      exp: nowSec + this.ttlSeconds,
      client_id: client.clientId,
      scope: scopes,
      customer: this.customer,
      userId: client.userId,
      role,
      gen: this.store.tokenState().generation,
    };
    return {
      access_token: this.sign(claims),
      token_type: "bearer",
      expires_in: this.ttlSeconds,
      scope: scopes.join(" "),
      customer: this.customer,
      userId: client.userId,
      role,
      jti: claims.jti,
    };
  }

  /** The claims of a valid token; throws the 401 Domo answers otherwise. */
  verify(token: string | undefined): TokenClaims {
    if (token === undefined) throw invalidToken("Full authentication is required to access this resource");
    const claims = this.decode(token);
    if (claims === undefined) throw invalidToken("Invalid access token");
    if (
      claims.gen !== this.store.tokenState().generation ||
      Date.now() / 1000 >= claims.exp ||
      this.revoked.has(claims.jti)
    ) {
      throw invalidToken("Access token expired");
    }
    return claims;
  }

  /** Marks a token as expired if it is one of ours; unknown strings are ignored. */
  revoke(token: string): void {
    const claims = this.decode(token);
    if (claims !== undefined) this.revoked.add(claims.jti);
  }

  expireAll(): Promise<void> {
    this.revoked.clear();
    return this.store.bumpTokenGeneration();
  }

  private sign(claims: TokenClaims): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    const signature = createHmac("sha256", this.store.tokenState().signingKey)
      .update(`${JWT_HEADER}.${payload}`)
      .digest("base64url");
    return `${JWT_HEADER}.${payload}.${signature}`;
  }

  private decode(token: string): TokenClaims | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac("sha256", this.store.tokenState().signingKey)
      .update(`${header}.${payload}`)
      .digest();
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = TokenClaimsSchema.safeParse(
        JSON.parse(Buffer.from(payload, "base64url").toString("utf8")),
      );
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
