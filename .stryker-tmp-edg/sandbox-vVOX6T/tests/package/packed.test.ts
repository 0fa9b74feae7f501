// @ts-nocheck
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { packedProject, repoRoot } from "../support/packed-project";
import { makeTempDir } from "../support/temp";

const execFileAsync = promisify(execFile);

/** The package as users get it: `npm pack`, installed into a separate project. */
describe("the packed npm package", function () {
  this.timeout(180_000);

  it("ships compiled JavaScript and type declarations only", async () => {
    const { stdout } = await execFileAsync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: repoRoot,
    });
    const files =
      (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? [];
    assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"));
    assert.ok(
      files.includes("dist/resources/user/runtime.js"),
      "the serialized provider's entry point ships",
    );
    assert.ok(files.includes("dist/cli/main.js"));
    // The project template ships too (README: "Start a new project"), whole.
    const template = files.filter((f) => f.startsWith("templates/domo-users/")).sort();
    assert.deepEqual(template, [
      "templates/domo-users/.github/workflows/domo-users.yml",
      "templates/domo-users/Pulumi.yaml",
      "templates/domo-users/index.ts",
      "templates/domo-users/package.json",
      "templates/domo-users/tsconfig.json",
      "templates/domo-users/users.yaml",
    ]);
    const unexpected = files.filter(
      (f) =>
        !(f.startsWith("dist/") && (f.endsWith(".js") || f.endsWith(".d.ts"))) &&
        !template.includes(f) &&
        !["package.json", "README.md"].includes(f),
    );
    assert.deepEqual(unexpected, []);
  });

  it("installs with no warning that names pulumi-domo or its scripts (it has no install-time script)", async () => {
    const { tarball } = await packedProject();
    const manifest = JSON.parse(
      execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
    ) as { scripts?: Record<string, string> };
    const installHooks = ["preinstall", "install", "postinstall", "prepare", "preprepare", "postprepare"];
    assert.deepEqual(
      installHooks.filter((hook) => manifest.scripts?.[hook] !== undefined),
      [],
      "npm runs (or, since npm 11, asks about) these when the package is installed",
    );
    // A plain install as a user types it: scripts allowed, npm's default log level.
    const project = makeTempDir("pulumi-domo-install-");
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "fresh-install", private: true }),
    );
    const pulumiVersion = (
      JSON.parse(
        fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
      ) as {
        version: string;
      }
    ).version;
    const { stdout, stderr } = await execFileAsync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `@pulumi/pulumi@${pulumiVersion}`],
      { cwd: project },
    );
    const warnings = `${stdout}\n${stderr}`.split("\n").filter((line) => /warn|deprecat/i.test(line));
    const ours = warnings.filter((line) => /pulumi-domo|link-self/i.test(line));
    assert.deepEqual(ours, [], `install output:\n${stdout}\n${stderr}`);
    assert.ok(fs.existsSync(path.join(project, "node_modules", "pulumi-domo", "dist", "index.js")));
  });

  it("installs into a project that can require it, typecheck strictly against it (lib checks on) and run its command", async () => {
    const { dir } = await packedProject();
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        "-e",
        "const d = require('pulumi-domo'); console.log(typeof d.DomoUser, typeof d.DomoUserDirectory, typeof d.DomoClient)",
      ],
      { cwd: dir },
    );
    assert.equal(stdout.trim(), "function function function");

    // A strict consumer that checks library declarations too (no skipLibCheck): every type the
    // package's .d.ts files name must come from the package or a dependency it installs.
    // Both the resolution Pulumi's TypeScript template uses (node) and Node's own (node16).
    const consumer = path.join(dir, "strict-consumer");
    fs.mkdirSync(consumer, { recursive: true });
    fs.writeFileSync(
      path.join(consumer, "check.ts"),
      [
        'import { DomoClient, DomoUser, type DomoUserArgs, DomoUserDirectory, loadUsersFile } from "pulumi-domo";',
        'import { type RunningEmulator, startEmulator } from "pulumi-domo/emulator";',
        'const args: DomoUserArgs = { email: "a@example.com", name: "A", role: "Editor" };',
        "export const user = new DomoUser('a', args);",
        "export const directory = (file: string) => new DomoUserDirectory('users', { file });",
        "export const emails = (file: string): string[] => loadUsersFile(file).users.map((u) => u.declaration.email);",
        "// @ts-expect-error role names are typed and case-sensitive",
        'export const bad: DomoUserArgs = { email: "b@example.com", name: "B", role: "editor" };',
        "export async function againstEmulator(): Promise<string> {",
        "  const emu: RunningEmulator = await startEmulator();",
        "  const client = new DomoClient({ apiHost: emu.url, ...emu.credentials });",
        "  await emu.close();",
        "  return client.describe();",
        "}",
        "",
      ].join("\n"),
    );
    const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    for (const [name, resolution] of [
      ["tsconfig.node.json", { module: "commonjs", moduleResolution: "node" }],
      ["tsconfig.node16.json", { module: "node16", moduleResolution: "node16" }],
    ] as const) {
      const compilerOptions = {
        ...resolution,
        target: "ES2022",
        strict: true,
        // zod's own declarations default-import their locales.
        esModuleInterop: true,
        skipLibCheck: false,
        noEmit: true,
      };
      fs.writeFileSync(path.join(consumer, name), JSON.stringify({ compilerOptions, files: ["check.ts"] }));
      await execFileAsync(process.execPath, [tsc, "-p", name], { cwd: consumer }).catch(
        (e: { stdout?: string; message: string }) => {
          throw new Error(`${name}: ${e.stdout || e.message}`);
        },
      );
    }

    const help = await execFileAsync(path.join(dir, "node_modules", ".bin", "pulumi-domo"), ["help"], {
      cwd: dir,
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` },
    });
    assert.match(help.stdout, /export .*audit .*emulator/s);
  });
});
