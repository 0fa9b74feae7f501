import { AsyncLocalStorage } from "node:async_hooks";
import type * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";

/**
 * The plugin's memory: protobuf messages let go of as soon as they have been read.
 *
 * A message of google-protobuf's JavaScript runtime costs about fifteen times its wire size
 * (every field of every user a Struct entry, a Value and their arrays), and the Node SDK keeps
 * each one for as long as the call it belongs to lasts:
 *
 * - an engine call's request (`call.request`) until the provider answers: a Create of a bulk
 *   batch of 500 users lasts as long as its 500 requests to Domo, with eight in flight;
 * - Construct's request, holding every user of a directory, until the whole component is
 *   registered: its children created, in a first `up`;
 * - every RegisterResource request Construct sends (the SDK's async frame holds it) until the
 *   engine has finished that child: all of a directory's batches at once.
 *
 * In a 10,000-user bulk directory those were ~19,000 users' Structs, most of the live heap at
 * its peak (a heap snapshot taken then: 177,000 Struct Values). Each is released here once it
 * has been read or sent; nothing else changes: the SDK reads each field once, before its first
 * await (Check, Diff, Create, Update, Delete), or when Construct deserializes its inputs; Read
 * is served by server.ts and keeps its request (it answers with the request's inputs).
 */

/** Engine calls whose request the SDK reads once, synchronously, before its first await. */
const readOnceCalls = ["check", "diff", "create", "update", "delete"] as const;

type Handler = (call: { request: unknown }, callback: unknown) => unknown;

/** Clears every Struct field of a request (olds, news, properties, inputs), once read. */
function releaseStructs(request: unknown): void {
  const message = request as Partial<
    Record<"clearOlds" | "clearNews" | "clearProperties" | "clearInputs", () => void>
  >;
  message.clearOlds?.();
  message.clearNews?.();
  message.clearProperties?.();
  message.clearInputs?.();
}

/** Construct's request, for the component's code to release once the SDK has read its inputs. */
const constructRequest = new AsyncLocalStorage<provproto.ConstructRequest>();

/**
 * The SDK's handlers for the provider service, wrapped to release each request once read.
 * `implementation` is the SDK's service object (its methods on its prototype).
 */
export function releasingRequests<T extends object>(implementation: T): T {
  const sdk = implementation as unknown as Record<string, Handler>;
  const wrapped: Record<string, Handler> = {};
  for (const name of readOnceCalls) {
    const handler = sdk[name];
    if (typeof handler !== "function") continue;
    wrapped[name] = function (this: unknown, call, callback) {
      // An async handler runs up to its first await before returning its promise: the request
      // has been turned into plain values by then.
      const pending = handler.call(this, call, callback);
      releaseStructs(call.request);
      return pending;
    };
  }
  const construct = sdk.construct;
  if (typeof construct === "function") {
    wrapped.construct = function (this: unknown, call, callback) {
      return constructRequest.run(call.request as provproto.ConstructRequest, () =>
        construct.call(this, call, callback),
      );
    };
  }
  return Object.assign(Object.create(implementation) as T, wrapped);
}

/**
 * Called by Construct once it has its inputs as plain values: the request's Struct (every user
 * of the directory) is no longer needed while the component's children are registered.
 */
export function releaseConstructInputs(): void {
  constructRequest.getStore()?.clearInputs();
}

/** Marks the wrapped method, so that installing twice wraps once. */
const sendsBytes = Symbol("pulumi-domo: sends RegisterResource requests as bytes");

/**
 * RegisterResource requests sent as their bytes: the request is serialized when handed to
 * gRPC (as gRPC would, a moment later) and its inputs cleared, so the SDK's frame, which keeps
 * the request until the engine answers, keeps an empty message. Installed once per process.
 */
export function sendRegistrationsAsBytes(): void {
  type Register = ((request: resproto.RegisterResourceRequest, ...rest: unknown[]) => unknown) & {
    [sendsBytes]?: true;
  };
  const prototype = resrpc.ResourceMonitorClient.prototype as unknown as { registerResource: Register };
  const register = prototype.registerResource;
  if (register[sendsBytes]) return;
  const sending: Register = function (this: unknown, request, ...rest) {
    const bytes = request.serializeBinary();
    // gRPC's serializer checks the class, then calls serializeBinary: a message of the same
    // class that answers with the bytes already made.
    const sent = Object.create(
      resproto.RegisterResourceRequest.prototype,
    ) as resproto.RegisterResourceRequest;
    sent.serializeBinary = () => bytes;
    request.clearObject();
    return register.call(this, sent, ...rest);
  };
  sending[sendsBytes] = true;
  prototype.registerResource = sending;
}
