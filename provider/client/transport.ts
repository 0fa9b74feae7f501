import type { z } from "zod";
import type { ClientSettings } from "./config";
import { adviceFor, DomoError, kindForResponse } from "./errors";
import { defaultFetch, type FetchLike, type FetchResponse } from "./fetch";
import type { RequestLimiter } from "./limiter";
import type { DebugLog, Redactor } from "./log";
import { clockFrom, type RetryClock, type RetryPolicy, RetryRun, retryPolicy, sleep } from "./retry";
import { gatewayErrorSchema } from "./schemas";

export type { FetchInit, FetchLike, FetchResponse } from "./fetch";
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RequestOptions<T> {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Validates the JSON body of a 2xx response; absent = no body expected. */
  schema?: z.ZodType<T>;
  /**
   * Whether repeating the request is safe after a 5xx or a network failure. Defaults to true
   * for GET/PUT/DELETE and false for POST, whose lost response may hide a committed create.
   * A rate limit (429, or a 403 that says so) is always retried: Domo refused it before doing anything.
   */
  idempotent?: boolean;
}

export interface TransportDeps {
  limiter: RequestLimiter;
  log: DebugLog;
  /** Scrubs the secret and issued tokens from error messages (Domo may echo what it got). */
  redactor: Redactor;
  /** Supplies a bearer token; `invalidate` drops a token the server rejected. */
  tokens: { token(): Promise<string>; invalidate(token: string): void };
  fetch?: FetchLike;
  random?: () => number;
  now?: () => number;
  /** Defaults to the policy built from the settings. */
  retry?: RetryPolicy;
}

/**
 * The one HTTP layer under every Domo call: shared limiter, per-request timeout, bounded
 * retries with polite backoff, one token refresh on 401, and errors as DomoError values.
 */
