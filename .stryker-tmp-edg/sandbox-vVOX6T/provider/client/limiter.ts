/**
 * One limiter per process, shared by every call: a concurrency cap (a semaphore) and a
 * request-rate cap that spaces request starts at least 1/rate seconds apart. Spacing rather
 * than a bursty token bucket means no window of one second ever sees more than `rate`
 * starts, which is what a server-side limiter counts.
 *
 * Timers come from the global `setTimeout` at call time so sinon fake timers drive them.
 */
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
export interface LimiterOptions {
  requestsPerSecond: number;
  maxConcurrency: number;
  now?: () => number;
}
export type Release = () => void;
export class RequestLimiter {
  private readonly intervalMs: number;
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private active = 0;
  private readonly waiting: Array<() => void> = stryMutAct_9fa48("221") ? ["Stryker was here"] : (stryCov_9fa48("221"), []);
  /** When the last request actually started; the next may start `intervalMs` after it. */
  private lastStartAt = Number.NEGATIVE_INFINITY;
  /** Callers take their turn one after another, so each is spaced from the one before it. */
  private turns: Promise<void> = Promise.resolve();
  constructor(options: LimiterOptions) {
    if (stryMutAct_9fa48("222")) {
      {}
    } else {
      stryCov_9fa48("222");
      this.intervalMs = stryMutAct_9fa48("223") ? 1000 * options.requestsPerSecond : (stryCov_9fa48("223"), 1000 / options.requestsPerSecond);
      this.maxConcurrency = options.maxConcurrency;
      this.now = stryMutAct_9fa48("224") ? options.now && (() => Date.now()) : (stryCov_9fa48("224"), options.now ?? (stryMutAct_9fa48("225") ? () => undefined : (stryCov_9fa48("225"), () => Date.now())));
    }
  }

  /** Resolves when the caller may start a request; call the returned function when it ends. */
  async acquire(): Promise<Release> {
    if (stryMutAct_9fa48("226")) {
      {}
    } else {
      stryCov_9fa48("226");
      await this.takeConcurrencySlot();
      // Spacing is measured from the previous request's actual start, not from a slot reserved
      // in advance: a timer that fires late must push the later starts back with it, or two
      // requests land closer than the interval and a one-second window sees more than the rate.
      const turn = this.turns.then(stryMutAct_9fa48("227") ? () => undefined : (stryCov_9fa48("227"), () => this.waitForTurn()));
      this.turns = turn;
      await turn;
      let released = stryMutAct_9fa48("228") ? true : (stryCov_9fa48("228"), false);
      return () => {
        if (stryMutAct_9fa48("229")) {
          {}
        } else {
          stryCov_9fa48("229");
          if (stryMutAct_9fa48("231") ? false : stryMutAct_9fa48("230") ? true : (stryCov_9fa48("230", "231"), released)) return;
          released = stryMutAct_9fa48("232") ? false : (stryCov_9fa48("232"), true);
          stryMutAct_9fa48("233") ? this.active++ : (stryCov_9fa48("233"), this.active--);
          const next = this.waiting.shift();
          if (stryMutAct_9fa48("235") ? false : stryMutAct_9fa48("234") ? true : (stryCov_9fa48("234", "235"), next)) {
            if (stryMutAct_9fa48("236")) {
              {}
            } else {
              stryCov_9fa48("236");
              stryMutAct_9fa48("237") ? this.active-- : (stryCov_9fa48("237"), this.active++);
              if (stryMutAct_9fa48("238")) {
                ;
              } else {
                stryCov_9fa48("238");
                next();
              }
            }
          }
        }
      };
    }
  }
  private async waitForTurn(): Promise<void> {
    if (stryMutAct_9fa48("239")) {
      {}
    } else {
      stryCov_9fa48("239");
      if (stryMutAct_9fa48("240")) {
        for (; false;) {
          const wait = this.lastStartAt + this.intervalMs - this.now();
          if (wait <= 0) break;
          await new Promise<void>(resolve => setTimeout(resolve, wait));
        }
      } else {
        stryCov_9fa48("240");
        for (;;) {
          if (stryMutAct_9fa48("241")) {
            {}
          } else {
            stryCov_9fa48("241");
            const wait = stryMutAct_9fa48("242") ? this.lastStartAt + this.intervalMs + this.now() : (stryCov_9fa48("242"), (stryMutAct_9fa48("243") ? this.lastStartAt - this.intervalMs : (stryCov_9fa48("243"), this.lastStartAt + this.intervalMs)) - this.now());
            if (stryMutAct_9fa48("247") ? wait > 0 : stryMutAct_9fa48("246") ? wait < 0 : stryMutAct_9fa48("245") ? false : stryMutAct_9fa48("244") ? true : (stryCov_9fa48("244", "245", "246", "247"), wait <= 0)) break;
            await new Promise<void>(stryMutAct_9fa48("248") ? () => undefined : (stryCov_9fa48("248"), resolve => setTimeout(resolve, wait)));
          }
        }
      }
      this.lastStartAt = this.now();
    }
  }
  get inFlight(): number {
    if (stryMutAct_9fa48("249")) {
      {}
    } else {
      stryCov_9fa48("249");
      return this.active;
    }
  }
  private takeConcurrencySlot(): Promise<void> {
    if (stryMutAct_9fa48("250")) {
      {}
    } else {
      stryCov_9fa48("250");
      if (stryMutAct_9fa48("254") ? this.active >= this.maxConcurrency : stryMutAct_9fa48("253") ? this.active <= this.maxConcurrency : stryMutAct_9fa48("252") ? false : stryMutAct_9fa48("251") ? true : (stryCov_9fa48("251", "252", "253", "254"), this.active < this.maxConcurrency)) {
        if (stryMutAct_9fa48("255")) {
          {}
        } else {
          stryCov_9fa48("255");
          stryMutAct_9fa48("256") ? this.active-- : (stryCov_9fa48("256"), this.active++);
          return Promise.resolve();
        }
      }
      return new Promise<void>(stryMutAct_9fa48("257") ? () => undefined : (stryCov_9fa48("257"), resolve => this.waiting.push(resolve)));
    }
  }
}