import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

const execFileAsync = promisify(execFile);

/** The shipped examples and the root project, run with the real Pulumi CLI against the emulator. */
describe("examples end to end with the real Pulumi CLI", function () {
  this.timeout(300_000);
  let emu: RunningEmulator;

  async function stackFor(projectDir: string): Promise<LocalStack> {
    const stack = new LocalStack({ projectDir, workDir: makeTempDir("pulumi-domo-example-") });
    await stack.init();
    await stack.setConfig("domo:apiHost", emu.url);
    await stack.setConfig("domo:clientId", emu.credentials.clientId);
    await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    return stack;
  }

  const live = () => emu.store.listUsers().filter((u) => !u.deleted);
  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);

  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await emu.close();
    // Stack config files land beside each project's Pulumi.yaml: remove them.
    for (const dir of ["examples/quickstart", "examples/users-file", "."]) {
      const file = path.join(repoRoot, dir, "Pulumi.dev.yaml");
      if (fs.existsSync(file)) fs.rmSync(file);
    }
  });

  it("examples/quickstart: up creates its three users, a second up changes nothing, destroy deletes them", async () => {
    const stack = await stackFor(path.join(repoRoot, "examples", "quickstart"));
    await stack.up();
    const emails = ["carl.gauss@example.com", "emmy.noether@example.com", "leonhard.euler@example.com"];
    for (const email of emails)
      assert.ok(
        live().some((u) => u.email === email),
        email,
      );
    assert.equal(emu.store.listUsers().find((u) => u.email === "carl.gauss@example.com")?.invited, true);
    emu.resetCounters();
    await stack.up();
    assert.deepEqual(emu.counters(), {});
    await stack.destroy();
    for (const email of emails) assert.ok(!live().some((u) => u.email === email), email);
  });

  it("examples/users-file: up converges the file; destroy keeps the retained and deletes the rest", async () => {
    const stack = await stackFor(path.join(repoRoot, "examples", "users-file"));
    await stack.up();
    const byEmail = (email: string) => live().find((u) => u.email === email);
    assert.equal(byEmail("charles.babbage@example.com")?.timezone, "America/New_York");
    assert.equal(byEmail("ada.byron@example.com")?.timezone, "Europe/London");
    assert.equal(byEmail("ada.byron@example.com")?.roleId, 3);
    emu.resetCounters();
    await stack.up();
    assert.deepEqual(emu.counters(), {});
    await stack.destroy();
    assert.equal(byEmail("florence.nightingale@example.com"), undefined, "deletionPolicy: delete");
    assert.ok(
      byEmail("mary.somerville@example.com") && byEmail("ada.byron@example.com"),
      "retained by default",
    );
    assert.deepEqual(
      emu.store
        .listGroups()
        .map((g) => g.name)
        .filter((n) => n !== "Default")
        .sort(),
      ["BI team", "Finance"],
      "its groups are retained, members and all",
    );
  });

  it("export, then the root project takes every account over with no write, then previews clean", async () => {
    for (let i = 0; i < 5; i++) {
      await emu.store.createUser({
        email: `Existing${i}@Example.com`,
        name: `Existing ${i}`,
        role: "Editor",
        title: `T${i}`,
      });
    }
    const dir = makeTempDir("pulumi-domo-export-");
    const usersFile = path.join(dir, "users.yaml");
    const secretFile = path.join(dir, "secret");
    fs.writeFileSync(secretFile, emu.credentials.clientSecret);
    // Asynchronously: the emulator serves from this very process.
    await execFileAsync(process.execPath, [
      path.join(repoRoot, "dist", "cli", "main.js"),
      "export",
      "--out",
      usersFile,
      "--quiet",
      "--api-host",
      emu.url,
      "--client-id",
      emu.credentials.clientId,
      "--client-secret-file",
      secretFile,
    ]);
    const stack = await stackFor(repoRoot);
    await stack.setConfig("domo-users:usersFile", usersFile);
    emu.resetCounters();
    await stack.up();
    assert.equal(writes(), 0, `no create, update or delete in Domo: ${JSON.stringify(emu.counters())}`);
    emu.resetCounters();
    const preview = await stack.preview(["--diff"]);
    assert.match(preview.stdout, /unchanged/);
    assert.doesNotMatch(preview.stdout, /to create|to update|to delete|to replace/);
    assert.deepEqual(emu.counters(), {});
    // Leave every taken-over account in Domo: forget them from this throwaway stack.
    await stack.run(["state", "delete", "--all", "--yes", "--force"], { allowFailure: true });
  });
});
