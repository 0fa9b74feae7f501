/**
 * The memberships phase of `npm run bench` (alone: `npm run bench:memberships`): a users-file
 * directory of 1,000 users in 20 groups (authoritative memberships, 50 users each), converged
 * through the real Pulumi CLI against the rate-limited emulator. Reports calls and wall time
 * against the rate-limit floor for the first `up`, a no-change preview and `up` (0 calls), moving
 * 1% of the users to another group, and a refresh. Writes bench/memberships.md and .json.
 *
 *   tsx bench/memberships.ts [--users 1000] [--groups 20] [--latency 50] [--rate 20] [--out bench]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "../provider/emulator";
import { LocalStack, repoRoot } from "../scripts/lib/pulumi-cli";

interface Phase {
  id: string;
  label: string;
  wallSeconds: number;
  calls: Record<string, number>;
  totalCalls: number;
  status429: number;
  /** The rate-limit floor for the calls made: calls / rate (the latency bound is lower here). */
  floorSeconds: number;
  ratio: number | null;
  expectedCalls?: string;
  checks: { name: string; ok: boolean; detail?: string }[];
  loadAverage: number;
}

const program = `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
`;

function usersFile(users: number, groups: number, moved: ReadonlySet<number> = new Set()): string {
  const lines = ["groups:"];
  for (let g = 0; g < groups; g++) lines.push(`  - name: Team ${String(g).padStart(2, "0")}`);
  lines.push("users:");
  for (let i = 0; i < users; i++) {
    const g = (i + (moved.has(i) ? 1 : 0)) % groups;
    const id = String(i).padStart(4, "0");
    lines.push(
      `  - {email: member${id}@example.com, name: Member ${id}, role: Participant, groups: [Team ${String(g).padStart(2, "0")}]}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "1000" },
      groups: { type: "string", default: "20" },
      latency: { type: "string", default: "50" },
      rate: { type: "string", default: "20" },
      out: { type: "string", default: path.join(repoRoot, "bench") },
    },
  });
  const nUsers = Number(values.users);
  const nGroups = Number(values.groups);
  const latencyMs = Number(values.latency);
  const rate = Number(values.rate);
  const log = (s: string) => console.log(`[memberships] ${s}`);

  const emu = await startEmulator({
    latencyMs,
    rateLimit: { requestsPerSecond: rate, retryAfter: "seconds" },
    requestLogLimit: 1_000_000,
  });
  fs.mkdirSync(path.join(repoRoot, "tests", ".tmp"), { recursive: true });
  const projectDir = fs.mkdtempSync(path.join(repoRoot, "tests", ".tmp", "bench-memberships-"));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-memberships-work-"));
  const phases: Phase[] = [];
  try {
    fs.writeFileSync(
      path.join(projectDir, "Pulumi.yaml"),
      "name: bench-memberships\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    fs.writeFileSync(path.join(projectDir, "index.js"), program);
    fs.writeFileSync(path.join(projectDir, "users.yaml"), usersFile(nUsers, nGroups));
    const stack = new LocalStack({ projectDir, workDir });
    await stack.init();
    await stack.setConfig("domo:apiHost", emu.url);
    await stack.setConfig("domo:clientId", emu.credentials.clientId);
    await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    await stack.setConfig("domo:requestsPerSecond", String(rate));

    const phase = async (
      id: string,
      label: string,
      run: () => Promise<unknown>,
      expect: { calls?: number; describe?: string } = {},
      checks: () => Phase["checks"] = () => [],
    ): Promise<Phase> => {
      log(`${id}: running`);
      emu.resetCounters();
      const from = Date.now();
      const began = performance.now();
      await run();
      const wallSeconds = (performance.now() - began) / 1000;
      const calls = emu.counters();
      const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
      const status429 = emu.requestLog().filter((e) => e.at >= from && e.status === 429).length;
      const floorSeconds = Math.max(totalCalls / rate, (totalCalls * latencyMs) / 1000 / 8);
      const p: Phase = {
        id,
        label,
        wallSeconds,
        calls,
        totalCalls,
        status429,
        floorSeconds,
        ratio: floorSeconds > 0.5 ? wallSeconds / floorSeconds : null,
        ...(expect.describe === undefined ? {} : { expectedCalls: expect.describe }),
        checks: [
          ...(expect.calls === undefined
            ? []
            : [
                {
                  name: `${expect.calls} API calls`,
                  ok: totalCalls === expect.calls,
                  detail: `${totalCalls}`,
                },
              ]),
          ...checks(),
        ],
        loadAverage: os.loadavg()[0] ?? 0,
      };
      phases.push(p);
      log(`${id}: ${wallSeconds.toFixed(1)} s, ${totalCalls} calls ${JSON.stringify(calls)}`);
      return p;
    };

    const membership = () => {
      const groups = emu.store.listGroups().filter((g) => g.name.startsWith("Team "));
      const members = groups.reduce((n, g) => n + g.memberIds.length, 0);
      return [
        { name: `${nGroups} groups`, ok: groups.length === nGroups, detail: `${groups.length}` },
        { name: `${nUsers} memberships`, ok: members === nUsers, detail: `${members}` },
      ];
    };
    await phase(
      "up-create",
      `first \`pulumi up\`: ${nUsers} users, ${nGroups} groups, ${nUsers} memberships`,
      () => stack.up(),
      {
        describe: `${nUsers} user creates + ${nGroups} group creates + ${nUsers} member adds + tokens and listings`,
      },
      membership,
    );
    await phase("preview-nochange", "`pulumi preview`, nothing changed", () => stack.preview(), { calls: 0 });
    await phase("up-nochange", "`pulumi up`, nothing changed", () => stack.up(), { calls: 0 });
    const moved = new Set(Array.from({ length: Math.max(1, Math.round(nUsers / 100)) }, (_, j) => j * 100));
    fs.writeFileSync(path.join(projectDir, "users.yaml"), usersFile(nUsers, nGroups, moved));
    await phase(
      "up-move",
      `\`pulumi up\` moving ${moved.size} users (1%) to another group`,
      () => stack.up(),
      { describe: `${moved.size} removes + ${moved.size} adds + token and listings` },
      membership,
    );
    await phase("refresh", "`pulumi refresh`", () => stack.refresh(), {
      describe: `ceil(${nUsers + 1}/500) user pages + ceil(${nGroups + 1}/500) group pages + one member listing per group (${nGroups}) + token(s)`,
    });
  } finally {
    await emu.close();
    fs.rmSync(projectDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const rows = phases.map(
    (p) =>
      `| ${p.label} | ${p.totalCalls} | ${p.wallSeconds.toFixed(1)} s | ${p.floorSeconds.toFixed(1)} s | ${p.ratio === null ? "n/a" : `${p.ratio.toFixed(2)}×`} | ${p.status429} | ${p.checks.map((c) => `${c.ok ? "ok" : "FAILED"}: ${c.name}${c.detail === undefined ? "" : ` (${c.detail})`}`).join("; ") || "-"} | ${p.loadAverage.toFixed(2)} |`,
  );
  const md = `# Memberships benchmark

Generated by \`npm run bench:memberships\` (bench/memberships.ts; also run by \`npm run bench\`) on
${new Date().toISOString().slice(0, 10)}: a users-file DomoUserDirectory of ${nUsers} users in ${nGroups} groups
(authoritative, ${Math.round(nUsers / nGroups)} each), per-user mode, the real Pulumi CLI on a local file
backend, the emulator at ${latencyMs} ms latency and ${rate} requests/s, the provider's
domo:requestsPerSecond ${rate}. Floor = max(calls / ${rate}, calls × ${latencyMs / 1000} s / 8). The machine has
2 cores; the load average column shows other work running at the time.

| phase | calls | wall | floor | wall / floor | 429s | checks | load |
| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |
${rows.join("\n")}

Calls per phase:

${phases.map((p) => `- ${p.id}: ${JSON.stringify(p.calls)}${p.expectedCalls ? ` (expected: ${p.expectedCalls})` : ""}`).join("\n")}
`;
  fs.writeFileSync(path.join(values.out, "memberships.md"), md);
  fs.writeFileSync(
    path.join(values.out, "memberships.json"),
    `${JSON.stringify({ nUsers, nGroups, latencyMs, rate, phases }, null, 2)}\n`,
  );
  console.log(md);
  if (phases.some((p) => p.checks.some((c) => !c.ok))) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
