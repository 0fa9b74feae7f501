import { DomoClient, type DomoClientOptions } from "../client";
import { type ClientSettings, settingsFromSources } from "../client/config";
import { GroupClaims } from "./group-claims";
import { UserLedger } from "./user-ledger";

/** Reads one stack config key (`domo:<key>`), as the engine's `configure` hands it over. */
export type ConfigGet = (key: string) => string | undefined;

/**
 * One `pulumi` run, as its provider process sees it: one set of settings, one Domo client
 * (one token, one rate limiter, one concurrency cap, the shared listings) and one ledger of
 * who manages which account (UserLedger), group and membership (GroupClaims). Every resource
 * kind of the package works through the run, so a run that manages users and groups stays
 * within `domo:requestsPerSecond` against one Domo instance.
 *
 * The contract:
 * - One per process, through `sharedRun`. The engine starts one provider process per run and
 *   per provider, and every resource kind of this package shares the one dynamic provider, so
 *   "per process" is "per run". Every entry point (the package's `pulumi-domo/provider/<kind>`
 *   exports, and the older `__provider` texts kept in state, which require
 *   `pulumi-domo/dist/...`) resolves into the one installed package, and Node caches modules
 *   by resolved path: every kind reaches this module by a relative import, one instance.
 * - The first `configure` (stack config, decrypted by the engine) gives the run its config;
 *   a later one (another kind's provider object) reuses it. A call before any configure (the
 *   directory's deletion guard reports to the ledger at check) does not fix the config.
 * - Settings and the client are made on first use, so preview (check and diff) never needs
 *   credentials and never calls Domo.
 */
export class ProviderRun {
  readonly users = new UserLedger();
  readonly groups = new GroupClaims();
  private configGet: ConfigGet | undefined;
  private settingsValue: ClientSettings | undefined;
  private clientInstance: DomoClient | undefined;

  constructor(private readonly options: DomoClientOptions = {}) {}

  /** Gives the run its stack config, unless it already has one (the first configure wins). */
  configure(configGet: ConfigGet | undefined): void {
    if (configGet !== undefined && this.configGet === undefined) this.configGet = configGet;
  }

  /** The run's client settings: stack config, then the environment (read once). */
  settings(): ClientSettings {
    this.settingsValue ??= settingsFromSources(this.configGet ?? (() => undefined));
    return this.settingsValue;
  }

  /** The run's one client, built on first use. */
  get client(): DomoClient {
    this.clientInstance ??= new DomoClient(this.settings(), this.options);
    return this.clientInstance;
  }
}

let shared: ProviderRun | undefined;

/** The process's run; `configGet` (from a provider's configure) is its config if it has none yet. */
export function sharedRun(configGet?: ConfigGet): ProviderRun {
  shared ??= new ProviderRun();
  shared.configure(configGet);
  return shared;
}

/** Starts a new run in this process (tests that play several runs in one process). */
export function resetSharedRun(): void {
  shared = undefined;
}
