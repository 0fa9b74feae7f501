// @ts-nocheck
import { TokenManager } from "./auth";
import { type ClientSettings, type ClientSettingsInput, parseClientSettings } from "./config";
import { GroupsApi } from "./groups";
import { RequestLimiter } from "./limiter";
import { DebugLog, type LogSink, Redactor } from "./log";
import { retryPolicy } from "./retry";
import { type FetchLike, Transport } from "./transport";
import { UsersApi } from "./users";

export * from "./config";
export * from "./errors";
export { GroupsApi, maxGroupPageSize } from "./groups";
export type { LogSink } from "./log";
export { type RetryPolicy, retryDelay, retryPolicy } from "./retry";
export * from "./schemas";
export type { FetchLike, HttpMethod } from "./transport";
export { maxPageSize, UsersApi } from "./users";

export interface DomoClientOptions {
  /** Where debug lines go (when settings.debug is on); defaults to stderr. */
  logSink?: LogSink;
  fetch?: FetchLike;
  random?: () => number;
  now?: () => number;
}

/**
 * The one Domo client of a process: every call, whatever resource makes it, shares its
 * token, limiter, user listing and group listings.
 */
export class DomoClient {
  readonly settings: ClientSettings;
  readonly users: UsersApi;
  readonly groups: GroupsApi;
  readonly tokens: TokenManager;
  readonly limiter: RequestLimiter;
  readonly redactor: Redactor;
  private readonly transport: Transport;

  constructor(settings: ClientSettingsInput | ClientSettings, options: DomoClientOptions = {}) {
    this.settings = parseClientSettings(settings);
    this.redactor = new Redactor();
    this.redactor.add(this.settings.clientSecret);
    const log = new DebugLog(this.settings.debug, this.redactor, options.logSink);
    this.limiter = new RequestLimiter({
      requestsPerSecond: this.settings.requestsPerSecond,
      maxConcurrency: this.settings.maxConcurrency,
      ...(options.now ? { now: options.now } : {}),
    });
    const common = {
      limiter: this.limiter,
      log,
      retry: retryPolicy(this.settings),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    };
    this.tokens = new TokenManager(this.settings, { ...common, redactor: this.redactor });
    this.transport = new Transport(this.settings, {
      ...common,
      redactor: this.redactor,
      tokens: this.tokens,
    });
    this.users = new UsersApi(this.transport, this.settings, log, common);
    this.groups = new GroupsApi(this.transport, this.settings, log, common);
  }

  /** The settings as they may be shown to a person: the secret masked. */
  describe(): string {
    return `DomoClient(${this.settings.apiHost}, client ${this.settings.clientId}, secret [REDACTED])`;
  }

  toString(): string {
    return this.describe();
  }

  toJSON(): Record<string, unknown> {
    return { ...this.settings, clientSecret: "[REDACTED]" };
  }

  /** What console.log and util.inspect show: without it they print the secret and the live token. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.describe();
  }
}
