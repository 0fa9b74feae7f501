// @ts-nocheck
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
