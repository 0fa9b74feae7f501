// @ts-nocheck
// In this repository the package is not installed into its own node_modules, yet the
// serialized DomoUser provider loads `pulumi-domo/dist/...` by package name from the Pulumi
// project's node_modules (as it does in users' projects). Link the package to itself so the
// repo's own Pulumi projects, examples and tests resolve it the same way.
// Runs at the end of `npm run build` (and before `npm run typecheck`): never at install time, so
// installing the published package runs no script of ours and npm has nothing to warn about.
// Quiet when the link is already there.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const link = path.join(root, "node_modules", "pulumi-domo");
try {
  const stat = fs.lstatSync(link);
  if (stat.isSymbolicLink()) process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // absent: create it below
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
console.log("linked node_modules/pulumi-domo -> .");
