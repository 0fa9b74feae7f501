import type * as pulumi from "@pulumi/pulumi";
import { DomoDynamicResource } from "../dynamic-resource";
import {
  DomoGroup,
  type DomoGroupArgs,
  DomoGroupMembers,
  type DomoGroupMembersArgs,
  DomoGroupMembership,
  type DomoGroupMembershipArgs,
} from "../group/resource";
import { DomoUserBatch, type DomoUserBatchArgs } from "../user/batch-resource";
import { DomoUser, type DomoUserArgs } from "../user/resource";

/** A batch as the directory reads it: the Domo user id per normalised email. */
export type BatchResource = pulumi.CustomResource & {
  readonly userIds: pulumi.Output<Record<string, number>>;
};

/**
 * How a directory makes its children. The directory's planning (names, aliases, inputs,
 * options, dependsOn, order) is one implementation (component.ts); the children it plans are
 * made by one of these: the dynamic resources of the TypeScript component
 * (dynamicDirectoryChildren), or the native provider's resources when the component is served
 * by Construct (native/construct.ts). Each method gets exactly what the directory decided, and
 * adds nothing to the resource's inputs but what its resource class always adds.
 */
export interface DirectoryChildren<
  U extends pulumi.CustomResource = pulumi.CustomResource,
  B extends BatchResource = BatchResource,
  G extends pulumi.CustomResource = pulumi.CustomResource,
> {
  /** The deletion guard (see deletion-guard-provider.ts): its inputs as the layout computed them. */
  guard(
    name: string,
    inputs: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.CustomResource;
  /** One user (perUser mode). `opts.import` is the declared id: the user takes it over at create. */
  user(name: string, args: DomoUserArgs, opts: pulumi.CustomResourceOptions): U;
  /** A batch of users (bulk mode). */
  userBatch(name: string, args: DomoUserBatchArgs, opts: pulumi.CustomResourceOptions): B;
  group(name: string, args: DomoGroupArgs, opts: pulumi.CustomResourceOptions): G;
  /** A group's authoritative member list. */
  groupMembers(name: string, args: DomoGroupMembersArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource;
  /** One additive membership. */
  groupMembership(
    name: string,
    args: DomoGroupMembershipArgs,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Resource;
}

/** Remembers which accounts the directory would delete; its check refuses mass deletions. */
class DeletionGuard extends DomoDynamicResource {
  constructor(name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super("DirectoryDeletionGuard", name, props, opts);
  }
}

/** The TypeScript component's children: this package's dynamic resources. */
export const dynamicDirectoryChildren: DirectoryChildren<DomoUser, DomoUserBatch, DomoGroup> = {
  guard: (name, inputs, opts) => new DeletionGuard(name, inputs, opts),
  user: (name, args, opts) => new DomoUser(name, args, opts),
  userBatch: (name, args, opts) => new DomoUserBatch(name, args, opts),
  group: (name, args, opts) => new DomoGroup(name, args, opts),
  groupMembers: (name, args, opts) => new DomoGroupMembers(name, args, opts),
  groupMembership: (name, args, opts) => new DomoGroupMembership(name, args, opts),
};
