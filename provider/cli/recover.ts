import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DomoClient } from "../client";
import { exportedStackSchema } from "../resources/recovery/deployment";
import type { LiveDomo, LiveReads } from "../resources/recovery/live";
import { describeRecovery, planRecovery, recoveryReads, recoverySummary } from "../resources/recovery/plan";
import { cliClientSettings, commonOptionsHelp, helpShown, parseCommandFlags } from "./credentials";
import { CliError, type CliIo, exitCodes } from "./io";
import { PulumiStack } from "./stack";

export const recoverUsage = `Usage: pulumi-domo recover [--stack <name>] [--cwd <project dir>] [--dry-run] [options]

After an interrupted \`pulumi up\` (killed, timed out, runner lost), brings everything that run
created in Domo under management, so the next \`pulumi up\` neither fails on "already exists"
nor leaves anything orphaned. It reads the stack's pending operations (\`pulumi stack export\`)
of every pulumi-domo kind: DomoUser and DomoUserBatch (each declared user looked up by email,
or id for a takeover), DomoGroup (by name without case, or id), DomoGroupMembers and
DomoGroupMembership (the group's members), and a directory's deletion guard. It records what
Domo holds exactly as the finished operation would have (a batch with exactly the users Domo
holds), drops what never reached Domo (the next \`pulumi up\` does it), says what it did per
resource, and writes the result back (\`pulumi stack import\`). It only reads from Domo:
nothing in Domo changes. A lock left by the killed run on this machine is cleared.

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
  if (helpShown(values, recoverUsage, io)) return exitCodes.ok;
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
  const reads = recoveryReads(parsed.data);
  const live = await readLive(reads, async () => {
    return new DomoClient(cliClientSettings(values, io, await stack.config()), io.clientOptions);
  });
  const plan = planRecovery(parsed.data, live, new Date());
  for (const line of describeRecovery(plan)) io.stdout(`${line}\n`);
  const summary = `${recoverySummary(plan)}; 0 changes in Domo`;
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

/**
 * Reads exactly the listings the plan needs, and only reads: users and groups through their
 * shared listings, each concerned group's members once. No credentials are needed when the
 * plan reads nothing (a pending deletion guard, pending deletes).
 */
async function readLive(reads: LiveReads, client: () => Promise<DomoClient>): Promise<LiveDomo> {
  if (!reads.users && !reads.groups && reads.membersOf.length === 0) return {};
  const domo = await client();
  const live: LiveDomo = {
    ...(reads.users ? { users: await domo.users.listAll() } : {}),
    ...(reads.groups ? { groups: await domo.groups.listAll() } : {}),
  };
  if (reads.membersOf.length === 0) return live;
  const members = new Map<number, readonly number[] | undefined>();
  for (const groupId of reads.membersOf) members.set(groupId, await domo.groups.membersCached(groupId));
  return { ...live, members };
}
