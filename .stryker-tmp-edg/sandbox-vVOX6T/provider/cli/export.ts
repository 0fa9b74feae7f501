// @ts-nocheck
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DomoClient } from "../client";
import { deletionPolicies } from "../model/user";
import { entriesFromLive, groupsFromLive, renderUsersFile, type UsersFileDefaultsInput } from "../usersfile";
import { cliClientSettings, commonOptionsHelp, parseCommandFlags } from "./credentials";
import { readGroups } from "./groups";
import { CliError, type CliIo, CliUsageError, exitCodes } from "./io";
import { PulumiStack } from "./stack";

/** The options that take credentials from a Pulumi stack's config, shared by export and audit. */
export const stackOptions = {
  stack: { type: "string", short: "s" },
  cwd: { type: "string", short: "C" },
} as const;

export const stackOptionsHelp = `  --stack <name>                take credentials from this Pulumi stack's config (domo:apiHost,
                                domo:clientId, domo:clientSecret: decrypted by Pulumi, never
                                printed); the flags below win over it, it wins over the environment
  --cwd <dir>                   the Pulumi project directory for --stack (default: the current
                                directory; given alone, its selected stack). Files are still
                                relative to the current directory`;

/**
 * The stack's config when --stack or --cwd asks for it (read through the `pulumi` CLI, as
 * `recover` does); otherwise none, and no pulumi process is started.
 */
export async function stackConfigFor(
  values: { stack?: string | undefined; cwd?: string | undefined },
  io: CliIo,
): Promise<ReadonlyMap<string, string>> {
  if (values.stack === undefined && values.cwd === undefined) return new Map();
  const stack = new PulumiStack({
    stack: values.stack,
    cwd: path.resolve(io.cwd, values.cwd ?? "."),
    env: io.env,
  });
  return stack.config();
}

export const exportUsage = `Usage: pulumi-domo export [--out users.yaml] [options]

Reads every user from Domo and writes a users file: one entry per account, with its id, so
the first \`pulumi up\` takes each account over without changing it. Read-only: changes nothing.

Options:
  --out <file>                  where to write (default: standard output; - also means it)
  --force                       overwrite --out if it exists
  --deletion-policy <policy>    write defaults.deletionPolicy: retain (removing an entry later
                                leaves the account in Domo) or delete
${stackOptionsHelp}
${commonOptionsHelp}`;

export async function exportCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandFlags(argv, "export", {
    out: { type: "string", short: "o" },
    force: { type: "boolean" },
    "deletion-policy": { type: "string" },
    ...stackOptions,
  });
  if (values.help) {
    io.stdout(`${exportUsage}\n`);
    return exitCodes.ok;
  }
  const policy = values["deletion-policy"];
  if (policy !== undefined && !(deletionPolicies as readonly string[]).includes(policy)) {
    throw new CliUsageError(
      `--deletion-policy must be ${deletionPolicies.join(" or ")}, got "${policy}"`,
      "export",
    );
  }
  const toStdout = values.out === undefined || values.out === "-";
  const outPath = toStdout ? undefined : path.resolve(io.cwd, values.out as string);
  if (outPath !== undefined && existsSync(outPath) && !values.force) {
    throw new CliError(`${values.out} exists; pass --force to overwrite it`);
  }

  const client = new DomoClient(
    cliClientSettings(values, io, await stackConfigFor(values, io)),
    io.clientOptions,
  );
  const progress = (count: number) => {
    if (!values.quiet) io.stderr(`Read ${count} users from ${client.settings.apiHost}…\n`);
  };
  const live = await client.users.listAll(progress);
  const { entries, notes, skipped } = entriesFromLive(live);
  const { groups: liveGroups, members } = await readGroups(client);
  const groups = groupsFromLive(liveGroups, members, entries);
  const defaults: UsersFileDefaultsInput | undefined =
    policy === undefined ? undefined : { deletionPolicy: policy as (typeof deletionPolicies)[number] };
  const text = renderUsersFile(entries, defaults, {
    header:
      `Domo users exported by pulumi-domo from ${client.settings.apiHost}.\n` +
      "Each id takes that existing account over on the first pulumi up (no change when the fields match).",
    notes,
    groups,
  });

  if (outPath === undefined) io.stdout(text);
  else writeAtomically(outPath, text);

  for (const [email, lines] of notes) for (const line of lines) io.stderr(`warning: ${email}: ${line}\n`);
  for (const s of skipped) io.stderr(`warning: user ${s.id} not exported: ${s.reason}\n`);
  if (!values.quiet) {
    io.stderr(
      `Exported ${entries.length} of ${live.length} users and ${groups.length} groups${outPath ? ` to ${values.out}` : ""}.\n`,
    );
  }
  return exitCodes.ok;
}

/** Write then rename: an interrupted export never leaves half a users file behind. */
function writeAtomically(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, text, { encoding: "utf8", mode: 0o644 });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new CliError(`cannot write ${file}: ${(e as { code?: string }).code ?? (e as Error).message}`);
  }
}
