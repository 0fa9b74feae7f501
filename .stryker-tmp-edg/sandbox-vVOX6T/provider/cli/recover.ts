// @ts-nocheck
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DomoClient } from "../client";
import { describeRecovery, exportedStackSchema, planRecovery } from "../resources/user/recovery";
import { cliClientSettings, commonOptionsHelp, parseCommandFlags } from "./credentials";
import { CliError, type CliIo, exitCodes } from "./io";
import { PulumiStack } from "./stack";

export const recoverUsage = `Usage: pulumi-domo recover [--stack <name>] [--cwd <project dir>] [--dry-run] [options]

After an interrupted \`pulumi up\` (killed, timed out, runner lost), brings every Domo account
that run created under management, so the next \`pulumi up\` neither fails on "already exists"
nor leaves anyone orphaned. It reads the stack's pending operations (\`pulumi stack export\`),
looks each pending DomoUser create up in Domo by its declared email (or id, for a takeover),
records the accounts Domo holds exactly as a finished create would, drops the pending creates
that never reached Domo, and writes the result back (\`pulumi stack import\`). It only reads
from Domo: nothing in Domo changes. A lock left by the killed run on this machine is cleared.

Run it once the interrupted run's processes are gone, then \`pulumi up\`.

Options:
  --stack <name>                the stack (default: the project's selected stack)
  --cwd <dir>                   the Pulumi project directory (default: the current directory)
  --dry-run                     say what would be done; write nothing
Credentials: the stack's own domo:apiHost, domo:clientId and domo:clientSecret (decrypted by
Pulumi, never printed), else the environment; the flags below win over both.
${commonOptionsHelp}`;

export async function recoverCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandFlags(argv, "recover", {
    stack: { type: "string", short: "s" },
    cwd: { type: "string", short: "C" },
    "dry-run": { type: "boolean" },
  });
  if (values.help) {
    io.stdout(`${recoverUsage}\n`);
    return exitCodes.ok;
  }
  const stack = new PulumiStack({
    stack: values.stack,
    cwd: path.resolve(io.cwd, values.cwd ?? "."),
    env: io.env,
  });
  const parsed = exportedStackSchema.safeParse(await stack.exportDeployment());
  if (!parsed.success)
    throw new CliError("`pulumi stack export` printed a deployment this tool does not understand");
  const pending = parsed.data.deployment.pending_operations ?? [];
  if (pending.length === 0) {
    io.stdout(`Nothing to recover: ${stack.label} has no pending operations.\n`);
    return exitCodes.ok;
  }
  const client = new DomoClient(cliClientSettings(values, io, await stack.config()), io.clientOptions);
  const live = await client.users.listAll();
  const plan = planRecovery(parsed.data, live, new Date());
  for (const line of describeRecovery(plan)) io.stdout(`${line}\n`);
  const recorded = plan.actions.filter((a) => a.kind === "recorded").length;
  const dropped = plan.actions.filter((a) => a.kind === "dropped").length;
  const summary = `${recorded} account(s) recorded, ${dropped} pending operation(s) dropped; 0 changes in Domo`;
  if (values["dry-run"]) {
    io.stdout(`Dry run: ${summary} would be written to ${stack.label}.\n`);
    return exitCodes.ok;
  }
  const file = path.join(os.tmpdir(), `pulumi-domo-recover-${randomBytes(6).toString("hex")}.json`);
  try {
    // The deployment holds the stack's encrypted secrets as Pulumi exported them: owner-only.
    writeFileSync(file, JSON.stringify(plan.deployment), { mode: 0o600 });
    await stack.importDeployment(file, (line) => io.stdout(`${line}\n`));
  } finally {
    rmSync(file, { force: true });
  }
  io.stdout(`Recovered ${stack.label}: ${summary}. Run \`pulumi up\` next.\n`);
  return exitCodes.ok;
}
