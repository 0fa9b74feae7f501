import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ensurePulumiCli, repoRoot } from "../../scripts/lib/pulumi-cli";
import { domoCli, StackFixture } from "./stack-fixture";

/**
 * `pulumi-domo migrate` through the real CLI: a stack deployed with the dynamic resources is
 * moved to the native provider (pulumi-resource-domo, from plugin/ on PATH) with one
 * `pulumi stack import`; the same resources declared natively then preview with no change and
 * `up` makes no write to Domo. One program serves both: program.json says which resources
 * (dynamic classes or `domo:index:*` custom resources of the same names and inputs).
 */

const program = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const domo = require("pulumi-domo");
const { native } = JSON.parse(fs.readFileSync(path.join(__dirname, "program.json"), "utf8"));
const classes = {
  User: domo.DomoUser, Group: domo.DomoGroup,
  GroupMembers: domo.DomoGroupMembers, GroupMembership: domo.DomoGroupMembership,
};
const declare = (kind, name, args, opts = {}) =>
  native
    ? new pulumi.CustomResource("domo:index:" + kind, name, args, { ...opts, version: "0.1.0" })
    : new classes[kind](name, args, opts);
// A component of another package, parent of one user: its child's URN names both types.
class Team extends pulumi.ComponentResource {
  constructor(name) { super("acme:index:Team", name, {}, {}); this.registerOutputs({}); }
}
const team = new Team("platform");
const ada = declare("User", "ada", { email: "ada@example.com", name: "Ada", role: "Editor" });
const bob = declare("User", "bob", { email: "bob@example.com", name: "Bob", role: "Participant" });
const cy = declare("User", "cy", { email: "cy@example.com", name: "Cy", role: "Participant" }, { parent: team });
const eng = declare("Group", "eng", { name: "Engineering" });
const ops = declare("Group", "ops", { name: "Operations" }, { dependsOn: [ada] });
declare("GroupMembers", "eng-members", { groupId: eng.id, userIds: [ada.id, bob.id] });
declare("GroupMembership", "ops-cy", { groupId: ops.id, userId: cy.id });
exports.ids = { ada: ada.id, bob: bob.id, cy: cy.id, eng: eng.id, ops: ops.id };
`;

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  provider?: string;
  parent?: string;
  dependencies?: string[];
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

function resources(f: StackFixture): StateResource[] {
  const state = JSON.parse(f.state()) as { checkpoint: { latest: { resources?: StateResource[] } } };
  return state.checkpoint.latest.resources ?? [];
}

const writes = (calls: Record<string, number>) =>
  Object.fromEntries(Object.entries(calls).filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route)));

describe("migrate: a stack of dynamic resources to the native provider (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture | undefined;
  afterEach(async () => {
    await f?.dispose();
    f = undefined;
  });

  it("loose users, groups, members and a membership: one import, then the native program previews no change and up writes nothing to Domo", async () => {
    // The engine finds pulumi-resource-domo (plugin/, running dist/native/main.js) on PATH.
    const PATH = [
      path.join(repoRoot, "plugin"),
      ensurePulumiCli(),
      path.join(repoRoot, "node_modules", ".bin"),
      process.env.PATH ?? "",
    ].join(path.delimiter);
    f = await StackFixture.create("migrate-loose", { clientEnv: { PATH } });
    const fx = f;
    const useProgram = (native: boolean) =>
      fs.writeFileSync(path.join(fx.projectDir, "program.json"), JSON.stringify({ native }));
    fs.writeFileSync(path.join(fx.projectDir, "index.js"), program);
    useProgram(false);
    await fx.stack.up();
    const before = resources(fx);
    const idsBefore = new Map(
      before
        .filter((r) => r.id !== undefined && !r.type.startsWith("pulumi:providers:"))
        .map((r) => [r.urn.slice(r.urn.lastIndexOf("::") + 2), r.id]),
    );
    assert.equal(idsBefore.size, 7);

    // Dry run: says what it would do, writes nothing.
    fx.emu.resetCounters();
    const stateBefore = fx.state();
    const dry = await domoCli(
      fx.stack,
      ["migrate", "--stack", "dev", "--cwd", fx.projectDir, "--dry-run"],
      fx.projectDir,
    );
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /move 3 User: pulumi-nodejs:dynamic\/domo:User -> domo:index:User/);
    assert.match(dry.stdout, /move 2 Group:/);
    assert.match(dry.stdout, /move 1 GroupMembers:/);
    assert.match(dry.stdout, /move 1 GroupMembership:/);
    assert.match(
      dry.stdout,
      /add provider urn:pulumi:dev::migrate-loose::pulumi:providers:domo::default_0_1_0 \(settings: apiHost, clientId, clientSecret/,
    );
    assert.match(dry.stdout, /Dry run: 7 resource\(s\) moved/);
    assert.equal(fx.state(), stateBefore, "a dry run writes nothing");
    assert.deepEqual(
      fs.readdirSync(fx.projectDir).filter((n) => n.startsWith("pulumi-domo-migrate-")),
      [],
    );

    const migrated = await domoCli(
      fx.stack,
      ["migrate", "--stack", "dev", "--cwd", fx.projectDir],
      fx.projectDir,
    );
    assert.equal(migrated.code, 0, migrated.stderr);
    process.stdout.write(
      `      pulumi-domo migrate --stack dev:\n${migrated.stdout.replace(/^/gm, "        ")}\n`,
    );
    assert.match(
      migrated.stdout,
      /Migrated dev: 7 resource\(s\) moved to the native domo provider; 0 calls to Domo/,
    );
    const backup = /Backup of the exported state: (\S+)/.exec(migrated.stdout)?.[1];
    assert.ok(backup && fs.existsSync(backup), "the backup is written where it says");
    assert.equal(fs.statSync(backup).mode & 0o777, 0o600);
    assert.deepEqual(fx.calls(), {}, "migrate makes no call to Domo");

    const after = resources(fx);
    const provider = after.find((r) => r.type === "pulumi:providers:domo");
    assert.ok(provider, "the native default provider is in the state");
    assert.equal(provider.urn, "urn:pulumi:dev::migrate-loose::pulumi:providers:domo::default_0_1_0");
    assert.equal(after.filter((r) => r.type.startsWith("pulumi-nodejs:")).length, 0);
    assert.ok(
      !after.some((r) => r.type === "pulumi:providers:pulumi-nodejs"),
      "the unused dynamic provider is gone",
    );
    assert.ok(
      after.some((r) => r.urn === "urn:pulumi:dev::migrate-loose::acme:index:Team$domo:index:User::cy"),
    );
    assert.ok(!f.state().includes("__provider"), "no serialized provider is left");

    const again = await domoCli(
      fx.stack,
      ["migrate", "--stack", "dev", "--cwd", fx.projectDir],
      fx.projectDir,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, "Nothing to migrate: dev holds no dynamic pulumi-domo resource.\n");

    // The same resources, declared natively.
    useProgram(true);
    const preview = await fx.stack.preview(["--diff"]);
    process.stdout.write(`      first native preview:\n${preview.stdout.replace(/^/gm, "        ")}\n`);
    assert.doesNotMatch(preview.stdout, /domo:index:\w+\s.*(create|update|replace|delete)/i);
    assert.doesNotMatch(preview.stdout, /to (create|update|replace|delete)/);
    assert.match(preview.stdout, /9 unchanged/, "the stack, the component and the 7 resources");
    const up = await fx.stack.up();
    process.stdout.write(`      first native up:\n${up.stdout.replace(/^/gm, "        ")}\n`);
    const calls = fx.calls();
    process.stdout.write(`      Domo calls (preview + up): ${JSON.stringify(calls)}\n`);
    assert.deepEqual(writes(calls), {}, "no write to Domo");
    await fx.stack.preview(["--expect-no-changes"]);
    const final = resources(fx);
    for (const [name, id] of idsBefore) {
      const r = final.find((x) => x.urn.endsWith(`::${name}`) && x.type.startsWith("domo:index:"));
      assert.equal(r?.id, id, `${name} keeps its id`);
    }
    assert.deepEqual(writes(fx.calls()), {}, "the no-change preview writes nothing either");
  });
});

/**
 * A DomoUserDirectory (perUser and bulk mode): its children move, the component keeps its
 * type and URN; the native program declares the remote component `domo:index:UserDirectory`
 * (the provider's Construct builds the same children natively).
 */
const directoryProgram = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { native } = JSON.parse(fs.readFileSync(path.join(__dirname, "program.json"), "utf8"));
class UserDirectory extends pulumi.ComponentResource {
  constructor(name, args, opts) {
    super("domo:index:UserDirectory", name, { ...args, userIds: undefined, groupIds: undefined }, { ...opts, version: "0.1.0" }, true);
  }
}
const args = { file: path.join(__dirname, "users.yaml") };
const people = native ? new UserDirectory("people", args) : new (require("pulumi-domo").DomoUserDirectory)("people", args);
exports.userIds = people.userIds;
exports.groupIds = people.groupIds;
`;

