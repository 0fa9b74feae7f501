/**
 * The users file: a list of Domo users kept in YAML (or JSON), validated with the DomoUser
 * resource's own rules, rendered back for export, and compared with Domo for audits.
 */
// @ts-nocheck

export { type AuditReport, auditReportSchema, auditUsers, formatAuditReport, type LiveGroups } from "./audit";
export { isUsersFileError, UsersFileError } from "./errors";
export { type ExportedUsers, entriesFromLive, groupsFromLive } from "./export";
export {
  type DeclaredGroup,
  type DeclaredUser,
  declareUsers,
  entryOf,
  type LoadOptions,
  layerDefaults,
  loadUsersFile,
  parseUsersFile,
  type UsersFile,
} from "./parse";
export { type RenderOptions, renderUsersFile } from "./render";
export {
  domoUserIdSchema,
  type UsersFileDefaults,
  type UsersFileDefaultsInput,
  type UsersFileEntryInput,
  type UsersFileGroup,
  type UsersFileGroupInput,
  type UsersFileProblem,
  usersFileDefaultsSchema,
  usersFileEntrySchema,
  usersFileGroupSchema,
  usersFileProblemSchema,
} from "./schema";
