/**
 * `npm run trials:interrupted`: SIGKILLs `pulumi up` at many points of four kinds of run, then
 * runs `pulumi-domo recover` and `pulumi up`, and checks that every declared user and group
 * exists exactly once with its declared members, nothing is orphaned, recover wrote nothing to
 * Domo, and `pulumi preview --expect-no-changes` passes. Writes the trials to
 * tests/INTERRUPTED-RUNS.md, a section per kind of run:
 *
 * - 40 loose DomoUsers (the first trials, kept as they were);
 * - a bulk-mode first `up` of 320 users with two groups (DomoUserBatch, DomoGroupMembers,
 *   DomoGroupMembership);
 * - a perUser first `up` of a users file with 12 groups and their members;
 * - a bulk-mode edit (200 titles changed, 20 users added, 20 removed) of 300 converged users.
 *
 * `npm run trials:interrupted -- bulk groups` runs only the named kinds (and leaves the report's
 * other sections out).
 */
import fs from "node:fs";
import path from "node:path";
import { runCli } from "../provider/cli/run";
import { type RunningEmulator, startEmulator } from "../provider/emulator";
import type { RouteKey } from "../provider/emulator/routing";
import { type KillHow, upKilledWhen } from "./lib/interrupt";
import { LocalStack, repoRoot } from "./lib/pulumi-cli";

/** What a converged run must show in Domo: users by email (with a title where one is declared) and groups. */
interface Declared {
  users: { email: string; title?: string }[];
  groups: { name: string; members: string[]; mode: "authoritative" | "additive" }[];
}

interface Scenario {
  id: string;
  title: string;
  /** How the run is set up and killed, for the report. */
  about: string;
  killPoints: number[];
  /** What the kill point counts. */
  measure: string;
  /** What the killed `up` declares: what Domo must hold once the next `up` converged. */
  declared: Declared;
  /** Writes the project, sets config and converges any starting state. */
  prepare(stack: LocalStack, projectDir: string, emu: RunningEmulator): Promise<void>;
  /** Emulator latency while the run that is killed runs. */
  faults: { route: RouteKey; ms: number }[];
  /** The emulator routes whose requests the kill point counts. */
  counted: RouteKey[];
}

interface Trial {
  killAt: number;
  how: KillHow;
  atKill: number;
  pending: number;
  recorded: number;
  dropped: number;
  left: number;
  recoverWrites: number;
  upWrites: number;
  liveUsers: number;
  liveGroups: number;
  duplicates: number;
  orphans: number;
  wrong: string[];
  noChanges: boolean;
  seconds: number;
}

const directoryProgram = `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const people = new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
exports.userIds = people.userIds;
exports.groupIds = people.groupIds;
`;

async function credentials(
  stack: LocalStack,
  emu: RunningEmulator,
  requestsPerSecond: number,
): Promise<void> {
  await stack.setConfig("domo:apiHost", emu.url);
  await stack.setConfig("domo:clientId", emu.credentials.clientId);
  await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
  // A client rate below what the run could send keeps some requests queued in the provider
  // (never sent) when the kill comes: recover must drop those and record the rest.
  await stack.setConfig("domo:requestsPerSecond", String(requestsPerSecond));
}

function writeUsersFile(projectDir: string, mode: "bulk" | "perUser", d: Declared, batchSize = 100): void {
  const groupsOf = (email: string) => d.groups.filter((g) => g.members.includes(email)).map((g) => g.name);
  const lines = [
    `mode: ${mode}`,
    ...(mode === "bulk" ? [`batchSize: ${batchSize}`] : []),
    ...(d.groups.length > 0
      ? [
          "groups:",
          ...d.groups.map(
            (g) => `  - {name: ${g.name}${g.mode === "additive" ? ", members: additive" : ""}}`,
          ),
        ]
      : []),
    "users:",
    ...d.users.map((u) => {
      const groups = groupsOf(u.email);
      // Named after the email, one name per person: the directory refuses a run that removes one
      // person and adds another with the same name (it looks like one person under a new email).
      return `  - {email: ${u.email}, name: Person ${u.email.split("@")[0]}, role: Participant${u.title ? `, title: ${u.title}` : ""}${groups.length > 0 ? `, groups: [${groups.join(", ")}]` : ""}}`;
    }),
    "",
  ];
  fs.writeFileSync(path.join(projectDir, "users.yaml"), lines.join("\n"));
}

