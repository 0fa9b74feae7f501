// @ts-nocheck
export { DomoUser, type DomoUserArgs, domoUserType } from "./resource";
export { createUserProviderRuntime, PartialCreateError, UserProviderRuntime } from "./runtime";

import serializedUserProvider = require("./serialized-provider");

export { serializedUserProvider };
