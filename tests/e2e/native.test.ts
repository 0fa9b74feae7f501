import assert from "node:assert/strict";
import { startEmulator } from "../../provider/emulator";
import { type NativeProgram, NativeStack } from "../native/native-stack";

/**
 * The native provider through the real Pulumi CLI: programs that register `domo:index:*`
 * resources as any language's SDK does, answered by the `pulumi-resource-domo` plugin.
 */
const team: NativeProgram = {
  resources: [
    {
      type: "User",
      name: "ada",
      props: { email: "ada@example.com", name: "Ada", role: "Editor" },
      outputs: ["userId"],
    },
    {
      type: "User",
      name: "bob",
      props: { email: "bob@example.com", name: "Bob", role: "Participant" },
      outputs: ["userId"],
    },
    { type: "Group", name: "eng", props: { name: "Engineering" }, outputs: ["groupId"] },
    {
      type: "GroupMembers",
      name: "eng-members",
      props: { groupId: "$eng.id", userIds: ["$ada.id", "$bob.id"] },
    },
  ],
};

describe("native provider through the real Pulumi CLI", function () {
  this.timeout(300_000);
  let s: NativeStack;
  afterEach(async () => s?.dispose());

  it("creates, updates in place and deletes users, groups and members; previews make no call", async () => {
    s = await NativeStack.create("native-life");
    s.declare(team);
    s.emu.resetCounters();
    const preview = await s.stack.preview();
    assert.match(preview.stdout, /\+ 5 to create/);
    assert.equal(s.calls(), 0, "a preview of new resources calls nothing");

    await s.stack.up();
    const out = await s.outputs();
    const adaId = out["ada.userId"] as number;
    assert.ok(Number.isInteger(adaId));
    const eng = s.emu.store.listGroups().find((g) => g.name === "Engineering");
    assert.ok(eng);
    assert.deepEqual(s.emu.store.memberIds(eng.id).sort(), [adaId, out["bob.userId"] as number].sort());

    s.emu.resetCounters();
    await s.stack.preview(["--expect-no-changes"]);
    await s.stack.up(["--expect-no-changes"]);
    assert.deepEqual(s.writes(), {}, "a converged stack writes nothing");

    // A title added and a group renamed: both in place.
    s.declare({
      resources: team.resources?.map((r) =>
        r.name === "ada"
          ? { ...r, props: { ...r.props, title: "Engineer" } }
          : r.name === "eng"
            ? { ...r, props: { name: "Engineering Team" } }
            : r,
      ),
    });
    s.emu.resetCounters();
    const diff = await s.stack.preview(["--diff"]);
    assert.match(diff.stdout, /~ 2 to update/);
    assert.equal(s.calls(), 0);
    await s.stack.up();
    assert.deepEqual(s.writes(), { "PUT /v1/users/{id}": 1, "PUT /v1/groups/{id}": 1 });
    assert.equal((await s.outputs())["ada.userId"], adaId, "same account");
    assert.equal(s.emu.store.getUser(adaId)?.title, "Engineer");

    // Bob removed from the program and from the group.
    s.declare({
      resources: team.resources
        ?.filter((r) => r.name !== "bob")
        .map((r) =>
          r.name === "eng-members" ? { ...r, props: { groupId: "$eng.id", userIds: ["$ada.id"] } } : r,
        ),
    });
    s.emu.resetCounters();
    await s.stack.up();
    assert.equal(s.writes()["DELETE /v1/users/{id}"], 1, JSON.stringify(s.writes()));
    assert.deepEqual(s.emu.store.memberIds(eng.id), [adaId], "bob left the group");
    assert.equal(
      s.emu.store.listUsers().filter((u) => u.email === "bob@example.com" && !u.deleted).length,
      0,
    );

    // A group with members is deleted only when said so (removed together, its members
    // resource removes no one and the group refuses): say so, then destroy.
    s.declare({
      resources: team.resources
        ?.filter((r) => r.name !== "bob")
        .map((r) =>
          r.name === "eng-members"
            ? { ...r, props: { groupId: "$eng.id", userIds: ["$ada.id"] } }
            : r.name === "eng"
              ? { ...r, props: { name: "Engineering Team", allowDeleteWithMembers: true } }
              : r,
        ),
    });
    await s.stack.up();
    await s.stack.destroy();
    assert.equal(
      s.emu.store.listUsers().filter((u) => u.email === "ada@example.com" && !u.deleted).length,
      0,
    );
  });

  it("fails the preview on bad input, naming the field, with no call to Domo", async () => {
    s = await NativeStack.create("native-bad");
    s.declare({
      resources: [{ type: "User", name: "x", props: { email: "not-an-email", name: "X", role: "Editor" } }],
    });
    s.emu.resetCounters();
    const r = await s.stack.preview([], { allowFailure: true });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /email/);
    assert.equal(s.calls(), 0);

    await s.stack.setConfig("domo:requestsPerSecond", "fast");
    s.declare({ resources: team.resources?.slice(0, 1) });
    const c = await s.stack.preview([], { allowFailure: true });
    assert.notEqual(c.code, 0);
    assert.match(c.stdout + c.stderr, /domo:requestsPerSecond/);
  });

  it("refuses one account or one group declared twice, at preview, with no call", async () => {
    s = await NativeStack.create("native-twice");
    const twice = async (resources: NativeProgram["resources"], expected: RegExp) => {
      s?.declare({ resources });
      s?.emu.resetCounters();
      const r = await s?.stack.preview([], { allowFailure: true });
      assert.notEqual(r?.code, 0);
      assert.match(r?.stdout ?? "", expected);
      assert.equal(s?.calls(), 0);
    };
    await twice(
      [
        { type: "User", name: "ada", props: { email: "ada@example.com", name: "Ada", role: "Editor" } },
        {
          type: "User",
          name: "ada-again",
          props: { email: " ADA@example.com", name: "Ada", role: "Editor", adoptExisting: true },
        },
      ],
      /declares email ada@example\.com, which domo:index:User "(ada|ada-again)" already declares: one Domo account, one resource/,
    );
    await twice(
      [
        { type: "Group", name: "eng", props: { name: "Engineering" } },
        { type: "Group", name: "eng2", props: { name: "engineering" } },
      ],
      /which domo:index:Group "(eng|eng2)" already declares \(names compare without case\): one Domo group, one resource/,
    );
  });

  it("keeps the client secret out of state and output, and no code in state", async () => {
    s = await NativeStack.create("native-secret");
    s.declare({ resources: team.resources?.slice(0, 1) });
    const up = await s.stack.up();
    const state = s.state();
    assert.ok(!state.includes(s.emu.credentials.clientSecret), "no plaintext secret in state");
    assert.ok(!(up.stdout + up.stderr).includes(s.emu.credentials.clientSecret), "no secret in output");
    assert.ok(!state.includes("__provider"), "no serialized code in state");
    assert.match(state, /"type":\s*"pulumi:providers:domo"/);
  });

  it("adopts nobody silently: an existing account needs adoptExisting or an import", async () => {
    s = await NativeStack.create("native-exists");
    s.declare({ resources: team.resources?.slice(0, 1) });
    await s.stack.up();
    await s.stack.run(["state", "delete", "--yes", "urn:pulumi:dev::native-exists::domo:index:User::ada"]);
    s.declare({ resources: [{ ...team.resources![0]!, name: "ada2" }] });
    s.emu.resetCounters();
    const r = await s.stack.up([], { allowFailure: true });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /already exists/);
    assert.equal(s.writes()["POST /v1/users"] ?? 0, 1, "one attempt, no second account");
    assert.equal(
      s.emu.store.listUsers().filter((u) => u.email === "ada@example.com" && !u.deleted).length,
      1,
    );
  });

  it("keeps what was said: a retained account stays in Domo; the API's own Admin is not demoted unasked", async () => {
    s = await NativeStack.create("native-keep");
    const [ada, bob] = team.resources ?? [];
    assert.ok(ada && bob);
    s.declare({ resources: [{ ...ada, props: { ...ada.props, deletionPolicy: "retain" } }, bob] });
    await s.stack.up();
    const adaId = (await s.outputs())["ada.userId"] as number;

    // Both removed from the program: bob is deleted, ada retained (the resource goes, she stays).
    s.declare({ resources: [] });
    s.emu.resetCounters();
    await s.stack.up();
    assert.deepEqual(s.writes(), { "DELETE /v1/users/{id}": 1 });
    assert.equal(s.emu.store.getUser(adaId)?.deleted ?? false, false, "ada is still in Domo");

    // The account the API client acts as, adopted and demoted: refused at apply, naming the
    // setting that says so, and nothing written.
    const admin = s.emu.store.getUser(s.emu.adminUserId);
    assert.ok(admin);
    s.declare({
      resources: [
        {
          type: "User",
          name: "me",
          props: { email: admin.email, name: admin.name, role: "Participant", adoptExisting: true },
        },
      ],
    });
    s.emu.resetCounters();
    const r = await s.stack.up([], { allowFailure: true });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /allowUnsafeAdminChanges/);
    assert.equal(s.writes()["PUT /v1/users/{id}"] ?? 0, 0, JSON.stringify(s.writes()));
    assert.equal(s.emu.store.getUser(s.emu.adminUserId)?.roleId, admin.roleId, "still an Admin");
  });

  it("imports a user, a group and a membership with pulumi import, changing nothing in Domo", async () => {
    s = await NativeStack.create("native-import");
    s.declare(team);
    await s.stack.up();
    const out = await s.outputs();
    const adaId = String(out["ada.userId"]);
    const groupId = String(out["eng.groupId"]);
    // Forget them (Domo keeps them), then import them back under new names.
    for (const name of ["eng-members", "ada", "bob", "eng"]) {
      const type = name === "eng-members" ? "GroupMembers" : name === "eng" ? "Group" : "User";
      await s.stack.run([
        "state",
        "delete",
        "--yes",
        `urn:pulumi:dev::native-import::domo:index:${type}::${name}`,
      ]);
    }
    s.emu.resetCounters();
    const u = await s.stack.run([
      "import",
      "domo:index:User",
      "ada-imported",
      adaId,
      "--yes",
      "--protect=false",
      "--generate-code=false",
    ]);
    assert.match(u.stdout, /= 1 imported|1 imported/);
    const g = await s.stack.run([
      "import",
      "domo:index:Group",
      "eng-imported",
      groupId,
      "--yes",
      "--protect=false",
      "--generate-code=false",
    ]);
    assert.match(g.stdout, /1 imported/);
    const m = await s.stack.run([
      "import",
      "domo:index:GroupMembership",
      "ada-in-eng",
      `${groupId}|${adaId}`,
      "--yes",
      "--protect=false",
      "--generate-code=false",
    ]);
    assert.match(m.stdout, /1 imported/);
    assert.deepEqual(s.writes(), {}, "imports only read");
    const state = s.state();
    assert.match(state, /"email":\s*"ada@example.com"/);
    assert.match(state, /"name":\s*"Engineering"/);
  });

  it("serves two Domo instances in one program through explicit providers, and looks users up", async () => {
    s = await NativeStack.create("native-two");
    const other = await startEmulator();
    try {
      s.declare({
        providers: {
          second: {
            apiHost: other.url,
            clientId: other.credentials.clientId,
            clientSecret: other.credentials.clientSecret,
          },
        },
        resources: [
          { type: "User", name: "here", props: { email: "here@example.com", name: "Here", role: "Editor" } },
          {
            type: "User",
            name: "there",
            props: { email: "there@example.com", name: "There", role: "Editor" },
            provider: "second",
          },
        ],
      });
      await s.stack.up();
      assert.ok(s.emu.store.listUsers().some((u) => u.email === "here@example.com"));
      assert.ok(!s.emu.store.listUsers().some((u) => u.email === "there@example.com"));
      assert.ok(other.store.listUsers().some((u) => u.email === "there@example.com"));
      assert.ok(
        !s.state().includes(other.credentials.clientSecret),
        "the explicit provider's secret is not in state as text",
      );

      s.declare({
        invokes: { found: ["domo:index:getUser", { email: "HERE@example.com" }] },
        resources: [
          { type: "User", name: "here", props: { email: "here@example.com", name: "Here", role: "Editor" } },
        ],
      });
      await s.stack.up();
      const found = (await s.outputs()).found as { email: string; name: string; userId: number };
      assert.equal(found.email, "here@example.com");
      assert.equal(found.name, "Here");
    } finally {
      await other.close();
    }
  });
});
