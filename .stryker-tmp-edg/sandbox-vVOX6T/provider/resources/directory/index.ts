// @ts-nocheck
export {
  type DirectoryUserOptions,
  DomoUserDirectory,
  type DomoUserDirectoryArgs,
  domoUserDirectoryType,
  type PlannedUser,
  planDirectoryUsers,
  readDirectory,
  UserDirectoryError,
} from "./component";
export { userResourceName } from "./naming";
