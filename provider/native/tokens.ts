// The native provider's names: its package, and the type token of every resource kind and
// function it serves. Written into users' state files and programs: never change one. The
// resource kinds' tokens come from resources/type-tokens.ts (the one place tokens are made).
import { type DynamicKind, dynamicKinds, nativePackage, nativeType } from "../resources/type-tokens";

/** The Pulumi package name: the plugin is `pulumi-resource-domo`, its config `domo:<key>`. */
export const packageName = nativePackage;

/**
 * Every native resource kind, by the name its SDKs give it: User, Group, GroupMembers,
 * GroupMembership, and the two a UserDirectory makes, UserBatch (bulk mode: a batch of
 * accounts in one resource) and DirectoryDeletionGuard (its deletion guard and identity record).
 */
export const nativeResourceTypes = Object.fromEntries(
  (Object.keys(dynamicKinds) as DynamicKind[]).map((kind) => [kind, nativeType(kind)]),
) as Record<DynamicKind, string>;
export type NativeResourceKind = DynamicKind;

/** The component (served by Construct). */
export const nativeComponentTypes = {
  UserDirectory: "domo:index:UserDirectory",
} as const;

/** The functions (served by Invoke): look a user or a group up. */
export const nativeFunctionTokens = {
  getUser: "domo:index:getUser",
  getGroup: "domo:index:getGroup",
} as const;
export type NativeFunction = keyof typeof nativeFunctionTokens;

/** The provider's own resource type in state. */
export const providerType = `pulumi:providers:${packageName}`;
