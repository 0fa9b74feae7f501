// The native provider's names: its package, and the type token of every resource kind and
// function it serves. Written into users' state files and programs: never change one.

/** The Pulumi package name: the plugin is `pulumi-resource-domo`, its config `domo:<key>`. */
export const packageName = "domo";

/** Every native resource kind, by the name its SDKs give it. */
export const nativeResourceTypes = {
  User: "domo:index:User",
  Group: "domo:index:Group",
  GroupMembers: "domo:index:GroupMembers",
  GroupMembership: "domo:index:GroupMembership",
  /** Made by UserDirectory in bulk mode: a batch of accounts in one resource. */
  UserBatch: "domo:index:UserBatch",
  /** Made by UserDirectory: the directory's deletion guard and identity record. */
  DirectoryDeletionGuard: "domo:index:DirectoryDeletionGuard",
} as const;
export type NativeResourceKind = keyof typeof nativeResourceTypes;

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
