// @ts-nocheck
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { type EmulatorOptionsInput, type RunningEmulator, startEmulator } from "../../provider/emulator";
import { TokenResponseSchema } from "../../provider/emulator/auth";
import { GatewayErrorSchema, OAuthErrorBodySchema } from "../../provider/emulator/errors";
import { ApiGroupSchema, ApiUserSchema, TombstoneSchema } from "../../provider/emulator/model";

/** A response read fully, with the body parsed when it is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

// Strict, so a test fails if the emulator answers a field it must omit (timezone on create, nulls).
const strictUser = z.strictObject(ApiUserSchema.shape);
const strictGroup = z.strictObject(ApiGroupSchema.shape);

export const as = {
  user: (r: Reply) => strictUser.parse(r.json),
  users: (r: Reply) => z.array(strictUser).parse(r.json),
  group: (r: Reply) => strictGroup.parse(r.json),
  groups: (r: Reply) => z.array(strictGroup).parse(r.json),
  ids: (r: Reply) => z.array(z.int()).parse(r.json),
  tombstone: (r: Reply) => z.strictObject(TombstoneSchema.shape).parse(r.json),
  gateway: (r: Reply) => z.strictObject(GatewayErrorSchema.shape).parse(r.json),
  oauthError: (r: Reply) => z.strictObject(OAuthErrorBodySchema.shape).parse(r.json),
  token: (r: Reply) => z.strictObject(TokenResponseSchema.shape).parse(r.json),
  object: (r: Reply) => z.record(z.string(), z.unknown()).parse(r.json),
};

const running = new Set<RunningEmulator>();
const tempDirs = new Set<string>();

/** Starts an emulator that cleanup() will close. */
export async function start(options: EmulatorOptionsInput = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator(options);
  running.add(emulator);
  return emulator;
}

export async function stop(emulator: RunningEmulator): Promise<void> {
  running.delete(emulator);
  await emulator.close();
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "domo-emulator-test-"));
  tempDirs.add(dir);
  return dir;
}

/** For afterEach: closes every emulator and removes every temp dir a test made. */
export async function cleanup(): Promise<void> {
  await Promise.all([...running].map((e) => e.close()));
  running.clear();
  await Promise.all([...tempDirs].map((d) => rm(d, { recursive: true, force: true })));
  tempDirs.clear();
}

export async function read(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
}

/** Gets a token the way the Node/Rust/R SDKs do (GET with query) or pydomo/Java do (POST form). */
export async function token(
  emulator: RunningEmulator,
  opts: { style?: "GET" | "POST"; scope?: string; clientId?: string; clientSecret?: string } = {},
): Promise<string> {
  const reply = await requestToken(emulator, opts);
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.status} ${reply.text}`);
  return as.token(reply).access_token;
}

export async function requestToken(
  emulator: RunningEmulator,
  opts: { style?: "GET" | "POST"; scope?: string; clientId?: string; clientSecret?: string } = {},
): Promise<Reply> {
  const auth = basic(
    opts.clientId ?? emulator.credentials.clientId,
    opts.clientSecret ?? emulator.credentials.clientSecret,
  );
  const params = new URLSearchParams({ grant_type: "client_credentials" });
  if (opts.scope !== undefined) params.set("scope", opts.scope);
  if ((opts.style ?? "GET") === "GET") {
    return read(await fetch(`${emulator.url}/oauth/token?${params}`, { headers: { Authorization: auth } }));
  }
  return read(
    await fetch(`${emulator.url}/oauth/token`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/x-www-form-urlencoded" },
      body: params.toString(),
    }),
  );
}

/** A small API client bound to one emulator and token. */
export class Api {
  constructor(
    readonly emulator: RunningEmulator,
    public accessToken: string,
    private readonly scheme = "bearer",
  ) {}

  static async connect(emulator: RunningEmulator): Promise<Api> {
    return new Api(emulator, await token(emulator));
  }

  async call(
    method: string,
    urlPath: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const init: RequestInit = {
      method,
      headers: { Authorization: `${this.scheme} ${this.accessToken}`, ...headers },
    };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    }
    return read(await fetch(`${this.emulator.url}${urlPath}`, init));
  }

  get(urlPath: string): Promise<Reply> {
    return this.call("GET", urlPath);
  }

  post(urlPath: string, body: unknown): Promise<Reply> {
    return this.call("POST", urlPath, body);
  }

  put(urlPath: string, body: unknown): Promise<Reply> {
    return this.call("PUT", urlPath, body);
  }

  delete(urlPath: string): Promise<Reply> {
    return this.call("DELETE", urlPath);
  }

  /** Creates a user over the API and returns the response body, failing loudly on error. */
  async create(user: Record<string, unknown>): Promise<z.infer<typeof strictUser>> {
    const reply = await this.post("/v1/users", user);
    if (reply.status !== 200 && reply.status !== 201)
      throw new Error(`create failed: ${reply.status} ${reply.text}`);
    return as.user(reply);
  }
}

export async function admin(
  emulator: RunningEmulator,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<Reply> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  return read(await fetch(`${emulator.url}/__admin${urlPath}`, init));
}

export const TOE = /^[0-9A-F]{32}$/;
export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
