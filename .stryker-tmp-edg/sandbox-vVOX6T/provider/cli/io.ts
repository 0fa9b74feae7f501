// @ts-nocheck
import type { DomoClientOptions } from "../client";

/** What a command may touch: injected so tests run commands in-process against an emulator. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Relative paths (users file, --out, --client-secret-file) resolve against this. */
  cwd: string;
  /** For tests: a fetch or log sink for the Domo client. */
  clientOptions?: DomoClientOptions;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** A mistake in how the command was called: printed as one line with a pointer to help. */
export class CliUsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "CliUsageError";
  }
}

/** A failure the command explains itself (bad secret file, refusing to overwrite…). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** Exit codes: 0 done / in sync, 1 failed, 2 drift found (audit). */
export const exitCodes = { ok: 0, failed: 1, drift: 2 } as const;
