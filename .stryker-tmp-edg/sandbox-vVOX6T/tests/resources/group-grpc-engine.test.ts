// @ts-nocheck
import assert from "node:assert/strict";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { EngineHarness } from "../support/engine-harness";
import { serializedGroupProvider } from "../support/group-providers";
import { startConfiguredProvider } from "../support/grpc-provider";

const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The group resources through the real `@pulumi/pulumi/cmd/dynamic-provider` server, started
 * from the scratch project that installed the packed tarball, driven the way the engine does.
 */
describe("group resources through the real dynamic-provider gRPC server", function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  let engine: EngineHarness;
  const text: Record<"group" | "members" | "membership", string> = { group: "", members: "", membership: "" };

  const as = (kind: keyof typeof text, p: Record<string, unknown>) => ({ ...p, __provider: text[kind] });
  const start = () => startConfiguredProvider(emu, { "domo:requestsPerSecond": "200" });

  before(async () => {
    text.group = (await serializedGroupProvider("serializedGroupProvider")).text;
    text.members = (await serializedGroupProvider("serializedGroupMembersProvider")).text;
    text.membership = (await serializedGroupProvider("serializedGroupMembershipProvider")).text;
  });
  beforeEach(async () => {
    emu = await startEmulator();
    engine = await start();
  });
  afterEach(async () => {
    await engine.stop();
    await emu.close();
  });

  it("DomoGroup: check, create, diff, rename in place, read, delete", async () => {
    const checked = await engine.check(as("group", { name: "  Grpc Team " }));
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs.name, "Grpc Team");
    const created = await engine.create(checked.inputs);
    assert.equal(created.properties.groupId, Number(created.id));
    assert.equal(created.properties.__provider, text.group);
    emu.resetCounters();
    assert.equal((await engine.diff(created.id, created.properties, checked.inputs)).changes, "none");
    const renamed = await engine.check(as("group", { name: "Grpc Platform" }));
    const d = await engine.diff(created.id, created.properties, renamed.inputs);
    assert.deepEqual([d.changes, d.replaces], ["some", []]);
    assert.deepEqual(emu.counters(), {}, "check and diff make no call");
    const updated = await engine.update(created.id, created.properties, renamed.inputs);
    assert.equal(updated.groupId, Number(created.id));
    assert.equal(emu.store.getGroup(Number(created.id))?.name, "Grpc Platform");
    const read = await engine.read(created.id, updated);
    assert.equal(read.inputs.name, "Grpc Platform");

    await engine.stop();
    engine = await start();
    await engine.delete(created.id, read.properties);
    assert.equal(emu.store.getGroup(Number(created.id)), undefined);
    assert.equal((await engine.read(created.id, read.properties)).id, "");
  });

  it("one process serves all three types with one record of claims: mixing is refused at check", async () => {
    const u = await emu.store.createUser({ email: "g@example.com", name: "G", role: "Editor" });
    const g = await engine.create((await engine.check(as("group", { name: "Mix" }))).inputs);
    const list = await engine.check(as("members", { groupId: g.id, userIds: [String(u.id)] }));
    assert.deepEqual(list.failures, []);
    const members = await engine.create(list.inputs);
    assert.deepEqual(emu.store.getGroup(Number(g.id))?.memberIds, [u.id]);
    const one = await engine.check(as("membership", { groupId: g.id, userId: u.id }));
    assert.equal(one.failures[0]?.property, "groupId");
    assert.match(
      one.failures[0]?.reason ?? "",
      new RegExp(`Domo group ${g.id} with both a DomoGroupMembers`),
    );

    // The next run is a new process: an additive membership elsewhere is fine, and unknown
    // ids preview without a call.
    await engine.stop();
    engine = await start();
    emu.resetCounters();
    const preview = await engine.check(as("membership", { groupId: unknown, userId: unknown }));
    assert.deepEqual(preview.failures, []);
    assert.equal(
      (
        await engine.diff(
          members.id,
          members.properties,
          as("members", { groupId: g.id, userIds: [unknown] }),
        )
      ).changes,
      "some",
    );
    assert.deepEqual(emu.counters(), {});
    const g2 = await engine.create((await engine.check(as("group", { name: "Other" }))).inputs);
    const add = await engine.create(
      (await engine.check(as("membership", { groupId: g2.id, email: "G@example.com" }))).inputs,
    );
    assert.equal(add.id, `${g2.id}|${u.id}`);
    assert.deepEqual(emu.store.getGroup(Number(g2.id))?.memberIds, [u.id]);
  });

  it("keeps the client secret and tokens out of outputs and logs", async () => {
    const c = await engine.create((await engine.check(as("group", { name: "Secretless" }))).inputs);
    const everything = JSON.stringify(c) + engine.stderr.join("") + engine.stdout.join("");
    assert.ok(!everything.includes(emu.credentials.clientSecret));
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(everything), "no JWT-shaped token");
  });
});
