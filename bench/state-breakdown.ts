/**
 * What one DomoUser costs in the checkpoint, key by key, installed from the npm tarball as
 * users install it: the engine's fields, the inputs and the outputs. The DIY backends rewrite
 * the whole checkpoint after every resource step, so in a first `up` of N users this entry's
 * size is paid about N²/2 times. Part of `npm run bench`; writes state-breakdown.md and .json.
 *
 *   tsx bench/state-breakdown.ts [--out bench]
 *   tsx bench/state-breakdown.ts --source <checkout> --json <file>   (measure another checkout,
 *       e.g. an earlier commit, built; bench/state-before.json was made so from commit 3408d38)
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "../provider/emulator";
import { ensurePulumiCli, repoRoot } from "../scripts/lib/pulumi-cli";
import { BenchProject, benchUsers, preparePackedInstall } from "./lib/project";

interface Breakdown {
  /** What was measured (the commit, or "this checkout"). */
  source: string;
  project: string;
  /** Compact JSON bytes of the DomoUser's whole checkpoint entry. */
  entryBytes: number;
  /** Bytes each top-level key adds to the entry (key, value and its comma). */
  engine: Record<string, number>;
  inputs: Record<string, number>;
  outputs: Record<string, number>;
  /** The entry itself, for the reader. */
  entry: Record<string, unknown>;
}

const project = "domo-users";

/** Bytes `key` adds to `container` inside `whole`: the entry's size with and without it. */
function costs(whole: Record<string, unknown>, pathTo: "inputs" | "outputs" | null): Record<string, number> {
  const full = JSON.stringify(whole).length;
  const target = (pathTo ? whole[pathTo] : whole) as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const key of Object.keys(target)) {
    const without = { ...target };
    delete without[key];
    const rebuilt = pathTo ? { ...whole, [pathTo]: without } : without;
    out[key] = full - JSON.stringify(rebuilt).length;
  }
  return out;
}

async function measure(sourceRoot: string, label: string): Promise<Breakdown> {
  const packedRoot = preparePackedInstall(sourceRoot);
  const emu = await startEmulator();
  const p = new BenchProject(project, { mode: "perUser", packedRoot, backend: { kind: "file" } });
  try {
    await p.stack.init();
    await p.stack.setConfig("domo:apiHost", emu.url);
    await p.stack.setConfig("domo:clientId", emu.credentials.clientId);
    await p.stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    // The bench's users: email, name, role and title.
    p.declare(benchUsers(3));
    await p.stack.up();
    const state = JSON.parse(await p.stateText()) as {
      checkpoint: { latest: { resources: Array<Record<string, unknown>> } };
    };
    const entry = state.checkpoint.latest.resources.find((r) => r.urn === userUrn("u1"));
    if (!entry) throw new Error("no DomoUser u1 in the checkpoint");
    return {
      source: label,
      project,
      entryBytes: JSON.stringify(entry).length,
      engine: costs(entry, null),
      inputs: costs(entry, "inputs"),
      outputs: costs(entry, "outputs"),
      entry,
    };
  } finally {
    await emu.close();
    p.dispose();
    fs.rmSync(packedRoot, { recursive: true, force: true });
  }
}

function userUrn(name: string): string {
  return `urn:pulumi:dev::${project}::pulumi-nodejs:dynamic/domo:User::${name}`;
}

function table(
  title: string,
  before: Record<string, number> | undefined,
  now: Record<string, number>,
): string {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(now)])];
  const rows = keys.map((k) => `| \`${k}\` | ${before ? (before[k] ?? "—") : "—"} | ${now[k] ?? "—"} |`);
  return [`### ${title}`, "", "| key | before (B) | now (B) |", "| --- | ---: | ---: |", ...rows, ""].join(
    "\n",
  );
}

