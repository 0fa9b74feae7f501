// @ts-nocheck
import assert from "node:assert/strict";
import path from "node:path";
import { emulatorCommand } from "../../provider/cli/emulator";
import type { RunningEmulator } from "../../provider/emulator";
import { cleanup, requestToken, tempDir } from "./harness";

const stillRunning = new Set<AbortController>();

/** Runs the command in-process until stopped; returns its output and the running emulator. */
async function run(argv: string[]): Promise<{
  emulator: RunningEmulator;
  lines: string[];
  stop: (how: "abort" | "SIGTERM" | "SIGINT") => Promise<void>;
}> {
  const lines: string[] = [];
  const controller = new AbortController();
  stillRunning.add(controller);
  let started: (e: RunningEmulator) => void = () => undefined;
  const ready = new Promise<RunningEmulator>((resolve) => {
    started = resolve;
  });
  const done = emulatorCommand(argv, {
    out: (l) => lines.push(l),
    signal: controller.signal,
    onStarted: started,
  });
  const emulator = await Promise.race([ready, done.then(() => assert.fail("command ended early"))]);
  return {
    emulator,
    lines,
    stop: async (how) => {
      stillRunning.delete(controller);
      if (how === "abort") controller.abort();
      else process.emit(how, how);
      await done;
    },
  };
}

describe("emulator: command", () => {
  afterEach(async () => {
    // A failed test may leave a command running; stopping it lets mocha exit.
    for (const controller of stillRunning) controller.abort();
    stillRunning.clear();
    await cleanup();
  });

  it("prints the URL, credentials and env lines, serves, and stops cleanly on SIGTERM", async () => {
    const { emulator, lines, stop } = await run(["--host", "127.0.0.1", "--port", "0", "--latency", "0"]);
    const { clientId, clientSecret } = emulator.credentials;
    assert.ok(lines.includes(`Domo Users API emulator listening on ${emulator.url}`));
    assert.ok(lines.some((l) => l.includes(clientId)) && lines.some((l) => l.includes(clientSecret)));
    assert.ok(
      lines.includes(
        `  DOMO_API_HOST=${emulator.url} DOMO_CLIENT_ID=${clientId} DOMO_CLIENT_SECRET=${clientSecret}`,
      ),
    );
    assert.equal((await requestToken(emulator)).status, 200);
    await stop("SIGTERM");
    assert.equal(lines.at(-1), "Emulator stopped (SIGTERM).");
    await assert.rejects(fetch(`${emulator.url}/oauth/token`));
  });

  it("stops on SIGINT and reuses the stored credentials when restarted with --data", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const first = await run(["emulator", "--data", dataFile]);
    const credentials = first.emulator.credentials;
    await first.stop("SIGINT");
    const second = await run(["--data", dataFile, "--rate-limit", "100"]);
    assert.deepEqual(second.emulator.credentials, credentials);
    assert.ok(second.lines.includes(`  state:         ${dataFile}`));
    assert.equal((await requestToken(second.emulator)).status, 200);
    await second.stop("abort");
  });

  it("prints usage for --help and refuses bad arguments", async () => {
    const lines: string[] = [];
    await emulatorCommand(["--help"], { out: (l) => lines.push(l) });
    assert.match(lines.join("\n"), /Usage: pulumi-domo emulator/);
    await assert.rejects(emulatorCommand(["--port", "x"]), /--port must be a number/);
    await assert.rejects(emulatorCommand(["--bogus"]), /Unknown option/);
    await assert.rejects(emulatorCommand(["extra"]), /Unexpected argument/);
  });
});
