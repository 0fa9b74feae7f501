// @ts-nocheck
import { removeAllTempDirs } from "./temp";

/** Mocha root hooks: whatever a suite leaves in temp dirs goes when the run ends. */
export const mochaHooks = {
  afterAll(): void {
    removeAllTempDirs();
  },
};
