import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
// The bench reads Pulumi's state back from S3 through the AWS SDK's own client, not a request
// signed by hand: SigV4 signing (canonical request, key derivation, URI encoding) is a solved
// problem, and the maintained client also handles endpoints, path-style addressing, errors and
// streaming. A devDependency only (bench/ is not shipped), pinned so a run is reproducible.
import { CreateBucketCommand, GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";

/**
 * A local S3-compatible server for Pulumi's DIY S3 backend: moto's `moto_server` (PyPI
 * `moto[server]`), started as a child process on a free port, with one bucket. The bench makes
 * the bucket and reads state back through @aws-sdk/client-s3 with moto's fake credentials (moto
 * refuses anonymous reads of the private objects Pulumi writes).
 *
 * moto_server itself is provisioned once, before any run, by provisionMotoServer (the bench's
 * setup step): no install ever happens between measured phases.
 */

/** Fake credentials moto accepts; nothing leaves the machine. */
export const s3Env = {
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  // moto sends no response checksums; the SDK would warn on every read otherwise.
  AWS_RESPONSE_CHECKSUM_VALIDATION: "when_required",
} as const;

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, name);
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

/** moto_server's path, if installed: $MOTO_SERVER_BIN, PATH, or pyenv's shim. */
export function findMotoServer(): string | undefined {
  return [
    process.env.MOTO_SERVER_BIN,
    onPath("moto_server"),
    path.join(os.homedir(), ".pyenv", "shims", "moto_server"),
  ]
    .filter((p): p is string => typeof p === "string" && p !== "")
    .find((p) => fs.existsSync(p));
}

/** What the setup step found or did. */
export type MotoProvision =
  | { bin: string; version: string; installed: boolean }
  | { error: string; installed: false };

/**
 * The bench's setup step for the S3 runs, run once before any run (idempotent): moto_server when
 * it is already installed (no install), else after `pip install 'moto[server]'`.
 */
export function provisionMotoServer(log: (line: string) => void): MotoProvision {
  const present = findMotoServer();
  if (present) {
    const version = motoVersion(present);
    log(`setup: moto_server ${version} already installed at ${present}: install skipped`);
    return { bin: present, version, installed: false };
  }
  log("setup: moto_server not found: running pip install 'moto[server]' (before any run)");
  const pip = spawnSync("python3", ["-m", "pip", "install", "--quiet", "moto[server]"], {
    encoding: "utf8",
    timeout: 300_000,
  });
  const after = findMotoServer();
  if (after) {
    const version = motoVersion(after);
    log(`setup: installed moto_server ${version} at ${after}`);
    return { bin: after, version, installed: true };
  }
  return {
    error: `moto_server is not installed and \`pip install 'moto[server]'\` failed (${pip.status ?? pip.error?.message}: ${(pip.stderr ?? "").trim().slice(-300)})`,
    installed: false,
  };
}

/** moto's version, from the Python that runs moto_server (its shebang, or pyenv's shim's python). */
function motoVersion(bin: string): string {
  const tries: string[] = [];
  try {
    const first = fs.readFileSync(bin, "utf8").split("\n")[0] ?? "";
    if (first.startsWith("#!") && !first.includes("bash") && !first.includes("/sh")) {
      tries.push(first.slice(2).trim().split(/\s+/)[0] ?? "");
    }
  } catch {
    // unreadable: fall through
  }
  tries.push(path.join(path.dirname(bin), "python"), "python3");
  for (const py of tries) {
    if (!py) continue;
    const r = spawnSync(py, ["-c", "import moto; print(moto.__version__)"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return "unknown";
}

/** A port nothing listens on right now (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

export class MotoS3 {
  readonly server = "moto_server (moto[server], in-memory S3)";
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly bucket: string,
    readonly version: string,
    private readonly tmpDir: string,
    private readonly client: S3Client,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The DIY backend URL (gocloud s3blob parameters; no secrets in it). */
  get backendUrl(): string {
    return `s3://${this.bucket}?endpoint=127.0.0.1:${this.port}&disableSSL=true&s3ForcePathStyle=true&region=us-east-1`;
  }

  /** Starts moto_server (`bin`, provisioned beforehand by provisionMotoServer) and makes the bucket. */
  static async start(moto: { bin: string; version: string }, bucket = "pulumi-domo-bench"): Promise<MotoS3> {
    const port = await freePort();
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domo-bench-moto-"));
    const logFd = fs.openSync(path.join(tmpDir, "moto.log"), "a");
    const child = spawn(moto.bin, ["-H", "127.0.0.1", "-p", String(port)], {
      cwd: tmpDir,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, TMPDIR: tmpDir },
    });
    fs.closeSync(logFd);
    let exited: string | undefined;
    child.on("exit", (code, signal) => {
      exited = `exited (${code ?? signal})`;
    });
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: s3Env.AWS_REGION,
      credentials: { accessKeyId: s3Env.AWS_ACCESS_KEY_ID, secretAccessKey: s3Env.AWS_SECRET_ACCESS_KEY },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const server = new MotoS3(child, port, bucket, moto.version, tmpDir, client);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) {
        const logText = fs.readFileSync(path.join(tmpDir, "moto.log"), "utf8").slice(-500);
        server.stop();
        throw new Error(`moto_server ${exited}: ${logText}`);
      }
      try {
        // A liveness probe only (no object is read): any answer below 500 means it is serving.
        const res = await fetch(`${server.endpoint}/`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status < 500) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        server.stop();
        throw new Error(`moto_server did not answer on port ${port} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (e) {
      server.stop();
      throw new Error(`creating bucket ${bucket} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return server;
  }

  /** An object's bytes, or undefined when there is none. */
  async get(key: string): Promise<Buffer | undefined> {
    let body: Uint8Array | undefined;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      body = await res.Body?.transformToByteArray();
    } catch (e) {
      if (e instanceof NoSuchKey) return undefined;
      throw new Error(`GET ${key}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!body) throw new Error(`GET ${key}: no body`);
    return Buffer.from(body);
  }

  stop(): void {
    this.client.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}
