/**
 * `npm run trials:interrupted`: kills `pulumi up` of 40 users at 10 different points (SIGKILL
 * of the whole process group, under 120 ms of emulator latency per create), then runs
 * `pulumi-domo recover` and `pulumi up`, and checks that every declared user exists exactly
 * once, none is orphaned, and `pulumi preview --expect-no-changes` passes. Writes the trials to
 * tests/INTERRUPTED-RUNS.md.
 */
// @ts-nocheck

import fs from "node:fs";
import path from "node:path";
import { runCli } from "../provider/cli/run";
import { startEmulator } from "../provider/emulator";
import { upKilledAfter } from "./lib/interrupt";
import { LocalStack, repoRoot } from "./lib/pulumi-cli";

const users = 40;
const killPoints = [1, 4, 8, 12, 16, 20, 24, 28, 33, 38];

interface Trial {
  killAfter: number;
  how: "group" | "tree";
  createdBeforeKill: number;
  pending: number;
  recorded: number;
  dropped: number;
  recoverWrites: number;
  upCreates: number;
  live: number;
  duplicates: number;
  orphans: number;
  noChanges: boolean;
  seconds: number;
}

async function trial(killAfter: number): Promise<Trial> {
  const started = Date.now();
  const emu = await startEmulator();
  const projectDir = fs.mkdtempSync(path.join(repoRoot, "tests", ".tmp", "interrupted-"));
  const workDir = fs.mkdtempSync(path.join(repoRoot, "tests", ".tmp", "interrupted-work-"));
  try {
    fs.writeFileSync(
      path.join(projectDir, "Pulumi.yaml"),
      "name: interrupted\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    fs.writeFileSync(
      path.join(projectDir, "index.js"),
      `const { DomoUser } = require("pulumi-domo");\nfor (let i = 0; i < ${users}; i++) new DomoUser("u" + i, { email: "u" + i + "@example.com", name: "User " + i, role: "Editor" });\n`,
    );
    const stack = new LocalStack({ projectDir, workDir });
    await stack.init();
    await stack.setConfig("domo:apiHost", emu.url);
    await stack.setConfig("domo:clientId", emu.credentials.clientId);
    await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    // A client rate below the engine's parallelism keeps some creates queued in the provider
    // (recorded as pending, never sent): recover must drop those and record the rest.
    await stack.setConfig("domo:requestsPerSecond", "10");
    emu.faults.add({ kind: "latency", ms: 120, route: "POST /v1/users" });
    const how = killPoints.indexOf(killAfter) % 2 === 0 ? "group" : "tree";
    const killed = await upKilledAfter(stack, projectDir, emu, killAfter, how);
    if (!killed.killed)
      throw new Error(`the up ended before the kill point ${killAfter}:\n${killed.output.slice(-2000)}`);
    emu.faults.clear();
    emu.resetCounters();
    let out = "";
    const code = await runCli(["recover", "--stack", stack.stack, "--cwd", projectDir], {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        out += t;
      },
      env: stack.environment(),
      cwd: projectDir,
    });
    if (code !== 0) throw new Error(`recover failed: ${out}`);
    const writes = (c: Record<string, number>) =>
      Object.entries(c)
        .filter(([r]) => /^(POST|PUT|DELETE) \/v1/.test(r))
        .reduce((n, [, v]) => n + v, 0);
    const recoverWrites = writes(emu.counters());
    emu.resetCounters();
    await stack.up();
    const upCreates = emu.counters()["POST /v1/users"] ?? 0;
    const preview = await stack.preview(["--expect-no-changes"], { allowFailure: true });
    const live = emu.store.listUsers().filter((u) => !u.deleted && u.email.startsWith("u"));
    const counts = new Map<string, number>();
    for (const u of live) counts.set(u.email, (counts.get(u.email) ?? 0) + 1);
    const state = JSON.parse(fs.readFileSync(stack.stateFile(), "utf8")) as {
      checkpoint: { latest: { resources: { type: string; id?: string }[] } };
    };
    const managed = new Set(
      state.checkpoint.latest.resources.filter((r) => r.type.endsWith("domo:User")).map((r) => Number(r.id)),
    );
    return {
      killAfter,
      how,
      createdBeforeKill: killed.createdBeforeKill,
      pending: killed.pending,
      recorded: (out.match(/^recorded /gm) ?? []).length,
      dropped: (out.match(/^dropped /gm) ?? []).length,
      recoverWrites,
      upCreates,
      live: live.length,
      duplicates: [...counts.values()].filter((n) => n > 1).length,
      orphans: live.filter((u) => !managed.has(u.id)).length,
      noChanges: preview.code === 0,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await emu.close();
    fs.rmSync(projectDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(path.join(repoRoot, "tests", ".tmp"), { recursive: true });
  const trials: Trial[] = [];
  for (const k of killPoints) {
    // A run that ended before its kill point is no trial: say why, and try that point again.
    for (let attempt = 1; ; attempt++) {
      try {
        const t = await trial(k);
        trials.push(t);
        console.log(JSON.stringify(t));
        break;
      } catch (e) {
        console.error(`kill point ${k}, attempt ${attempt}: ${e instanceof Error ? e.message : String(e)}`);
        if (attempt >= 3) throw e;
      }
    }
  }
  const ok = trials.every(
    (t) => t.live === users && t.duplicates === 0 && t.orphans === 0 && t.noChanges && t.recoverWrites === 0,
  );
  const rows = trials.map(
    (t) =>
      `| ${t.killAfter} | ${t.how} | ${t.createdBeforeKill} | ${t.pending} | ${t.recorded} | ${t.dropped} | ${t.recoverWrites} | ${t.upCreates} | ${t.live} | ${t.duplicates} | ${t.orphans} | ${t.noChanges ? "yes" : "NO"} | ${t.seconds} |`,
  );
  const report = `# Interrupted runs: SIGKILL, \`pulumi-domo recover\`, \`pulumi up\`

Generated by \`npm run trials:interrupted\` (scripts/interrupted-runs.ts) on ${new Date().toISOString().slice(0, 10)}.
Each trial (every one a real SIGKILL: a run that ends before its kill point is retried): a fresh stack of ${users} DomoUsers on a local file backend, the emulator with 120 ms of
latency on every create, \`pulumi up\` SIGKILLed (whole process group) once Domo held the given
number of new users (the provider's client rate at 10 requests/s, below the engine's parallelism,
so some creates are pending but still queued in the provider when the kill comes). Kill "group"
is a CI job timeout: SIGKILL of the CLI's process group, while Pulumi's plugins (own process
groups) finish what they already started; kill "tree" is a lost machine: the CLI and every
descendant at once, so queued creates never reach Domo. Then
\`pulumi-domo recover\` and \`pulumi up\`, then
\`pulumi preview --expect-no-changes\`.

| kill after | kill | created at kill | pending ops left | recorded by recover | dropped | recover writes | creates by next up | live users | duplicates | orphans | no changes after | s |
| ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |
${rows.join("\n")}

Result: ${ok ? `all ${trials.length} trials converged: every declared user exists exactly once, none is orphaned, recover wrote nothing to Domo` : "FAILED: see the rows above"}.
`;
  fs.writeFileSync(path.join(repoRoot, "tests", "INTERRUPTED-RUNS.md"), report);
  console.log(report);
  if (!ok) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
