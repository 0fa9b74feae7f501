import assert from "node:assert/strict";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import {
  releaseConstructInputs,
  releasingRequests,
  sendRegistrationsAsBytes,
} from "../../provider/native/memory";

const users = { "ada@example.com": { name: "Ada", role: "Participant" } };

/** An SDK-like service: each handler reads its request the way @pulumi/pulumi's server does. */
function sdkService(seen: unknown[]) {
  return {
    async create(call: { request: provproto.CreateRequest }) {
      seen.push(call.request.getProperties()?.toJavaScript());
      await Promise.resolve();
      return "created";
    },
    async check(call: { request: provproto.CheckRequest }) {
      seen.push([call.request.getOlds()?.toJavaScript(), call.request.getNews()?.toJavaScript()]);
      await Promise.resolve();
      return "checked";
    },
    async construct(call: { request: provproto.ConstructRequest }) {
      await Promise.resolve(); // the SDK configures its runtime first
      seen.push(call.request.getInputs()?.toJavaScript());
      releaseConstructInputs(); // what construct.ts does once it has the inputs
      return "constructed";
    },
  };
}

describe("native provider memory: protobuf requests let go of once read", () => {
  it("hands the SDK every input, then clears the request's Structs while the call runs on", async () => {
    const seen: unknown[] = [];
    const service = releasingRequests(sdkService(seen));
    const create = new provproto.CreateRequest();
    create.setProperties(structproto.Struct.fromJavaScript({ users }));
    const pending = service.create({ request: create });
    assert.equal(create.hasProperties(), false, "the request keeps no Struct while Domo is called");
    assert.equal(await pending, "created");
    const check = new provproto.CheckRequest();
    check.setOlds(structproto.Struct.fromJavaScript({ a: 1 }));
    check.setNews(structproto.Struct.fromJavaScript({ users }));
    await service.check({ request: check });
    assert.deepEqual(seen, [{ users }, [{ a: 1 }, { users }]]);
    assert.equal(check.hasOlds() || check.hasNews(), false);
  });

  it("clears Construct's inputs only once the component has read them, and only its own", async () => {
    const seen: unknown[] = [];
    const service = releasingRequests(sdkService(seen));
    const request = (name: string) => {
      const r = new provproto.ConstructRequest();
      r.setName(name);
      r.setInputs(structproto.Struct.fromJavaScript({ users, name }));
      return r;
    };
    const [a, b] = [request("a"), request("b")];
    const both = Promise.all([service.construct({ request: a }), service.construct({ request: b })]);
    assert.equal(a.hasInputs() && b.hasInputs(), true, "not before the SDK has read them");
    await both;
    assert.deepEqual(seen, [
      { users, name: "a" },
      { users, name: "b" },
    ]);
    assert.equal(a.hasInputs() || b.hasInputs(), false);
    releaseConstructInputs(); // outside a Construct: nothing to release, no error
  });

  it("sends each RegisterResource request's own bytes and keeps an empty message", () => {
    const sent: Uint8Array[] = [];
    const prototype = resrpc.ResourceMonitorClient.prototype as unknown as {
      registerResource: (request: resproto.RegisterResourceRequest) => void;
    };
    const original = prototype.registerResource;
    // What gRPC does with the message it is given: check its class, serialize it.
    prototype.registerResource = (request) => {
      assert.ok(request instanceof resproto.RegisterResourceRequest);
      sent.push(request.serializeBinary());
    };
    try {
      sendRegistrationsAsBytes();
      const request = new resproto.RegisterResourceRequest();
      request.setType("domo:index:UserBatch");
      request.setName("people-batch-0");
      request.setObject(structproto.Struct.fromJavaScript({ users }));
      const expected = request.serializeBinary();
      prototype.registerResource.call({}, request);
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0], expected);
      const received = resproto.RegisterResourceRequest.deserializeBinary(sent[0] as Uint8Array);
      assert.deepEqual(received.getObject()?.toJavaScript(), { users });
      assert.equal(request.hasObject(), false, "the SDK's frame keeps no Struct until the engine answers");
      assert.equal(request.getName(), "people-batch-0");
    } finally {
      prototype.registerResource = original;
    }
  });
});
