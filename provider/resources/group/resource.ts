import * as pulumi from "@pulumi/pulumi";
import {
  type GroupDeclarationInput,
  type GroupMembershipState,
  type GroupMembersState,
  type GroupState,
  groupMembershipOutputKeys,
  groupMembersOutputKeys,
  groupOutputKeys,
} from "../../model";
import { DeclaredOnce } from "../../model/declared-once";

import { DomoDynamicResource, type OutputsOf } from "../dynamic-resource";

export { domoGroupMembershipType, domoGroupMembersType, domoGroupType } from "./resource-type";

type Inputs<T> = { [K in keyof T]?: pulumi.Input<NonNullable<T[K]>> };

/** A Domo id as a resource passes it: a DomoGroup's or DomoUser's `id` (string) or numeric output. */
export type DomoIdInput = pulumi.Input<number | string>;

export type DomoGroupArgs = { name: pulumi.Input<string> } & Inputs<Omit<GroupDeclarationInput, "name">>;

export interface DomoGroupMembersArgs {
  /** The group: pass a DomoGroup's `id` (known at preview even while the group changes). */
  groupId: DomoIdInput;
  /** Members by Domo user id: pass DomoUsers' `id`s. */
  userIds?: pulumi.Input<DomoIdInput[]>;
  /** Members by email, resolved to accounts at apply. */
  emails?: pulumi.Input<pulumi.Input<string>[]>;
  /** "delete" (default): removing the resource removes the members it declares; "retain" leaves them. */
  deletionPolicy?: pulumi.Input<"delete" | "retain">;
  /** Create only: remove members the group already has that the declaration does not list. */
  allowRemoveExisting?: pulumi.Input<boolean>;
}

export interface DomoGroupMembershipArgs {
  groupId: DomoIdInput;
  /** The user: a DomoUser's `id`. Set this or email. */
  userId?: DomoIdInput;
  /** The user by email, resolved at apply. Set this or userId. */
  email?: pulumi.Input<string>;
  deletionPolicy?: pulumi.Input<"delete" | "retain">;
}

/**
 * What this program declared so far, per stack resource (programs run one after another in
 * one process, as in tests, do not see each other's): group names, and for each group id the
 * membership resource(s) managing it. Values known only at apply are checked when they resolve.
 */
interface Declared {
  names: DeclaredOnce;
  /** group id -> [kind, resource name] of the first membership resource on it. */
  modes: Map<number, [string, string]>;
}
const declaredByStack = new WeakMap<object, Declared>();
const outsideAnyStack = {};

function declaredHere(): Declared {
  const scope = pulumi.runtime.getStackResource() ?? outsideAnyStack;
  let d = declaredByStack.get(scope);
  if (!d) {
    d = { names: new DeclaredOnce({ user: "DomoUser", group: "DomoGroup" }), modes: new Map() };
    declaredByStack.set(scope, d);
  }
  return d;
}

/** Runs `check` on the value now when it is plain, or when it resolves. */
function whenKnown<T>(value: pulumi.Input<T> | undefined, check: (v: T) => void): void {
  if (value === undefined) return;
  if (!pulumi.Output.isInstance(value) && !(value instanceof Promise)) check(value as T);
  else
    pulumi.output(value).apply((v) => {
      if (v !== undefined && v !== null) check(v as T);
    });
}

/**
 * The input passed through `check` once it is known: a plain value now, an output when it
 * resolves. A failed check fails the input, so the resource is never registered and its
 * provider never writes (a check beside the input would let a resource in flight proceed).
 */
function gated<T>(value: pulumi.Input<T>, check: (v: T) => void): pulumi.Input<T> {
  if (!pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
    check(value as T);
    return value;
  }
  return pulumi.output(value).apply((v) => {
    if (v !== undefined && v !== null) check(v as T);
    return v;
  }) as pulumi.Input<T>;
}

