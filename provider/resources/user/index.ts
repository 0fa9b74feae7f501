export {
  type BatchUserState,
  DomoUserBatch,
  type DomoUserBatchArgs,
  domoUserBatchType,
} from "./batch-resource";
export { PartialBatchError, UserBatchRuntime } from "./batch-runtime";
export { DomoUser, type DomoUserArgs, domoUserType } from "./resource";
export {
  createUserProviderRuntime,
  PartialCreateError,
  resetSharedUserRuntime,
  sharedUserLedger,
  sharedUserRuntime,
  UserProviderRuntime,
} from "./runtime";

import serializedUserProvider = require("./serialized-provider");

import serializedUserBatchProvider = require("./serialized-batch-provider");

export { serializedUserBatchProvider, serializedUserProvider };
