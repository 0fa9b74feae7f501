export * from "./declaration";
export { DomoUser, type DomoUserArgs, domoUserType } from "./resource";
export { createUserProviderRuntime, PartialCreateError, UserProviderRuntime } from "./runtime";
export { type UserState, userStateSchema } from "./state";

import serializedUserProvider = require("./serialized-provider");

export { serializedUserProvider };
