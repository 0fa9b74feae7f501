import { type ClientSettings, clientSettingKeys, clientSettingsSchema, settingValue } from "../client/config";
import { type CheckFailure, holdsUnknown } from "../model";
import type { ConfigGet } from "../runtime";
import type { PropertyMap } from "../runtime/kind";

/**
 * The native provider's configuration: `domo:<setting>` in stack config (the default
 * provider) or the inputs of an explicit `domo.Provider`, one key per client setting
 * (client/config.ts is the one list). The Node SDK's provider server answers CheckConfig and
 * DiffConfig with UNIMPLEMENTED and drops Configure's values (pulumi/pulumi#10915); these are
 * what the native server answers instead.
 */

/** Keys the engine itself puts among a provider's inputs. */
const engineKeys = new Set(["version", "pluginDownloadURL"]);
const settingKeySet: ReadonlySet<string> = new Set(clientSettingKeys);

/** A secret as the engine sends it (and takes it back): an object marked with these. */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

function plain(value: unknown): unknown {
  return isSecret(value) ? (value as { value?: unknown }).value : value;
}

/**
 * CheckConfig: every setting valid (credentials may still come from the environment at
 * apply, so none is required here), unknown keys named with the list of known ones. The
 * inputs go back as they came (a secret stays wrapped, so the engine keeps it encrypted).
 */
export function checkProviderConfig(news: PropertyMap): { inputs: PropertyMap; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const raw: Record<string, unknown> = {};
  for (const [key, wrapped] of Object.entries(news)) {
    if (engineKeys.has(key)) continue;
    const value = plain(wrapped);
    if (!settingKeySet.has(key)) {
      failures.push({
        property: key,
        reason: `domo:${key} is not a setting of the domo provider; the settings are ${clientSettingKeys.join(", ")}`,
      });
      continue;
    }
    if (value === undefined || value === null || value === "" || holdsUnknown(value)) continue;
    raw[key] = settingValue(key as keyof ClientSettings, value);
  }
  const parsed = clientSettingsSchema.partial().safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      // Never echo the secret: the message names the setting and the rule only.
      failures.push({ property: key, reason: `domo:${key} ${issue.message}` });
    }
  }
  return { inputs: withSecretsMarked(news), failures };
}

/**
 * The client secret goes back marked secret whatever the program did (a YAML or Go program,
 * or an explicit provider given a plain string): the engine then stores it encrypted in the
 * provider's state, as Pulumi stores every secret (ciphertext under the stack's secrets
 * provider), and never as text.
 */
function withSecretsMarked(news: PropertyMap): PropertyMap {
  const out: PropertyMap = { ...news };
  for (const key of secretSettingKeys) {
    const value = news[key];
    if (value === undefined || value === null || isSecret(value) || holdsUnknown(value)) continue;
    out[key] = { [sigKey]: secretSig, value };
  }
  return out;
}

/** The settings that are secrets (one today). */
const secretSettingKeys: readonly string[] = ["clientSecret"];

function isSecret(value: unknown): boolean {
  return (
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[sigKey] === secretSig
  );
}

/**
 * DiffConfig: which settings changed. Never a replacement: a new host, credential or limit
 * reconfigures the provider; replacing it would make the engine replace (delete and create)
 * every account and group it manages.
 */
export function diffProviderConfig(olds: PropertyMap, news: PropertyMap): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys]
    .filter((k) => !engineKeys.has(k))
    .filter((k) => JSON.stringify(plain(olds[k])) !== JSON.stringify(plain(news[k])))
    .sort();
}

/**
 * Configure: the settings as `domo:<key>` lookups. The engine sends `variables` (every value
 * as text, secrets decrypted, keyed `domo:<key>`) and `args` (typed); the run reads either.
 */
export function configFrom(variables: ReadonlyMap<string, string>, args: PropertyMap | undefined): ConfigGet {
  return (key) => {
    const fromVariables = variables.get(key);
    if (fromVariables !== undefined) return fromVariables;
    const bare = key.startsWith("domo:") ? key.slice("domo:".length) : key;
    const value = plain(args?.[bare]);
    if (value === undefined || value === null || holdsUnknown(value)) return undefined;
    return String(value);
  };
}
