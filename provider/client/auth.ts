import nodeFetch from "node-fetch";
import { backoffDelay, defaultBackoff, parseRetryAfter, sleep } from "./backoff";
import type { ClientSettings } from "./config";
import { DomoError } from "./errors";
import type { RequestLimiter } from "./limiter";
import type { DebugLog, Redactor } from "./log";
import { tokenResponseSchema } from "./schemas";
import { errorFromResponse, type FetchLike } from "./transport";

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
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly settings: ClientSettings,
    private readonly deps: {
      limiter: RequestLimiter;
      log: DebugLog;
      redactor: Redactor;
      fetch?: FetchLike;
      now?: () => number;
      random?: () => number;
    },
  ) {
    this.fetchImpl = deps.fetch ?? (nodeFetch as unknown as FetchLike);
    this.now = deps.now ?? (() => Date.now());
    this.random = deps.random ?? Math.random;
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
    if (this.cached && this.now() < this.cached.expiresAt - refreshMarginMs) return this.cached;
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
    for (let retries = 0; ; retries++) {
      const release = await this.deps.limiter.acquire();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.settings.timeoutMs);
      let failure: DomoError;
      let retryAfterMs: number | undefined;
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
            message:
              `Domo rejected the API client credentials (client id "${this.settings.clientId}", scope "${this.settings.scope}"). ` +
              "Check domo:clientId and domo:clientSecret (or DOMO_CLIENT_ID / DOMO_CLIENT_SECRET) and that the client has the 'user' scope",
          });
        }
        failure = errorFromResponse("POST", path, response.status, text, (t) => this.deps.redactor.redact(t));
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.now());
      } catch (cause) {
        if (cause instanceof DomoError) throw cause;
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
      if (!failure.transient || retries >= this.settings.maxRetries) throw failure;
      await sleep(retryAfterMs ?? backoffDelay(retries, defaultBackoff, this.random));
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
      expiresAt: this.now() + lifetimeMs,
      userId: token.userId,
    };
  }
}