function render(now: Breakdown, before: Breakdown | undefined): string {
  const part = (b: Breakdown, key: "inputs" | "outputs") => b.engine[key] ?? 0;
  const engineOnly = (b: Breakdown) => b.entryBytes - part(b, "inputs") - part(b, "outputs");
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return [
    "# What one DomoUser costs in the checkpoint",
    "",
    `Generated ${new Date().toISOString()} by \`tsx bench/state-breakdown.ts\` (part of \`npm run bench\`).`,
    "Installed from the npm tarball into a project named `" +
      project +
      "`, stack `dev`, a file backend; one DomoUser with email, name, role and title (the bench's users). " +
      "Bytes are of the compact JSON the DIY backends write; each figure is what the key adds to the entry.",
    "",
    `| | before (${before?.source ?? "not measured"}) | now (${now.source}) |`,
    "| --- | ---: | ---: |",
    `| whole entry | ${before?.entryBytes ?? "—"} B | ${now.entryBytes} B |`,
    `| of it: inputs | ${before ? part(before, "inputs") : "—"} B | ${part(now, "inputs")} B |`,
    `| of it: outputs | ${before ? part(before, "outputs") : "—"} B | ${part(now, "outputs")} B |`,
    `| of it: engine fields (URN, type, parent, provider, dependencies, timestamps, source position, stack trace) | ${
      before ? engineOnly(before) : "—"
    } B | ${engineOnly(now)} B |`,
    "",
    "What changed, and why nothing a user relies on went:",
    "",
    "- `__provider` (in inputs and outputs both): the one-line `require` of the kind's provider module " +
      "(`pulumi-domo/provider/user`, a package `exports` entry) instead of Pulumi's closure serialization of it. " +
      "Older texts in existing state keep working: the modules they require stay.",
    "- `sourcePosition` and `stackTrace`: not recorded (the SDK records every frame of Pulumi's program runner; " +
      "only Pulumi Cloud's console shows them, the DIY backends nowhere).",
    "- Settings at their default (`deletionPolicy: delete`, `sendInvite`, `adoptExisting`, " +
      "`allowUnsafeAdminChanges` false) are left out of the outputs, as they already were of the inputs: " +
      "an absent setting reads as its default, and DomoUser's setting outputs come from its inputs, so " +
      '`user.deletionPolicy` is still `"delete"`. A setting that differs (`retain`) is kept.',
    "- Kept: every output Domo gives (`userId`, the profile fields, `roleId`, `groups`, `image`, " +
      "`createdAt`, `updatedAt`) and `managedFields` (which fields the declaration manages).",
    `- Engine fields left: URN, type, id, parent, provider reference, timestamps, \`propertyDependencies\` ` +
      "(the SDK sends one per input; the engine drops the empty ones on a later `up`). They hold the project " +
      "and stack names, so a longer project name costs about 3 bytes a character.",
    "",
    table("Engine fields (top-level keys)", before?.engine, now.engine),
    table("Inputs", before?.inputs, now.inputs),
    table("Outputs", before?.outputs, now.outputs),
    `Sum of the input keys: ${before ? `${sum(before.inputs)} B before, ` : ""}${sum(now.inputs)} B now; of the output keys: ${
      before ? `${sum(before.outputs)} B before, ` : ""
    }${sum(now.outputs)} B now.`,
    "",
    "## The entry now",
    "",
    "```json",
    JSON.stringify(now.entry, null, 2),
    "```",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: path.join(repoRoot, "bench") },
      source: { type: "string" },
      json: { type: "string" },
      label: { type: "string" },
    },
  });
  ensurePulumiCli();
  if (values.source) {
    const measured = await measure(path.resolve(values.source), values.label ?? values.source);
    const file = values.json ?? path.join(values.out, "state-breakdown.json");
    fs.writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
    process.stderr.write(`wrote ${file}: ${measured.entryBytes} B per DomoUser\n`);
    return;
  }
  const now = await measure(repoRoot, "this checkout");
  const beforeFile = path.join(repoRoot, "bench", "state-before.json");
  const before = fs.existsSync(beforeFile)
    ? (JSON.parse(fs.readFileSync(beforeFile, "utf8")) as Breakdown)
    : undefined;
  fs.mkdirSync(values.out, { recursive: true });
  fs.writeFileSync(path.join(values.out, "state-breakdown.json"), `${JSON.stringify(now, null, 2)}\n`);
  fs.writeFileSync(path.join(values.out, "state-breakdown.md"), render(now, before));
  process.stderr.write(
    `wrote ${path.join(values.out, "state-breakdown.md")}: ${now.entryBytes} B per DomoUser${before ? ` (before: ${before.entryBytes} B)` : ""}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
