// @ts-nocheck
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { makeTempDir } from "./temp";

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface PackedProject {
  /** A scratch Pulumi-style project that installed pulumi-domo from its `npm pack` tarball. */
  dir: string;
  tarball: string;
}

let cached: Promise<PackedProject> | undefined;

/**
 * Packs the package as it would be published (dist/ must be built: `npm test` builds first)
 * and installs the tarball into a scratch project, as users install it. Shared by every suite
 * in one run: installing takes seconds.
 */
export function packedProject(): Promise<PackedProject> {
  cached ??= Promise.resolve().then(() => {
    if (!fs.existsSync(path.join(repoRoot, "dist", "index.js"))) {
      throw new Error("dist/ is missing: run `npm run build` first");
    }
    const dir = makeTempDir("pulumi-domo-scratch-");
    const packDir = path.join(dir, "pack");
    fs.mkdirSync(packDir);
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    const info = JSON.parse(out) as Array<{ filename: string }>;
    const tarball = path.join(packDir, info[0]?.filename ?? "");
    const project = path.join(dir, "project");
    fs.mkdirSync(project);
    const pulumiVersion = (
      JSON.parse(
        fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
      ) as {
        version: string;
      }
    ).version;
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({
        name: "scratch-domo-users",
        private: true,
        dependencies: { "@pulumi/pulumi": pulumiVersion, "pulumi-domo": `file:${tarball}` },
      }),
    );
    execFileSync(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
      { cwd: project, stdio: ["ignore", "ignore", "inherit"] },
    );
    return { dir: project, tarball };
  });
  return cached;
}
