import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type * as pulumiProvider from "@pulumi/pulumi/provider";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { DomoError } from "../client/errors";
import { type CheckFailure, unknownValue } from "../model";
import { DeclaredOnce } from "../model/declared-once";
import type { ConfigGet } from "../runtime";
import type { PropertyMap, ResourceKind } from "../runtime/kind";
import { checkProviderConfig, configFrom, diffProviderConfig } from "./config";
import { invokeFunction } from "./functions";
import { nativeKind } from "./kinds";
import { releasingRequests, sendRegistrationsAsBytes } from "./memory";
import { markSecrets, reveal } from "./secrets";
import { nativeResourceTypes } from "./tokens";

/**
 * The native `domo` provider: every engine call of a custom resource goes to the resource
 * kind (runtime/kind.ts) its type token names, the same kinds the dynamic providers adapt.
 * This module is the adapter, and holds no rule of its own.
 */
export interface NativeProviderOptions {
  version: string;
  /** The package schema, as GetSchema returns it. */
  schema: () => string;
}

export class DomoNativeProvider implements pulumiProvider.Provider {
  readonly version: string;
  private configGet: ConfigGet | undefined;
  private readonly declared = new DeclaredOnce({ user: "domo:index:User", group: "domo:index:Group" });

  constructor(private readonly options: NativeProviderOptions) {
    this.version = options.version;
  }

  /** Configure's settings; the run reads them on first use (preview never needs them). */
  configure(configGet: ConfigGet): void {
    this.configGet = configGet;
  }

