// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
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
  constructor(private readonly settings: ClientSettings, private readonly deps: {
    limiter: RequestLimiter;
    log: DebugLog;
    redactor: Redactor;
    fetch?: FetchLike;
    now?: () => number;
    random?: () => number;
    /** Defaults to the policy built from the settings. */
    retry?: RetryPolicy;
  }) {
    if (stryMutAct_9fa48("0")) {
      {}
    } else {
      stryCov_9fa48("0");
      this.fetchImpl = stryMutAct_9fa48("1") ? deps.fetch && defaultFetch : (stryCov_9fa48("1"), deps.fetch ?? defaultFetch);
      this.clock = clockFrom(deps);
      this.policy = stryMutAct_9fa48("2") ? deps.retry && retryPolicy(settings) : (stryCov_9fa48("2"), deps.retry ?? retryPolicy(settings));
      if (stryMutAct_9fa48("3")) {
        ;
      } else {
        stryCov_9fa48("3");
        deps.redactor.add(settings.clientSecret);
      }
    }
  }
  async token(): Promise<string> {
    if (stryMutAct_9fa48("4")) {
      {}
    } else {
      stryCov_9fa48("4");
      return (await this.current()).value;
    }
  }
  async info(): Promise<TokenInfo> {
    if (stryMutAct_9fa48("5")) {
      {}
    } else {
      stryCov_9fa48("5");
      return stryMutAct_9fa48("6") ? {} : (stryCov_9fa48("6"), {
        userId: (await this.current()).userId
      });
    }
  }
  invalidate(token: string): void {
    if (stryMutAct_9fa48("7")) {
      {}
    } else {
      stryCov_9fa48("7");
      if (stryMutAct_9fa48("10") ? this.cached?.value !== token : stryMutAct_9fa48("9") ? false : stryMutAct_9fa48("8") ? true : (stryCov_9fa48("8", "9", "10"), (stryMutAct_9fa48("11") ? this.cached.value : (stryCov_9fa48("11"), this.cached?.value)) === token)) this.cached = undefined;
    }
  }
  private async current(): Promise<CachedToken> {
    if (stryMutAct_9fa48("12")) {
      {}
    } else {
      stryCov_9fa48("12");
      if (stryMutAct_9fa48("15") ? this.cached || this.clock.now() < this.cached.expiresAt - refreshMarginMs : stryMutAct_9fa48("14") ? false : stryMutAct_9fa48("13") ? true : (stryCov_9fa48("13", "14", "15"), this.cached && (stryMutAct_9fa48("18") ? this.clock.now() >= this.cached.expiresAt - refreshMarginMs : stryMutAct_9fa48("17") ? this.clock.now() <= this.cached.expiresAt - refreshMarginMs : stryMutAct_9fa48("16") ? true : (stryCov_9fa48("16", "17", "18"), this.clock.now() < (stryMutAct_9fa48("19") ? this.cached.expiresAt + refreshMarginMs : (stryCov_9fa48("19"), this.cached.expiresAt - refreshMarginMs)))))) return this.cached;
      if (stryMutAct_9fa48("22") ? false : stryMutAct_9fa48("21") ? true : stryMutAct_9fa48("20") ? this.inFlight : (stryCov_9fa48("20", "21", "22"), !this.inFlight)) {
        if (stryMutAct_9fa48("23")) {
          {}
        } else {
          stryCov_9fa48("23");
          this.inFlight = this.fetchToken().then(token => {
            if (stryMutAct_9fa48("24")) {
              {}
            } else {
              stryCov_9fa48("24");
              this.cached = token;
              return token;
            }
          }).finally(() => {
            if (stryMutAct_9fa48("25")) {
              {}
            } else {
              stryCov_9fa48("25");
              this.inFlight = undefined;
            }
          });
        }
      }
      return this.inFlight;
    }
  }
  private async fetchToken(): Promise<CachedToken> {
    if (stryMutAct_9fa48("26")) {
      {}
    } else {
      stryCov_9fa48("26");
      const path = stryMutAct_9fa48("27") ? "" : (stryCov_9fa48("27"), "/oauth/token");
      const basic = Buffer.from(stryMutAct_9fa48("28") ? `` : (stryCov_9fa48("28"), `${this.settings.clientId}:${this.settings.clientSecret}`)).toString(stryMutAct_9fa48("29") ? "" : (stryCov_9fa48("29"), "base64"));
      const body = new URLSearchParams(stryMutAct_9fa48("30") ? {} : (stryCov_9fa48("30"), {
        grant_type: stryMutAct_9fa48("31") ? "" : (stryCov_9fa48("31"), "client_credentials"),
        scope: this.settings.scope
      })).toString();
      const run = new RetryRun(this.policy, this.clock);
      if (stryMutAct_9fa48("32")) {
        for (; false;) {
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
                Accept: "application/json"
              },
              body,
              signal: controller.signal
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
                message: `Domo rejected the API client credentials (client id "${this.settings.clientId}", scope "${this.settings.scope}"). ` + "Check domo:clientId and domo:clientSecret (or DOMO_CLIENT_ID / DOMO_CLIENT_SECRET) and that the client has the 'user' scope"
              });
            }
            failure = errorFromResponse("POST", path, response.status, text, t => this.deps.redactor.redact(t));
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
              message: `Could not get a token from ${this.settings.apiHost}: ${(cause as {
                code?: string;
              }).code ?? "connection failed"}`
            });
          } finally {
            clearTimeout(timer);
            release();
          }
          // Asking for a token again is always safe.
          const verdict = run.next(failure, {
            idempotent: true,
            retryAfter
          });
          if (!verdict.retry) throw verdict.error;
          this.deps.log.write(`POST ${path} failed (${failure.kind}); retrying in ${verdict.waitMs} ms`);
          await sleep(verdict.waitMs);
        }
      } else {
        stryCov_9fa48("32");
        for (;;) {
          if (stryMutAct_9fa48("33")) {
            {}
          } else {
            stryCov_9fa48("33");
            if (stryMutAct_9fa48("34")) {
              ;
            } else {
              stryCov_9fa48("34");
              run.attempted();
            }
            const release = await this.deps.limiter.acquire();
            const controller = new AbortController();
            const timer = setTimeout(stryMutAct_9fa48("35") ? () => undefined : (stryCov_9fa48("35"), () => controller.abort()), this.settings.timeoutMs);
            let failure: DomoError;
            let retryAfter: string | null = null;
            try {
              if (stryMutAct_9fa48("36")) {
                {}
              } else {
                stryCov_9fa48("36");
                const response = await this.fetchImpl(stryMutAct_9fa48("37") ? `` : (stryCov_9fa48("37"), `${this.settings.apiHost}${path}`), stryMutAct_9fa48("38") ? {} : (stryCov_9fa48("38"), {
                  method: stryMutAct_9fa48("39") ? "" : (stryCov_9fa48("39"), "POST"),
                  headers: stryMutAct_9fa48("40") ? {} : (stryCov_9fa48("40"), {
                    Authorization: stryMutAct_9fa48("41") ? `` : (stryCov_9fa48("41"), `Basic ${basic}`),
                    "Content-Type": stryMutAct_9fa48("42") ? "" : (stryCov_9fa48("42"), "application/x-www-form-urlencoded"),
                    Accept: stryMutAct_9fa48("43") ? "" : (stryCov_9fa48("43"), "application/json")
                  }),
                  body,
                  signal: controller.signal
                }));
                const text = await response.text();
                this.deps.log.write(stryMutAct_9fa48("45") ? `` : (stryCov_9fa48("45"), `POST ${path} -> ${response.status}`));
                if (stryMutAct_9fa48("47") ? false : stryMutAct_9fa48("46") ? true : (stryCov_9fa48("46", "47"), response.ok)) return this.accept(text);
                if (stryMutAct_9fa48("50") ? response.status === 400 && response.status === 401 : stryMutAct_9fa48("49") ? false : stryMutAct_9fa48("48") ? true : (stryCov_9fa48("48", "49", "50"), (stryMutAct_9fa48("52") ? response.status !== 400 : stryMutAct_9fa48("51") ? false : (stryCov_9fa48("51", "52"), response.status === 400)) || (stryMutAct_9fa48("54") ? response.status !== 401 : stryMutAct_9fa48("53") ? false : (stryCov_9fa48("53", "54"), response.status === 401)))) {
                  if (stryMutAct_9fa48("55")) {
                    {}
                  } else {
                    stryCov_9fa48("55");
                    throw new DomoError(stryMutAct_9fa48("57") ? {} : (stryCov_9fa48("57"), {
                      kind: stryMutAct_9fa48("58") ? "" : (stryCov_9fa48("58"), "auth"),
                      status: response.status,
                      method: stryMutAct_9fa48("59") ? "" : (stryCov_9fa48("59"), "POST"),
                      path,
                      attempts: run.attempts,
                      message: (stryMutAct_9fa48("60") ? `` : (stryCov_9fa48("60"), `Domo rejected the API client credentials (client id "${this.settings.clientId}", scope "${this.settings.scope}"). `)) + (stryMutAct_9fa48("61") ? "" : (stryCov_9fa48("61"), "Check domo:clientId and domo:clientSecret (or DOMO_CLIENT_ID / DOMO_CLIENT_SECRET) and that the client has the 'user' scope"))
                    }));
                  }
                }
                failure = errorFromResponse(stryMutAct_9fa48("62") ? "" : (stryCov_9fa48("62"), "POST"), path, response.status, text, stryMutAct_9fa48("63") ? () => undefined : (stryCov_9fa48("63"), t => this.deps.redactor.redact(t)));
                retryAfter = response.headers.get(stryMutAct_9fa48("64") ? "" : (stryCov_9fa48("64"), "retry-after"));
              }
            } catch (cause) {
              if (stryMutAct_9fa48("65")) {
                {}
              } else {
                stryCov_9fa48("65");
                if (stryMutAct_9fa48("67") ? false : stryMutAct_9fa48("66") ? true : (stryCov_9fa48("66", "67"), cause instanceof DomoError)) {
                  if (stryMutAct_9fa48("68")) {
                    {}
                  } else {
                    stryCov_9fa48("68");
                    cause.attempts = run.attempts;
                    throw cause;
                  }
                }
                failure = new DomoError(stryMutAct_9fa48("69") ? {} : (stryCov_9fa48("69"), {
                  kind: controller.signal.aborted ? stryMutAct_9fa48("70") ? "" : (stryCov_9fa48("70"), "timeout") : stryMutAct_9fa48("71") ? "" : (stryCov_9fa48("71"), "network"),
                  method: stryMutAct_9fa48("72") ? "" : (stryCov_9fa48("72"), "POST"),
                  path,
                  message: stryMutAct_9fa48("73") ? `` : (stryCov_9fa48("73"), `Could not get a token from ${this.settings.apiHost}: ${stryMutAct_9fa48("74") ? (cause as {
                    code?: string;
                  }).code && "connection failed" : (stryCov_9fa48("74"), (cause as {
                    code?: string;
                  }).code ?? (stryMutAct_9fa48("75") ? "" : (stryCov_9fa48("75"), "connection failed")))}`)
                }));
              }
            } finally {
              if (stryMutAct_9fa48("76")) {
                {}
              } else {
                stryCov_9fa48("76");
                if (stryMutAct_9fa48("77")) {
                  ;
                } else {
                  stryCov_9fa48("77");
                  clearTimeout(timer);
                }
                if (stryMutAct_9fa48("78")) {
                  ;
                } else {
                  stryCov_9fa48("78");
                  release();
                }
              }
            }
            // Asking for a token again is always safe.
            const verdict = run.next(failure, stryMutAct_9fa48("79") ? {} : (stryCov_9fa48("79"), {
              idempotent: stryMutAct_9fa48("80") ? false : (stryCov_9fa48("80"), true),
              retryAfter
            }));
            if (stryMutAct_9fa48("83") ? false : stryMutAct_9fa48("82") ? true : stryMutAct_9fa48("81") ? verdict.retry : (stryCov_9fa48("81", "82", "83"), !verdict.retry)) throw verdict.error;
            this.deps.log.write(stryMutAct_9fa48("85") ? `` : (stryCov_9fa48("85"), `POST ${path} failed (${failure.kind}); retrying in ${verdict.waitMs} ms`));
            await sleep(verdict.waitMs);
          }
        }
      }
    }
  }
  private accept(text: string): CachedToken {
    if (stryMutAct_9fa48("86")) {
      {}
    } else {
      stryCov_9fa48("86");
      let json: unknown;
      try {
        if (stryMutAct_9fa48("87")) {
          {}
        } else {
          stryCov_9fa48("87");
          json = JSON.parse(text);
        }
      } catch {
        if (stryMutAct_9fa48("88")) {
          {}
        } else {
          stryCov_9fa48("88");
          json = undefined;
        }
      }
      const parsed = tokenResponseSchema.safeParse(json);
      if (stryMutAct_9fa48("91") ? false : stryMutAct_9fa48("90") ? true : stryMutAct_9fa48("89") ? parsed.success : (stryCov_9fa48("89", "90", "91"), !parsed.success)) {
        if (stryMutAct_9fa48("92")) {
          {}
        } else {
          stryCov_9fa48("92");
          throw new DomoError(stryMutAct_9fa48("94") ? {} : (stryCov_9fa48("94"), {
            kind: stryMutAct_9fa48("95") ? "" : (stryCov_9fa48("95"), "auth"),
            message: stryMutAct_9fa48("96") ? "" : (stryCov_9fa48("96"), "Domo's token endpoint answered without an access_token")
          }));
        }
      }
      const token = parsed.data;
      if (stryMutAct_9fa48("97")) {
        ;
      } else {
        stryCov_9fa48("97");
        this.deps.redactor.add(token.access_token);
      }
      const lifetimeMs = stryMutAct_9fa48("98") ? (token.expires_in ?? 3599) / 1000 : (stryCov_9fa48("98"), (stryMutAct_9fa48("99") ? token.expires_in && 3599 : (stryCov_9fa48("99"), token.expires_in ?? 3599)) * 1000);
      return stryMutAct_9fa48("100") ? {} : (stryCov_9fa48("100"), {
        value: token.access_token,
        expiresAt: stryMutAct_9fa48("101") ? this.clock.now() - lifetimeMs : (stryCov_9fa48("101"), this.clock.now() + lifetimeMs),
        userId: token.userId
      });
    }
  }
}