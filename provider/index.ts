/**
 * pulumi-domo: manage Domo user accounts as code.
 *
 * - `DomoUser`: one account, as a Pulumi dynamic resource.
 * - `DomoClient`: the Domo Users API client (OAuth, polite retries, shared rate limit).
 * - `startEmulator`: a faithful local Domo API for demos and tests.
 */
export * from "./client";
export { type RunningEmulator, startEmulator } from "./emulator";
export * from "./model";
export * from "./resources/directory";
export * from "./resources/user";
export * from "./usersfile";
