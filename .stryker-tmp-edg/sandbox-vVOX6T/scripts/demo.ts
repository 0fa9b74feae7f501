/**
 * `npm start`: the main job. Starts the embedded Domo emulator (its data kept in .demo/, so a
 * second run finds the same instance), points the repository's own Pulumi project at it on a
 * local file backend, and converges users.yaml with the real Pulumi CLI:
 * `pulumi preview --diff`, then `pulumi up`. Run it twice: the second run changes nothing.
 */
// @ts-nocheck

import fs from "node:fs";
import path from "node:path";
import { startEmulator } from "../provider/emulator";
import { LocalStack, repoRoot } from "./lib/pulumi-cli";

async function main(): Promise<void> {
  const demoDir = path.join(repoRoot, ".demo");
  fs.mkdirSync(demoDir, { recursive: true });
  const dataFile = path.join(demoDir, "emulator.json");
  const firstRun = !fs.existsSync(dataFile);

  const emu = await startEmulator({ dataFile });
  try {
    say(
      `Domo emulator: ${emu.url} (data: ${path.relative(repoRoot, dataFile)}${firstRun ? ", new" : ", reused"})`,
    );
    const stack = new LocalStack({
      projectDir: repoRoot,
      workDir: path.join(demoDir, "pulumi"),
      stack: "demo",
      echo: true,
    });
    await stack.init();
    // The emulator's port changes between runs; credentials persist with its data.
    await stack.setConfig("domo:apiHost", emu.url);
    await stack.setConfig("domo:clientId", emu.credentials.clientId);
    await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });

    say("pulumi preview --diff  (what a pull request would show)");
    emu.resetCounters();
    await stack.preview(["--diff"]);
    const previewCalls = total(emu.counters());

    say("pulumi up  (what merging would do)");
    emu.resetCounters();
    await stack.up();
    const upCalls = emu.counters();

    say("Result");
    const users = emu.store
      .listUsers()
      .filter((u) => !u.deleted)
      .sort((a, b) => a.email.localeCompare(b.email));
    const roles = new Map(emu.store.roles().map((r) => [r.id, r.name]));
    for (const u of users) {
      console.log(
        `  ${String(u.id).padEnd(11)} ${u.email.padEnd(34)} ${(roles.get(u.roleId) ?? String(u.roleId)).padEnd(12)} ${u.name}`,
      );
    }
    console.log(`\n  API calls: preview ${previewCalls}; up ${total(upCalls)} ${JSON.stringify(upCalls)}`);
    console.log(
      `  State:     ${path.relative(repoRoot, stack.stateFile())} (local file backend, stack "demo")`,
    );
    console.log(`  Emulator:  ${path.relative(repoRoot, dataFile)}`);
    console.log(
      total(upCalls) === 0
        ? "\n  Domo already matched users.yaml: nothing to do."
        : "\n  Run `npm start` again: Domo now matches users.yaml, so nothing changes.",
    );
    console.log("  Edit users.yaml and run it again to see an update; `rm -rf .demo` starts over.");
  } finally {
    await emu.close();
  }
}

function total(counters: Record<string, number>): number {
  return Object.values(counters).reduce((a, b) => a + b, 0);
}

function say(text: string): void {
  console.log(`\n=== ${text}\n`);
}

main().catch((e: unknown) => {
  console.error(`\nThe demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
