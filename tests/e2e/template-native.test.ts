import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { ensureLanguageHosts } from "../../scripts/lib/language-hosts";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

const execFileAsync = promisify(execFile);
const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  version: string;
};

/**
 * templates/domo-users-python and templates/domo-users-yaml as a new team uses them: the plugin
 * archive the build makes installed into the stack's PULUMI_HOME (`pulumi plugin install
 * resource domo <version> --file <archive>`, as the README says; no launcher on PATH), `pulumi
 * new` into an empty directory, for Python a virtualenv with requirements.txt and the generated
 * SDK (`pip install <clone>/sdk/python`), then preview, up and a clean
 * `pulumi preview --expect-no-changes` against the emulator on a local file backend.
 */
describe("templates/domo-users-python and domo-users-yaml with `pulumi new` and the plugin archive", function () {
  this.timeout(900_000);
  let archive: string;

  before(() => {
    assert.ok(fs.existsSync(path.join(repoRoot, "dist", "native", "main.js")), "run `npm run build` first");
    archive = execFileSync(
      path.join(repoRoot, "node_modules", ".bin", "node"),
      [path.join(repoRoot, "scripts", "build-plugin.mjs")],
      { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    assert.ok(fs.existsSync(archive), archive);
  });

  const languages: Array<{ language: "python" | "yaml"; files: string[] }> = [
    {
      language: "python",
      files: [".gitignore", "Pulumi.yaml", "__main__.py", "requirements.txt", "users.yaml"],
    },
    { language: "yaml", files: ["Pulumi.yaml", "users.yaml"] },
  ];
  for (const { language, files } of languages) {
    describe(`templates/domo-users-${language}`, () => {
      const templateDir = path.join(repoRoot, "templates", `domo-users-${language}`);
      let emu: RunningEmulator;
      let stack: LocalStack;
      let projectDir: string;
      let env: Record<string, string>;
      const calls = () => Object.values(emu.counters()).reduce((n, c) => n + c, 0);

      before(async () => {
        emu = await startEmulator();
        const work = makeTempDir(`pulumi-domo-template-${language}-`);
        const parent = path.join(work, "projects");
        fs.mkdirSync(parent);
        projectDir = path.join(parent, "domo-users");
        // The language hosts on PATH (a `pulumi` install carries them; here they are built from
        // Go modules); no plugin launcher: the engine must find the installed plugin.
        const base = new LocalStack({ projectDir, workDir: work }).environment();
        const hostsPath = [ensureLanguageHosts().binDir, base.PATH].join(path.delimiter);
        env = { ...base, PATH: hostsPath };
        delete env.VIRTUAL_ENV;
        assert.ok(
          !hostsPath.split(path.delimiter).some((d) => fs.existsSync(path.join(d, "pulumi-resource-domo"))),
          "no pulumi-resource-domo on PATH",
        );
        await execFileAsync("pulumi", ["plugin", "install", "resource", "domo", version, "--file", archive], {
          env,
        });
        await execFileAsync(
          "pulumi",
          [
            "new",
            templateDir,
            "--dir",
            "domo-users",
            "--name",
            "acme-domo-users",
            "--stack",
            "dev",
            "--yes",
            "--non-interactive",
            "--generate-only",
          ],
          { cwd: parent, env },
        );
        if (language === "python") {
          // As the README says: a virtualenv, requirements.txt (pulumi from PyPI) and the SDK
          // from the clone (a copy: pip builds in the source directory).
          const sdk = path.join(work, "sdk-python");
          fs.cpSync(path.join(repoRoot, "sdk", "python"), sdk, { recursive: true });
          await execFileAsync("python3", ["-m", "venv", "venv"], { cwd: projectDir, env });
          const venvBin = path.join(projectDir, "venv", "bin");
          await execFileAsync(
            path.join(venvBin, "pip"),
            ["install", "-q", "--disable-pip-version-check", "-r", "requirements.txt", sdk],
            { cwd: projectDir, env },
          );
          // What `source venv/bin/activate` does.
          env = {
            ...env,
            VIRTUAL_ENV: path.join(projectDir, "venv"),
            PATH: [venvBin, env.PATH].join(path.delimiter),
          };
        }
        stack = new LocalStack({ projectDir, workDir: work, env });
      });
      after(async () => {
        await emu?.close();
      });

      it("generates the project: Pulumi.yaml named, without the template section, asking for nothing else", () => {
        const generated = fs.readdirSync(projectDir).filter((f) => f !== "venv");
        assert.deepEqual(generated.sort(), [...files].sort());
        const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Record<
          string,
          unknown
        >;
        assert.equal(project.name, "acme-domo-users");
        assert.equal(project.runtime, language);
        assert.equal(project.template, undefined);
        const template = parse(fs.readFileSync(path.join(templateDir, "Pulumi.yaml"), "utf8")) as {
          template: { config: Record<string, { secret?: boolean; default?: string }> };
        };
        assert.deepEqual(Object.keys(template.template.config).sort(), [
          "domo:apiHost",
          "domo:clientId",
          "domo:clientSecret",
        ]);
        assert.equal(template.template.config["domo:clientSecret"]?.secret, true);
        assert.equal(template.template.config["domo:apiHost"]?.default, "https://api.domo.com");
        // The same starter people as the TypeScript template.
        const people = (dir: string) =>
          (parse(fs.readFileSync(path.join(dir, "users.yaml"), "utf8")) as { users: unknown[] }).users;
        assert.deepEqual(people(projectDir), people(path.join(repoRoot, "templates", "domo-users")));
      });

      it("previews the starter users with no call, creates them, then previews clean with no call", async () => {
        await stack.init();
        await stack.setConfig("domo:apiHost", emu.url);
        await stack.setConfig("domo:clientId", emu.credentials.clientId);
        await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
        emu.resetCounters();
        const preview = await stack.preview(["--diff"]);
        const all = preview.stdout + preview.stderr;
        assert.doesNotMatch(all, /pulumi-resource-domo from \$PATH/, "the installed plugin serves the run");
        assert.match(preview.stdout, /\+ domo:index:UserDirectory: \(create\)/);
        assert.equal(preview.stdout.match(/\+ domo:index:User: \(create\)/g)?.length, 2, preview.stdout);
        assert.match(preview.stdout, /title\s*:\s*"Analytics engineer"/);
        assert.match(preview.stdout, /deletionPolicy\s*:\s*"retain"/);
        assert.doesNotMatch(
          preview.stdout,
          /sendInvite|adoptExisting|allowEmailChange|allowUnsafeAdminChanges/,
        );
        assert.equal(calls(), 0, `preview makes no API call: ${JSON.stringify(emu.counters())}`);

        await stack.up();
        assert.equal(emu.counters()["POST /v1/users"], 2);
        const live = emu.store.listUsers().filter((u) => !u.deleted);
        const grace = live.find((u) => u.email === "grace.hopper@example.com");
        assert.equal(grace?.title, "Analytics engineer");
        assert.equal(grace?.timezone, "America/Los_Angeles");
        const outputs = JSON.parse(
          (await stack.run(["stack", "output", "--json", "--stack", "dev"])).stdout,
        ) as {
          userIds: Record<string, number>;
        };
        assert.equal(outputs.userIds["grace.hopper@example.com"], grace?.id);
        assert.equal(Object.keys(outputs.userIds).length, 2);
        const state = fs.readFileSync(stack.stateFile(), "utf8");
        assert.ok(!state.includes(emu.credentials.clientSecret), "no plaintext secret in the state");
        assert.ok(!state.includes("__provider"), "no code in the state");

        emu.resetCounters();
        await stack.preview(["--expect-no-changes"]);
        assert.equal(calls(), 0, JSON.stringify(emu.counters()));
        const again = await stack.up();
        assert.doesNotMatch(again.stdout, /created|updated|deleted/);
        assert.equal(calls(), 0, JSON.stringify(emu.counters()));
      });

      it("passes the project's allowMassDeletion config to the directory's deletion guard", async () => {
        emu.resetCounters();
        await stack.setConfig("allowMassDeletion", "true");
        try {
          const preview = await stack.preview(["--diff"]);
          assert.match(preview.stdout, /allowMassDeletion\s*:\s*false\s*=>\s*true/, preview.stdout);
          assert.match(preview.stdout, /~ domo:index:DirectoryDeletionGuard: \(update\)/);
        } finally {
          await stack.run(["config", "rm", "allowMassDeletion"]);
        }
        await stack.preview(["--expect-no-changes"]);
        assert.equal(calls(), 0, JSON.stringify(emu.counters()));
      });
    });
  }
});
