// @ts-nocheck
// The test command: runs mocha over the given specs and ends with the plain `N passed, N failed`
// line that CI reads (mocha prints none). When a spec that drives the real Pulumi CLI is included
// (tests/e2e, tests/bench), it first provisions that CLI (a cold build from Go modules takes
// minutes, so it happens here, outside any test timeout); other runs never build it.
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

const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
const child = spawn(process.execPath, [mocha, "--reporter", reporter, ...mochaOptions, ...files], {
  cwd: root,
  stdio: "inherit",
  env,
});
child.on("exit", (code, signal) => {
  process.exit(signal ? 1 : (code ?? 1));
});