export class Transport {
  private readonly fetchImpl: FetchLike;
  private readonly clock: RetryClock;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly settings: ClientSettings,
    private readonly deps: TransportDeps,
  ) {
    this.fetchImpl = deps.fetch ?? defaultFetch;
    this.clock = clockFrom(deps);
    this.policy = deps.retry ?? retryPolicy(settings);
  }

  async request<T = undefined>(
    method: HttpMethod,
    path: string,
    options: RequestOptions<T> = {},
  ): Promise<T> {
    try {
      return await this.requestWithRetries(method, path, options);
    } catch (e) {
      if (e instanceof Error) e.message = this.deps.redactor.redact(e.message);
      throw e;
    }
  }

  private async requestWithRetries<T>(
    method: HttpMethod,
    path: string,
    options: RequestOptions<T>,
  ): Promise<T> {
    const idempotent = options.idempotent ?? method !== "POST";
    const run = new RetryRun(this.policy, this.clock);
    const url = this.url(path, options.query);
    let refreshedAuth = false;
    for (;;) {
      const attempt = run.attempted();
      const outcome = await this.attempt(method, path, url, options, attempt);
      if (outcome.ok) return outcome.value as T;
      const error = outcome.error;
      if (error.kind === "auth" && outcome.token && !refreshedAuth) {
        // A token can expire or be revoked early: refresh once, then give up.
        refreshedAuth = true;
        this.deps.tokens.invalidate(outcome.token);
        continue;
      }
      const verdict = run.next(error, { idempotent, retryAfter: outcome.retryAfter });
      if (!verdict.retry) throw verdict.error;
      this.deps.log.write(
        `${method} ${path} attempt ${attempt} failed (${error.kind}); retrying in ${verdict.waitMs} ms`,
      );
      await sleep(verdict.waitMs);
    }
  }

  private async attempt<T>(
    method: HttpMethod,
    path: string,
    url: string,
    options: RequestOptions<T>,
    attempt: number,
  ): Promise<
    | { ok: true; value: T | undefined }
    | { ok: false; error: DomoError; retryAfter?: string | null; token?: string }
  > {
    const token = await this.deps.tokens.token();
    const release = await this.deps.limiter.acquire();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.settings.timeoutMs);
    const started = this.clock.now();
    try {
      const headers: Record<string, string> = {
        Authorization: `bearer ${token}`,
        Accept: "application/json",
      };
      let body: string | undefined;
      if (options.body !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(options.body);
      }
      let response: FetchResponse;
      try {
        response = await this.fetchImpl(url, { method, headers, body, signal: controller.signal });
      } catch (cause) {
        const timedOut = controller.signal.aborted;
        const refused = (cause as { code?: string }).code === "ECONNREFUSED";
        this.deps.log.write(
          `${method} ${path} attempt ${attempt}: ${timedOut ? "timeout" : "network error"}`,
        );
        return {
          ok: false,
          error: new DomoError({
            kind: timedOut ? "timeout" : "network",
            method,
            path,
            maybeCommitted: !refused && method !== "GET",
            message: timedOut
              ? `Domo did not answer within ${this.settings.timeoutMs} ms. ${adviceFor("timeout")}`
              : `Could not reach Domo at ${this.settings.apiHost}: ${describeNetworkError(cause)}. ${adviceFor("network")}`,
          }),
        };
      }
      const text = await response.text();
      this.deps.log.write(
        `${method} ${path} -> ${response.status} in ${this.clock.now() - started} ms (attempt ${attempt})`,
      );
      if (response.ok) {
        if (!options.schema) return { ok: true, value: undefined };
        return { ok: true, value: this.parseBody(method, path, response.status, text, options.schema) };
      }
      const error = errorFromResponse(method, path, response.status, text, (t) =>
        this.deps.redactor.redact(t),
      );
      return { ok: false, error, token, retryAfter: response.headers.get("retry-after") };
    } catch (cause) {
      // Reading the body can fail when the connection drops mid-response.
      if (cause instanceof DomoError) return { ok: false, error: cause };
      return {
        ok: false,
        error: new DomoError({
          kind: controller.signal.aborted ? "timeout" : "network",
          method,
          path,
          maybeCommitted: method !== "GET",
          message: `The connection to Domo broke while reading the response: ${describeNetworkError(cause)}.`,
        }),
      };
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  private parseBody<T>(method: string, path: string, status: number, text: string, schema: z.ZodType<T>): T {
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      throw new DomoError({
        kind: "server",
        method,
        path,
        status,
        message: "Domo answered with a body that is not JSON",
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomoError({
        kind: "server",
        method,
        path,
        status,
        message: `Domo's response did not have the expected shape (${issue?.path.join(".") || "body"}: ${issue?.message})`,
      });
    }
    return parsed.data;
  }

  private url(path: string, query: RequestOptions<unknown>["query"]): string {
    const url = new URL(this.settings.apiHost + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/**
 * `redact` runs before Domo's message is shortened: shortening first could cut an echoed secret
 * or token into a prefix the redactor no longer recognises.
 */
export function errorFromResponse(
  method: string,
  path: string,
  status: number,
  text: string,
  redact: (s: string) => string = (s) => s,
): DomoError {
  let detail: string | undefined;
  let toe: string | undefined;
  // What the body says, to tell a rate limit answered as 403 from a permission error: the
  // message and error fields of Domo's JSON, or else the raw text (a proxy's page, say).
  let says = text.slice(0, 1000);
  try {
    const parsed = gatewayErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { message, error_description, statusReason, error } = parsed.data;
      detail = message ?? error_description ?? statusReason ?? error;
      toe = parsed.data.toe;
      says = [message, error, error_description].filter((s) => s !== undefined).join(" ");
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the status and the raw text must do.
  }
  const kind = kindForResponse(status, says);
  const shown = detail === undefined ? "" : redact(detail).slice(0, 300);
  const said = shown ? `Domo said: ${shown}${/[.!?]$/.test(shown) ? "" : "."} ` : "";
  return new DomoError({ kind, status, method, path, toe, message: `${said}${adviceFor(kind)}` });
}

function describeNetworkError(cause: unknown): string {
  const code = (cause as { code?: string }).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code ? `${code}` : message.slice(0, 200);
}
