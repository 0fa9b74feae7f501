import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { LocalStack } from "../../scripts/lib/pulumi-cli";
import { checkpointFile, emulatorStateFile, fixtureDir } from "../fixtures/upgrade-0.1.0/fixture";
import { packedProject } from "../support/packed-project";
import { makeTempDir } from "../support/temp";

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/**
 * A stack written by pulumi-domo 0.1.0 (tests/fixtures/upgrade-0.1.0: every setting, defaults
 * included, in each DomoUser's inputs and outputs) run by this code, installed from its tarball:
 * no change, no call to Domo, and the next real edit diffs quietly.
 */
describe("upgrading from the state pulumi-domo 0.1.0 wrote", function () {
  this.timeout(300_000);
  let emu: RunningEmulator;
  let stack: LocalStack;
  let projectDir: string;

  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);
  const users = (): StateResource[] => {
    const state = JSON.parse(fs.readFileSync(stack.stateFile(), "utf8")) as {
      checkpoint: { latest: { resources: StateResource[] } };
    };
    return state.checkpoint.latest.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/domo:User");
  };

  before(async () => {
    const packed = await packedProject();
    projectDir = fs.mkdtempSync(path.join(packed.dir, "domo-upgrade-"));
    fs.cpSync(path.join(fixtureDir, "project"), projectDir, { recursive: true });
    const work = makeTempDir("pulumi-domo-upgrade-");
    const dataFile = path.join(work, "emulator.json");
    fs.copyFileSync(emulatorStateFile, dataFile);
    emu = await startEmulator({ dataFile });
    stack = new LocalStack({
      projectDir,
      workDir: work,
      // As when the checkpoint was written: credentials from the environment only.
      env: {
        DOMO_API_HOST: emu.url,
        DOMO_CLIENT_ID: emu.credentials.clientId,
        DOMO_CLIENT_SECRET: emu.credentials.clientSecret,
      },
    });
    await stack.init();
    await stack.run(["stack", "import", "--file", checkpointFile]);
  });
  after(async () => {
    await emu?.close();
  });

  it("the fixture really is 0.1.0's state: default settings spelled out in every user's inputs", () => {
    const checkpoint = JSON.parse(fs.readFileSync(checkpointFile, "utf8")) as {
      deployment: { resources: StateResource[] };
    };
    const fixtureUsers = checkpoint.deployment.resources.filter((r) => r.type.endsWith("domo:User"));
    assert.equal(fixtureUsers.length, 8);
    for (const r of fixtureUsers) {
      for (const key of [
        "sendInvite",
        "adoptExisting",
        "allowEmailChange",
        "deletionPolicy",
        "allowUnsafeAdminChanges",
      ])
        assert.ok(r.inputs && key in r.inputs, `${r.urn} inputs hold ${key}`);
    }
  });

  it("`pulumi preview --expect-no-changes` passes with no call to Domo", async () => {
    emu.resetCounters();
    const preview = await stack.preview(["--diff", "--expect-no-changes"]);
    assert.doesNotMatch(preview.stdout, /to create|to update|to delete|to replace/);
    assert.deepEqual(emu.counters(), {});
  });

  it("`pulumi up` makes 0 writes and keeps every user's settings", async () => {
    const before = users();
    emu.resetCounters();
    const up = await stack.up();
    assert.equal(writes(), 0, JSON.stringify(emu.counters()));
    assert.doesNotMatch(up.stdout, /created|updated|deleted|replaced/);
    const after = users();
    assert.equal(after.length, 8);
    for (const r of after) {
      // The same resource, by id: a users-file entry with an `id:` is now named by its id
      // (`user-id-9001`), reached from its old name through an alias, with no change.
      const old = before.find((b) => b.id === r.id);
      assert.ok(old, r.urn);
      if (old.urn !== r.urn) assert.match(r.urn, /::user-id-\d+$/, `${old.urn} renamed only to its id name`);
      for (const key of ["deletionPolicy", "sendInvite", "adoptExisting", "allowUnsafeAdminChanges"])
        assert.equal(r.outputs?.[key], old.outputs?.[key], `${r.urn} ${key}`);
    }
    // The no-op `up` recorded the inputs as this version checks them: declared fields only.
    const plain = after.find((r) => r.urn.endsWith("::plain"));
    assert.deepEqual(Object.keys(plain?.inputs ?? {}).sort(), [
      "__provider",
      "email",
      "name",
      "role",
      "title",
    ]);
    const guarded = after.find((r) => r.urn.endsWith("::guarded"));
    assert.equal(guarded?.inputs?.deletionPolicy, "retain", "a setting that is not the default stays");
    assert.equal(guarded?.outputs?.deletionPolicy, "retain");
    assert.equal(guarded?.outputs?.allowUnsafeAdminChanges, true);
    emu.resetCounters();
    await stack.preview(["--expect-no-changes"]);
    assert.deepEqual(emu.counters(), {});
  });

  it("the next edit previews as that one field, and `up` writes only it", async () => {
    const file = path.join(projectDir, "users.yaml");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace("title: Analytics engineer", "title: Rear Admiral"),
    );
    const preview = await stack.preview(["--diff"]);
    assert.match(preview.stdout, /title\s*:\s*"Analytics engineer"\s*=>\s*"Rear Admiral"/);
    assert.match(preview.stdout, /1 to update/);
    assert.doesNotMatch(
      preview.stdout,
      /sendInvite|adoptExisting|allowEmailChange|deletionPolicy|allowUnsafe/,
    );
    emu.resetCounters();
    await stack.up();
    assert.equal(writes(), 1);
    assert.equal(emu.counters()["PUT /v1/users/{id}"], 1);
  });
});
