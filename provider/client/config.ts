import { z } from "zod";
import { DomoError } from "./errors";

/**
 * Client settings. The zod schema is the single source of truth: types are inferred from it,
 * and each setting's error message names the setting so a person can fix it.
 */
export const clientSettingsSchema = z.object({
  apiHost: z
    .string()
    .url("must be a URL such as https://api.domo.com")
    .transform((s) => s.replace(/\/+$/, ""))
    .default("https://api.domo.com")
    .describe("The Domo API host (the emulator's http://127.0.0.1:PORT works)."),
  clientId: z
    .string()
    .trim()
    .min(1, "is required: the client id of a Domo API client")
    .describe("The client id of a Domo API client (from Domo's developer portal, scope `user`). Required."),
  clientSecret: z
    .string()
    .min(1, "is required: the client secret of a Domo API client (store it as a secret)")
    .describe("The client secret of a Domo API client. Required; store it as a secret."),
  scope: z.string().trim().min(1).default("user").describe("The OAuth scopes to request."),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(30_000)
    .describe("The per-request timeout, in ms."),
  maxRetries: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(6)
    .describe("Retries of a failed call (429, 5xx, network)."),
  deadlineMs: z
    .number()
    .int()
    .min(1_000)
    .max(3_600_000)
    .default(180_000)
    .describe("The overall deadline of one call, retries included, in ms."),
  requestsPerSecond: z
    .number()
    .positive()
    .max(10_000)
    .default(20)
    .describe("The client-side rate limit, shared by every call of a `pulumi` run."),
  maxConcurrency: z.number().int().min(1).max(256).default(8).describe("Requests in flight at once."),
  listingTtlMs: z
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(30_000)
    .describe("How long one shared user listing serves reads, in ms."),
  debug: z
    .boolean()
    .default(false)
    .describe("Log method, path, status, attempt and waits to stderr (credentials redacted)."),
  /**
   * At most this many DomoUser deletes in one run of the provider (one `pulumi up` or
   * `destroy`); further deletes are refused. 0, the default, sets no cap.
   */
  maxDeletesPerRun: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe("At most this many User deletes in one run (`pulumi up` or `destroy`); 0 sets no cap."),
});
export type ClientSettings = z.infer<typeof clientSettingsSchema>;
export type ClientSettingsInput = z.input<typeof clientSettingsSchema>;

type SettingKey = keyof ClientSettings;
const settingKeys = Object.keys(clientSettingsSchema.shape) as SettingKey[];

/** The external names of a setting: stack config `domo:<key>`, environment `DOMO_<KEY_IN_SNAKE_CASE>`. */
export function settingSource(key: SettingKey): { config: string; env: string } {
  return { config: `domo:${key}`, env: `DOMO_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` };
}

/** Every setting with its external names, derived from the schema. */
export const settingSources = Object.fromEntries(settingKeys.map((k) => [k, settingSource(k)])) as Record<
  SettingKey,
  { config: string; env: string }
>;

/** What a setting's text must be turned into before validation, read off its schema. */
function valueKind(key: SettingKey): "number" | "boolean" | "string" {
  let schema: z.ZodType = clientSettingsSchema.shape[key];
  while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodPipe) {
    schema = schema instanceof z.ZodPipe ? (schema.def.in as z.ZodType) : (schema.def.innerType as z.ZodType);
  }
  if (schema instanceof z.ZodNumber) return "number";
  if (schema instanceof z.ZodBoolean) return "boolean";
  return "string";
}

/** Validates settings; the error names the setting (never its value when it is the secret). */
export function parseClientSettings(
  input: unknown,
  naming: "config" | "env" | "plain" = "plain",
): ClientSettings {
  const result = clientSettingsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "settings") as keyof ClientSettings;
    const source = settingSources[key];
    const name = naming === "plain" || !source ? key : naming === "config" ? source.config : source.env;
    const hint = source ? ` (stack config ${source.config} or env ${source.env})` : "";
    return `${name}${hint} ${issue.message}`;
  });
  throw new DomoError({
    kind: "invalid_settings",
    field: String(result.error.issues[0]?.path[0] ?? "settings"),
    message: `Invalid Domo client settings: ${problems.join("; ")}`,
  });
}

/**
 * Reads settings from a lookup (stack config or environment), converting numbers and booleans.
 * Stack config wins over the environment; values that are not numbers stay strings so that
 * validation reports them by name instead of silently ignoring them.
 */
export function settingsFromSources(
  configGet: (key: string) => unknown,
  env: Record<string, string | undefined> = process.env,
): ClientSettings {
  const raw: Record<string, unknown> = {};
  for (const key of settingKeys) {
    const source = settingSource(key);
    // Stack config may hand over typed values (numbers, booleans): compare as text.
    const found = configGet(source.config) ?? env[source.env];
    if (found === undefined || found === null || found === "") continue;
    raw[key] = settingValue(key, found);
  }
  return parseClientSettings(raw, "config");
}

/** One setting's value as text (stack config, environment) or typed, converted to its kind. */
export function settingValue(key: SettingKey, found: unknown): unknown {
  const value = String(found);
  const kind = valueKind(key);
  if (kind === "number") return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (kind === "boolean") return value === "true" || value === "1";
  return value;
}

/** Every setting's name. */
export const clientSettingKeys: readonly SettingKey[] = settingKeys;
