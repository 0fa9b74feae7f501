// @ts-nocheck
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "..", "..");
const harness = path.join(__dirname, "program-harness.cjs");

/** The root project and every example: each must start under Pulumi's ts-node as it is. */
const projects = [
  ".",
  ...fs.readdirSync(path.join(repoRoot, "examples")).map((d) => path.join("examples", d)),
]
  .map((dir) => path.join(repoRoot, dir))
  .filter((dir) => fs.existsSync(path.join(dir, "Pulumi.yaml")));

function readProject(dir: string): { runtime: { name: string }; main?: string } {
  return parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
}

describe("Pulumi programs (root project and examples)", function () {
  this.timeout(120_000);

  // Each program type-checks under ts-node for seconds: start them all at once.
  const runs = new Map<string, Promise<{ stdout: string; error?: unknown }>>();

  before(() => {
    if (!fs.existsSync(path.join(repoRoot, "dist", "index.js"))) {
      throw new Error(
        "dist/ is missing: run `npm run build` first (npm test does); programs import pulumi-domo from it",
      );
    }
    for (const dir of projects) {
      const main = readProject(dir).main ?? "";
      // No ts-node cache: a cached compile would skip the type check against the current dist/.
      const env = { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: undefined, TS_NODE_CACHE: "false" };
      runs.set(
        dir,
        run(process.execPath, [harness, dir, main], { cwd: repoRoot, env }).then(
          ({ stdout }) => ({ stdout }),
          (error: unknown) => ({ stdout: "", error }),
        ),
      );
    }
  });

  it("finds the root project and the four examples", () => {
    assert.deepEqual(
      projects.map((p) => path.relative(repoRoot, p) || "."),
      [".", "examples/adopt-existing", "examples/custom-roles", "examples/quickstart", "examples/users-file"],
    );
  });

  for (const dir of projects) {
    const name = path.relative(repoRoot, dir) || "root project";
    it(`${name}: runs under Pulumi's ts-node, typechecked, and exports user ids`, async () => {
      const project = readProject(dir);
      assert.equal(project.runtime.name, "nodejs");
      // Without main, Pulumi would run the nearest package.json's main: the library itself.
      assert.ok(project.main?.endsWith(".ts"), "Pulumi.yaml names its TypeScript main");
      assert.equal(
        fs.existsSync(path.join(dir, "package.json")),
        dir === repoRoot,
        "examples have no package.json",
      );
      const { stdout, error } = (await runs.get(dir)) ?? { stdout: "" };
      if (error) throw error;
      const outputs = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
        userIds?: Record<string, number>;
      };
      assert.ok(outputs.userIds && Object.keys(outputs.userIds).length >= 2, stdout);
      for (const [email, id] of Object.entries(outputs.userIds)) {
        assert.equal(email, email.toLowerCase());
        assert.equal(typeof id, "number");
      }
    });
  }
});
