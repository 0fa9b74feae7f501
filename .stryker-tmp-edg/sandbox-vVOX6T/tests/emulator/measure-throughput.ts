/**
 * Measures how many `GET /v1/users/{id}` requests per second the emulator serves at zero latency.
 * The emulator runs in a child process so the load generator does not steal its event loop.
 *
 *   npx tsx tests/emulator/measure-throughput.ts [--requests 20000] [--concurrency 16]
 *
 * Prints one JSON object. Not a test: the figure goes into provider/emulator/README.md.
 */
// @ts-nocheck

import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { startEmulator } from "../../provider/emulator";

interface Target {
  url: string;
  token: string;
  userId: number;
}

async function serve(): Promise<void> {
  const emulator = await startEmulator();
  const basic = Buffer.from(`${emulator.credentials.clientId}:${emulator.credentials.clientSecret}`).toString(
    "base64",
  );
  const reply = await fetch(`${emulator.url}/oauth/token?grant_type=client_credentials`, {
    headers: { Authorization: `Basic ${basic}` },
  });
  const { access_token } = (await reply.json()) as { access_token: string };
  const target: Target = { url: emulator.url, token: access_token, userId: emulator.adminUserId };
  process.stdout.write(`${JSON.stringify(target)}\n`);
  // The parent closes stdin when it is done; that is the signal to stop.
  process.stdin.resume();
  process.stdin.on("end", () => {
    void emulator.close().then(() => process.exit(0));
  });
}

function get(agent: Agent, target: Target, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${target.url}${path}`,
      { agent, headers: { Authorization: `bearer ${target.token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function load(
  target: Target,
  total: number,
  concurrency: number,
): Promise<{ seconds: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const path = `/v1/users/${target.userId}`;
  let issued = 0;
  let errors = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued += 1;
        if ((await get(agent, target, path)) !== 200) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  agent.destroy();
  return { seconds, errors };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "boolean" },
      requests: { type: "string", default: "20000" },
      concurrency: { type: "string", default: "16" },
    },
  });
  if (values.serve) return serve();
  const total = Number(values.requests);
  const concurrency = Number(values.concurrency);

  const child = spawn(process.execPath, [...process.execArgv, __filename, "--serve"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`emulator exited early (${code})`)));
  });
  const target = JSON.parse(first) as Target;
  try {
    await load(target, Math.min(1000, total), concurrency); // warm-up: JIT, sockets
    const { seconds, errors } = await load(target, total, concurrency);
    const result = {
      route: "GET /v1/users/{id}",
      requests: total,
      concurrency,
      seconds: Number(seconds.toFixed(3)),
      requestsPerSecond: Math.round(total / seconds),
      errors,
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