function usersFile(mode: "perUser" | "bulk"): string {
  const people = Array.from(
    { length: 5 },
    (_, i) => `  - {email: person${i}@example.com, name: Person ${i}${i < 3 ? ", groups: [Analysts]" : ""}}`,
  );
  return [
    `mode: ${mode}`,
    ...(mode === "bulk" ? ["batchSize: 2"] : []),
    "defaults:",
    "  role: Participant",
    "groups:",
    "  - name: Analysts",
    "users:",
    ...people,
    "",
  ].join("\n");
}

for (const mode of ["perUser", "bulk"] as const) {
  describe(`migrate: a DomoUserDirectory in ${mode} mode to the native component (real CLI)`, function () {
    this.timeout(300_000);
    let f: StackFixture | undefined;
    afterEach(async () => {
      await f?.dispose();
      f = undefined;
    });

    it("one import; the native component previews no change and up writes nothing to Domo", async () => {
      const PATH = [
        path.join(repoRoot, "plugin"),
        ensurePulumiCli(),
        path.join(repoRoot, "node_modules", ".bin"),
        process.env.PATH ?? "",
      ].join(path.delimiter);
      f = await StackFixture.create(`migrate-dir-${mode.toLowerCase()}`, { clientEnv: { PATH } });
      const fx = f;
      const useProgram = (native: boolean) =>
        fs.writeFileSync(path.join(fx.projectDir, "program.json"), JSON.stringify({ native }));
      fs.writeFileSync(path.join(fx.projectDir, "index.js"), directoryProgram);
      fs.writeFileSync(path.join(fx.projectDir, "users.yaml"), usersFile(mode));
      useProgram(false);
      await fx.stack.up();
      const before = resources(fx);
      const children = before.filter((r) => r.parent?.endsWith("::domo:index:UserDirectory::people"));
      const ids = new Map(children.map((r) => [r.urn.slice(r.urn.lastIndexOf("::") + 2), r.id]));
      const kinds = children.map((r) => r.type.replace("pulumi-nodejs:dynamic/domo:", "")).sort();
      assert.deepEqual(
        [...new Set(kinds)],
        mode === "bulk"
          ? ["DirectoryDeletionGuard", "Group", "GroupMembers", "UserBatch"]
          : ["DirectoryDeletionGuard", "Group", "GroupMembers", "User"],
      );

      fx.emu.resetCounters();
      const migrated = await domoCli(
        fx.stack,
        ["migrate", "--stack", "dev", "--cwd", fx.projectDir],
        fx.projectDir,
      );
      assert.equal(migrated.code, 0, migrated.stderr);
      process.stdout.write(
        `      pulumi-domo migrate --stack dev:\n${migrated.stdout.replace(/^/gm, "        ")}\n`,
      );
      assert.match(migrated.stdout, new RegExp(`Migrated dev: ${children.length} resource\\(s\\) moved`));
      assert.deepEqual(fx.calls(), {}, "migrate makes no call to Domo");

      useProgram(true);
      const preview = await fx.stack.preview(["--diff"]);
      process.stdout.write(`      first native preview:\n${preview.stdout.replace(/^/gm, "        ")}\n`);
      assert.doesNotMatch(preview.stdout, /to (create|update|replace|delete)/);
      const up = await fx.stack.up();
      assert.doesNotMatch(up.stdout, /created|updated|deleted|replaced/);
      const calls = fx.calls();
      process.stdout.write(`      Domo calls (preview + up): ${JSON.stringify(calls)}\n`);
      assert.deepEqual(writes(calls), {}, "no write to Domo");
      await fx.stack.preview(["--expect-no-changes"]);
      const after = resources(fx).filter((r) => r.parent?.endsWith("::domo:index:UserDirectory::people"));
      assert.equal(after.length, children.length);
      for (const r of after) {
        assert.ok(r.type.startsWith("domo:index:"), r.type);
        assert.equal(r.id, ids.get(r.urn.slice(r.urn.lastIndexOf("::") + 2)), `${r.urn} keeps its id`);
      }
      assert.deepEqual(writes(fx.calls()), {});
    });
  });
}
