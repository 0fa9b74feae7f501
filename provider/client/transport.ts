import type { z } from "zod";
import {
  type AttemptDeps,
  type AttemptOutcome,
  attemptDeps,
  attemptRequest,
  type HttpDeps,
  type LostAnswer,
} from "./attempt";
import type { ClientSettings } from "./config";
import { adviceFor, DomoError } from "./errors";
import { type RetryPolicy, RetryRun, retryPolicy, sleep } from "./retry";

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

export interface TransportDeps extends HttpDeps {
  /** Supplies a bearer token; `invalidate` drops a token the server rejected. */
  tokens: { token(): Promise<string>; invalidate(token: string): void };
}

/**
 * The one HTTP layer under every Domo call: shared limiter, per-request timeout, bounded
 * retries with polite backoff, one token refresh on 401, and errors as DomoError values.
 */
export class Transport {
  private readonly http: AttemptDeps;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly settings: ClientSettings,
    private readonly deps: TransportDeps,
  ) {
    this.http = attemptDeps(settings, deps);
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
    const run = new RetryRun(this.policy, this.http.clock);
    const url = this.url(path, options.query);
    let refreshedAuth = false;
    for (;;) {
      const attempt = run.attempted();
      const token = await this.deps.tokens.token();
      const outcome = await this.attempt(method, path, url, token, options, attempt);
      if (outcome.ok) return outcome.value as T;
      const { error, answer } = outcome;
      if (error.kind === "auth" && answer !== undefined && !refreshedAuth) {
        // A token can expire or be revoked early: refresh once, then give up.
        refreshedAuth = true;
        this.deps.tokens.invalidate(token);
        continue;
      }
      const verdict = run.next(error, { idempotent, retryAfter: answer?.retryAfter });
      if (!verdict.retry) throw verdict.error;
      this.deps.log.write(
        `${method} ${path} attempt ${attempt} failed (${error.kind}); retrying in ${verdict.waitMs} ms`,
      );
      await sleep(verdict.waitMs);
    }
  }

  private attempt<T>(
    method: HttpMethod,
    path: string,
    url: string,
    token: string,
    options: RequestOptions<T>,
    attempt: number,
  ): Promise<AttemptOutcome<T | undefined>> {
    const headers: Record<string, string> = { Authorization: `bearer ${token}`, Accept: "application/json" };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const { schema } = options;
    return attemptRequest(this.http, {
      method,
      path,
      url,
      headers,
      body,
      mayCommit: method !== "GET",
      parse: (text, status) => (schema ? this.parseBody(method, path, status, text, schema) : undefined),
      answered: (status, ms) => `${method} ${path} -> ${status} in ${ms} ms (attempt ${attempt})`,
      unanswered: (kind) =>
        `${method} ${path} attempt ${attempt}: ${kind === "timeout" ? "timeout" : "network error"}`,
      lost: (lost) => this.lostMessage(lost),
    });
  }

  private lostMessage(lost: LostAnswer): string {
    if (lost.stage === "response") {
      return `The connection to Domo broke while reading the response: ${lost.detail}.`;
    }
    return lost.kind === "timeout"
      ? `Domo did not answer within ${this.settings.timeoutMs} ms. ${adviceFor("timeout")}`
      : `Could not reach Domo at ${this.settings.apiHost}: ${lost.detail}. ${adviceFor("network")}`;
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
