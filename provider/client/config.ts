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
    .default("https://api.domo.com"),
  clientId: z.string().trim().min(1, "is required: the client id of a Domo API client"),
  clientSecret: z
    .string()
    .min(1, "is required: the client secret of a Domo API client (store it as a secret)"),
  scope: z.string().trim().min(1).default("user"),
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  maxRetries: z.number().int().min(0).max(20).default(6),
  deadlineMs: z.number().int().min(1_000).max(3_600_000).default(180_000),
  requestsPerSecond: z.number().positive().max(10_000).default(20),
  maxConcurrency: z.number().int().min(1).max(256).default(8),
  listingTtlMs: z.number().int().min(0).max(600_000).default(30_000),
  debug: z.boolean().default(false),
});
export type ClientSettings = z.infer<typeof clientSettingsSchema>;
export type ClientSettingsInput = z.input<typeof clientSettingsSchema>;

/** The external name of each setting: stack config key and environment variable. */
export const settingSources: Record<keyof ClientSettings, { config: string; env: string }> = {
  apiHost: { config: "domo:apiHost", env: "DOMO_API_HOST" },
  clientId: { config: "domo:clientId", env: "DOMO_CLIENT_ID" },
  clientSecret: { config: "domo:clientSecret", env: "DOMO_CLIENT_SECRET" },
  scope: { config: "domo:scope", env: "DOMO_SCOPE" },
  timeoutMs: { config: "domo:timeoutMs", env: "DOMO_TIMEOUT_MS" },
  maxRetries: { config: "domo:maxRetries", env: "DOMO_MAX_RETRIES" },
  deadlineMs: { config: "domo:deadlineMs", env: "DOMO_DEADLINE_MS" },
  requestsPerSecond: { config: "domo:requestsPerSecond", env: "DOMO_REQUESTS_PER_SECOND" },
  maxConcurrency: { config: "domo:maxConcurrency", env: "DOMO_MAX_CONCURRENCY" },
  listingTtlMs: { config: "domo:listingTtlMs", env: "DOMO_LISTING_TTL_MS" },
  debug: { config: "domo:debug", env: "DOMO_DEBUG" },
};

const numericSettings = new Set<keyof ClientSettings>([
  "timeoutMs",
  "maxRetries",
  "deadlineMs",
  "requestsPerSecond",
  "maxConcurrency",
  "listingTtlMs",
]);

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
    kind: "validation",
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
  for (const [key, source] of Object.entries(settingSources) as [
    keyof ClientSettings,
    { config: string; env: string },
  ][]) {
    // Stack config may hand over typed values (numbers, booleans): compare as text.
    const found = configGet(source.config) ?? env[source.env];
    if (found === undefined || found === null || found === "") continue;
    const value = String(found);
    if (numericSettings.has(key)) raw[key] = /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    else if (key === "debug") raw[key] = value === "true" || value === "1";
    else raw[key] = value;
  }
  return parseClientSettings(raw, "config");
}
