import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { ensureLanguageHosts } from "../../scripts/lib/language-hosts";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
/** The URL the README clones; the test clones this repository's path instead. */
const repositoryUrl = "https://github.com/pulumi-domo/pulumi-domo.git";

/** A README section's text, from its `## title` to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a section "${title}"`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The shell commands of each fenced bash block of a section, comments stripped, in order. */
function sectionBlocks(title: string): string[][] {
  const blocks: string[][] = [];
  for (const block of section(title).matchAll(/```bash\n([\s\S]*?)```/g)) {
    const commands: string[] = [];
    for (const line of (block[1] ?? "").split("\n")) {
      const command = line.replace(/\s+#\s.*$/, "").trim();
      if (command !== "" && !command.startsWith("#")) commands.push(command);
    }
    blocks.push(commands);
  }
  assert.ok(blocks.length > 0, `section "${title}" has commands`);
  return blocks;
}

const sectionCommands = (title: string): string[] => sectionBlocks(title).flat();

/** The one block of "Start a new project" that holds `marker`. */
function startBlock(marker: string): string[] {
  const hits = sectionBlocks("Start a new project").filter((b) => b.some((c) => c.includes(marker)));
  assert.equal(hits.length, 1, `exactly one block of "Start a new project" holds ${marker}`);
  return hits[0] ?? [];
}

/** Replaces `from` in exactly one command: a README edit that drops it must fail here, not pass. */
function substitute(commands: string[], from: string | RegExp, to: string): string[] {
  const hits = commands.filter((c) => (typeof from === "string" ? c.includes(from) : from.test(c)));
  assert.equal(hits.length, 1, `exactly one README command holds ${String(from)}: ${commands.join(" | ")}`);
  return commands.map((c) => c.replace(from, to));
}

interface Ran {
  code: number;
  output: string;
}

function runScript(commands: string[], cwd: string, env: Record<string, string>): Promise<Ran> {
  const script = [
    "set -euo pipefail",
    ...commands.map((c) => `echo "+ ${c.replace(/["`$\\]/g, "\\$&")}"\n${c}`),
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * The README's "Start a new project" (the build from a clone, then each of the TypeScript,
 * Python and YAML projects) and "Bring an existing Domo instance under management", run as
 * written. The only substitutions: this repository's path for its URL in `git clone` (so the
 * clone holds the commit under test: commit before running this locally), and the emulator's URL
 * and credentials for Domo's. Nothing stands in for a registry: what the packages' registries do
 * not have comes from the clone's build, as the README says.
 */
