import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { packedProject } from "../support/packed-project";
import { makeTempDir } from "../support/temp";

const execFileAsync = promisify(execFile);
const templateDir = path.join(repoRoot, "templates", "domo-users");

/** Settings at their default: a preview of a create must not list them for every user. */
const defaultSettingLines =
  /sendInvite|adoptExisting|allowEmailChange|allowUnsafeAdminChanges|deletionPolicy\s*:\s*"delete"/;

/**
 * The template as a new team uses it: `pulumi new` into an empty directory, the package from
 * the tarball `npm pack` makes (`npm install <tarball>`, as the README says), a strict typecheck with the template's own tsconfig,
 * then preview, up and a clean second preview against the emulator on a local file backend.
 */
describe("templates/domo-users with `pulumi new`", function () {
  this.timeout(600_000);
  let emu: RunningEmulator;
  let stack: LocalStack;
  let projectDir: string;
  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);

  before(async () => {
    const { tarball } = await packedProject();
    emu = await startEmulator();
    const work = makeTempDir("pulumi-domo-template-");
    const parent = path.join(work, "projects");
    fs.mkdirSync(parent);
    projectDir = path.join(parent, "domo-users");
    stack = new LocalStack({ projectDir, workDir: work });
    const env = stack.environment();
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
    // As the README says: `npm install <the tarball npm pack made>` (pulumi-domo is not on the
    // registry yet; npm records it as a file: dependency), the rest as the template pins it.
    const install = await execFileAsync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball],
      { cwd: projectDir, env },
    );
    const ours = `${install.stdout}\n${install.stderr}`
      .split("\n")
      .filter((line) => /warn/i.test(line) && /pulumi-domo|link-self/i.test(line));
    assert.deepEqual(ours, [], "installing the package warns about nothing of its own");
  });
  after(async () => {
    await emu?.close();
  });

  it("generates a complete project: Pulumi.yaml without the template section, package.json named, CI workflow", () => {
    const files = fs.readdirSync(projectDir).sort();
    for (const f of [".github", "Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "users.yaml"])
      assert.ok(files.includes(f), `${f} generated: ${files.join(", ")}`);
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.equal(project.name, "acme-domo-users");
    assert.equal(project.main, "index.ts");
    assert.equal(project.template, undefined);
    const manifest = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.equal(manifest.name, "acme-domo-users");
    assert.equal(manifest.main, undefined, "no main: Pulumi runs index.ts, never a library entry");
    assert.equal(
      fs.readFileSync(path.join(projectDir, ".github", "workflows", "domo-users.yml"), "utf8"),
      fs.readFileSync(path.join(templateDir, ".github", "workflows", "domo-users.yml"), "utf8"),
    );
  });

  it("pins the versions this repository tests with, and a strict tsconfig with library checks on", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(templateDir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const ours = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      version: string;
      devDependencies: Record<string, string>;
    };
    const installed = (name: string) =>
      (
        JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", name, "package.json"), "utf8")) as {
          version: string;
        }
      ).version;
    assert.deepEqual(manifest.dependencies, {
      "@pulumi/pulumi": installed("@pulumi/pulumi"),
      "pulumi-domo": ours.version,
    });
    assert.deepEqual(manifest.devDependencies, {
      "@types/node": installed("@types/node"),
      typescript: installed("typescript"),
    });
    assert.equal(installed("@pulumi/pulumi"), "3.276.0");
    assert.equal(installed("typescript"), "5.9.3");
    const tsconfig = JSON.parse(fs.readFileSync(path.join(templateDir, "tsconfig.json"), "utf8")) as {
      compilerOptions: Record<string, unknown>;
    };
    assert.equal(tsconfig.compilerOptions.strict, true);
    assert.equal(tsconfig.compilerOptions.skipLibCheck, undefined);
  });

  it("typechecks with the template's own tsconfig and TypeScript (library checks on)", async () => {
    await execFileAsync(
      path.join(projectDir, "node_modules", ".bin", "tsc"),
      ["--noEmit", "-p", "tsconfig.json"],
      {
        cwd: projectDir,
        env: stack.environment(),
      },
    ).catch((e: { stdout?: string; message: string }) => {
      throw new Error(`tsc: ${e.stdout || e.message}`);
    });
  });

  it("previews the starter users with only their declared fields, creates them, then previews clean", async () => {
    await stack.init();
    await stack.setConfig("domo:apiHost", emu.url);
    await stack.setConfig("domo:clientId", emu.credentials.clientId);
    await stack.setConfig("domo:clientSecret", emu.credentials.clientSecret, { secret: true });
    emu.resetCounters();
    const preview = await stack.preview(["--diff"]);
    assert.equal(preview.stdout.match(/\+ pulumi-nodejs:dynamic\/domo:User: \(create\)/g)?.length, 2);
    assert.match(preview.stdout, /title\s*:\s*"Analytics engineer"/);
    assert.match(preview.stdout, /deletionPolicy\s*:\s*"retain"/, "a setting that is not the default shows");
    assert.doesNotMatch(preview.stdout, defaultSettingLines);
    assert.deepEqual(emu.counters(), {}, "preview makes no API call");

    await stack.up();
    assert.equal(emu.counters()["POST /v1/users"], 2);
    const live = emu.store.listUsers().filter((u) => !u.deleted);
    const grace = live.find((u) => u.email === "grace.hopper@example.com");
    assert.equal(grace?.title, "Analytics engineer");
    assert.equal(grace?.timezone, "America/Los_Angeles");
    const outputs = JSON.parse((await stack.run(["stack", "output", "--json", "--stack", "dev"])).stdout) as {
      userIds: Record<string, number>;
    };
    assert.equal(outputs.userIds["grace.hopper@example.com"], grace?.id);

    emu.resetCounters();
    await stack.preview(["--expect-no-changes"]);
    const again = await stack.up();
    assert.doesNotMatch(again.stdout, /created|updated|deleted/);
    assert.deepEqual(emu.counters(), {});
  });

  it("a preview of an update keeps userIds known (read from the resource ids)", async () => {
    const users = path.join(projectDir, "users.yaml");
    fs.writeFileSync(
      users,
      fs.readFileSync(users, "utf8").replace("title: Analytics engineer", "title: Rear Admiral"),
    );
    const ids = JSON.parse(
      (await stack.run(["stack", "output", "userIds", "--json", "--stack", "dev"])).stdout,
    ) as Record<string, number>;
    // A probe: preview runs an apply only on known values. The display alone cannot tell, as it
    // lists no stack output whose value became unknown in an update.
    const probe = path.join(projectDir, "probe.json");
    const program = path.join(projectDir, "index.ts");
    const original = fs.readFileSync(program, "utf8");
    fs.writeFileSync(
      program,
      `${original}\nimport * as probeFs from "node:fs";\n` +
        `userIds.apply((ids) => probeFs.writeFileSync(${JSON.stringify(probe)}, JSON.stringify(ids)));\n` +
        `directory.users["grace.hopper@example.com"]?.createdAt.apply((v) => probeFs.writeFileSync(${JSON.stringify(`${probe}.createdAt`)}, String(v)));\n`,
    );
    try {
      const preview = await stack.preview(["--diff"]);
      assert.match(preview.stdout, /1 to update/);
      assert.deepEqual(JSON.parse(fs.readFileSync(probe, "utf8")), ids, "userIds known in the preview");
      assert.equal(Object.keys(ids).length, 2);
      assert.ok(
        !fs.existsSync(`${probe}.createdAt`),
        "the updated user's outputs are unknown, as the engine makes them",
      );
    } finally {
      fs.writeFileSync(program, original);
    }
    emu.resetCounters();
    await stack.up();
    assert.equal(writes(), 1);
  });
});
