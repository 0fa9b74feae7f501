import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { packedProject } from "../support/packed-project";
import { makeTempDir } from "../support/temp";

const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
const version = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
).version;

/** The shell commands of a README section's fenced bash blocks, comments stripped, in order. */
function sectionCommands(title: string): string[] {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a section "${title}"`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const block of section.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? "").split("\n")) {
      const command = line.replace(/\s+#\s.*$/, "").trim();
      if (command !== "" && !command.startsWith("#")) commands.push(command);
    }
  }
  assert.ok(commands.length > 0, `section "${title}" has commands`);
  return commands;
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
 * The README's "Start a new project" and "Bring an existing Domo instance under management"
 * run as written. The only substitutions: the emulator's URL and credentials for Domo's, and
 * the packed tarball for the registry's pulumi-domo (`npm pack` and `npm install`).
 */
describe("README getting-started sections, command by command", function () {
  this.timeout(600_000);
  let tarball: string;
  let emu: RunningEmulator;

  before(async () => {
    tarball = (await packedProject()).tarball;
  });
  afterEach(async () => {
    await emu?.close();
  });

  /** The "Start a new project" commands, made to run here. */
  function startCommands(): string[] {
    let commands = sectionCommands("Start a new project");
    commands = substitute(
      commands,
      `npm pack pulumi-domo@${version}`,
      `cp ${tarball} pulumi-domo-${version}.tgz`,
    );
    commands = substitute(
      commands,
      /^npm install$/,
      `npm pkg set dependencies.pulumi-domo=file:${tarball} && npm install`,
    );
    commands = substitute(commands, "https://api.domo.com", emu.url);
    commands = substitute(commands, "<API client id>", emu.credentials.clientId);
    commands = substitute(
      commands,
      /^pulumi config set --secret domo:clientSecret$/,
      `printf '%s' "$README_TEST_SECRET" | pulumi config set --secret domo:clientSecret`,
    );
    return commands;
  }

  function environment(work: string): Record<string, string> {
    const stack = new LocalStack({
      projectDir: path.join(work, "domo-users"),
      workDir: path.join(work, ".pulumi-work"),
    });
    return { ...stack.environment(), README_TEST_SECRET: emu.credentials.clientSecret };
  }

  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);

  it('"Start a new project": template, install, typecheck, config, preview, up, clean preview', async () => {
    emu = await startEmulator();
    const work = makeTempDir("pulumi-domo-readme-new-");
    const ran = await runScript(startCommands(), work, environment(work));
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
    assert.match(preview, /title\s*:\s*"Analytics engineer"/);
    assert.doesNotMatch(preview, /sendInvite|adoptExisting|allowEmailChange|allowUnsafeAdminChanges/);
    assert.ok(!ran.output.includes(emu.credentials.clientSecret), "the secret is never printed");
  });

  it('"Bring an existing Domo instance under management": export, audit, first up with 0 writes', async () => {
    emu = await startEmulator({
      seed: {
        users: [
          { email: "dana.admin@example.com", name: "Dana Admin", role: "Admin", title: "Domo admin" },
          { email: "Eve.Editor@Example.com", name: "Eve Editor", role: "Editor", timezone: "Europe/Paris" },
          { email: "sam.steward@example.com", name: "Sam Steward", roleId: 6 },
          { email: "pat@example.com", name: "Pat Participant", role: "Participant", phone: "+1 555 0100" },
        ],
      },
    });
    const existing = emu.store.listUsers().map((u) => u.id);
    const start = startCommands();
    // "In a new project (above), before its first preview".
    const setup = start.slice(
      0,
      start.findIndex((c) => c.startsWith("pulumi preview")),
    );
    const work = makeTempDir("pulumi-domo-readme-existing-");
    emu.resetCounters();
    const ran = await runScript(
      [...setup, ...sectionCommands("Bring an existing Domo instance under management")],
      work,
      environment(work),
    );
    assert.equal(ran.code, 0, ran.output);
    assert.equal(writes(), 0, `no create, update or delete in Domo: ${JSON.stringify(emu.counters())}`);
    assert.deepEqual(
      emu.store
        .listUsers()
        .map((u) => u.id)
        .sort(),
      [...existing].sort(),
      "no account created",
    );
    const usersFile = fs.readFileSync(path.join(work, "domo-users", "users.yaml"), "utf8");
    for (const id of existing) assert.match(usersFile, new RegExp(`id: ${id}\\b`));
    assert.ok(!ran.output.includes(emu.credentials.clientSecret), "the secret is never printed");
  });
});
