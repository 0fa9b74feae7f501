import { DomoClient } from "../../client";
import { type ClientSettings, settingsFromSources } from "../../client/config";
import { GroupClaims } from "../../runtime/group-claims";
import { resetSharedRun, sharedRun } from "../../runtime/run";
import type { RuntimeOptions } from "../user/runtime";
import type { GroupContext } from "./context";
import { GroupHandler } from "./group-handler";
import { GroupMembersHandler } from "./members-handler";
import { GroupMembershipHandler } from "./membership-handler";

export { PartialGroupError } from "./state";
export type { RuntimeOptions };

export interface GroupRuntimeOptions extends RuntimeOptions {
  /** The run's claims; default a record of this runtime's own (tests). */
  claims?: GroupClaims;
}

/**
 * The behaviour of DomoGroup, DomoGroupMembers and DomoGroupMembership in one provider
 * process (one `pulumi` run): one client (token, limiter, the shared user, group and member
 * listings) and one record of claims, shared by the three resource kinds. The three
 * serialized providers are distinct objects (one per type token), so they meet here, through
 * `sharedGroupRuntime`, rather than on `this`.
 */
export class GroupProviderRuntime implements GroupContext {
  private clientInstance: DomoClient | undefined;
  readonly claims: GroupClaims;
  readonly group: GroupHandler;
  readonly members: GroupMembersHandler;
  readonly membership: GroupMembershipHandler;
  private readonly noticeSink: (line: string) => void;

  constructor(
    private readonly settings: () => ClientSettings,
    private readonly options: GroupRuntimeOptions = {},
  ) {
    this.claims = options.claims ?? new GroupClaims();
    this.noticeSink = options.notice ?? ((line) => process.stderr.write(`${line}\n`));
    this.group = new GroupHandler(this);
    this.members = new GroupMembersHandler(this);
    this.membership = new GroupMembershipHandler(this);
  }

  /** Built on first use, so preview (check and diff only) never needs credentials. */
  get client(): DomoClient {
    if (this.options.client) return this.options.client();
    if (!this.clientInstance) this.clientInstance = new DomoClient(this.settings(), this.options);
    return this.clientInstance;
  }

  notice(line: string): void {
    this.noticeSink(line);
  }
}

/** A runtime reading credentials lazily from stack config, then the environment; never capturing them. */
export function createGroupProviderRuntime(
  configGet: (key: string) => string | undefined = () => undefined,
  options: RuntimeOptions = {},
): GroupProviderRuntime {
  let settings: ClientSettings | undefined;
  return new GroupProviderRuntime(() => {
    settings ??= settingsFromSources(configGet);
    return settings;
  }, options);
}

/** The run's runtime, one per ProviderRun: a reset run (tests) gets a new one. */
const runtimes = new WeakMap<object, GroupProviderRuntime>();

/**
 * The process's runtime for the three group kinds: a view over the run (runtime/run.ts), so
 * it uses the run's one client, shared with the user resources, and the run's group claims.
 * The engine configures each provider once per process, so a new `pulumi` run, a new
 * process, starts with no claims.
 */
export function sharedGroupRuntime(configGet?: (key: string) => string | undefined): GroupProviderRuntime {
  const run = sharedRun(configGet);
  let runtime = runtimes.get(run);
  if (!runtime) {
    runtime = new GroupProviderRuntime(() => run.settings(), {
      claims: run.groups,
      client: () => run.client,
    });
    runtimes.set(run, runtime);
  }
  return runtime;
}

/** Starts a new run in this process (tests that play several runs in one process). */
export function resetSharedGroupRuntime(): void {
  resetSharedRun();
}
