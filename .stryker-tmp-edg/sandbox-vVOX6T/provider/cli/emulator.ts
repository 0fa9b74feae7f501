// @ts-nocheck
import { parseArgs } from "node:util";
import type { EmulatorOptionsInput } from "../emulator/options";
import { type RunningEmulator, startEmulator } from "../emulator/server";

export const EMULATOR_USAGE = `Usage: pulumi-domo emulator [options]

Runs a local emulator of Domo's public Users API until interrupted (Ctrl+C).

Options:
  --port <n>          port to listen on (default 0: any free port)
  --host <addr>       address to listen on (default 127.0.0.1)
  --data <file>       keep state (users, OAuth client) in this JSON file across restarts
  --seed <file>       JSON seed {users, roles} for a fresh start
  --latency <ms>      delay every API request by this many milliseconds
  --rate-limit <rps>  answer 429 beyond this many requests per second
  -h, --help          show this help`;

export interface EmulatorCommandIo {
  /** Where lines go; default: stdout. */
  out?: (line: string) => void;
  /** Stops the emulator like SIGINT/SIGTERM would; lets callers run the command in-process. */
  signal?: AbortSignal;
  /** Called once the emulator listens, e.g. so a caller can talk to it. */
  onStarted?: (emulator: RunningEmulator) => void;
}

function numberOption(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min) {
    throw new Error(`--${name} must be a number >= ${min}, got "${raw}"`);
  }
  return value;
}

function waitForStop(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const stop = (reason: string): void => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      signal?.removeEventListener("abort", onAbort);
      resolve(reason);
    };
    const onInt = (): void => stop("SIGINT");
    const onTerm = (): void => stop("SIGTERM");
    const onAbort = (): void => stop("abort");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    if (signal?.aborted) stop("abort");
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `pulumi-domo emulator`: `argv` is what follows the subcommand name (a leading "emulator" is
 * tolerated). Resolves after SIGINT/SIGTERM once the emulator has closed and flushed its state.
 */
export async function emulatorCommand(argv: string[], io: EmulatorCommandIo = {}): Promise<void> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      data: { type: "string" },
      seed: { type: "string" },
      latency: { type: "string" },
      "rate-limit": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const extra = positionals[0] === "emulator" ? positionals.slice(1) : positionals;
  if (extra.length > 0) throw new Error(`Unexpected argument "${extra[0]}"\n\n${EMULATOR_USAGE}`);
  if (values.help) {
    out(EMULATOR_USAGE);
    return;
  }

  const options: EmulatorOptionsInput = {};
  const port = numberOption("port", values.port, 0);
  if (port !== undefined) options.port = port;
  if (values.host !== undefined) options.host = values.host;
  if (values.data !== undefined) options.dataFile = values.data;
  if (values.seed !== undefined) options.seedFile = values.seed;
  const latency = numberOption("latency", values.latency, 0);
  if (latency !== undefined) options.latencyMs = latency;
  const rps = numberOption("rate-limit", values["rate-limit"], Number.MIN_VALUE);
  if (rps !== undefined) options.rateLimit = { requestsPerSecond: rps };

  const emulator = await startEmulator(options);
  const { clientId, clientSecret } = emulator.credentials;
  out(`Domo Users API emulator listening on ${emulator.url}`);
  out(`  client id:     ${clientId}`);
  out(`  client secret: ${clientSecret}`);
  out(`  admin user id: ${emulator.adminUserId}`);
  out(
    values.data === undefined
      ? "  state:         in memory (lost on exit; use --data <file> to keep it)"
      : `  state:         ${values.data}`,
  );
  out("Point a client at it with:");
  out(`  DOMO_API_HOST=${emulator.url} DOMO_CLIENT_ID=${clientId} DOMO_CLIENT_SECRET=${clientSecret}`);
  out("Press Ctrl+C to stop.");
  io.onStarted?.(emulator);

  const reason = await waitForStop(io.signal);
  await emulator.close();
  out(`Emulator stopped (${reason}).`);
}
