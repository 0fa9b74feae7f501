import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { packedProject, repoRoot } from "../support/packed-project";

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
    const unexpected = files.filter(
      (f) =>
        !(f.startsWith("dist/") && (f.endsWith(".js") || f.endsWith(".d.ts"))) &&
        !["package.json", "README.md"].includes(f),
    );
    assert.deepEqual(unexpected, []);
  });

  it("installs into a project that can require it, typecheck against it and run its command", async () => {
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

    fs.writeFileSync(
      path.join(dir, "check.ts"),
      [
        'import { DomoUser, type DomoUserArgs } from "pulumi-domo";',
        'const args: DomoUserArgs = { email: "a@example.com", name: "A", role: "Editor" };',
        "export const user = new DomoUser('a', args);",
        "// @ts-expect-error role names are typed and case-sensitive",
        'export const bad: DomoUserArgs = { email: "b@example.com", name: "B", role: "editor" };',
        "",
      ].join("\n"),
    );
    const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    await execFileAsync(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--module",
        "commonjs",
        "--moduleResolution",
        "node",
        "--target",
        "ES2022",
        "--skipLibCheck",
        "check.ts",
      ],
      { cwd: dir },
    );

    const help = await execFileAsync(path.join(dir, "node_modules", ".bin", "pulumi-domo"), ["help"], {
      cwd: dir,
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` },
    });
    assert.match(help.stdout, /export .*audit .*emulator/s);
  });
});
