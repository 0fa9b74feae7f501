// @ts-nocheck
import path from "node:path";
import { DomoClient } from "../client";
import { normaliseEmail } from "../model/user";
import { auditUsers, formatAuditReport, loadUsersFile, type UsersFile } from "../usersfile";
import { cliClientSettings, commonOptionsHelp, parseCommandFlags } from "./credentials";
import { stackConfigFor, stackOptions, stackOptionsHelp } from "./export";
import { readGroups } from "./groups";
import { type CliIo, exitCodes } from "./io";

export const auditUsage = `Usage: pulumi-domo audit [--file users.yaml] [--json] [options]

Compares a users file with Domo and reports, changing nothing:
  - accounts in Domo that the file does not declare,
  - declared accounts whose fields differ in Domo, field by field,
  - declared accounts missing from Domo.
Exit code 0 when in sync, 2 when drift is found, 1 on error.

Options:
  --file <file>                 the users file (default: users.yaml)
  --json                        print the report as JSON on standard output
  --ignore <email>              leave this undeclared account out of the report (repeatable),
                                e.g. the API client's own service account
${stackOptionsHelp}
${commonOptionsHelp}`;

export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandFlags(argv, "audit", {
    file: { type: "string", short: "f" },
    json: { type: "boolean" },
    ignore: { type: "string", multiple: true },
    ...stackOptions,
  });
  if (values.help) {
    io.stdout(`${auditUsage}\n`);
    return exitCodes.ok;
  }
  const fileArg = values.file ?? "users.yaml";
  // Validate the file before asking Domo anything: a typo should not cost a full listing.
  const declared = loadUsersFile(path.resolve(io.cwd, fileArg), { displayName: fileArg });
  const client = new DomoClient(
    cliClientSettings(values, io, await stackConfigFor(values, io)),
    io.clientOptions,
  );
  const live = await client.users.listAll((count) => {
    if (!values.quiet) io.stderr(`Read ${count} users from ${client.settings.apiHost}…\n`);
  });
  const ignored = new Set((values.ignore ?? []).map(normaliseEmail));
  for (const email of declaredEmails(declared)) ignored.delete(email);
  // Only undeclared accounts can be ignored: a declared one is compared whatever the flag says.
  // Memberships are compared only for the groups the file declares (no group calls otherwise).
  const groups = declared.groups.length > 0 ? await readGroups(client) : undefined;
  const report = auditUsers(
    declared.users,
    live.filter((u) => !u.email || !ignored.has(normaliseEmail(u.email))),
    declared.groups,
    groups,
  );
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatAuditReport(report, fileArg));
  return report.inSync ? exitCodes.ok : exitCodes.drift;
}

function declaredEmails(file: UsersFile): Set<string> {
  return new Set(file.users.map((u) => u.declaration.email));
}
