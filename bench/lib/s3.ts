import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A local S3-compatible server for Pulumi's DIY S3 backend: moto's `moto_server` (PyPI
 * `moto[server]`), started as a child process on a free port, with one bucket (made by an
 * unsigned PUT, which moto accepts). State is read back through the S3 API with a SigV4-signed
 * GET (moto refuses anonymous reads of the private objects Pulumi writes).
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

/** moto_server's path: $MOTO_SERVER_BIN, PATH, pyenv's shim; else after `pip install 'moto[server]'`. */
export function findMotoServer(log: (line: string) => void): { bin: string } | { error: string } {
  const candidates = () =>
    [
      process.env.MOTO_SERVER_BIN,
      onPath("moto_server"),
      path.join(os.homedir(), ".pyenv", "shims", "moto_server"),
    ]
      .filter((p): p is string => typeof p === "string" && p !== "")
      .find((p) => fs.existsSync(p));
  const found = candidates();
  if (found) return { bin: found };
  log("moto_server not found: trying pip install 'moto[server]'");
  const pip = spawnSync("python3", ["-m", "pip", "install", "--quiet", "moto[server]"], {
    encoding: "utf8",
    timeout: 300_000,
  });
  const after = candidates();
  if (after) return { bin: after };
  return {
    error: `moto_server is not installed and \`pip install 'moto[server]'\` failed (${pip.status ?? pip.error?.message}: ${(pip.stderr ?? "").trim().slice(-300)})`,
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

const sha256 = (data: string) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac("sha256", key).update(data).digest();

/** AWS Signature V4 headers for a GET with no body (path-style URL). */
export function signedGetHeaders(
  url: URL,
  credentials: { accessKeyId: string; secretAccessKey: string; region: string },
  now = new Date(),
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payload = sha256("");
  const headers: Record<string, string> = {
    host: url.host,
    "x-amz-content-sha256": payload,
    "x-amz-date": amzDate,
  };
  const signed = Object.keys(headers).sort();
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join("&");
  const canonical = [
    "GET",
    url.pathname,
    query,
    signed.map((h) => `${h}:${headers[h]}\n`).join(""),
    signed.join(";"),
    payload,
  ].join("\n");
  const scope = `${day}/${credentials.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [credentials.region, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = crypto.createHmac("sha256", key).update(toSign).digest("hex");
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`,
  };
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
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The DIY backend URL (gocloud s3blob parameters; no secrets in it). */
  get backendUrl(): string {
    return `s3://${this.bucket}?endpoint=127.0.0.1:${this.port}&disableSSL=true&s3ForcePathStyle=true&region=us-east-1`;
  }

  static async start(bin: string, bucket = "pulumi-domo-bench"): Promise<MotoS3> {
    const port = await freePort();
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domo-bench-moto-"));
    const logFd = fs.openSync(path.join(tmpDir, "moto.log"), "a");
    const child = spawn(bin, ["-H", "127.0.0.1", "-p", String(port)], {
      cwd: tmpDir,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, TMPDIR: tmpDir },
    });
    fs.closeSync(logFd);
    let exited: string | undefined;
    child.on("exit", (code, signal) => {
      exited = `exited (${code ?? signal})`;
    });
    const moto = new MotoS3(child, port, bucket, motoVersion(bin), tmpDir);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) {
        const logText = fs.readFileSync(path.join(tmpDir, "moto.log"), "utf8").slice(-500);
        moto.stop();
        throw new Error(`moto_server ${exited}: ${logText}`);
      }
      try {
        const res = await fetch(`${moto.endpoint}/`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status < 500) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        moto.stop();
        throw new Error(`moto_server did not answer on port ${port} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const made = await fetch(`${moto.endpoint}/${bucket}`, { method: "PUT" });
    await made.arrayBuffer();
    if (!made.ok) {
      moto.stop();
      throw new Error(`creating bucket ${bucket} failed: HTTP ${made.status}`);
    }
    return moto;
  }

  /** An object's bytes, or undefined when there is none. */
  async get(key: string): Promise<Buffer | undefined> {
    const url = new URL(
      `${this.endpoint}/${this.bucket}/${key.split("/").map(encodeURIComponent).join("/")}`,
    );
    const res = await fetch(url, {
      headers: signedGetHeaders(url, {
        accessKeyId: s3Env.AWS_ACCESS_KEY_ID,
        secretAccessKey: s3Env.AWS_SECRET_ACCESS_KEY,
        region: s3Env.AWS_REGION,
      }),
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET ${key}: HTTP ${res.status} ${body.toString("utf8").slice(0, 200)}`);
    return body;
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}
