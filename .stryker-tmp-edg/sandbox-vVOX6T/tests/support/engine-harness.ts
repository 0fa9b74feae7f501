// @ts-nocheck
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

/** The secret marker Pulumi's RPC layer uses to wrap secret values. */
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const specialSigKey = "4dabf18193072939515e22adb298388d";

type Json = Record<string, unknown>;

interface StructLike {
  toJavaScript(): Json;
}
interface StructStatic {
  fromJavaScript(value: Json): StructLike;
}
interface Message {
  [method: string]: unknown;
}
type MessageCtor = new () => Message;
type Unary = (req: Message, cb: (err: Error | null, res: Message) => void) => void;

export interface CheckOutcome {
  inputs: Json;
  failures: Array<{ property: string; reason: string }>;
}
export interface DiffOutcome {
  changes: "none" | "some" | "unknown";
  replaces: string[];
}
export interface GrpcError extends Error {
  code?: number;
  details?: string;
  metadata?: { get(key: string): unknown[] };
}

/**
 * Drives the real `@pulumi/pulumi/cmd/dynamic-provider` gRPC server the way the Pulumi engine
 * does, from a project directory (whose node_modules supply @pulumi/pulumi and pulumi-domo).
 */
export class EngineHarness {
  readonly stderr: string[] = [];
  readonly stdout: string[] = [];
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: Record<string, Unary>,
    private readonly proto: Record<string, MessageCtor>,
    private readonly Struct: StructStatic,
    private readonly closeClient: () => void,
  ) {}

  static async start(
    projectDir: string,
    env: Record<string, string | undefined> = {},
  ): Promise<EngineHarness> {
    const req = createRequire(path.join(projectDir, "package.json"));
    const script = req.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const pulumiRequire = createRequire(script);
    const grpc = pulumiRequire("@grpc/grpc-js") as {
      credentials: { createInsecure(): unknown };
    };
    const services = pulumiRequire("../../proto/provider_grpc_pb") as Record<
      string,
      new (
        address: string,
        creds: unknown,
      ) => Record<string, Unary> & { close(): void }
    >;
    const proto = pulumiRequire("../../proto/provider_pb") as Record<string, MessageCtor>;
    const structproto = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as {
      Struct: StructStatic;
    };
    const child = spawn(process.execPath, [script, "127.0.0.1:1"], {
      cwd: projectDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    const stdout: string[] = [];
    child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      let buffer = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout.push(d.toString());
        buffer += d.toString();
        const line = buffer.split("\n")[0];
        if (buffer.includes("\n") && line) resolve(line.trim());
      });
      child.on("exit", (code) => reject(new Error(`provider exited with ${code}: ${stderr.join("")}`)));
    });
    const Client = services.ResourceProviderClient;
    if (!Client) throw new Error("ResourceProviderClient missing from provider_grpc_pb");
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const harness = new EngineHarness(child, client, proto, structproto.Struct, () => client.close());
    harness.stderr.push(...stderr);
    child.stderr?.on("data", (d: Buffer) => harness.stderr.push(d.toString()));
    return harness;
  }

  /** Config as the engine sends it: namespaced keys, secrets wrapped in Pulumi's secret envelope. */
  async configure(config: Record<string, string>, secretKeys: string[] = []): Promise<void> {
    const args: Json = {};
    for (const [k, v] of Object.entries(config)) {
      args[k] = secretKeys.includes(k) ? { [specialSigKey]: secretSig, value: v } : v;
    }
    const req = this.message("ConfigureRequest");
    this.set(req, "setArgs", this.Struct.fromJavaScript(args));
    this.set(req, "setAcceptsecrets", true);
    await this.call("configure", req);
  }

  async check(news: Json, olds: Json = {}): Promise<CheckOutcome> {
    const req = this.message("CheckRequest");
    this.set(req, "setUrn", urn());
    this.set(req, "setOlds", this.Struct.fromJavaScript(olds));
    this.set(req, "setNews", this.Struct.fromJavaScript(news));
    const res = await this.call("check", req);
    const failures = (this.get(res, "getFailuresList") as Message[]).map((f) => ({
      property: this.get(f, "getProperty") as string,
      reason: this.get(f, "getReason") as string,
    }));
    const inputs = this.get(res, "getInputs") as StructLike | undefined;
    return { inputs: inputs?.toJavaScript() ?? {}, failures };
  }

  async diff(id: string, olds: Json, news: Json): Promise<DiffOutcome> {
    const req = this.message("DiffRequest");
    this.set(req, "setId", id);
    this.set(req, "setUrn", urn());
    this.set(req, "setOlds", this.Struct.fromJavaScript(olds));
    this.set(req, "setNews", this.Struct.fromJavaScript(news));
    const res = await this.call("diff", req);
    const changes = this.get(res, "getChanges") as number;
    return {
      changes: changes === 2 ? "some" : changes === 1 ? "none" : "unknown",
      replaces: this.get(res, "getReplacesList") as string[],
    };
  }

  async create(properties: Json): Promise<{ id: string; properties: Json }> {
    const req = this.message("CreateRequest");
    this.set(req, "setUrn", urn());
    this.set(req, "setProperties", this.Struct.fromJavaScript(properties));
    const res = await this.call("create", req);
    return {
      id: this.get(res, "getId") as string,
      properties: (this.get(res, "getProperties") as StructLike).toJavaScript(),
    };
  }

  async read(
    id: string,
    properties: Json,
    inputs?: Json,
  ): Promise<{ id: string; properties: Json; inputs: Json }> {
    const req = this.message("ReadRequest");
    this.set(req, "setId", id);
    this.set(req, "setUrn", urn());
    this.set(req, "setProperties", this.Struct.fromJavaScript(properties));
    if (inputs) this.set(req, "setInputs", this.Struct.fromJavaScript(inputs));
    const res = await this.call("read", req);
    return {
      id: this.get(res, "getId") as string,
      properties: (this.get(res, "getProperties") as StructLike | undefined)?.toJavaScript() ?? {},
      inputs: (this.get(res, "getInputs") as StructLike | undefined)?.toJavaScript() ?? {},
    };
  }

  async update(id: string, olds: Json, news: Json): Promise<Json> {
    const req = this.message("UpdateRequest");
    this.set(req, "setId", id);
    this.set(req, "setUrn", urn());
    this.set(req, "setOlds", this.Struct.fromJavaScript(olds));
    this.set(req, "setNews", this.Struct.fromJavaScript(news));
    const res = await this.call("update", req);
    return (this.get(res, "getProperties") as StructLike).toJavaScript();
  }

  async delete(id: string, properties: Json): Promise<void> {
    const req = this.message("DeleteRequest");
    this.set(req, "setId", id);
    this.set(req, "setUrn", urn());
    this.set(req, "setProperties", this.Struct.fromJavaScript(properties));
    await this.call("delete", req);
  }

  async stop(): Promise<void> {
    this.closeClient();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
  }

  private message(name: string): Message {
    const Ctor = this.proto[name];
    if (!Ctor) throw new Error(`no proto message ${name}`);
    return new Ctor();
  }

  private set(msg: Message, setter: string, value: unknown): void {
    (msg[setter] as (v: unknown) => void).call(msg, value);
  }

  private get(msg: Message, getter: string): unknown {
    return (msg[getter] as () => unknown).call(msg);
  }

  private call(method: string, req: Message): Promise<Message> {
    const fn = this.client[method];
    if (!fn) throw new Error(`no rpc ${method}`);
    return new Promise((resolve, reject) => {
      fn.call(this.client, req, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }
}

function urn(): string {
  return "urn:pulumi:test::domo-users::pulumi-nodejs:dynamic/domo:User::someone";
}
