import {
  type GroupState,
  parseDomoId,
  type StoredSettings,
  settingDefaults,
  storedGroupSettingFields,
  storedSettingFields,
} from "../model";
import { groupStateOf } from "../resources/group/state";
import { stateFrom } from "../resources/user/state-build";
import { type ConfigGet, sharedRun } from "../runtime";
import type { CheckFailure, PropertyMap } from "../runtime/kind";
import { nativeFunctionTokens } from "./tokens";

export type InvokeOutcome = { outputs: PropertyMap } | { failures: CheckFailure[] };

/**
 * The provider's functions: `getUser` (by `email` or `id`) and `getGroup` (by `name` or `id`),
 * read through the run's one client (its listings and rate limit). They read only. A lookup
 * that finds nothing fails naming what was asked, so a program does not run on with a blank.
 */
export async function invokeFunction(
  token: string,
  inputs: PropertyMap,
  configGet?: ConfigGet,
): Promise<InvokeOutcome> {
  const client = sharedRun(configGet).client;
  if (token === nativeFunctionTokens.getUser) {
    const by = lookup(inputs, "email");
    if ("failures" in by) return by;
    const user = by.id !== undefined ? await client.users.get(by.id) : await client.users.findByEmail(by.key);
    if (!user) throw notFound("user", by);
    // The account as a User's state shows it, without what only a resource has (its settings
    // and managed fields): the schema's getUser outputs are derived the same way.
    return {
      outputs: without(stateFrom(user, settingDefaults as StoredSettings, []), [
        ...storedSettingFields,
        "managedFields",
      ]),
    };
  }
  if (token === nativeFunctionTokens.getGroup) {
    const by = lookup(inputs, "name");
    if ("failures" in by) return by;
    const group =
      by.id !== undefined ? await client.groups.get(by.id) : await client.groups.findByName(by.key);
    if (!group) throw notFound("group", by);
    return {
      outputs: without(
        groupStateOf(group, { deletionPolicy: "delete", allowDeleteWithMembers: false } as GroupState),
        storedGroupSettingFields,
      ),
    };
  }
  throw new Error(
    `the domo provider has no function ${token}; it has ${Object.values(nativeFunctionTokens).join(", ")}`,
  );
}

function without(state: object, keys: readonly string[]): PropertyMap {
  return Object.fromEntries(Object.entries(state).filter(([k]) => !keys.includes(k)));
}

type Lookup = { id: number; key: string } | { id: undefined; key: string } | { failures: CheckFailure[] };

/** Exactly one of `<key>` and `id`, each valid. */
function lookup(inputs: PropertyMap, keyName: "email" | "name"): Lookup {
  const key = inputs[keyName];
  const rawId = inputs.id;
  const hasKey = typeof key === "string" && key.trim() !== "";
  if (rawId !== undefined && rawId !== null && rawId !== "") {
    const id = parseDomoId(rawId);
    if (id === undefined)
      return { failures: [{ property: "id", reason: "must be a Domo id: a positive whole number" }] };
    if (hasKey) return { failures: [{ property: "id", reason: `give ${keyName} or id, not both` }] };
    return { id, key: String(id) };
  }
  if (!hasKey) return { failures: [{ property: keyName, reason: `give ${keyName} or id` }] };
  return { id: undefined, key: (key as string).trim() };
}

function notFound(what: "user" | "group", by: { id: number | undefined; key: string }): Error {
  const how = by.id !== undefined ? `id ${by.id}` : what === "user" ? `email ${by.key}` : `name "${by.key}"`;
  return new Error(`Domo has no ${what} with ${how}`);
}
