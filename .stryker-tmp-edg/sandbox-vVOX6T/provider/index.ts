/**
 * pulumi-domo: manage Domo user accounts as code.
 *
 * The package root names only what a Pulumi program or a script around one uses:
 * - `DomoUser`: one account, as a Pulumi dynamic resource.
 * - `DomoUserDirectory`: a users file (or array) as one `DomoUser` per entry.
 * - `DomoGroup`, `DomoGroupMembers` (authoritative) and `DomoGroupMembership` (additive).
 * - the users-file functions: load, parse, declare, render, audit.
 * - `DomoClient`: the Domo Users API client (OAuth, polite retries, shared rate limit).
 *
 * The local Domo API emulator is its own entry point, `pulumi-domo/emulator`, never loaded from
 * here. Internals stay reachable as `pulumi-domo/dist/*` (the serialized provider requires
 * modules there by name), but they are not part of this surface.
 */
// @ts-nocheck

export {
  type ClientSettings,
  type ClientSettingsInput,
  DomoClient,
  type DomoClientOptions,
  DomoError,
  type DomoErrorDetails,
  type DomoErrorKind,
  type DomoGroupRecord,
  type DomoUserRecord,
  domoErrorKinds,
  type FetchLike,
  type GroupsApi,
  isDomoError,
  type LogSink,
  type UsersApi,
} from "./client";
export {
  type DeletionPolicy,
  deletionPolicies,
  type GroupDeclarationInput,
  type GroupMembersDeclarationInput,
  type GroupMembershipDeclarationInput,
  type SystemRole,
  systemRoles,
  type UserDeclaration,
  type UserDeclarationInput,
  userDeclarationSchema,
} from "./model";
// The directory's public surface is its own index: one list of names, not two.
export * from "./resources/directory";
export {
  DomoGroup,
  type DomoGroupArgs,
  DomoGroupMembers,
  type DomoGroupMembersArgs,
  DomoGroupMembership,
  type DomoGroupMembershipArgs,
  type DomoIdInput,
  domoGroupMembershipType,
  domoGroupMembersType,
  domoGroupType,
  serializedGroupMembershipProvider,
  serializedGroupMembersProvider,
  serializedGroupProvider,
} from "./resources/group";
// The provider object DomoUser hands to Pulumi; exported so tooling can serialize it the way a
// program does (tests measure the `__provider` it becomes).
export { DomoUser, type DomoUserArgs, domoUserType, serializedUserProvider } from "./resources/user";
export {
  type AuditReport,
  auditUsers,
  type DeclaredUser,
  declareUsers,
  type ExportedUsers,
  entriesFromLive,
  formatAuditReport,
  isUsersFileError,
  type LoadOptions,
  loadUsersFile,
  parseUsersFile,
  type RenderOptions,
  renderUsersFile,
  type UsersFile,
  type UsersFileDefaults,
  type UsersFileDefaultsInput,
  type UsersFileEntryInput,
  UsersFileError,
  type UsersFileProblem,
} from "./usersfile";
