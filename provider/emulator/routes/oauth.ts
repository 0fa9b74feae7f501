import { basicCredentials, secretsEqual, type TokenService } from "../auth";
import { OAuthError } from "../errors";
import type { ApiResponse } from "../http";
import { type Scope, ScopeSchema } from "../model";
import type { UserStore } from "../store";

export interface OAuthDeps {
  store: UserStore;
  tokens: TokenService;
}

export interface TokenRequest {
  /** "POST" reads a form body as well as the query; any other method only the query. */
  method: string;
  query: URLSearchParams;
  body: Buffer;
  authorization: string | undefined;
}

const BASIC_CHALLENGE = { "WWW-Authenticate": 'Basic realm="oauth2/client"' };

/**
 * Parameters come from the query (GET, as the Node/Rust/R SDKs send) or a form body (POST, as
 * pydomo and Java send); for POST the form wins over any query parameter of the same name.
 */
function tokenParams(req: TokenRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  if (req.method === "POST" && req.body.length > 0) {
    const form = new URLSearchParams(req.body.toString("utf8"));
    for (const [key, value] of form) params.set(key, value);
  }
  return params;
}

export function handleToken(deps: OAuthDeps, req: TokenRequest): ApiResponse {
  const credentials = basicCredentials(req.authorization);
  if (credentials === undefined) {
    throw new OAuthError(
      401,
      "unauthorized",
      "Full authentication is required to access this resource",
      BASIC_CHALLENGE,
    );
  }
  const client = deps.store.findClient(credentials.id);
  // One answer for an unknown id and a wrong secret, and the secret is never echoed.
  if (client === undefined || !secretsEqual(credentials.secret, client.clientSecret)) {
    throw new OAuthError(401, "invalid_client", "Bad client credentials", BASIC_CHALLENGE);
  }
  const params = tokenParams(req);
  const grantType = params.get("grant_type");
  if (grantType === null || grantType === "") {
    throw new OAuthError(400, "invalid_request", "Missing grant type");
  }
  if (grantType !== "client_credentials") {
    throw new OAuthError(400, "unsupported_grant_type", `Unsupported grant type: ${grantType}`);
  }
  const requested = (params.get("scope") ?? "").split(/[\s,]+/).filter((s) => s !== "");
  let scopes: Scope[];
  if (requested.length === 0) {
    scopes = [...client.scopes];
  } else {
    scopes = [];
    for (const name of requested) {
      const parsed = ScopeSchema.safeParse(name);
      if (!parsed.success || !client.scopes.includes(parsed.data)) {
        throw new OAuthError(400, "invalid_scope", `Invalid scope: ${name}`);
      }
      if (!scopes.includes(parsed.data)) scopes.push(parsed.data);
    }
  }
  return {
    status: 200,
    body: deps.tokens.issue(client, scopes),
    headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
  };
}
