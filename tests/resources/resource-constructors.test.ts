import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { dynamicType, providerText } from "../../provider/resources/dynamic-resource";
import {
  DomoGroup,
  DomoGroupMembers,
  DomoGroupMembership,
  domoGroupMembershipType,
  domoGroupMembersType,
  domoGroupType,
} from "../../provider/resources/group/resource";
import { DomoUser, domoUserType, userIdOf } from "../../provider/resources/user/resource";

// The Pulumi resource constructors under mocks: what a program gets refused, and what it registers.

const registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];

async function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

async function inputsOf(name: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 50; i++) {
    const r = registered.find((x) => x.name === name);
    if (r) return r.inputs;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`${name} was never registered`);
}

function refusedWith(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: Error) => e instanceof pulumi.RunError && pattern.test(e.message));
}

describe("resource constructors (user/resource.ts, group/resource.ts)", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: args.type === domoUserType ? "1000000555" : `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "resource-constructors",
      "dev",
      false,
    );
  });

  it("DomoUser refuses a second declaration of the same email, any case or spaces", () => {
    new DomoUser("mut-u1", { email: "Mut.Dup@Example.com", name: "A" });
    refusedWith(
      () => new DomoUser("mut-u2", { email: "  mut.dup@example.COM ", name: "B" }),
      /^DomoUser "mut-u2" declares email mut\.dup@example\.com, which DomoUser "mut-u1" already declares: one Domo account, one resource\. Remove one of the two declarations \(to rename a DomoUser, keep one and give it the resource option aliases: \[\{ name: "<old name>" \}\]\)$/,
    );
    new DomoUser("mut-u3", { email: "mut.other@example.com", name: "C" });
  });

  it("DomoUser turns the import option into importId, unless importId is set", async () => {
    new DomoUser("mut-imp1", { email: "mut.imp1@example.com", name: "I" }, { import: "1000000777" });
    assert.equal((await inputsOf("mut-imp1")).importId, "1000000777");
    new DomoUser(
      "mut-imp2",
      { email: "mut.imp2@example.com", name: "I", importId: "1000000888" },
      { import: "1000000777" },
    );
    assert.equal((await inputsOf("mut-imp2")).importId, "1000000888");
    new DomoUser("mut-imp3", { email: "mut.imp3@example.com", name: "I" });
    assert.equal("importId" in (await inputsOf("mut-imp3")), false);
    assert.equal((await inputsOf("mut-imp3")).email, "mut.imp3@example.com");
    assert.equal(registered.find((r) => r.name === "mut-imp3")?.type, domoUserType);
  });

  it("DomoUser.userId is the id as a number", async () => {
    const u = new DomoUser("mut-id", { email: "mut.id@example.com", name: "I" });
    assert.equal(await settled(u.userId), 1000000555);
    assert.equal(await settled(userIdOf("42")), 42);
  });

  it("each resource registers the one-line `__provider` of its kind, not a serialized closure", async () => {
    new DomoUser("mut-prov-u", { email: "mut.prov@example.com", name: "P" });
    new DomoGroup("mut-prov-g", { name: "Mut Prov" });
    new DomoGroupMembers("mut-prov-m", { groupId: "7", emails: [] });
    new DomoGroupMembership("mut-prov-s", { groupId: "8", userId: "9" });
    for (const [name, kind] of [
      ["mut-prov-u", "User"],
      ["mut-prov-g", "Group"],
      ["mut-prov-m", "GroupMembers"],
      ["mut-prov-s", "GroupMembership"],
    ] as const) {
      assert.equal((await inputsOf(name)).__provider, providerText(kind), name);
      assert.equal(registered.find((r) => r.name === name)?.type, dynamicType(kind), name);
    }
    assert.equal(providerText("User"), 'exports.handler=()=>require("pulumi-domo/provider/user");');
  });

  it("DomoUser's setting outputs are the declared value, or the default the state leaves out", async () => {
    const plain = new DomoUser("mut-set1", { email: "mut.set1@example.com", name: "S" });
    assert.equal(await settled(plain.deletionPolicy), "delete");
    assert.equal(await settled(plain.sendInvite), false);
    assert.equal(await settled(plain.adoptExisting), false);
    assert.equal(await settled(plain.allowUnsafeAdminChanges), false);
    const set = new DomoUser("mut-set2", {
      email: "mut.set2@example.com",
      name: "S",
      deletionPolicy: pulumi.output("retain" as const),
      sendInvite: true,
      adoptExisting: true,
      allowUnsafeAdminChanges: true,
    });
    assert.equal(await settled(set.deletionPolicy), "retain");
    assert.equal(await settled(set.sendInvite), true);
    assert.equal(await settled(set.adoptExisting), true);
    assert.equal(await settled(set.allowUnsafeAdminChanges), true);
  });

  it("DomoUser checks an email known later, without refusing a distinct one", async () => {
    const u = new DomoUser("mut-later", { email: Promise.resolve("mut.later@example.com"), name: "L" });
    assert.equal(await settled(u.userId), 1000000555);
  });

  it("DomoGroup refuses a second group of the same name (without case)", async () => {
    new DomoGroup("mut-g1", { name: "Mut Team" });
    refusedWith(
      () => new DomoGroup("mut-g2", { name: "  mut team " }),
      /^DomoGroup "mut-g2" declares the group "mut team", which DomoGroup "mut-g1" already declares \(names compare without case\): one Domo group, one resource\. Remove one of the two declarations$/,
    );
    new DomoGroup("mut-g1", { name: "MUT TEAM" });
    new DomoGroup("mut-g3", { name: "Mut Team 2" }, { import: "55" });
    assert.equal((await inputsOf("mut-g3")).importId, "55");
    new DomoGroup("mut-g4", { name: "Mut Team 4", importId: "66" }, { import: "55" });
    assert.equal((await inputsOf("mut-g4")).importId, "66");
    assert.equal(registered.find((r) => r.name === "mut-g1")?.type, domoGroupType);
  });

  it("refuses both kinds of membership on one group, and two member lists", () => {
    new DomoGroupMembers("mut-m1", { groupId: 9001, userIds: [1] });
    refusedWith(
      () => new DomoGroupMembership("mut-p1", { groupId: "9001", userId: 2 }),
      /^DomoGroupMembership \(additive\) "mut-p1" and DomoGroupMembers \(authoritative\) "mut-m1" both manage Domo group 9001: the authoritative list would remove what the additive membership adds, on every run\. Use one kind per group/,
    );
    refusedWith(
      () => new DomoGroupMembers("mut-m2", { groupId: 9001, userIds: [3] }),
      /^DomoGroupMembers "mut-m2" and DomoGroupMembers "mut-m1" both set the members of Domo group 9001: one authoritative list per group\. Merge them into one$/,
    );
    new DomoGroupMembership("mut-p2", { groupId: 9002, userId: 1 });
    new DomoGroupMembership("mut-p3", { groupId: 9002, userId: 2 });
    refusedWith(
      () => new DomoGroupMembers("mut-m3", { groupId: 9002 }),
      /^DomoGroupMembers \(authoritative\) "mut-m3" and DomoGroupMembership \(additive\) "mut-p2" both manage Domo group 9002/,
    );
  });

  it("registers the member resources with their group id, also when it resolves later", async () => {
    new DomoGroupMembers("mut-m4", { groupId: Promise.resolve(9003), emails: ["a@x.io"] });
    const inputs = await inputsOf("mut-m4");
    assert.equal(inputs.groupId, 9003);
    assert.deepEqual(inputs.emails, ["a@x.io"]);
    assert.equal(registered.find((r) => r.name === "mut-m4")?.type, domoGroupMembersType);
    new DomoGroupMembership("mut-p4", { groupId: pulumi.output(9004), email: "b@x.io" });
    assert.equal((await inputsOf("mut-p4")).groupId, 9004);
    assert.equal(registered.find((r) => r.name === "mut-p4")?.type, domoGroupMembershipType);
  });
});
