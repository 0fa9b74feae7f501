import assert from "node:assert/strict";
import { providerText } from "../../provider/resources/dynamic-resource";
import { StackFixture } from "./stack-fixture";

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  sourcePosition?: string;
  stackTrace?: Array<{ sourcePosition?: string }>;
}

/**
 * What each DomoUser costs in the checkpoint, which the DIY backends rewrite whole after every
 * resource step (so its size times N is paid N times in a first `up`): a one-line `__provider`,
 * no stack trace, and no setting at its default.
 */
describe("a DomoUser's checkpoint entry (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture;
  const users = () =>
    (
      (JSON.parse(f.state()) as { checkpoint: { latest: { resources?: StateResource[] } } }).checkpoint.latest
        .resources ?? []
    ).filter((r) => r.type === "pulumi-nodejs:dynamic/domo:User");
  const named = (name: string) => users().find((r) => r.urn.endsWith(`::${name}`));

  before(async () => {
    f = await StackFixture.create("state-size");
    f.declare([
      { key: "plain", email: "plain@example.com", name: "Plain User", role: "Editor", title: "Analyst" },
      { key: "kept", email: "kept@example.com", name: "Kept User", role: "Editor", deletionPolicy: "retain" },
    ]);
    await f.stack.up();
  });
  after(async () => {
    await f?.dispose();
  });

  it("holds a one-line __provider, no stack trace, and no default setting", () => {
    const plain = named("plain");
    assert.ok(plain);
    assert.equal(plain.inputs?.__provider, providerText("User"));
    assert.equal(plain.outputs?.__provider, providerText("User"));
    // No JavaScript stack: the SDK would record every frame of Pulumi's program runner.
    assert.equal(plain.sourcePosition, undefined);
    assert.equal(plain.stackTrace, undefined);
    for (const setting of ["deletionPolicy", "sendInvite", "adoptExisting", "allowUnsafeAdminChanges"])
      assert.equal(setting in (plain.outputs ?? {}), false, setting);
    // Every documented output Domo gives is still there.
    for (const output of [
      "userId",
      "email",
      "name",
      "role",
      "roleId",
      "title",
      "groups",
      "image",
      "createdAt",
    ])
      assert.ok(output in (plain.outputs ?? {}), output);
    // 2,193 bytes before the slimming (bench/state-breakdown.md).
    const bytes = Buffer.byteLength(JSON.stringify(plain));
    assert.ok(bytes <= 1200, `a DomoUser with four fields costs ${bytes} bytes of checkpoint`);
    assert.equal(named("kept")?.outputs?.deletionPolicy, "retain", "a setting that is not the default stays");
  });

  it("a no-change preview stays clean, and destroy deletes the plain user and leaves the retained one", async () => {
    f.emu.resetCounters();
    await f.stack.preview(["--expect-no-changes"]);
    assert.deepEqual(f.calls(), {});
    await f.stack.destroy();
    const live = f.liveUsers().map((u) => u.email);
    assert.equal(
      live.includes("plain@example.com"),
      false,
      "deletionPolicy absent from state reads as delete",
    );
    assert.ok(live.includes("kept@example.com"), "deletionPolicy retain kept in state is honoured");
  });
});
