// Runs the mocha suite and ends with the plain `N passed, N failed` line that CI reads.
// Mocha's spec reporter does not print such a line, so we count from its JSON stats via
// a tiny custom reporter wrapper instead of parsing human text.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reporter = path.join(root, "scripts", "mocha-summary-reporter.cjs");
const child = spawn(
  process.execPath,
  [
    path.join(root, "node_modules", "mocha", "bin", "mocha.js"),
    "--reporter",
    reporter,
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  },
);
child.on("exit", (code, signal) => {
  process.exit(signal ? 1 : (code ?? 1));
});