function project(projectDir: string, program: string): void {
  fs.writeFileSync(
    path.join(projectDir, "Pulumi.yaml"),
    "name: interrupted\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
  );
  fs.writeFileSync(path.join(projectDir, "index.js"), program);
}

const people = (n: number, prefix: string, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ email: `${prefix}${from + i}@example.com` }));
const writeRoutes: RouteKey[] = ["POST /v1/users", "POST /v1/groups", "PUT /v1/groups/{id}/users/{userId}"];

function bulkDeclared(): Declared {
  const users = people(320, "bulk");
  return {
    users,
    groups: [
      { name: "Bulk-Authoritative", mode: "authoritative", members: users.slice(0, 60).map((u) => u.email) },
      { name: "Bulk-Additive", mode: "additive", members: users.slice(60, 90).map((u) => u.email) },
    ],
  };
}

function groupsDeclared(): Declared {
  const users = people(36, "grp");
  return {
    users,
    groups: Array.from({ length: 12 }, (_, g) => ({
      name: `Team-${g}`,
      mode: g >= 8 ? ("additive" as const) : ("authoritative" as const),
      members: users.filter((_, i) => i % 12 === g || (i + 5) % 12 === g).map((u) => u.email),
    })),
  };
}

const scenarios: Scenario[] = [
  {
    id: "users",
    title: "40 loose DomoUsers, first `up`",
    about:
      "a fresh stack of 40 DomoUsers (a program, no users file), the emulator with 120 ms of latency on every create, the provider's client rate at 10 requests/s (below the engine's parallelism, so some creates are pending but still queued in the provider when the kill comes)",
    killPoints: [1, 4, 8, 12, 16, 20, 24, 28, 33, 38],
    measure: "users created",
    counted: ["POST /v1/users"],
    faults: [{ route: "POST /v1/users", ms: 120 }],
    async prepare(stack, projectDir, emu) {
      project(
        projectDir,
        `const { DomoUser } = require("pulumi-domo");\nfor (let i = 0; i < 40; i++) new DomoUser("u" + i, { email: "u" + i + "@example.com", name: "User " + i, role: "Editor" });\n`,
      );
      await stack.init();
      await credentials(stack, emu, 10);
    },
    declared: { users: people(40, "u"), groups: [] },
  },
  {
    id: "bulk",
    title: "bulk mode, first `up` of 320 users and 2 groups",
    about:
      "a users file in `mode: bulk` (`batchSize: 100`: 4 DomoUserBatch resources of about 80 users) with 320 users, an authoritative group of 60 of them (DomoGroupMembers) and an additive group of 30 others (a DomoGroupMembership each); 40 ms of latency on every create and member write, the client at 80 requests/s",
    killPoints: [1, 30, 60, 95, 130, 165, 200, 240, 280, 315, 340, 380],
    measure: "writes (user and group creates, member additions)",
    counted: writeRoutes,
    faults: [
      { route: "POST /v1/users", ms: 40 },
      { route: "PUT /v1/groups/{id}/users/{userId}", ms: 40 },
    ],
    declared: bulkDeclared(),
    async prepare(stack, projectDir, emu) {
      project(projectDir, directoryProgram);
      writeUsersFile(projectDir, "bulk", this.declared);
      await stack.init();
      await credentials(stack, emu, 80);
    },
  },
  {
    id: "groups",
    title: "perUser, first `up` of 12 groups with members",
    about:
      "a users file (perUser) with 36 users and 12 groups, each user in 2 of them: 8 authoritative groups (a DomoGroupMembers each) and 4 additive ones (a DomoGroupMembership per member, 24 in all); 60 ms of latency on every create and member write, the client at 20 requests/s",
    killPoints: [1, 8, 16, 26, 36, 46, 58, 70, 84, 98, 112],
    measure: "writes (user and group creates, member additions)",
    counted: writeRoutes,
    faults: writeRoutes.map((route) => ({ route, ms: 60 })),
    declared: groupsDeclared(),
    async prepare(stack, projectDir, emu) {
      project(projectDir, directoryProgram);
      writeUsersFile(projectDir, "perUser", this.declared);
      await stack.init();
      await credentials(stack, emu, 20);
    },
  },
  {
    id: "edit",
    title: "bulk mode, an edit of 300 converged users",
    about:
      "300 users in `mode: bulk` (`batchSize: 100`: 4 batches) converged by a first `up`; then the users file changes 200 titles, adds 20 users and removes 20 (a pending update of every batch); 40 ms of latency on every user write, the client at 80 requests/s",
    killPoints: [15, 80, 150, 210],
    measure: "user writes of the edit (PUT, POST, DELETE)",
    counted: ["PUT /v1/users/{id}", "POST /v1/users", "DELETE /v1/users/{id}"],
    faults: [
      { route: "PUT /v1/users/{id}", ms: 40 },
      { route: "POST /v1/users", ms: 40 },
      { route: "DELETE /v1/users/{id}", ms: 40 },
    ],
    declared: {
      users: [
        ...people(280, "edit").map((u, i) => (i < 200 ? { ...u, title: `Title-${i}` } : u)),
        ...people(20, "edit", 300),
      ],
      groups: [],
    },
    async prepare(stack, projectDir, emu) {
      project(projectDir, directoryProgram);
      writeUsersFile(projectDir, "bulk", { users: people(300, "edit"), groups: [] });
      await stack.init();
      await credentials(stack, emu, 500);
      await stack.up();
      await stack.setConfig("domo:requestsPerSecond", "80");
      writeUsersFile(projectDir, "bulk", this.declared);
    },
  },
];

