// @ts-nocheck
import { DomoClient } from "../../client";
import { type ClientSettings, settingsFromSources } from "../../client/config";
import type { RuntimeOptions } from "../user/runtime";
import { GroupClaims } from "./claims";
import type { GroupContext } from "./context";
import { GroupHandler } from "./group-handler";
import { GroupMembersHandler } from "./members-handler";
import { GroupMembershipHandler } from "./membership-handler";

export { PartialGroupError } from "./context";
export type { RuntimeOptions };

/**
 * The behaviour of DomoGroup, DomoGroupMembers and DomoGroupMembership in one provider
 * process (one `pulumi` run): one client (token, limiter, the shared user, group and member
 * listings) and one record of claims, shared by the three resource kinds. The three
 * serialized providers are distinct objects (one per type token), so they meet here, through
 * `sharedGroupRuntime`, rather than on `this`.
 */
export class GroupProviderRuntime implements GroupContext {
  private clientInstance: DomoClient | undefined;
  readonly claims = new GroupClaims();
  readonly group: GroupHandler;
  readonly members: GroupMembersHandler;
  readonly membership: GroupMembershipHandler;
  private readonly noticeSink: (line: string) => void;

  constructor(
    private readonly settings: () => ClientSettings,
    private readonly options: RuntimeOptions = {},
  ) {
    this.noticeSink = options.notice ?? ((line) => process.stderr.write(`${line}\n`));
    this.group = new GroupHandler(this);
    this.members = new GroupMembersHandler(this);
    this.membership = new GroupMembershipHandler(this);
  }

  /** Built on first use, so preview (check and diff only) never needs credentials. */
  get client(): DomoClient {
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

// One per process: this module is loaded by package path (`pulumi-domo/dist/...`), so Node's
// module cache makes it one instance for all three serialized providers of a run.
let shared: GroupProviderRuntime | undefined;

/**
 * The process's runtime: made by the first `configure` (of whichever group type the engine
 * loads first) and reused by the others. The engine configures each provider once per
 * process, so a new `pulumi` run, a new process, starts with no claims.
 */
export function sharedGroupRuntime(configGet?: (key: string) => string | undefined): GroupProviderRuntime {
  shared ??= createGroupProviderRuntime(configGet);
  return shared;
}

/** Forgets the process's runtime (tests that play several runs in one process). */
export function resetSharedGroupRuntime(): void {
  shared = undefined;
}
