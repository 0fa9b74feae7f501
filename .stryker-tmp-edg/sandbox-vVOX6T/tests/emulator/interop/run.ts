// @ts-nocheck
// Runs the official SDKs' group (and pydomo's user) calls, unmodified, against a fresh emulator:
// pydomo from PyPI in a virtualenv, domo-sdk from npm behind a TLS front (it only speaks https).
// Installs from the registries, so it is not part of `npm test`:
//
//   npm run interop            (= tsx tests/emulator/interop/run.ts)
//
// INTEROP_DIR=<dir> reuses the installs in <dir> instead of a fresh temp dir (kept afterwards).
// Exits 1 if any SDK call failed.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type RunningEmulator, startEmulator } from "../../../provider/emulator";

const here = __dirname;
const run = promisify(execFile);

/** Runs a command with inherited output, without blocking the event loop the emulator needs. */
function exec(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function installPydomo(dir: string): Promise<string> {
  const python = path.join(dir, "venv", "bin", "python");
  if (!existsSync(python)) {
    console.log("installing pydomo from PyPI into a virtualenv…");
    await run("python3", ["-m", "venv", path.join(dir, "venv")]);
    await run(python, ["-m", "pip", "install", "--quiet", "pydomo"]);
  }
  const { stdout } = await run(python, ["-m", "pip", "show", "pydomo"]);
  console.log(`pydomo ${/^Version: (.*)$/m.exec(stdout)?.[1] ?? "?"}`);
  return python;
}

async function installDomoSdk(dir: string): Promise<string> {
  const sdk = path.join(dir, "npm", "node_modules", "domo-sdk");
  if (!existsSync(sdk)) {
    console.log("installing domo-sdk from npm…");
    await run("npm", [
      "install",
      "--silent",
      "--no-audit",
      "--no-fund",
      "domo-sdk",
      "--prefix",
      path.join(dir, "npm"),
    ]);
  }
  const { version } = JSON.parse(await readFile(path.join(sdk, "package.json"), "utf8"));
  console.log(`domo-sdk ${version}`);
  return sdk;
}

/** A self-signed certificate for 127.0.0.1, made with openssl for this run only. */
async function certificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  return { cert, key };
}

/** An https server that forwards every request, unchanged, to the emulator. */
async function tlsFront(emulator: RunningEmulator, files: { cert: string; key: string }) {
  const server = createHttps(
    { cert: await readFile(files.cert), key: await readFile(files.key) },
    (req, res) => {
      const upstream = httpRequest(
        { host: "127.0.0.1", port: emulator.port, method: req.method, path: req.url, headers: req.headers },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function main(): Promise<number> {
  const dir = process.env.INTEROP_DIR ?? (await mkdtemp(path.join(tmpdir(), "domo-interop-")));
  await mkdir(dir, { recursive: true });
  const [python, sdk] = [await installPydomo(dir), await installDomoSdk(dir)];
  const emulator = await startEmulator();
  const front = await tlsFront(emulator, await certificate(dir));
  const env = {
    ...process.env,
    DOMO_CLIENT_ID: emulator.credentials.clientId,
    DOMO_CLIENT_SECRET: emulator.credentials.clientSecret,
  };
  const results: Array<[string, number]> = [];
  try {
    const pyEnv = { ...env, DOMO_HOST: emulator.url.replace(/^http:\/\//, "") };
    results.push(["pydomo users", await exec(python, [path.join(here, "pydomo_users.py")], pyEnv)]);
    results.push(["pydomo groups", await exec(python, [path.join(here, "pydomo_groups.py")], pyEnv)]);
    const nodeEnv = {
      ...env,
      DOMO_HOST: `127.0.0.1:${front.port}`,
      DOMO_SDK_DIR: sdk,
      NODE_EXTRA_CA_CERTS: path.join(dir, "cert.pem"),
    };
    results.push([
      "domo-sdk groups",
      await exec(process.execPath, [path.join(here, "domo_sdk_groups.cjs")], nodeEnv),
    ]);
    console.log("\nrequests the emulator saw:", JSON.stringify(emulator.counters()));
  } finally {
    front.server.close();
    await emulator.close();
    if (process.env.INTEROP_DIR === undefined) await rm(dir, { recursive: true, force: true });
  }
  for (const [name, code] of results) console.log(`${code === 0 ? "PASS" : "FAIL"} ${name}`);
  return results.every(([, code]) => code === 0) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