describe("README getting-started sections, command by command", function () {
  this.timeout(900_000);
  let emu: RunningEmulator | undefined;
  /** Holds the README's clone, `pulumi-domo`, built by its commands. */
  let built: string;

  before(async () => {
    built = makeTempDir("pulumi-domo-readme-clone-");
    const commands = substitute(startBlock("git clone"), repositoryUrl, repoRoot);
    const ran = await runScript(commands, built, environment(built));
    assert.equal(ran.code, 0, ran.output);
    const plugins = fs.readdirSync(path.join(built, "pulumi-domo", "build", "plugin"));
    assert.ok(
      plugins.some((f) => /^pulumi-resource-domo-v[\d.]+-\w+-\w+\.tar\.gz$/.test(f)),
      plugins.join(", "),
    );
  });
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  /** A directory beside the clone (as after the build's `cd ..`), for one project. */
  function projectParent(prefix: string): string {
    const work = makeTempDir(prefix);
    fs.symlinkSync(path.join(built, "pulumi-domo"), path.join(work, "pulumi-domo"));
    return work;
  }

  /** A project block's commands, made to run here: the emulator stands in for Domo. */
  function forEmulator(block: string[], running: RunningEmulator): string[] {
    let commands = substitute(block, "https://api.domo.com", running.url);
    commands = substitute(commands, "<API client id>", running.credentials.clientId);
    return substitute(
      commands,
      /^pulumi config set --secret domo:clientSecret$/,
      `printf '%s' "$README_TEST_SECRET" | pulumi config set --secret domo:clientSecret`,
    );
  }

  /**
   * The CLI on PATH with its language hosts (a `pulumi` install carries them; here they are
   * built from Go modules), Node 22, a local backend and a PULUMI_HOME of the work dir's own.
   */
  function environment(work: string): Record<string, string> {
    const stack = new LocalStack({
      projectDir: path.join(work, "domo-users"),
      workDir: path.join(work, ".pulumi-work"),
    });
    const env = stack.environment();
    env.PATH = [ensureLanguageHosts().binDir, env.PATH].join(path.delimiter);
    delete env.VIRTUAL_ENV;
    if (emu) env.README_TEST_SECRET = emu.credentials.clientSecret;
    return env;
  }

  const writes = (running: RunningEmulator) =>
    Object.entries(running.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);

  const projects: Array<{ language: string; marker: string; type: RegExp }> = [
    { language: "TypeScript", marker: 'templates/domo-users"', type: /pulumi-nodejs:dynamic\/domo:User/ },
    { language: "Python", marker: "templates/domo-users-python", type: /domo:index:User\b/ },
    { language: "YAML", marker: "templates/domo-users-yaml", type: /domo:index:User\b/ },
  ];
  for (const { language, marker, type } of projects) {
    it(`"Start a new project", ${language}: template, install, config, preview, up, clean preview`, async () => {
      emu = await startEmulator();
      const work = projectParent(`pulumi-domo-readme-${language.toLowerCase()}-`);
      const ran = await runScript(forEmulator(startBlock(marker), emu), work, environment(work));
      assert.equal(ran.code, 0, ran.output);
      const live = emu.store.listUsers().filter((u) => !u.deleted);
      assert.deepEqual(live.map((u) => u.email).sort(), [
        "admin@example.com",
        "alan.turing@example.com",
        "grace.hopper@example.com",
      ]);
      assert.equal(emu.counters()["POST /v1/users"], 2);
      // The preview of the creates lists declared fields only.
      const preview = ran.output.slice(
        ran.output.indexOf("+ pulumi preview --diff"),
        ran.output.indexOf("+ pulumi up"),
      );
      assert.match(preview, type);
      assert.match(preview, /title\s*:\s*"Analytics engineer"/);
      assert.doesNotMatch(preview, /sendInvite|adoptExisting|allowEmailChange|allowUnsafeAdminChanges/);
      assert.ok(!ran.output.includes(emu.credentials.clientSecret), "the secret is never printed");
    });
  }

  it('"Bring an existing Domo instance under management": export, audit, first up with 0 writes', async () => {
    const running = await startEmulator({
      seed: {
        users: [
          { email: "dana.admin@example.com", name: "Dana Admin", role: "Admin", title: "Domo admin" },
          { email: "Eve.Editor@Example.com", name: "Eve Editor", role: "Editor", timezone: "Europe/Paris" },
          { email: "sam.steward@example.com", name: "Sam Steward", roleId: 6 },
          { email: "pat@example.com", name: "Pat Participant", role: "Participant", phone: "+1 555 0100" },
        ],
      },
    });
    emu = running;
    const existing = running.store.listUsers().map((u) => u.id);
    const start = forEmulator(startBlock('templates/domo-users"'), running);
    // "In a new project (above), before its first preview".
    const setup = start.slice(
      0,
      start.findIndex((c) => c.startsWith("pulumi preview")),
    );
    const work = projectParent("pulumi-domo-readme-existing-");
    running.resetCounters();
    const ran = await runScript(
      [...setup, ...sectionCommands("Bring an existing Domo instance under management")],
      work,
      environment(work),
    );
    assert.equal(ran.code, 0, ran.output);
    assert.equal(
      writes(running),
      0,
      `no create, update or delete in Domo: ${JSON.stringify(running.counters())}`,
    );
    assert.deepEqual(
      running.store
        .listUsers()
        .map((u) => u.id)
        .sort(),
      [...existing].sort(),
      "no account created",
    );
    const usersFile = fs.readFileSync(path.join(work, "domo-users", "users.yaml"), "utf8");
    for (const id of existing) assert.match(usersFile, new RegExp(`id: ${id}\\b`));
    assert.ok(!ran.output.includes(running.credentials.clientSecret), "the secret is never printed");
  });
});
