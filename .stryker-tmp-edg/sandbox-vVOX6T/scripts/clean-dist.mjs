// @ts-nocheck
// Removes dist/ before a build, so a module that moved or was deleted in provider/ never
// lingers in dist/ (and so in the npm tarball) from an earlier build.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
fs.rmSync(path.join(root, "dist"), { recursive: true, force: true });
