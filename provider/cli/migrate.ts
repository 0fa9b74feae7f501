import { randomBytes, randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exportedStackSchema } from "../resources/recovery/deployment";
import { type DynamicKind, dynamicKinds } from "../resources/type-tokens";
import { helpShown, parseCommandFlags } from "./credentials";
import { CliError, type CliIo, exitCodes } from "./io";
import { MigrationRefused, type NativeMigration, planNativeMigration } from "./migrate-plan";
import { PulumiStack } from "./stack";

export const migrateUsage = `Usage: pulumi-domo migrate [--stack <name>] [--cwd <project dir>] [--dry-run] [--backup <file>]

Moves a stack from the dynamic resources (DomoUser, DomoGroup, ... in a Node program) to the
native \`domo\` provider (pulumi-resource-domo) without a single call to Domo: one
\`pulumi stack import\` gives every dynamic resource of this package its native type
(pulumi-nodejs:dynamic/domo:User -> domo:index:User, and so on), renames its URN and every
reference to it, drops the dynamic provider's code (\`__provider\`) from its state and points it
at the native default provider, added to the state with the stack's domo:* settings. Ids,
inputs and outputs stay as they are; resources of other packages pass through.

Then declare the same resources natively (same names, same inputs, same parents) and run
\`pulumi preview\`: it shows no change to any account or group. Do not \`pulumi up\` the
dynamic program on the migrated stack (it would create everything anew and delete the native
resources). See docs/migrate-to-native.md.

The exported state is first saved to a backup file (named in the output); to undo:
\`pulumi stack import --stack <name> --file <backup>\`. A stack with pending operations (an
interrupted run) is refused: run \`pulumi-domo recover\` first.

Options:
  --stack <name>                the stack (default: the project's selected stack)
  --cwd <dir>                   the Pulumi project directory (default: the current directory)
  --dry-run                     say what would be done; write nothing (no backup either)
  --backup <file>               where to save the exported state (default: in the project
                                directory, pulumi-domo-migrate-<stack>-<time>.json)
  -h, --help                    show this help`;

export async function migrateCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandFlags(argv, "migrate", {
    stack: { type: "string", short: "s" },
    cwd: { type: "string", short: "C" },
    "dry-run": { type: "boolean" },
    backup: { type: "string" },
  });
  if (helpShown(values, migrateUsage, io)) return exitCodes.ok;
  const cwd = path.resolve(io.cwd, values.cwd ?? ".");
  const stack = new PulumiStack({ stack: values.stack, cwd, env: io.env });
  const raw = await stack.exportDeployment();
  const parsed = exportedStackSchema.safeParse(raw);
  if (!parsed.success)
    throw new CliError("`pulumi stack export` printed a deployment this tool does not understand");
  let plan: NativeMigration;
  try {
    plan = planNativeMigration(parsed.data, { version: packageVersion(), newProviderId: randomUUID });
  } catch (e) {
    if (e instanceof MigrationRefused) throw new CliError(`${stack.label} is not migrated: ${e.message}`);
    throw e;
  }
  const moved = Object.values(plan.counts).reduce((n, c) => n + (c ?? 0), 0);
  if (moved === 0) {
    io.stdout(`Nothing to migrate: ${stack.label} holds no dynamic pulumi-domo resource.\n`);
    return exitCodes.ok;
  }
  for (const line of describeMigration(plan)) io.stdout(`${line}\n`);
  const summary = `${moved} resource(s) moved to the native domo provider; 0 calls to Domo`;
  if (values["dry-run"]) {
    io.stdout(`Dry run: ${summary}; nothing written to ${stack.label}.\n`);
    return exitCodes.ok;
  }

  const backup = path.resolve(
    cwd,
    values.backup ?? `pulumi-domo-migrate-${safeName(values.stack ?? "stack")}-${timestamp(new Date())}.json`,
  );
  // The export as Pulumi printed it (secrets stay ciphertext), owner-only: it is the stack's state.
  try {
    writeFileSync(backup, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (e) {
    throw new CliError(`could not write the backup ${backup}: ${(e as Error).message}`);
  }
  io.stdout(`Backup of the exported state: ${backup}\n`);
  const file = path.join(os.tmpdir(), `pulumi-domo-migrate-${randomBytes(6).toString("hex")}.json`);
  try {
    writeFileSync(file, JSON.stringify(plan.exported), { mode: 0o600 });
    await stack.importDeployment(file, (line) => io.stdout(`${line}\n`));
  } finally {
    rmSync(file, { force: true });
  }
  io.stdout(
    `Migrated ${stack.label}: ${summary}. Declare the same resources natively (same names and inputs), then \`pulumi preview\`.\n` +
      `To undo: pulumi stack import${values.stack ? ` --stack ${values.stack}` : ""} --file ${backup}\n`,
  );
  return exitCodes.ok;
}

/** What the migration does, one line each: per kind, the provider, the dropped provider. */
export function describeMigration(plan: NativeMigration): string[] {
  const lines: string[] = [];
  for (const kind of Object.keys(dynamicKinds) as DynamicKind[]) {
    const n = plan.counts[kind];
    if (n) lines.push(`move ${n} ${kind}: pulumi-nodejs:dynamic/domo:${kind} -> domo:index:${kind}`);
  }
  const others = plan.renamed.size - Object.values(plan.counts).reduce((n, c) => n + (c ?? 0), 0);
  if (others > 0) lines.push(`rename ${others} other URN(s) under a moved resource`);
  const settings = plan.provider.settings.length > 0 ? plan.provider.settings.join(", ") : "none";
  lines.push(
    plan.provider.added
      ? `add provider ${plan.provider.urn} (settings: ${settings}; version input)`
      : `use provider ${plan.provider.urn} (already in the state)`,
  );
  for (const urn of plan.droppedProviders) lines.push(`drop provider ${urn} (nothing else uses it)`);
  return lines;
}

function packageVersion(): string {
  return (require("../../package.json") as { version: string }).version;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

function timestamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}
