// @ts-nocheck
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type CliIo, runCli } from "../../provider/cli";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { auditReportSchema, parseUsersFile } from "../../provider/usersfile";
import { makeTempDir } from "../support/temp";

const repoRoot = path.resolve(__dirname, "..", "..");
const compiledCli = path.join(repoRoot, "dist", "cli", "main.js");

interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

function capture(env: Record<string, string | undefined>, cwd: string): Captured {
  let out = "";
  let err = "";
  return {
    io: {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
      env,
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}

const seedUsers = [
  { name: "Ann Admin", email: "Ann@Example.com", role: "Admin", title: "CTO", timezone: "America/Denver" },
  { name: "Bob Steward", email: "bob@example.com", roleId: 6, phone: "call me maybe" },
  {
    name: "Cy Participant",
    email: "cy@example.com",
    role: "Participant",
    employeeNumber: 42,
    locale: "en-GB",
  },
];

describe("pulumi-domo CLI", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let dir: string;
  let env: Record<string, string>;

  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1/.test(route))
      .reduce((n, [, c]) => n + c, 0);
  const apiCalls = () => Object.values(emu.counters()).reduce((n, c) => n + c, 0);

  async function run(argv: string[], extraEnv: Record<string, string | undefined> = {}) {
    const c = capture({ ...env, ...extraEnv }, dir);
    const code = await runCli(argv, c.io);
    return { code, stdout: c.out(), stderr: c.err() };
  }

  beforeEach(async () => {
    emu = await startEmulator({ seed: { users: seedUsers } });
    dir = makeTempDir("pulumi-domo-cli-");
    env = {
      DOMO_API_HOST: emu.url,
      DOMO_CLIENT_ID: emu.credentials.clientId,
      DOMO_CLIENT_SECRET: emu.credentials.clientSecret,
      DOMO_REQUESTS_PER_SECOND: "1000",
    };
  });

  afterEach(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("export", () => {
    it("writes a users file with every account's id that parses back, changing nothing", async () => {
      const r = await run(["export", "--out", "users.yaml"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
      assert.equal(writes(), 0);
      const text = fs.readFileSync(path.join(dir, "users.yaml"), "utf8");
      const parsed = parseUsersFile(text, "users.yaml");
      const live = emu.store.activeUsers();
      assert.equal(parsed.users.length, live.length);
      for (const u of parsed.users) {
        const stored = live.find((s) => s.id === u.id);
        assert.ok(stored, `id ${u.id} exists`);
        assert.equal(u.declaration.email, stored.email.toLowerCase());
      }
      const bob = parsed.users.find((u) => u.declaration.email === "bob@example.com");
      assert.equal(bob?.declaration.roleId, 6, "custom role by id");
      assert.equal(bob?.declaration.phone, undefined, "a phone a declaration refuses is left out");
      assert.match(text, /# phone "call me maybe" left out: phone may contain only/);
      assert.match(r.stderr, /warning: bob@example\.com: phone "call me maybe" left out/);
      assert.match(r.stderr, /Exported 3 of 3 users and 0 groups to users\.yaml\./);
    });

    it("reports progress on stderr for every page of a long listing", async () => {
      for (let i = 0; i < 1100; i++)
        await emu.store.createUser({ name: `User ${i}`, email: `u${i}@bulk.example.com`, role: "Social" });
      const r = await run(["export"]);
      assert.equal(r.code, 0, r.stderr);
      const progress = r.stderr.split("\n").filter((l) => l.startsWith("Read "));
      assert.deepEqual(
        progress.map((l) => Number(/Read (\d+) users/.exec(l)?.[1])),
        [500, 1000, 1103],
      );
      assert.equal(parseUsersFile(r.stdout, "stdout").users.length, 1103);
      const quiet = await run(["export", "--quiet"]);
      assert.equal(quiet.stderr.includes("Read "), false);
    });

    it("refuses to overwrite a file unless forced, and can set a deletion policy default", async () => {
      fs.writeFileSync(path.join(dir, "users.yaml"), "users: []\n");
      const refused = await run(["export", "--out", "users.yaml"]);
      assert.equal(refused.code, 1);
      assert.equal(refused.stderr, "pulumi-domo: users.yaml exists; pass --force to overwrite it\n");
      assert.equal(apiCalls(), 0, "nothing asked of Domo");
      const forced = await run(["export", "--out", "users.yaml", "--force", "--deletion-policy", "retain"]);
      assert.equal(forced.code, 0, forced.stderr);
      const parsed = parseUsersFile(fs.readFileSync(path.join(dir, "users.yaml"), "utf8"), "users.yaml");
      assert.equal(parsed.defaults.deletionPolicy, "retain");
      assert.ok(parsed.users.every((u) => u.declaration.deletionPolicy === "retain"));
      const bad = await run(["export", "--deletion-policy", "keep"]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--deletion-policy must be delete or retain, got "keep"/);
    });
  });

  describe("audit", () => {
    it("finds no drift right after an export", async () => {
      assert.equal((await run(["export", "--out", "users.yaml"])).code, 0);
      const r = await run(["audit", "--file", "users.yaml"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout, "In sync: 3 declared users match Domo (3 accounts).\n");
      assert.equal(writes(), 0);
    });

    it("reads users.yaml by default", async () => {
      assert.equal((await run(["export", "--out", "users.yaml"])).code, 0);
      assert.equal((await run(["audit"])).code, 0);
    });

    it("reports undeclared, drifted and missing accounts with exit code 2, changing nothing", async () => {
      assert.equal((await run(["export", "--out", "users.yaml"])).code, 0);
      const file = path.join(dir, "users.yaml");
      fs.appendFileSync(file, "\n  - email: new.hire@example.com\n    name: New Hire\n    role: Editor\n");
      const ann = emu.store.activeUsers().find((u) => u.email.toLowerCase() === "ann@example.com")!;
      await emu.store.updateUser(ann.id, { title: "CEO" });
      const stranger = await emu.store.createUser({
        name: "Stranger",
        email: "stranger@example.com",
        role: "Editor",
      });
      emu.resetCounters();

      const r = await run(["audit", "--file", "users.yaml"]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(writes(), 0, "audit changes nothing");
      assert.match(
        r.stdout,
        new RegExp(
          `In Domo but not declared \\(1\\):\\n  ${stranger.id}  stranger@example\\.com  Stranger  \\[Editor\\]`,
        ),
      );
      assert.match(
        r.stdout,
        /ann@example\.com \(id \d+, users\.yaml:\d+\)\n {4}title: declared "CTO", in Domo "CEO"/,
      );
      assert.match(r.stdout, /Declared, but not in Domo \(1\):\n {2}new\.hire@example\.com, users\.yaml:\d+/);
      assert.match(r.stdout, /Drift: 3 accounts differ/);

      const json = await run(["audit", "--file", "users.yaml", "--json", "--quiet"]);
      assert.equal(json.code, 2);
      assert.equal(json.stderr, "");
      const report = auditReportSchema.parse(JSON.parse(json.stdout));
      assert.equal(report.inSync, false);
      assert.deepEqual(
        report.undeclared.map((u) => u.email),
        ["stranger@example.com"],
      );
      assert.deepEqual(report.drifted[0]?.fields, [{ field: "title", declared: "CTO", live: "CEO" }]);
      assert.deepEqual(
        report.missing.map((m) => m.email),
        ["new.hire@example.com"],
      );
    });

    it("leaves --ignore'd undeclared accounts out of the report", async () => {
      assert.equal((await run(["export", "--out", "users.yaml"])).code, 0);
      await emu.store.createUser({ name: "Service", email: "Svc@Example.com", role: "Admin" });
      assert.equal((await run(["audit", "--quiet"])).code, 2);
      const r = await run([
        "audit",
        "--quiet",
        "--ignore",
        "svc@example.com",
        "--ignore",
        "other@example.com",
      ]);
      assert.equal(r.code, 0, r.stdout);
    });

    it("prints a bad users file's problems with lines, without calling Domo", async () => {
      fs.writeFileSync(
        path.join(dir, "users.yaml"),
        "users:\n  - email: a@example.com\n    name: A\n    role: admin\n  - email: A@example.com\n    name: B\n    role: Admin\n",
      );
      const r = await run(["audit"]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        "2 problems in users.yaml:\n" +
          'users.yaml:4: users[0].role: role "admin" is not a Domo system role; role names are case-sensitive: use "Admin"\n' +
          "users.yaml:5: users[1].email: duplicate email a@example.com: also declared at users.yaml:2 (users[0]); emails are compared without case, one entry per person\n",
      );
      assert.equal(apiCalls(), 0);
      const missing = await run(["audit", "--file", "nope.yaml"]);
      assert.equal(missing.stderr, "nope.yaml: cannot read the users file: no such file\n");
    });
  });

  describe("credentials and errors", () => {
    it("takes --api-host, --client-id and --client-secret-file instead of the environment", async () => {
      fs.writeFileSync(path.join(dir, "secret.txt"), `${emu.credentials.clientSecret}\n`, { mode: 0o600 });
      const r = await run(
        [
          "export",
          "--api-host",
          emu.url,
          "--client-id",
          emu.credentials.clientId,
          "--client-secret-file",
          "secret.txt",
        ],
        { DOMO_API_HOST: "http://127.0.0.1:9", DOMO_CLIENT_ID: "wrong", DOMO_CLIENT_SECRET: undefined },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(parseUsersFile(r.stdout, "-").users.length, 3);
    });

    it("never accepts the secret as a flag, and never echoes it", async () => {
      for (const argv of [
        ["audit", "--client-secret=hunter22"],
        ["export", "--client-secret", "hunter22"],
      ]) {
        const r = await run(argv);
        assert.equal(r.code, 1);
        assert.equal(r.stderr.includes("hunter22"), false);
        assert.match(
          r.stderr,
          /^pulumi-domo: --client-secret is not accepted: .*DOMO_CLIENT_SECRET or pass --client-secret-file <file> \(see: pulumi-domo help \w+\)\n$/,
        );
      }
    });

    it("explains missing credentials in one line", async () => {
      const noId = await run(["export"], { DOMO_CLIENT_ID: undefined });
      assert.equal(
        noId.stderr,
        "pulumi-domo: no Domo client id: set DOMO_CLIENT_ID or pass --client-id <id>\n",
      );
      const noSecret = await run(["audit"], { DOMO_CLIENT_SECRET: undefined });
      fs.writeFileSync(path.join(dir, "users.yaml"), "users: []\n");
      const noSecret2 = await run(["audit"], { DOMO_CLIENT_SECRET: undefined });
      assert.match(
        noSecret.stderr + noSecret2.stderr,
        /no Domo client secret: set DOMO_CLIENT_SECRET or pass --client-secret-file/,
      );
      const missingFile = await run(["export", "--client-secret-file", "absent.txt"]);
      assert.equal(
        missingFile.stderr,
        "pulumi-domo: cannot read --client-secret-file absent.txt: no such file\n",
      );
      const badHost = await run(["export"], { DOMO_API_HOST: "not a url" });
      assert.equal(badHost.code, 1);
      assert.match(
        badHost.stderr,
        /^pulumi-domo: Invalid Domo client settings: domo:apiHost .*must be a URL/,
      );
    });

    it("reports rejected credentials in one line that does not contain the secret", async () => {
      const r = await run(["export"], { DOMO_CLIENT_SECRET: "s3cr3t-value-that-is-wrong" });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.split("\n").filter(Boolean).length, 1);
      assert.match(r.stderr, /Domo rejected the API client credentials/);
      assert.equal(r.stderr.includes("s3cr3t-value-that-is-wrong"), false);
    });

    it("shows help, and refuses unknown commands and options", async () => {
      const help = await run(["help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /Usage: pulumi-domo <command>/);
      for (const topic of ["export", "audit", "emulator"]) {
        const r = await run(["help", topic]);
        assert.equal(r.code, 0, `${topic}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`Usage: pulumi-domo ${topic}`));
        assert.match((await run([topic, "--help"])).stdout, new RegExp(`Usage: pulumi-domo ${topic}`));
      }
      const none = await run([]);
      assert.equal(none.code, 1);
      assert.match(none.stdout, /Usage/);
      const unknown = await run(["deploy"]);
      assert.equal(unknown.stderr, 'pulumi-domo: unknown command "deploy" (see: pulumi-domo help)\n');
      const badFlag = await run(["audit", "--bogus"]);
      assert.equal(badFlag.stderr, "pulumi-domo: Unknown option '--bogus' (see: pulumi-domo help audit)\n");
      assert.equal((await run(["help", "nope"])).code, 1);
    });
  });

  describe("compiled (dist/cli/main.js)", () => {
    before(() => {
      if (!fs.existsSync(compiledCli)) {
        throw new Error(
          `${compiledCli} is missing: run \`npm run build\` before these tests (npm test does)`,
        );
      }
    });

    function spawnCli(argv: string[], extraEnv: Record<string, string | undefined> = {}) {
      return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [compiledCli, ...argv], {
          cwd: dir,
          env: { PATH: process.env.PATH, ...env, ...extraEnv },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    }

    it("starts with a node shebang", () => {
      assert.equal(fs.readFileSync(compiledCli, "utf8").split("\n")[0], "#!/usr/bin/env node");
    });

    it("exports, then audits with exit code 0, then 2 after a change in Domo", async () => {
      const exported = await spawnCli(["export", "--out", "users.yaml"]);
      assert.equal(exported.code, 0, exported.stderr);
      const clean = await spawnCli(["audit"]);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      await emu.store.createUser({ name: "Late", email: "late@example.com", role: "Social" });
      const drift = await spawnCli(["audit", "--json"]);
      assert.equal(drift.code, 2);
      assert.equal(
        auditReportSchema.parse(JSON.parse(drift.stdout)).undeclared[0]?.email,
        "late@example.com",
      );
    });

    it("fails in one line without the secret", async () => {
      const r = await spawnCli(["audit", "--client-secret=topsecret99"]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.includes("topsecret99"), false);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    });

    it("runs the emulator until interrupted", async () => {
      const child = spawn(process.execPath, [compiledCli, "emulator", "--port", "0"], { cwd: dir });
      let stdout = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(stdout);
          if (m?.[1]) resolve(m[1]);
        });
        child.on("error", reject);
        child.on("exit", (code) => reject(new Error(`emulator exited early (${code}): ${stdout}`)));
      });
      const token = await fetch(`${url}/oauth/token?grant_type=client_credentials`, { method: "POST" });
      assert.equal(token.status, 401, "answers like Domo: no credentials, no token");
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      assert.equal(await exited, 0);
      assert.match(stdout, /Emulator stopped \(SIGINT\)/);
    });
  });
});
