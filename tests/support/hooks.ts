import { removeAllTempDirs } from "./temp";

/** Mocha root hooks: whatever a suite leaves in temp dirs goes when the run ends. */
export const mochaHooks = {
  afterAll(this: Mocha.Context): void {
    // Packed-package and template tests leave whole npm installs behind: removing them can take
    // longer than one test's timeout on a busy 2-core machine.
    this.timeout(600_000);
    removeAllTempDirs();
  },
};
