// @ts-nocheck
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const created: string[] = [];

/** A temp dir removed by the root after-all hook (and by `removeTempDir` when a test wants it sooner). */
export function makeTempDir(prefix = "pulumi-domo-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function removeAllTempDirs(): void {
  for (const dir of created.splice(0)) removeTempDir(dir);
}
