// The test command: provisions the Pulumi CLI the end-to-end tests drive (a cold build from
// Go modules takes minutes, so it happens here, outside any test timeout), then runs mocha
// and ends with the plain `N passed, N failed` line that CI reads (mocha prints none).
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reporter = path.join(root, "scripts", "mocha-summary-reporter.cjs");

const env = { ...process.env };
if (!env.PULUMI_DOMO_CLI_BIN) {
  env.PULUMI_DOMO_CLI_BIN = execFileSync(
    "bash",
    [path.join(root, "tools", "pulumi-cli", "ensure-pulumi.sh")],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  )
    .trim()
    .split("\n")
    .pop();
}

// With no arguments, the whole suite; otherwise the files or globs given.
const specs = process.argv.length > 2 ? process.argv.slice(2) : ["tests/**/*.test.ts"];
const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
const child = spawn(process.execPath, [mocha, "--reporter", reporter, ...specs], {
  cwd: root,
  stdio: "inherit",
  env,
});
child.on("exit", (code, signal) => {
  process.exit(signal ? 1 : (code ?? 1));
});
