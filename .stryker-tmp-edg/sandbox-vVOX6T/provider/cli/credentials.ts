// @ts-nocheck
import { readFileSync } from "node:fs";
import path from "node:path";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { type ClientSettings, settingsFromSources } from "../client/config";
import { CliError, type CliIo, CliUsageError } from "./io";

/** Flags every Domo-talking command accepts. The secret itself is never a flag value. */
export const credentialOptions = {
  "api-host": { type: "string" },
  "client-id": { type: "string" },
  "client-secret-file": { type: "string" },
} as const;

/** What every command that talks to Domo accepts besides its own flags. */
const commonOptions = {
  ...credentialOptions,
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Parses the flags of a command that talks to Domo: its own `options`, the credential flags,
 * --quiet and --help; no positionals. `--client-secret` is refused before parsing.
 */
export function parseCommandFlags<const T extends ParseArgsOptionsConfig>(
  argv: string[],
  command: string,
  options: T,
) {
  refuseSecretFlag(argv, command);
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { ...commonOptions, ...options },
  } as const).values;
}

export interface CredentialFlags {
  "api-host"?: string | undefined;
  "client-id"?: string | undefined;
  "client-secret-file"?: string | undefined;
}

/**
 * Refuses `--client-secret` before parsing, so the value never reaches an error message (and
 * the person learns why: a secret typed on a command line stays in shell history).
 */
export function refuseSecretFlag(argv: readonly string[], command: string): void {
  for (const arg of argv) {
    if (arg === "--") return;
    if (arg === "--client-secret" || arg.startsWith("--client-secret=")) {
      throw new CliUsageError(
        "--client-secret is not accepted: a secret on the command line stays in shell history and process lists; " +
          "set DOMO_CLIENT_SECRET or pass --client-secret-file <file>",
        command,
      );
    }
  }
}

/**
 * The same settings the provider uses, from the same environment variables
 * (DOMO_API_HOST, DOMO_CLIENT_ID, DOMO_CLIENT_SECRET, DOMO_*), with flags taking precedence.
 */
export function cliClientSettings(
  flags: CredentialFlags,
  io: CliIo,
  stackConfig: ReadonlyMap<string, string> = new Map(),
): ClientSettings {
  let secret: string | undefined;
  const secretFile = flags["client-secret-file"];
  if (secretFile !== undefined) {
    const file = path.resolve(io.cwd, secretFile);
    try {
      // A trailing newline is how editors and `echo` save a one-line secret; it is not part of it.
      secret = readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new CliError(
        `cannot read --client-secret-file ${secretFile}: ${code === "ENOENT" ? "no such file" : (code ?? "unreadable")}`,
      );
    }
    if (secret.trim() === "") throw new CliError(`--client-secret-file ${secretFile} is empty`);
  }
  const overrides: Record<string, string | undefined> = {
    "domo:apiHost": flags["api-host"],
    "domo:clientId": flags["client-id"],
    "domo:clientSecret": secret,
  };
  // Flags win over the stack's config, which wins over the environment (as for the provider).
  const lookup = (key: string) => overrides[key] ?? stackConfig.get(key);
  const fromStack = (key: string) => (stackConfig.size > 0 ? ` (or the stack's ${key})` : "");
  if (!(lookup("domo:clientId") ?? io.env.DOMO_CLIENT_ID)) {
    throw new CliError(
      `no Domo client id: set DOMO_CLIENT_ID${fromStack("domo:clientId")} or pass --client-id <id>`,
    );
  }
  if (!(lookup("domo:clientSecret") ?? io.env.DOMO_CLIENT_SECRET)) {
    throw new CliError(
      `no Domo client secret: set DOMO_CLIENT_SECRET${fromStack("domo:clientSecret")} or pass --client-secret-file <file>`,
    );
  }
  return settingsFromSources(lookup, io.env);
}

/** The help lines for the options every command that talks to Domo shares (parseCommandFlags). */
export const commonOptionsHelp = `  --quiet                       no progress on standard error
  --api-host <url>              Domo API host (env DOMO_API_HOST; default https://api.domo.com)
  --client-id <id>              API client id (env DOMO_CLIENT_ID)
  --client-secret-file <file>   file holding the client secret (else env DOMO_CLIENT_SECRET)
  -h, --help                    show this help`;
