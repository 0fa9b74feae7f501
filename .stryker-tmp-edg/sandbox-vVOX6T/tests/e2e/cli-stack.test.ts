// @ts-nocheck
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { type CliIo, runCli } from "../../provider/cli";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { parseUsersFile } from "../../provider/usersfile";
import { LocalStack } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

/**
 * `pulumi-domo export` and `audit` with `--stack`/`--cwd`: credentials from the stack's config
 * through the real Pulumi CLI (the secret decrypted by Pulumi), never printed.
 */
describe("export and audit with credentials from a Pulumi stack", function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let stack: LocalStack;
  let projectDir: string;
  let dir: string;
  let env: Record<string, string | undefined>;

  async function run(argv: string[], extraEnv: Record<string, string | undefined> = {}) {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: { ...env, ...extraEnv },
      cwd: dir,
    };
    const code = await runCli(argv, io);
    return { code, stdout, stderr };
  }
  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1/.test(route))
      .reduce((n, [, c]) => n + c, 0);

  before(async () => {
    emu = await startEmulator({
      seed: {
        users: [
          { email: "ann@example.com", name: "Ann", role: "Admin", title: "CTO" },
          { email: "bob@example.com", name: "Bob", role: "Editor" },
        ],
      },
    });
    const work = makeTempDir("pulumi-domo-cli-stack-");
    projectDir = path.join(work, "project");
    fs.mkdirSync(projectDir);
    fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: cli-stack\nruntime: nodejs\n");
    stack = new LocalStack({ projectDir, workDir: work, stack: "prod" });
    await stack.init();
    await stack.setConfig("domo:apiHost", emu.url);
    await stack.setConfig("domo:clientId", emu.credentials.clientId);
    await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    await stack.setConfig("domo:requestsPerSecond", "1000");
    dir = makeTempDir("pulumi-domo-cli-stack-cwd-");
    // The CLI's environment: pulumi on PATH, the backend and passphrase; no Domo credentials.
    env = stack.environment();
    for (const key of Object.keys(env)) if (key.startsWith("DOMO_")) delete env[key];
  });
  after(async () => {
    await emu?.close();
  });

  it("export --stack --cwd reads Domo with the stack's credentials and prints no secret", async () => {
    emu.resetCounters();
    const r = await run(["export", "--out", "users.yaml", "--stack", "prod", "--cwd", projectDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Exported 2 of 2 users to users\.yaml/);
    assert.equal(writes(), 0);
    const parsed = parseUsersFile(fs.readFileSync(path.join(dir, "users.yaml"), "utf8"), "users.yaml");
    assert.deepEqual(parsed.users.map((u) => u.declaration.email).sort(), [
      "ann@example.com",
      "bob@example.com",
    ]);
    const text = r.stdout + r.stderr + fs.readFileSync(path.join(dir, "users.yaml"), "utf8");
    assert.ok(!text.includes(emu.credentials.clientSecret), "the secret is never echoed");
  });

  it("audit --stack: in sync right after the export (exit 0), drift after a change in Domo (exit 2)", async () => {
    const synced = await run(["audit", "--file", "users.yaml", "--stack", "prod", "--cwd", projectDir]);
    assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    const ann = emu.store.listUsers().find((u) => u.email === "ann@example.com");
    assert.ok(ann);
    await emu.store.updateUser(ann.id, { title: "Changed by hand" });
    const drift = await run(["audit", "--file", "users.yaml", "--stack", "prod", "--cwd", projectDir]);
    assert.equal(drift.code, 2, drift.stderr);
    assert.match(drift.stdout, /ann@example\.com/);
    assert.ok(!(drift.stdout + drift.stderr).includes(emu.credentials.clientSecret));
  });

  it("the stack's config wins over the environment; --cwd alone uses the selected stack", async () => {
    const r = await run(["export", "--quiet", "--cwd", projectDir], {
      DOMO_CLIENT_SECRET: "not-the-secret",
      DOMO_API_HOST: "http://127.0.0.1:9",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ann@example\.com/);
  });

  it("a stack whose secret Domo refuses fails in one line without the secret", async () => {
    const wrong = "wrong-secret-0123456789abcdef";
    await stack.setConfig("domo:clientSecret", wrong, { secret: true });
    try {
      const r = await run(["audit", "--file", "users.yaml", "--stack", "prod", "--cwd", projectDir]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(wrong), r.stderr);
    } finally {
      await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    }
  });

  it("an unknown stack fails in one line, naming it", async () => {
    const r = await run(["export", "--stack", "nope", "--cwd", projectDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /reading the stack config failed for nope/);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  });

  it("without --stack or --cwd no pulumi process is needed: the environment alone still works", async () => {
    const r = await run(["export", "--quiet"], {
      PATH: "/nonexistent",
      DOMO_API_HOST: emu.url,
      DOMO_CLIENT_ID: emu.credentials.clientId,
      DOMO_CLIENT_SECRET: emu.credentials.clientSecret,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bob@example\.com/);
  });
});
