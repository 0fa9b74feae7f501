/**
 * The engine's inputs as every resource kind reads them, one rule for all: Pulumi's unknown
 * placeholder (a value another resource computes, at preview) is set aside, a stand-in takes
 * its place where the schema requires a value, and the key is reported in `unknowns` so check
 * puts the placeholder back and apply sees the real value.
 */
import type { z } from "zod";

/** Pulumi's placeholder for values not known until apply (preview of computed inputs). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A check failure: the property and a reason a person can act on. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** A parse of the engine's inputs: valid (perhaps with values unknown at preview) or failures. */
export type ParseResult<T> =
  | { ok: true; value: T; unknowns: string[] }
  | { ok: false; failures: CheckFailure[] };

/** Whether a value is the placeholder, or a list holding one. */
export function holdsUnknown(value: unknown): boolean {
  return value === unknownValue || (Array.isArray(value) && value.some((v) => v === unknownValue));
}

/**
 * Validates raw inputs with `schema`. `ignore` names keys that declare nothing (output-only
 * keys registered as undefined). A key holding the placeholder is validated with
 * `standIns[key]` when it has one (a required field), left out otherwise; a list keeps its
 * known elements. Keys are defined, not assigned: an own "__proto__" stays a key (and is
 * refused as unknown by a strict schema).
 */
export function parseInputs<T>(
  schema: z.ZodType<T>,
  raw: Record<string, unknown>,
  options: { ignore?: ReadonlySet<string>; standIns?: Record<string, unknown> } = {},
): ParseResult<T> {
  const ignore = options.ignore ?? new Set<string>();
  const standIns = options.standIns ?? {};
  const unknowns: string[] = [];
  const candidate: Record<string, unknown> = {};
  const put = (key: string, value: unknown) =>
    Object.defineProperty(candidate, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(raw)) {
    if (key === "__provider" || value === undefined || value === null || ignore.has(key)) continue;
    if (!holdsUnknown(value)) put(key, value);
    else {
      unknowns.push(key);
      if (Array.isArray(value))
        put(
          key,
          value.filter((v) => v !== unknownValue),
        );
      else if (key in standIns) put(key, standIns[key]);
    }
  }
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      failures: parsed.error.issues.map((issue) => ({
        property: String(
          issue.path[0] ?? (issue.code === "unrecognized_keys" ? issue.keys[0] : undefined) ?? "inputs",
        ),
        reason: issue.message,
      })),
    };
  }
  return { ok: true, value: parsed.data, unknowns };
}
