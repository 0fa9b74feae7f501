/** A local stand-in for Domo's public Users and Groups APIs, for tests, demos and offline development. */
// @ts-nocheck


export type { TokenClaims, TokenResponse } from "./auth";
export type { GatewayError, OAuthErrorBody } from "./errors";
export type { ActiveFault, Fault, FaultControls, FaultInput } from "./faults";
export { FaultSchema } from "./faults";
export type { RequestLogEntry } from "./metrics";
export type {
  ApiGroup,
  ApiUser,
  GroupInput,
  GroupRecord,
  GroupRef,
  Role,
  StoredGroup,
  StoredUser,
  Tombstone,
  UserInput,
} from "./model";
export { SYSTEM_ROLES } from "./model";
export type { Behaviour, Client, EmulatorOptions, EmulatorOptionsInput, Seed, SeedInput } from "./options";
export { BehaviourSchema, EmulatorOptionsSchema } from "./options";
export type { RateLimit } from "./ratelimit";
export type { RouteKey } from "./routing";
export { ROUTE_KEYS } from "./routing";
export type { RunningEmulator } from "./server";
export { startEmulator } from "./server";
export type { ResolvedClient } from "./store";
export { UserStore } from "./store";