  async getSchema(): Promise<string> {
    return this.options.schema();
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<pulumiProvider.CheckResult> {
    const result = await this.kind(urn).check(reveal(olds ?? {}), reveal(news ?? {}));
    const failures = [...(result.failures ?? []), ...this.declaredTwice(urn, result.inputs)];
    if (failures.length > 0) return { failures };
    return { inputs: result.inputs && markSecrets(wire(result.inputs), news) };
  }

  /**
   * One account, one resource; one group, one resource (model/declared-once.ts), across every
   * resource of the run: check sees them all, whatever language declared them. A bulk batch
   * declares each of its users. Known values only: an email still unknown is checked at apply.
   */
  private declaredTwice(urn: string, inputs: PropertyMap | undefined): CheckFailure[] {
    if (inputs === undefined) return [];
    const type = typeOfUrn(urn);
    const refusals: (string | undefined)[] = [];
    if (type === nativeResourceTypes.User && isKnownText(inputs.email)) {
      refusals.push(this.declared.email(nameOfUrn(urn), inputs.email, urn));
    } else if (type === nativeResourceTypes.UserBatch && isPlainObject(inputs.users)) {
      for (const email of Object.keys(inputs.users))
        refusals.push(this.declared.email(nameOfUrn(urn), email, urn));
    } else if (type === nativeResourceTypes.Group && isKnownText(inputs.name)) {
      refusals.push(this.declared.groupName(nameOfUrn(urn), inputs.name, urn));
    }
    return refusals.flatMap((reason) =>
      reason === undefined
        ? []
        : [{ property: type === nativeResourceTypes.Group ? "name" : "email", reason }],
    );
  }

  async diff(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
  ): Promise<pulumiProvider.DiffResult> {
    return this.kind(urn).diff(id, reveal(olds ?? {}), reveal(news ?? {}));
  }

  async create(urn: string, inputs: PropertyMap): Promise<pulumiProvider.CreateResult> {
    const result = await this.kind(urn).create(reveal(inputs ?? {}));
    return { id: result.id, outs: markSecrets(wire(result.outs), inputs) };
  }

  async read(id: string, urn: string, props?: PropertyMap): Promise<pulumiProvider.ReadResult> {
    const result = await this.kind(urn).read(id, reveal(props ?? {}));
    // No id: the object is gone from Domo, and the engine drops it from the state.
    if (result.id === undefined) return { id: "", props: {} };
    return {
      id: result.id,
      props: markSecrets(wire(result.props ?? {}), props),
      inputs: result.inputs === undefined ? undefined : markSecrets(wire(result.inputs), props),
    };
  }

  async update(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
  ): Promise<pulumiProvider.UpdateResult> {
    const result = await this.kind(urn).update(id, reveal(olds ?? {}), reveal(news ?? {}));
    return { outs: markSecrets(wire(result.outs), news) };
  }

  async delete(id: string, urn: string, props: PropertyMap): Promise<void> {
    await this.kind(urn).delete(id, reveal(props ?? {}));
  }

  async invoke(token: string, inputs: PropertyMap): Promise<pulumiProvider.InvokeResult> {
    const result = await invokeFunction(token, reveal(inputs ?? {}), this.configGet);
    if ("failures" in result) return { failures: result.failures };
    return { outputs: wire(result.outputs) };
  }

  /** The component `domo:index:UserDirectory` (see construct.ts), loaded on first use. */
  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<pulumiProvider.ConstructResult> {
    const { constructComponent } = await import("./construct");
    return constructComponent(name, type, inputs, options);
  }

  private kind(urn: string): ResourceKind<unknown> {
    const type = typeOfUrn(urn);
    const kind = nativeKind(type, this.configGet);
    if (kind === undefined) {
      throw new DomoError({
        kind: "invalid_input",
        message: `the domo provider has no resource type ${type}`,
      });
    }
    return kind;
  }
}

/** The resource name of a URN (its last part). */
function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function isKnownText(value: unknown): value is string {
  return typeof value === "string" && value !== unknownValue;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The type token of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

function struct(map: PropertyMap): structproto.Struct {
  return structproto.Struct.fromJavaScript(map as Record<string, structproto.JavaScriptValue>);
}

/** A property map the wire (protobuf Struct) takes: no undefined anywhere. */
function wire(map: PropertyMap): PropertyMap {
  return JSON.parse(JSON.stringify(map)) as PropertyMap;
}

type UnaryCall<Req> = { request: Req };
type Callback<Res> = (error: grpc.ServiceError | null, value?: Res) => void;
type ServiceImpl = Record<string, (...args: never[]) => unknown>;

/**
 * The three config methods, served here (the SDK's server does not): CheckConfig validates
 * every setting and names it, DiffConfig reports changed settings without ever asking for a
 * replacement, Configure hands the settings to the run and says what the provider accepts.
 */
function configMethods(provider: DomoNativeProvider) {
  return {
    checkConfig(call: UnaryCall<provproto.CheckRequest>, callback: Callback<provproto.CheckResponse>) {
      const news = (call.request.getNews()?.toJavaScript() ?? {}) as PropertyMap;
      const { inputs, failures } = checkProviderConfig(news);
      const resp = new provproto.CheckResponse();
      resp.setInputs(struct(inputs));
      resp.setFailuresList(
        failures.map((f) => {
          const failure = new provproto.CheckFailure();
          failure.setProperty(f.property);
          failure.setReason(f.reason);
          return failure;
        }),
      );
      callback(null, resp);
    },
    diffConfig(call: UnaryCall<provproto.DiffRequest>, callback: Callback<provproto.DiffResponse>) {
      const olds = (call.request.getOldInputs()?.toJavaScript() ??
        call.request.getOlds()?.toJavaScript() ??
        {}) as PropertyMap;
      const news = (call.request.getNews()?.toJavaScript() ?? {}) as PropertyMap;
      const changed = diffProviderConfig(olds, news);
      const resp = new provproto.DiffResponse();
      resp.setChanges(
        changed.length > 0
          ? provproto.DiffResponse.DiffChanges.DIFF_SOME
          : provproto.DiffResponse.DiffChanges.DIFF_NONE,
      );
      resp.setDiffsList(changed);
      callback(null, resp);
    },
    /**
     * Read, served here: an object gone from Domo is a response with no properties (the SDK's
     * server always sends some), which is how the engine learns it is gone (refresh drops it,
     * import says "does not exist").
     */
    read(call: UnaryCall<provproto.ReadRequest>, callback: Callback<provproto.ReadResponse>) {
      const req = call.request;
      const props = (req.getProperties()?.toJavaScript() ?? {}) as PropertyMap;
      provider.read(req.getId(), req.getUrn(), props).then(
        (result) => {
          const resp = new provproto.ReadResponse();
          if (result.id) {
            resp.setId(result.id);
            resp.setProperties(struct(result.props ?? {}));
            if (result.inputs !== undefined) resp.setInputs(struct(result.inputs));
          }
          callback(null, resp);
        },
        (e: unknown) => callback(e as grpc.ServiceError),
      );
    },
    configure(call: UnaryCall<provproto.ConfigureRequest>, callback: Callback<provproto.ConfigureResponse>) {
      const variables = new Map(call.request.getVariablesMap().toArray());
      const args = call.request.getArgs()?.toJavaScript() as PropertyMap | undefined;
      provider.configure(configFrom(variables, args));
      const resp = new provproto.ConfigureResponse();
      // Secrets accepted, as Construct requires: DomoNativeProvider reveals them to the kinds
      // and marks the outputs of secret inputs secret (see secrets.ts).
      resp.setAcceptsecrets(true);
      resp.setAcceptresources(false);
      resp.setAcceptoutputs(false);
      // Create and Update are never called in preview: a preview makes no call to Domo.
      resp.setSupportspreview(false);
      callback(null, resp);
    },
  };
}

/**
 * Serves the provider: the SDK's server (`@pulumi/pulumi/provider` main: the port handshake,
 * Check/Diff/CRUD/Invoke marshalling, Construct and Call) with its three config methods
 * replaced. The SDK builds its service object inside `main` and exports neither the class nor
 * a hook, so the replacement happens where the object is handed to gRPC: `addService` is
 * wrapped for the one call `main` makes, then restored.
 */
export async function serve(provider: DomoNativeProvider, args: string[]): Promise<void> {
  const { main } = await import("@pulumi/pulumi/provider");
  const original = grpc.Server.prototype.addService;
  const replaced = configMethods(provider);
  let wrapped = false;
  sendRegistrationsAsBytes();
  grpc.Server.prototype.addService = function (service, implementation) {
    wrapped = true;
    // The SDK's methods live on its class's prototype: keep them reachable, bound to it by gRPC.
    // Each request is let go of once read (memory.ts).
    const sdk = releasingRequests(implementation as ServiceImpl);
    const withConfig = Object.assign(Object.create(sdk) as ServiceImpl, replaced);
    return original.call(this, service, withConfig as never);
  };
  try {
    await main(provider, args);
  } finally {
    grpc.Server.prototype.addService = original;
  }
  // The SDK must have loaded the same @grpc/grpc-js (package.json asks for the SDK's range, so
  // npm keeps one copy): otherwise its server answers config calls as UNIMPLEMENTED and drops
  // the credentials. Fail loudly rather than serve without configuration.
  if (!wrapped)
    throw new Error(
      "the Pulumi SDK's provider server uses another copy of @grpc/grpc-js; reinstall so npm keeps one",
    );
}
