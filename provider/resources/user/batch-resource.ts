import type * as pulumi from "@pulumi/pulumi";
import { DomoDynamicResource } from "../dynamic-resource";
import type { DomoUserArgs } from "./resource";

// The type token lives apart (resource-type.ts), so tools that read state need not load @pulumi/pulumi.
export { domoUserBatchType } from "./resource-type";

/** One user's state as a batch keeps it (slim: what per-user convergence needs). */
export interface BatchUserState {
  userId: number;
  email: string;
  name?: string;
  managedFields: string[];
  [field: string]: unknown;
}

export interface DomoUserBatchArgs {
  /** The users, keyed by normalised email; each value is a DomoUser declaration (plain values). */
  users: Record<string, Omit<DomoUserArgs, never>>;
}

/**
 * Many Domo users in one Pulumi resource: the engine takes one step for all of them, while each
 * user is converged by DomoUser's own per-user logic (adoption, deletion policy, admin guards,
 * identity checks, claims). Usually made by DomoUserDirectory in `mode: "bulk"`.
 */
export class DomoUserBatch extends DomoDynamicResource {
  /** Each user's state, keyed by normalised email. */
  declare readonly users: pulumi.Output<Record<string, BatchUserState>>;
  /**
   * Domo user id per normalised email. An output only: unknown in a preview of the batch's
   * update, never a stale or made-up value.
   */
  declare readonly userIds: pulumi.Output<Record<string, number>>;
  declare readonly batch: pulumi.Output<string>;

  constructor(name: string, args: DomoUserBatchArgs, opts?: pulumi.CustomResourceOptions) {
    super("UserBatch", name, { users: args.users, batch: name, userIds: undefined }, opts);
  }
}
