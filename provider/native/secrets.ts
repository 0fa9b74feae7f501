import type { PropertyMap } from "../runtime/kind";

/**
 * Secrets on the wire. A provider that constructs components must accept secrets (the engine
 * refuses Construct otherwise: "plugins that can construct components must support secrets"),
 * so the engine then sends a secret input as it is: `{ <sigKey>: <secretSig>, value }`. The
 * resource kinds take plain values: each call's properties are revealed on the way in, and on
 * the way out each top-level property whose input held a secret is marked secret again, as the
 * engine itself does for a provider that does not accept secrets (its annotateSecrets). So the
 * kinds see what they saw before, and the state keeps secret what was secret.
 */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

function isSecret(value: unknown): value is { value: unknown } {
  return (
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[sigKey] === secretSig
  );
}

/** The value with every secret replaced by what it holds. */
export function reveal<T>(value: T): T {
  if (isSecret(value)) return reveal(value.value) as T;
  if (Array.isArray(value)) return value.map(reveal) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)])) as T;
  }
  return value;
}

export function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

/** `outs`, each top-level property whose property in `ins` held a secret marked secret. */
export function markSecrets(outs: PropertyMap, ins: PropertyMap | undefined): PropertyMap {
  if (!ins) return outs;
  const marked: PropertyMap = { ...outs };
  for (const [key, value] of Object.entries(outs)) {
    if (value !== undefined && !isSecret(value) && containsSecret(ins[key])) {
      marked[key] = { [sigKey]: secretSig, value };
    }
  }
  return marked;
}
