import { type AttemptDeps, attemptDeps, attemptRequest, type HttpDeps } from "./attempt";
import type { ClientSettings } from "./config";
import { DomoError } from "./errors";
import { type RetryClock, type RetryPolicy, RetryRun, retryPolicy, sleep } from "./retry";
import { tokenResponseSchema } from "./schemas";

/** Renew this long before the token's stated expiry, so no call carries a token that dies in flight. */
const refreshMarginMs = 60_000;

interface CachedToken {
  value: string;
  expiresAt: number;
  userId: number | undefined;
}

export interface TokenInfo {
  /** The Domo user the API client acts as: guards refuse to delete or demote it. */
  userId: number | undefined;
}

/**
 * OAuth client credentials. Caches the token until shortly before expiry and keeps exactly
 * one refresh in flight however many calls wait for it.
 */
export class TokenManager {
  private cached: CachedToken | undefined;
  private inFlight: Promise<CachedToken> | undefined;
  private readonly http: AttemptDeps;
  private readonly clock: RetryClock;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly settings: ClientSettings,
    private readonly deps: HttpDeps,
  ) {
    this.http = attemptDeps(settings, deps);
    this.clock = this.http.clock;
    this.policy = deps.retry ?? retryPolicy(settings);
    deps.redactor.add(settings.clientSecret);
  }

  async token(): Promise<string> {
    return (await this.current()).value;
  }

  async info(): Promise<TokenInfo> {
    return { userId: (await this.current()).userId };
  }

  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async current(): Promise<CachedToken> {
    if (this.cached && this.clock.now() < this.cached.expiresAt - refreshMarginMs) return this.cached;
    if (!this.inFlight) {
      this.inFlight = this.fetchToken()
        .then((token) => {
          this.cached = token;
          return token;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  private async fetchToken(): Promise<CachedToken> {
    const path = "/oauth/token";
    const basic = Buffer.from(`${this.settings.clientId}:${this.settings.clientSecret}`).toString("base64");
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      scope: this.settings.scope,
    }).toString();
    const run = new RetryRun(this.policy, this.clock);
    for (;;) {
      run.attempted();
      const outcome = await attemptRequest(this.http, {
        method: "POST",
        path,
        url: `${this.settings.apiHost}${path}`,
        headers: {
          Authorization: `Basic ${basic}`,
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
        },
        body,
        mayCommit: false,
        parse: (text) => this.accept(text),
        answered: (status) => `POST ${path} -> ${status}`,
        lost: (lost) =>
          `Could not get a token from ${this.settings.apiHost}: ${lost.code ?? "connection failed"}`,
      });
      if (outcome.ok) return outcome.value;
      const status = outcome.answer?.status;
      // At the token endpoint a 400 or 401 is about the credentials: say which ones. Like a token
      // body without a token, it is an `auth` failure, which the policy never retries.
      const failure = status === 400 || status === 401 ? this.rejected(path, status) : outcome.error;
      // Asking for a token again is always safe.
      const verdict = run.next(failure, { idempotent: true, retryAfter: outcome.answer?.retryAfter });
      if (!verdict.retry) throw verdict.error;
      this.deps.log.write(`POST ${path} failed (${failure.kind}); retrying in ${verdict.waitMs} ms`);
      await sleep(verdict.waitMs);
    }
  }

  private rejected(path: string, status: number): DomoError {
    return new DomoError({
      kind: "auth",
      status,
      method: "POST",
      path,
      message:
        `Domo rejected the API client credentials (client id "${this.settings.clientId}", scope "${this.settings.scope}"). ` +
        "Check domo:clientId and domo:clientSecret (or DOMO_CLIENT_ID / DOMO_CLIENT_SECRET) and that the client has the 'user' scope",
    });
  }

  private accept(text: string): CachedToken {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new DomoError({
        kind: "auth",
        message: "Domo's token endpoint answered without an access_token",
      });
    }
    const token = parsed.data;
    this.deps.redactor.add(token.access_token);
    const lifetimeMs = (token.expires_in ?? 3599) * 1000;
    return {
      value: token.access_token,
      expiresAt: this.clock.now() + lifetimeMs,
      userId: token.userId,
    };
  }
}
