import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensurePulumiCli, repoRoot } from "../../scripts/lib/pulumi-cli";
import { StackFixture } from "./stack-fixture";

/**
 * The component `domo:index:UserDirectory` served by the native provider's Construct, through
 * the real Pulumi CLI: a program with no SDK of ours registers it as a remote component (as a
 * Python, Go or YAML program would), and the plugin `pulumi-resource-domo` (plugin/ on PATH,
 * running dist/native/main.js: `npm run build` first) builds it with the TypeScript component's
 * planning and native children.
 */
const program = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
class UserDirectory extends pulumi.ComponentResource {
  constructor(name, args, opts) {
    super("domo:index:UserDirectory", name, { ...args, userIds: undefined, groupIds: undefined }, opts, true);
  }
}
const args = JSON.parse(fs.readFileSync(path.join(__dirname, "args.json"), "utf8"));
const people = new UserDirectory("people", args);
exports.userIds = people.userIds;
exports.groupIds = people.groupIds;
`;

interface Person {
  email: string;
  name: string;
  formerEmails?: string[];
  groups?: string[];
}

function render(people: readonly Person[], groups: readonly string[]): string {
  const lines = ["defaults:", "  role: Participant", "groups:", ...groups.map((g) => `  - name: ${g}`)];
  lines.push("users:");
  for (const p of people) {
    const parts = [`email: ${p.email}`, `name: ${p.name}`];
    if (p.formerEmails) parts.push(`formerEmails: [${p.formerEmails.join(", ")}]`);
    if (p.groups) parts.push(`groups: [${p.groups.join(", ")}]`);
    lines.push(`  - {${parts.join(", ")}}`);
  }
  return `${lines.join("\n")}\n`;
}

const total = (f: StackFixture) => Object.values(f.calls()).reduce((a, b) => a + b, 0);

interface StateResource {
  urn: string;
  type: string;
  parent?: string;
  inputs?: Record<string, unknown>;
  dependencies?: string[];
}

describe("UserDirectory through the native provider's Construct (real CLI)", function () {
  this.timeout(600_000);
  let f: StackFixture;
  const team: Person[] = [
    { email: "ada@example.com", name: "Ada Lovelace", groups: ["Analysts"] },
    { email: "grace@example.com", name: "Grace Hopper", groups: ["Analysts"] },
    { email: "alan@example.com", name: "Alan Turing" },
  ];
  const write = (people: readonly Person[]) =>
    fs.writeFileSync(path.join(f.projectDir, "users.yaml"), render(people, ["Analysts"]));
  const setArgs = (args: Record<string, unknown>) =>
    fs.writeFileSync(path.join(f.projectDir, "args.json"), JSON.stringify(args));
  const resources = (): StateResource[] =>
    (JSON.parse(f.state()) as { checkpoint: { latest: { resources?: StateResource[] } } }).checkpoint.latest
      .resources ?? [];
  const children = () =>
    resources()
      .filter((r) => r.parent?.endsWith("domo:index:UserDirectory::people"))
      .map((r) => `${r.type}::${r.urn.split("::").pop()}`)
      .sort();
  const group = (name: string) => f.emu.store.listGroups().find((g) => g.name === name);
  const memberEmails = (name: string) =>
    (group(name)?.memberIds ?? []).map((id) => f.emu.store.getUser(id)?.email).sort();
  const people = () =>
    f
      .liveUsers()
      .filter((u) => u.email !== "admin@example.com")
      .map((u) => `${u.email}|${u.name}`)
      .sort();

  before(async () => {
    // The plugin first on PATH: the engine runs pulumi-resource-domo from plugin/.
    const PATH = [
      path.join(repoRoot, "plugin"),
      ensurePulumiCli(),
      path.join(repoRoot, "node_modules", ".bin"),
      process.env.PATH ?? "",
    ].join(path.delimiter);
    f = await StackFixture.create("e2e-native-dir", { clientEnv: { PATH } });
    fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
    // Relative to the project directory: the provider process reads it from there.
    setArgs({ file: "users.yaml" });
  });
  after(async () => {
    await f?.dispose();
  });

  it("perUser: preview makes no call, up creates 3 users and a group with its members as native children", async () => {
    write(team);
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(f), 0, `preview makes no call: ${JSON.stringify(f.calls())}`);
    assert.match(preview.stdout, /domo:index:UserDirectory/);
    assert.match(preview.stdout, /domo:index:User\b/);
    f.emu.resetCounters();
    await f.stack.up();
    console.log("      up (create) calls:", JSON.stringify(f.calls()));
    assert.deepEqual(people(), [
      "ada@example.com|Ada Lovelace",
      "alan@example.com|Alan Turing",
      "grace@example.com|Grace Hopper",
    ]);
    assert.deepEqual(memberEmails("Analysts"), ["ada@example.com", "grace@example.com"]);
    assert.deepEqual(children(), [
      "domo:index:DirectoryDeletionGuard::people-deletion-guard",
      "domo:index:Group::group-analysts",
      "domo:index:GroupMembers::group-analysts-members",
      "domo:index:User::user-ada@example.com",
      "domo:index:User::user-alan@example.com",
      "domo:index:User::user-grace@example.com",
    ]);
    // Every child after the guard, as the TypeScript component orders them.
    const guardUrn = resources().find((r) => r.type === "domo:index:DirectoryDeletionGuard")!.urn;
    for (const r of resources().filter((r) => /domo:index:(User|Group)\b/.test(r.type))) {
      assert.ok(r.dependencies?.includes(guardUrn), `${r.urn} depends on the guard`);
    }
    const outputs = JSON.parse((await f.stack.run(["stack", "output", "--json"])).stdout) as {
      userIds: Record<string, number>;
      groupIds: Record<string, number>;
    };
    assert.deepEqual(Object.keys(outputs.userIds).sort(), [
      "ada@example.com",
      "alan@example.com",
      "grace@example.com",
    ]);
    assert.equal(outputs.groupIds.Analysts, group("Analysts")?.id);
  });

  it("a second preview shows no change and makes no call; a second up makes no call", async () => {
    f.emu.resetCounters();
    await f.stack.preview(["--expect-no-changes"]);
    assert.equal(total(f), 0, JSON.stringify(f.calls()));
    // The CLI started elsewhere (--cwd): the relative `file` still means the project's users.yaml
    // (the engine starts the program and the provider both in the project directory).
    const elsewhere = spawnSync(
      "pulumi",
      [
        "preview",
        "--expect-no-changes",
        "--non-interactive",
        "--stack",
        f.stack.stack,
        "--cwd",
        f.projectDir,
      ],
      { cwd: os.tmpdir(), env: f.stack.environment(), encoding: "utf8" },
    );
    assert.equal(elsewhere.status, 0, elsewhere.stdout + elsewhere.stderr);
    assert.equal(total(f), 0, JSON.stringify(f.calls()));
    await f.stack.up();
    assert.equal(total(f), 0, JSON.stringify(f.calls()));
  });

  it("an edit updates the one user in place", async () => {
    const ada = f.liveUsers().find((u) => u.email === "ada@example.com");
    write([{ ...team[0]!, name: "Ada King" }, team[1]!, team[2]!]);
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(f), 0);
    assert.match(preview.stdout, /~ domo:index:User: \(update\)/);
    assert.match(preview.stdout, /1 to update/);
    assert.doesNotMatch(preview.stdout, /to create|to delete|to replace/);
    f.emu.resetCounters();
    await f.stack.up();
    console.log("      up (edit) calls:", JSON.stringify(f.calls()));
    assert.equal(f.writes(), 1, JSON.stringify(f.calls()));
    const after = f.liveUsers().find((u) => u.email === "ada@example.com");
    assert.equal(after?.id, ada?.id);
    assert.equal(after?.name, "Ada King");
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("removing an entry deletes that one account", async () => {
    write([{ ...team[0]!, name: "Ada King" }, team[1]!]);
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(f), 0);
    assert.match(preview.stdout, /- domo:index:User: \(delete\)/);
    assert.match(preview.stdout, /1 to delete/);
    f.emu.resetCounters();
    await f.stack.up();
    console.log("      up (remove) calls:", JSON.stringify(f.calls()));
    assert.equal(f.calls()["DELETE /v1/users/{id}"], 1, JSON.stringify(f.calls()));
    assert.deepEqual(people(), ["ada@example.com|Ada King", "grace@example.com|Grace Hopper"]);
  });

  it("an email change without formerEmails fails the preview naming formerEmails, with 0 calls", async () => {
    write([
      { ...team[0]!, name: "Ada King" },
      { ...team[1]!, email: "grace.hopper@example.com" },
    ]);
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"], { allowFailure: true });
    assert.notEqual(preview.code, 0);
    const out = preview.stdout + preview.stderr;
    assert.match(out, /add formerEmails: \[grace@example\.com\] to the entry of grace\.hopper@example\.com/);
    assert.equal(total(f), 0, "nothing reached Domo");
    const up = await f.stack.up([], { allowFailure: true });
    assert.notEqual(up.code, 0);
    assert.equal(total(f), 0, "nothing reached Domo");
    assert.deepEqual(people(), ["ada@example.com|Ada King", "grace@example.com|Grace Hopper"]);
  });

  it("bulk mode: the switch makes no write and deletes no one; edits then converge", async () => {
    write([{ ...team[0]!, name: "Ada King" }, team[1]!]);
    setArgs({ file: "users.yaml", mode: "bulk" });
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(f), 0, "preview makes no call");
    assert.match(preview.stdout, /\+ domo:index:UserBatch: \(create\)/);
    f.emu.resetCounters();
    await f.stack.up();
    console.log("      up (switch to bulk) calls:", JSON.stringify(f.calls()));
    assert.equal(f.writes(), 0, JSON.stringify(f.calls()));
    assert.deepEqual(people(), ["ada@example.com|Ada King", "grace@example.com|Grace Hopper"]);
    assert.deepEqual(memberEmails("Analysts"), ["ada@example.com", "grace@example.com"]);
    assert.deepEqual(children(), [
      "domo:index:DirectoryDeletionGuard::people-deletion-guard",
      "domo:index:Group::group-analysts",
      "domo:index:GroupMembers::group-analysts-members",
      "domo:index:UserBatch::people-users-0",
    ]);
    f.emu.resetCounters();
    await f.stack.preview(["--expect-no-changes"]);
    assert.equal(total(f), 0);
    // An edit and an addition: one batch update.
    write([team[0]!, team[1]!, { email: "linus@example.com", name: "Linus T" }]);
    f.emu.resetCounters();
    const edit = await f.stack.preview(["--diff"]);
    assert.equal(total(f), 0);
    assert.match(edit.stdout, /~ domo:index:UserBatch: \(update\)/);
    f.emu.resetCounters();
    await f.stack.up();
    console.log("      up (bulk edit + add) calls:", JSON.stringify(f.calls()));
    assert.deepEqual(people(), [
      "ada@example.com|Ada Lovelace",
      "grace@example.com|Grace Hopper",
      "linus@example.com|Linus T",
    ]);
    f.emu.resetCounters();
    await f.stack.preview(["--expect-no-changes"]);
    assert.equal(total(f), 0);
  });
});