interface StateResource {
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

/** What the stack's state holds: Domo user ids, group ids, member lists and membership pairs. */
function held(stack: LocalStack) {
  const state = JSON.parse(fs.readFileSync(stack.stateFile(), "utf8")) as {
    checkpoint: { latest: { resources?: StateResource[] } };
  };
  const users: number[] = [];
  const groups: number[] = [];
  const lists = new Set<number>();
  const pairs = new Set<string>();
  for (const r of state.checkpoint.latest.resources ?? []) {
    const kind = r.type.replace("pulumi-nodejs:dynamic/domo:", "");
    if (kind === "User") users.push(Number(r.id));
    if (kind === "UserBatch")
      users.push(...Object.values((r.outputs?.userIds ?? {}) as Record<string, number>));
    if (kind === "Group") groups.push(Number(r.id));
    if (kind === "GroupMembers") lists.add(Number(r.id));
    if (kind === "GroupMembership" && r.id) pairs.add(r.id);
  }
  return { users, groups, lists, pairs };
}

const writes = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([r]) => /^(POST|PUT|DELETE) \/v1/.test(r))
    .reduce((n, [, v]) => n + v, 0);

async function trial(s: Scenario, killAt: number, how: KillHow): Promise<Trial> {
  const started = Date.now();
  const emu = await startEmulator();
  const projectDir = fs.mkdtempSync(path.join(repoRoot, "tests", ".tmp", `interrupted-${s.id}-`));
  const workDir = fs.mkdtempSync(path.join(repoRoot, "tests", ".tmp", "interrupted-work-"));
  try {
    const stack = new LocalStack({ projectDir, workDir });
    await s.prepare(stack, projectDir, emu);
    for (const f of s.faults) emu.faults.add({ kind: "latency", ms: f.ms, route: f.route });
    emu.resetCounters();
    const counted = () => s.counted.reduce((n, r) => n + (emu.counters()[r] ?? 0), 0);
    const killed = await upKilledWhen(stack, projectDir, emu, counted, killAt, how);
    if (!killed.killed)
      throw new Error(`the up ended before the kill point ${killAt}:\n${killed.output.slice(-2000)}`);
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
    const recoverWrites = writes(emu.counters());
    emu.resetCounters();
    const up = await stack.up([], { allowFailure: true });
    if (up.code !== 0)
      throw new Error(`the up after recover failed:\n${(up.stdout + up.stderr).slice(-3000)}\n${out}`);
    const upWrites = writes(emu.counters());
    const preview = await stack.preview(["--expect-no-changes"], { allowFailure: true });
    return {
      killAt,
      how,
      atKill: killed.progressAtKill,
      pending: killed.pending,
      recorded: (out.match(/^recorded /gm) ?? []).length,
      dropped: (out.match(/^dropped /gm) ?? []).length,
      left: (out.match(/^left /gm) ?? []).length,
      recoverWrites,
      upWrites,
      ...check(emu, stack, s.declared),
      noChanges: preview.code === 0,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await emu.close();
    fs.rmSync(projectDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** Domo against the declaration and the state: duplicates, orphans and anything else wrong. */
function check(emu: RunningEmulator, stack: LocalStack, d: Declared) {
  const declaredEmails = new Set(d.users.map((u) => u.email));
  const prefix = /^[a-z]+\d+@example\.com$/;
  const live = emu.store.listUsers().filter((u) => !u.deleted && prefix.test(u.email));
  const counts = new Map<string, number>();
  for (const u of live) counts.set(u.email, (counts.get(u.email) ?? 0) + 1);
  const idOf = new Map(live.map((u) => [u.email, u.id]));
  const state = held(stack);
  const managedUsers = new Set(state.users);
  const wrong: string[] = [];
  for (const u of d.users) {
    if (!counts.has(u.email)) wrong.push(`${u.email} missing`);
    const title = live.find((l) => l.email === u.email)?.title;
    if (u.title !== undefined && title !== u.title) wrong.push(`${u.email} title ${title}`);
  }
  for (const u of live) if (!declaredEmails.has(u.email)) wrong.push(`${u.email} not declared`);
  if (state.users.length !== managedUsers.size) wrong.push("a user account is managed twice");
  const groupNames = new Set(d.groups.map((g) => g.name));
  const liveGroups = emu.store
    .listGroups()
    .filter((g) => groupNames.has(g.name) || /^(Team|Bulk)-/.test(g.name));
  const managedGroups = new Set(state.groups);
  let orphans = live.filter((u) => !managedUsers.has(u.id)).length;
  orphans += liveGroups.filter((g) => !managedGroups.has(g.id)).length;
  for (const g of d.groups) {
    const found = liveGroups.filter((l) => l.name === g.name);
    if (found.length !== 1) {
      wrong.push(`${g.name} exists ${found.length} times`);
      continue;
    }
    const group = found[0]!;
    const want = g.members.map((e) => idOf.get(e)).sort();
    const have = [...group.memberIds].sort();
    if (JSON.stringify(want) !== JSON.stringify(have)) wrong.push(`${g.name} members differ`);
    // Every member is held by a resource: the group's list, or one membership per member.
    if (g.mode === "authoritative" && !state.lists.has(group.id)) orphans += have.length;
    if (g.mode === "additive") orphans += have.filter((u) => !state.pairs.has(`${group.id}|${u}`)).length;
  }
  return {
    liveUsers: live.length,
    liveGroups: liveGroups.length,
    duplicates:
      [...counts.values()].filter((n) => n > 1).length +
      d.groups.filter((g) => liveGroups.filter((l) => l.name === g.name).length > 1).length,
    orphans,
    wrong,
  };
}

function section(s: Scenario, trials: Trial[], declared: { users: number; groups: number }): string {
  const ok = passed(trials, declared);
  const rows = trials.map(
    (t) =>
      `| ${t.killAt} | ${t.how} | ${t.atKill} | ${t.pending} | ${t.recorded} | ${t.dropped} | ${t.left} | ${t.recoverWrites} | ${t.upWrites} | ${t.liveUsers} | ${t.liveGroups} | ${t.duplicates} | ${t.orphans} | ${t.wrong.length === 0 ? "yes" : `NO: ${t.wrong.slice(0, 3).join("; ")}`} | ${t.noChanges ? "yes" : "NO"} | ${t.seconds} |`,
  );
  return `## ${s.title}

Each trial: ${s.about}. \`pulumi up\` SIGKILLed once the emulator had counted the given number of ${s.measure}.

| kill after | kill | counted at kill | pending ops left | resources recorded by recover | dropped | left | recover writes | writes by next up | live users | live groups | duplicates | orphans | as declared | no changes after | s |
| ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | :---: | ---: |
${rows.join("\n")}

Result: ${ok ? `all ${trials.length} trials converged: ${declared.users} users${declared.groups > 0 ? ` and ${declared.groups} groups with their declared members` : ""}, each exactly once, nothing orphaned, recover wrote nothing to Domo, and the preview after the next \`up\` had no changes` : "FAILED: see the rows above"}.
`;
}

function passed(trials: Trial[], declared: { users: number; groups: number }): boolean {
  return trials.every(
    (t) =>
      t.liveUsers === declared.users &&
      t.liveGroups === declared.groups &&
      t.duplicates === 0 &&
      t.orphans === 0 &&
      t.wrong.length === 0 &&
      t.noChanges &&
      t.recoverWrites === 0,
  );
}

async function main(): Promise<void> {
  fs.mkdirSync(path.join(repoRoot, "tests", ".tmp"), { recursive: true });
  const only = process.argv.slice(2);
  const chosen = only.length === 0 ? scenarios : scenarios.filter((s) => only.includes(s.id));
  if (chosen.length === 0)
    throw new Error(
      `no such trials: ${only.join(", ")}; choose from ${scenarios.map((s) => s.id).join(", ")}`,
    );
  const sections: string[] = [];
  let ok = true;
  for (const s of chosen) {
    const trials: Trial[] = [];
    for (const [i, k] of s.killPoints.entries()) {
      // "group": a CI job timeout; "tree": a lost machine. Alternated over the kill points.
      const how: KillHow = i % 2 === 0 ? "group" : "tree";
      // A run that ended before its kill point is no trial: say why, and try that point again.
      for (let attempt = 1; ; attempt++) {
        try {
          const t = await trial(s, k, how);
          trials.push(t);
          console.log(JSON.stringify({ scenario: s.id, ...t }));
          break;
        } catch (e) {
          console.error(
            `${s.id}, kill point ${k}, attempt ${attempt}: ${e instanceof Error ? e.message : String(e)}`,
          );
          if (attempt >= 3) throw e;
        }
      }
    }
    const declared = { users: s.declared.users.length, groups: s.declared.groups.length };
    ok &&= passed(trials, declared);
    sections.push(section(s, trials, declared));
  }
  const report = `# Interrupted runs: SIGKILL, \`pulumi-domo recover\`, \`pulumi up\`

Generated by \`npm run trials:interrupted\` (scripts/interrupted-runs.ts) on ${new Date().toISOString().slice(0, 10)}.
Every trial is a real SIGKILL (a run that ends before its kill point is retried) of \`pulumi up\` on a
fresh stack on a local file backend, against the emulator; then \`pulumi-domo recover\`, \`pulumi up\`
and \`pulumi preview --expect-no-changes\`. Kill "group" is a CI job timeout: SIGKILL of the CLI's
process group, while Pulumi's plugins (own process groups) finish what they already started;
kill "tree" is a lost machine: the CLI and every descendant at once, so queued requests never
reach Domo. "As declared": every declared user exists (with its
declared title) and every declared group exists once with exactly its declared members. Orphans:
users, groups and memberships in Domo that no resource of the state holds.

${sections.join("\n")}`;
  const file = path.join(repoRoot, "tests", "INTERRUPTED-RUNS.md");
  if (only.length === 0) fs.writeFileSync(file, report);
  console.log(report);
  if (!ok) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
