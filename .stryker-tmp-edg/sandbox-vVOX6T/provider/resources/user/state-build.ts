// @ts-nocheck
import type { DomoUserRecord } from "../../client/schemas";
import {
  normaliseEmail,
  readOnlyShape,
  type StoredSettings,
  settingsOf,
  type UserState,
  type UserWrite,
  userStateSchema,
  userWriteFields,
} from "../../model";

/**
 * Builds the state from what Domo returned, filling fields Domo does not echo (create omits
 * timezone and locale) from what was written.
 */
export function stateFrom(
  live: DomoUserRecord,
  settings: StoredSettings,
  managedFields: readonly string[],
  echoFallback: UserWrite = {},
): UserState {
  const state: Record<string, unknown> = {
    userId: live.id,
    managedFields: [...managedFields].sort(),
    ...settingsOf(settings),
  };
  for (const f of userWriteFields) {
    const value = live[f] ?? echoFallback[f];
    if (value !== undefined && value !== "") state[f] = f === "email" ? normaliseEmail(String(value)) : value;
  }
  if (live.groups) state.groups = live.groups.map((g) => g.name ?? String(g.id));
  for (const f of Object.keys(readOnlyShape) as (keyof typeof readOnlyShape)[]) {
    if (f !== "groups" && live[f] !== undefined) state[f] = live[f];
  }
  return userStateSchema.parse(state);
}
