export * from "./declaration";
export { DomoUser, type DomoUserArgs, domoUserType } from "./resource";
export { createUserProviderRuntime, PartialCreateError, UserProviderRuntime } from "./runtime";
export { serializedUserProvider } from "./serialized-provider";
export { type UserState, userStateSchema } from "./state";