/** One group, one resource (model/declared-once.ts). */
function claimName(resourceName: string, name: string): void {
  const refused = declaredHere().names.groupName(resourceName, name);
  if (refused !== undefined) throw new pulumi.RunError(refused);
}

const kinds = {
  members: "DomoGroupMembers (authoritative)",
  membership: "DomoGroupMembership (additive)",
} as const;

function claimGroup(kind: keyof typeof kinds, resourceName: string, groupId: number | string): void {
  const modes = declaredHere().modes;
  const id = Number(groupId);
  const first = modes.get(id);
  if (first === undefined) {
    modes.set(id, [kind, resourceName]);
    return;
  }
  const [firstKind, firstName] = first;
  if (firstName === resourceName) return;
  if (firstKind !== kind) {
    throw new pulumi.RunError(
      `${kinds[kind]} "${resourceName}" and ${kinds[firstKind as keyof typeof kinds]} "${firstName}" both manage Domo group ${id}: the authoritative list would remove what the additive membership adds, on every run. ` +
        "Use one kind per group: list every member in the DomoGroupMembers, or use one DomoGroupMembership per user",
    );
  }
  if (kind === "members") {
    throw new pulumi.RunError(
      `DomoGroupMembers "${resourceName}" and DomoGroupMembers "${firstName}" both set the members of Domo group ${id}: one authoritative list per group. Merge them into one`,
    );
  }
}

/** A resource's properties: its args, and every output key (undefined until the provider sets it). */
function propsFor(args: object, outputKeys: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = { ...args };
  for (const key of outputKeys) if (!(key in props)) props[key] = undefined;
  return props;
}

/** A member resource's properties, its group claimed for `kind` once the group id is known. */
function memberProps(
  kind: keyof typeof kinds,
  name: string,
  args: { groupId: DomoIdInput },
  outputKeys: readonly string[],
): Record<string, unknown> {
  const props = propsFor(args, outputKeys);
  props.groupId = gated(args.groupId, (g) => claimGroup(kind, name, g));
  return props;
}

/**
 * A Domo group, converged to its declaration by `pulumi up`: created (or adopted), renamed in
 * place (same id, never replaced), deleted or retained when removed. Deleting a group that
 * still has members, or Domo's Default group, is refused.
 */
export interface DomoGroup extends OutputsOf<GroupState> {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the outputs the engine sets on the instance
export class DomoGroup extends DomoDynamicResource {
  constructor(name: string, args: DomoGroupArgs, opts?: pulumi.CustomResourceOptions) {
    const props = propsFor(args, groupOutputKeys);
    whenKnown(args.name, (n) => {
      if (typeof n === "string") claimName(name, n);
    });
    const { import: importOption, ...rest } = opts ?? {};
    if (importOption !== undefined && props.importId === undefined) props.importId = importOption;
    super("Group", name, props, rest);
  }
}

/**
 * A group's complete member list (authoritative): `up` adds the declared members and removes
 * everyone else, and a member added or removed in Domo shows as drift after `refresh`. Never
 * combine it with DomoGroupMembership on the same group: that is refused.
 */
export interface DomoGroupMembers extends OutputsOf<GroupMembersState> {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the outputs the engine sets on the instance
export class DomoGroupMembers extends DomoDynamicResource {
  constructor(name: string, args: DomoGroupMembersArgs, opts?: pulumi.CustomResourceOptions) {
    const props = memberProps("members", name, args, groupMembersOutputKeys);
    super("GroupMembers", name, props, opts);
  }
}

/**
 * One user in one group (additive): other members are left alone. Its id is
 * `<groupId>|<userId>`. Never combine it with DomoGroupMembers on the same group: that is refused.
 */
export interface DomoGroupMembership extends OutputsOf<GroupMembershipState> {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the outputs the engine sets on the instance
export class DomoGroupMembership extends DomoDynamicResource {
  constructor(name: string, args: DomoGroupMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    const props = memberProps("membership", name, args, groupMembershipOutputKeys);
    super("GroupMembership", name, props, opts);
  }
}
