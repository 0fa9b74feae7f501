import type { ClientSettings } from "./config";
import { DomoError } from "./errors";
import { defaultFetch, type FetchLike } from "./fetch";
import type { RequestLimiter } from "./limiter";
import type { DebugLog, Redactor } from "./log";
import { clockFrom, type RetryClock, type RetryPolicy, RetryRun, retryPolicy, sleep } from "./retry";
import { tokenResponseSchema } from "./schemas";
import { errorFromResponse } from "./transport";

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
  private readonly fetchImpl: FetchLike;
  private readonly clock: RetryClock;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly settings: ClientSettings,
    private readonly deps: {
      limiter: RequestLimiter;
      log: DebugLog;
      redactor: Redactor;
      fetch?: FetchLike;
      now?: () => number;
      random?: () => number;
      /** Defaults to the policy built from the settings. */
      retry?: RetryPolicy;
    },
  ) {
    this.fetchImpl = deps.fetch ?? defaultFetch;
    this.clock = clockFrom(deps);
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
      const release = await this.deps.limiter.acquire();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.settings.timeoutMs);
      let failure: DomoError;
      let retryAfter: string | null = null;
      try {
        const response = await this.fetchImpl(`${this.settings.apiHost}${path}`, {
          method: "POST",
          headers: {
            Authorization: `Basic ${basic}`,
            "Content-Type": "application/x-www-form-urlencoded",
            Accept: "application/json",
          },
          body,
          signal: controller.signal,
        });
        const text = await response.text();
        this.deps.log.write(`POST ${path} -> ${response.status}`);
        if (response.ok) return this.accept(text);
        if (response.status === 400 || response.status === 401) {
          throw new DomoError({
            kind: "auth",
            status: response.status,
            method: "POST",
            path,
            attempts: run.attempts,
            message:
              `Domo rejected the API client credentials (client id "${this.settings.clientId}", scope "${this.settings.scope}"). ` +
              "Check domo:clientId and domo:clientSecret (or DOMO_CLIENT_ID / DOMO_CLIENT_SECRET) and that the client has the 'user' scope",
          });
        }
        failure = errorFromResponse("POST", path, response.status, text, (t) => this.deps.redactor.redact(t));
        retryAfter = response.headers.get("retry-after");
      } catch (cause) {
        if (cause instanceof DomoError) {
          cause.attempts = run.attempts;
          throw cause;
        }
        failure = new DomoError({
          kind: controller.signal.aborted ? "timeout" : "network",
          method: "POST",
          path,
          message: `Could not get a token from ${this.settings.apiHost}: ${(cause as { code?: string }).code ?? "connection failed"}`,
        });
      } finally {
        clearTimeout(timer);
        release();
      }
      // Asking for a token again is always safe.
      const verdict = run.next(failure, { idempotent: true, retryAfter });
      if (!verdict.retry) throw verdict.error;
      this.deps.log.write(`POST ${path} failed (${failure.kind}); retrying in ${verdict.waitMs} ms`);
      await sleep(verdict.waitMs);
    }
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
