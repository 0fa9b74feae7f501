// The test command: runs mocha over the given specs and ends with the plain `N passed, N failed`
// line that CI reads (mocha prints none). When a spec that drives the real Pulumi CLI is included
// (tests/e2e, tests/bench), it first provisions that CLI (a cold build from Go modules takes
// minutes, so it happens here, outside any test timeout); other runs never build it. Specs under
// tests/e2e also get the Python, Go and YAML language hosts (tools/language-hosts/ensure-hosts.sh).
//
//   node scripts/run-tests.mjs [spec or glob ...] [--exclude <glob>]... [--fast] [-- mocha options]
//
// No spec: the whole suite. --fast: leave out tests/e2e, tests/package and tests/bench.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reporter = path.join(root, "scripts", "mocha-summary-reporter.cjs");

/** Test folders whose specs start the Go-built Pulumi CLI. */
const needsCli = ["tests/e2e/", "tests/bench/"];
/** Test folders whose specs may run Python, Go or YAML programs (tools/language-hosts). */
const needsHosts = ["tests/e2e/"];
const slowFolders = ["tests/e2e/**", "tests/package/**", "tests/bench/**"];

const specs = [];
const excludes = [];
const mochaOptions = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--") {
    mochaOptions.push(...args.slice(i + 1));
    break;
  }
  if (arg === "--fast") excludes.push(...slowFolders);
  else if (arg === "--exclude") excludes.push(args[++i]);
  else if (arg.startsWith("--exclude=")) excludes.push(arg.slice("--exclude=".length));
  else specs.push(arg);
}
if (specs.length === 0) specs.push("tests/**/*.test.ts");

/** The files the specs name, relative to the root with forward slashes, excludes applied. */
function expand(patterns) {
  const files = new Set();
  for (const pattern of patterns) {
    const direct = path.resolve(root, pattern);
    if (fs.existsSync(direct) && fs.statSync(direct).isFile()) {
      files.add(path.relative(root, direct).split(path.sep).join("/"));
      continue;
    }
    for (const f of fs.globSync(pattern, { cwd: root, exclude: excludes })) {
      files.add(f.split(path.sep).join("/"));
    }
  }
  return [...files].filter((f) => !excludes.some((x) => path.matchesGlob(f, x))).sort();
}

const files = expand(specs);
if (files.length === 0) {
  console.error(`no test files match ${specs.join(" ")}`);
  process.exit(1);
}

const env = { ...process.env };
if (!env.PULUMI_DOMO_CLI_BIN && files.some((f) => needsCli.some((dir) => f.startsWith(dir)))) {
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

// The Python, Go and YAML language hosts (and the Python SDK's virtualenv, the Go SDK's build
// cache) for e2e specs that run programs in those languages: provisioned here for the same reason.
// A failure is reported but does not stop the run; only the specs that need the hosts then fail.
if (!env.PULUMI_DOMO_HOSTS_BIN && files.some((f) => needsHosts.some((dir) => f.startsWith(dir)))) {
  const script = path.join(root, "tools", "language-hosts", "ensure-hosts.sh");
  const lastLine = (args) =>
    execFileSync("bash", [script, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
      .trim()
      .split("\n")
      .pop();
  try {
    env.PULUMI_DOMO_HOSTS_BIN = lastLine(["all"]);
    env.PULUMI_DOMO_PYTHON_VENV = lastLine(["--print-venv"]);
  } catch (error) {
    delete env.PULUMI_DOMO_HOSTS_BIN;
    console.error(`run-tests: could not provision the language hosts: ${error.message}`);
  }
}

const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
const child = spawn(process.execPath, [mocha, "--reporter", reporter, ...mochaOptions, ...files], {
  cwd: root,
  stdio: "inherit",
  env,
});
child.on("exit", (code, signal) => {
  process.exit(signal ? 1 : (code ?? 1));
});
