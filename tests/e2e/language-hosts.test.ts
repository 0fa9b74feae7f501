import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ensureLanguageHosts, type LanguageHost, languageHostEnv } from "../../scripts/lib/language-hosts";
import { ensurePulumiCli, LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

/**
 * The Python, Go and YAML language hosts built by tools/language-hosts/ensure-hosts.sh run a
 * trivial program each through the real CLI (v3.276.0) on a local file backend: `pulumi up`, then
 * `pulumi stack output`. The programs are tools/language-hosts/examples/<language>.
 */
describe("language hosts for Python, Go and YAML (tools/language-hosts)", function () {
  // A Go program's first build compiles the Go SDK when the build cache lacks it (ensure-hosts.sh
  // pre-builds it, so this is seconds after provisioning; minutes otherwise).
  this.timeout(900_000);

  async function runProgram(language: LanguageHost): Promise<Record<string, unknown>> {
    const hosts = ensureLanguageHosts();
    const work = makeTempDir(`pulumi-domo-hosts-${language}-`);
    const projectDir = path.join(work, "project");
    fs.cpSync(path.join(repoRoot, "tools", "language-hosts", "examples", language), projectDir, {
      recursive: true,
    });
    const basePath = [
      ensurePulumiCli(),
      path.join(repoRoot, "node_modules", ".bin"),
      process.env.PATH ?? "",
    ].join(path.delimiter);
    const stack = new LocalStack({ projectDir, workDir: work, env: languageHostEnv(hosts, basePath) });
    await stack.init();
    const up = await stack.up();
    assert.match(up.stdout, /Outputs:/);
    const out = await stack.run(["stack", "output", "--json", "--stack", stack.stack]);
    return JSON.parse(out.stdout) as Record<string, unknown>;
  }

  it("provides every host binary and the Python SDK's virtualenv", () => {
    const hosts = ensureLanguageHosts();
    for (const f of [
      "pulumi-language-python",
      "pulumi-language-python-exec",
      "pulumi-language-go",
      "pulumi-language-yaml",
    ]) {
      assert.ok(fs.statSync(path.join(hosts.binDir, f)).mode & 0o100, `${f} is executable`);
    }
    assert.ok(fs.existsSync(path.join(hosts.pythonVenv, "bin", "python")));
    assert.equal(hosts.pythonEnv.VIRTUAL_ENV, hosts.pythonVenv);
  });

  it("runs a YAML program: pulumi up, then its outputs", async () => {
    assert.deepEqual(await runProgram("yaml"), { answer: 42, greeting: "hello from yaml" });
  });

  it("runs a Python program (pulumi.export) with the pulumi 3.272.0 SDK from the virtualenv", async () => {
    assert.deepEqual(await runProgram("python"), { answer: 42, greeting: "hello from python" });
  });

  it("runs a Go program (ctx.Export) built against sdk/v3 v3.276.0", async () => {
    assert.deepEqual(await runProgram("go"), { answer: 42, greeting: "hello from go" });
  });
});
