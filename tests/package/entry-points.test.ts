import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../support/packed-project";

const execFileAsync = promisify(execFile);
const dist = path.join(repoRoot, "dist");

/** Runs `script` in a fresh Node process (nothing loaded yet) and parses the JSON it prints. */
async function inFreshProcess<T>(script: string): Promise<T> {
  const { stdout } = await execFileAsync(process.execPath, ["-e", script], { cwd: repoRoot });
  return JSON.parse(stdout) as T;
}

/** The root's public surface: what a program imports from "pulumi-domo", and nothing else. */
const rootExports = [
  "DomoClient",
  "DomoError",
  "DomoGroup",
  "DomoGroupMembers",
  "DomoGroupMembership",
  "DomoUser",
  "DomoUserBatch",
  "DomoUserDirectory",
  "UserDirectoryError",
  "UsersFileError",
  "auditUsers",
  "declareUsers",
  "deletionPolicies",
  "domoErrorKinds",
  "domoGroupMembershipType",
  "domoGroupMembersType",
  "domoGroupType",
  "domoUserBatchType",
  "domoUserDirectoryType",
  "domoUserType",
  "entriesFromLive",
  "formatAuditReport",
  "isDomoError",
  "isUsersFileError",
  "loadUsersFile",
  "parseUsersFile",
  "planDirectoryUsers",
  "readDirectory",
  "renderUsersFile",
  "serializedGroupMembershipProvider",
  "serializedGroupMembersProvider",
  "serializedGroupProvider",
  "serializedUserBatchProvider",
  "serializedUserProvider",
  "systemRoles",
  "userDeclarationSchema",
  "userResourceName",
];

describe("the package's entry points (built dist/)", function () {
  this.timeout(60_000);

  before(() => {
    if (!fs.existsSync(path.join(dist, "index.js")))
      throw new Error("dist/ is missing: run `npm run build` first");
  });

  it("the root never loads the emulator", async () => {
    const loaded = await inFreshProcess<string[]>(
      `require(${JSON.stringify(path.join(dist, "index.js"))});` +
        "console.log(JSON.stringify(Object.keys(require.cache)))",
    );
    assert.ok(
      loaded.some((f) => f.startsWith(path.join(dist, "resources"))),
      "the probe did load the root's own modules",
    );
    const emulatorDir = path.join(dist, "emulator") + path.sep;
    assert.deepEqual(
      loaded.filter((f) => f.startsWith(emulatorDir)),
      [],
    );
    // Nor its command: the CLI loads that on demand.
    assert.ok(!loaded.includes(path.join(dist, "cli", "emulator.js")));
  });

  it("the root exports the names a program uses, and only those", async () => {
    const names = await inFreshProcess<string[]>(
      `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(path.join(dist, "index.js"))})).sort()))`,
    );
    assert.deepEqual(names, [...rootExports].sort());
  });

  it('"pulumi-domo/emulator" resolves by package name to the emulator', async () => {
    const result = await inFreshProcess<{ file: string; startEmulator: string; rootLoaded: boolean }>(
      [
        'const file = require.resolve("pulumi-domo/emulator");',
        'const emulator = require("pulumi-domo/emulator");',
        `const rootLoaded = ${JSON.stringify(path.join(dist, "index.js"))} in require.cache;`,
        "console.log(JSON.stringify({ file, startEmulator: typeof emulator.startEmulator, rootLoaded }))",
      ].join("\n"),
    );
    assert.equal(fs.realpathSync(result.file), path.join(dist, "emulator", "index.js"));
    assert.equal(result.startEmulator, "function");
    assert.equal(result.rootLoaded, false, "the emulator does not load the package root either");
  });

  it("every resource kind's `__provider` text, loaded as Pulumi's dynamic-provider host loads it, is that kind's provider", async () => {
    // The host: require-from-string(text) from the project directory, then `.handler()`.
    const loaded = await inFreshProcess<Record<string, { methods: string[]; file: string }>>(
      [
        'const { createRequire } = require("node:module");',
        'const pulumiDir = require("path").dirname(require.resolve("@pulumi/pulumi/package.json"));',
        'const requireFromString = createRequire(require("path").join(pulumiDir, "index.js"))("require-from-string");',
        'const { dynamicKinds, providerText } = require("pulumi-domo/dist/resources/dynamic-resource.js");',
        "const out = {};",
        "for (const kind of Object.keys(dynamicKinds)) {",
        "  const provider = requireFromString(providerText(kind)).handler();",
        '  const methods = ["check", "diff", "create", "read", "update", "delete"].filter((m) => typeof provider[m] === "function");',
        "  out[kind] = { methods, file: require('fs').realpathSync(require.resolve(dynamicKinds[kind])) };",
        "}",
        "console.log(JSON.stringify(out));",
      ].join("\n"),
    );
    const files = {
      User: ["resources", "user", "serialized-provider.js"],
      UserBatch: ["resources", "user", "serialized-batch-provider.js"],
      Group: ["resources", "group", "serialized-provider.js"],
      GroupMembers: ["resources", "group", "serialized-members-provider.js"],
      GroupMembership: ["resources", "group", "serialized-membership-provider.js"],
      DirectoryDeletionGuard: ["resources", "directory", "deletion-guard-provider.js"],
    };
    assert.deepEqual(Object.keys(loaded).sort(), Object.keys(files).sort());
    for (const [kind, parts] of Object.entries(files)) {
      assert.equal(loaded[kind]?.file, path.join(dist, ...parts), kind);
      // Every kind implements the whole contract (runtime/kind.ts); the deletion guard's read
      // reads nothing in Domo and keeps its record.
      assert.deepEqual(loaded[kind]?.methods, ["check", "diff", "create", "read", "update", "delete"], kind);
    }
  });

  it("the modules the serialized providers require by name stay reachable under pulumi-domo/dist/*", async () => {
    const resolved = await inFreshProcess<string[]>(
      [
        "console.log(JSON.stringify([",
        '  require.resolve("pulumi-domo/dist/resources/user/runtime.js"),',
        '  require.resolve("pulumi-domo/dist/resources/user/serialized-provider.js"),',
        '  require.resolve("pulumi-domo/dist/model/deletion-guard.js"),',
        '  require.resolve("pulumi-domo/dist/resources/group/runtime.js"),',
        '  require.resolve("pulumi-domo/dist/resources/group/serialized-provider.js"),',
        '  require.resolve("pulumi-domo/dist/resources/group/serialized-members-provider.js"),',
        '  require.resolve("pulumi-domo/dist/resources/group/serialized-membership-provider.js"),',
        "].map((f) => require('fs').realpathSync(f))))",
      ].join("\n"),
    );
    assert.deepEqual(resolved, [
      path.join(dist, "resources", "user", "runtime.js"),
      path.join(dist, "resources", "user", "serialized-provider.js"),
      path.join(dist, "model", "deletion-guard.js"),
      path.join(dist, "resources", "group", "runtime.js"),
      path.join(dist, "resources", "group", "serialized-provider.js"),
      path.join(dist, "resources", "group", "serialized-members-provider.js"),
      path.join(dist, "resources", "group", "serialized-membership-provider.js"),
    ]);
  });
});
