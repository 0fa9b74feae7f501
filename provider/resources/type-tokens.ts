// The one place type tokens come from: every kind's token is derived here (no @pulumi/pulumi
// import, so tools that read state, like recover, need not load the SDK).

/**
 * Every dynamic resource of this package: the last part of its type token and the module
 * (a package `exports` entry, see package.json) whose whole `module.exports` is its provider
 * object. Both are written into users' state files for every resource: never change or
 * remove one (a changed token replaces every resource of that kind; a removed module breaks
 * every delete and refresh of stacks that recorded it).
 */
export const dynamicKinds = {
  User: "pulumi-domo/provider/user",
  UserBatch: "pulumi-domo/provider/user-batch",
  Group: "pulumi-domo/provider/group",
  GroupMembers: "pulumi-domo/provider/group-members",
  GroupMembership: "pulumi-domo/provider/group-membership",
  DirectoryDeletionGuard: "pulumi-domo/provider/deletion-guard",
} as const;
export type DynamicKind = keyof typeof dynamicKinds;

/** The type token the engine routes to Pulumi's Node dynamic provider, as dynamic.Resource makes it. */
export function dynamicType(kind: DynamicKind): string {
  return `pulumi-nodejs:dynamic/domo:${kind}`;
}

/** The package of the native provider (plugin `pulumi-resource-domo`, config `domo:<key>`). */
export const nativePackage = "domo";

/**
 * The type token of a kind served by the native provider: the same kind as the dynamic one
 * of that name (one implementation), under the package's own token.
 */
export function nativeType(kind: DynamicKind): string {
  return `${nativePackage}:index:${kind}`;
}

/** Both tokens of every kind: what tools reading state (recover, migrate) recognise. */
export function typesOf(kind: DynamicKind): [dynamic: string, native: string] {
  return [dynamicType(kind), nativeType(kind)];
}
