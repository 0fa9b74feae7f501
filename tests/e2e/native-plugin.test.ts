import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { ensurePulumiCli, repoRoot } from "../../scripts/lib/pulumi-cli";
import { NativeStack } from "../native/native-stack";

/**
 * The plugin archive the build makes, installed the way any provider is installed offline
 * (`pulumi plugin install resource domo <version> --file <archive>`), serving a program with
 * no Node.js on the plugin's PATH: a single executable.
 */
describe("native provider: the plugin archive, installed offline", function () {
  this.timeout(600_000);
  let archive: string;
  let s: NativeStack | undefined;
  const { version } = require("../../package.json") as { version: string };

  before(() => {
    const node = path.join(repoRoot, "node_modules", ".bin", "node");
    archive = execFileSync(node, [path.join(repoRoot, "scripts", "build-plugin.mjs")], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  });
  afterEach(async () => s?.dispose());

  it("installs from the archive and runs a program's users through it", async () => {
    s = await NativeStack.create("native-plugin", { pluginOnPath: false });
    const env = s.stack.environment();
    const pulumi = path.join(ensurePulumiCli(), "pulumi");
    execFileSync(pulumi, ["plugin", "install", "resource", "domo", version, "--file", archive], {
      env,
      stdio: "ignore",
    });
    const listed = execFileSync(pulumi, ["plugin", "ls"], { env, encoding: "utf8" });
    assert.match(listed, new RegExp(`domo\\s+resource\\s+${version.replace(/\./g, "\\.")}`));
    // The executable runs with no Node.js to find: it prints its port, as the engine expects.
    const exe = path.join(
      env.PULUMI_HOME ?? "",
      "plugins",
      `resource-domo-v${version}`,
      "pulumi-resource-domo",
    );
    assert.match(await firstLine(exe, { PATH: "/nonexistent" }), /^\d+$/);

    s.declare({
      resources: [
        { type: "User", name: "ada", props: { email: "ada@example.com", name: "Ada", role: "Editor" } },
      ],
    });
    const up = await s.stack.up();
    assert.doesNotMatch(up.stdout + up.stderr, /from \$PATH/, "the installed plugin served the run");
    assert.ok(s.emu.store.listUsers().some((u) => u.email === "ada@example.com" && !u.deleted));
    await s.stack.preview(["--expect-no-changes"]);
    const schema = JSON.parse(
      execFileSync(pulumi, ["package", "get-schema", "domo"], { env, encoding: "utf8" }),
    ) as {
      name: string;
      version: string;
    };
    assert.equal(schema.name, "domo");
    assert.equal(schema.version, version);
  });
});

/** The first line a process prints on stdout; the process is killed once it has. */
function firstLine(exe: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, ["127.0.0.1:1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) {
        child.kill("SIGKILL");
        resolve(out.split("\n")[0] ?? "");
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!out.includes("\n")) reject(new Error(`${exe} exited ${code} before printing a port`));
    });
  });
}
