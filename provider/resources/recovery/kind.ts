import type { PendingOperation, ResourceState } from "./deployment";
import type { LiveIndex, LiveReads } from "./live";

/**
 * What each resource kind of this package tells recovery: the contract between the planner
 * (plan.ts, kind-agnostic) and the kinds' own modules (user/, group/, directory/ recovery.ts),
 * which know how their create builds its state.
 */

/** Something in Domo a resource holds: one resource per user account, group, member list or membership. */
export interface Holding {
  kind: "user" | "group" | "memberList" | "membership";
  key: string;
}

export interface RecoveryContext {
  readonly live: LiveIndex;
  readonly now: Date;
  /** The resource the state records under this URN (as exported, or as this recovery recorded it). */
  recorded(urn: string): ResourceState | undefined;
  /**
   * The URN of another resource in the state that holds `what`, or undefined. A resource of
   * the same DomoUserDirectory does not count for a user account: the directory moves accounts
   * between its resources when its layout changes (perUser <-> bulk, the batch count), and the
   * next `pulumi up` skips the old resource's delete because the directory still declares them.
   */
  holder(what: Holding, self: ResourceState): string | undefined;
}

/** How one pending operation is settled. */
export type Settlement =
  | {
      kind: "record";
      /** The resource as a finished operation would have left it in the state. */
      resource: ResourceState;
      /** For a person: what Domo holds and what the next `pulumi up` still does. */
      detail: string;
      /** How many of the kind's `unit` (accounts, groups…) the interrupted run made that are now recorded. */
      recorded: number;
    }
  | { kind: "drop"; subject?: string | undefined; reason: string }
  | { kind: "leave"; reason: string };

export interface KindRecovery {
  /** The resource type token. */
  readonly type: string;
  /** The name a person knows the kind by. */
  readonly noun: string;
  /** What `Settlement.recorded` counts, for the summary ("user account", "group"…). */
  readonly unit: string;
  /** What a resource of this kind holds in Domo, from its recorded id and outputs. */
  holdings(resource: ResourceState): Holding[];
  /** The listings settling this pending operation reads. */
  reads(op: PendingOperation): LiveReads;
  /**
   * Settles a pending create (with the resource not in the state yet) and, for a kind that sets
   * `settlesRecorded`, a pending create or update of a resource the state records.
   */
  settle(op: PendingOperation, ctx: RecoveryContext): Settlement;
  /**
   * Whether `settle` also takes operations on a resource the state records: a batch's pending
   * update (or a create that a later failed run recorded in part) may have created accounts
   * the recorded state lacks. Other kinds' writes are repeatable from the recorded state.
   */
  readonly settlesRecorded?: boolean;
  /** What the next `pulumi up` does once a pending update or delete is dropped, for a person. */
  readonly afterDropped: { updating: string; deleting: string };
}
