import assert from "node:assert/strict";
import { groupMembershipSettings } from "../../provider/model";
import { GroupProviderRuntime } from "../../provider/resources/group/runtime";
import type { PropertyMap } from "../../provider/resources/user/runtime";
import { emulatorSettings, useEmulator } from "../support/emulator-client";
import { refusal } from "../support/refusal";

// DomoGroupMembership (additive) against the emulator: read, update, delete and the claims.

describe("DomoGroupMembership handler (group/membership-handler.ts)", () => {
  const emu = useEmulator();
  let notices: string[];

  function run(): GroupProviderRuntime {
    const settings = emulatorSettings(emu);
    return new GroupProviderRuntime(() => settings, { notice: (l) => notices.push(l) });
  }
  async function inputs(rt: GroupProviderRuntime, news: PropertyMap): Promise<PropertyMap> {
    const r = await rt.membership.check({}, news);
    assert.deepEqual(r.failures ?? [], []);
    return r.inputs ?? {};
  }

  beforeEach(() => {
    notices = [];
  });

  it("refuses a bad id, and a second membership of the same pair in one run", async () => {
    const rt = run();
    const e = await refusal(rt.membership.read("12-34", {}));
    assert.equal(e.kind, "invalid_state");
    assert.equal(e.field, "id");
    assert.equal(
      e.message,
      '"12-34" is not a DomoGroupMembership id (expected <groupId>|<userId>, e.g. 1234|5678)',
    );
    const g = await emu.store.createGroup({ name: "Pairs" });
    const u = await emu.store.createUser({ email: "pair@x.io", name: "P", role: "Editor" });
    const made = await rt.membership.create(await inputs(rt, { groupId: g.id, userId: u.id }));
    assert.equal(made.id, `${g.id}|${u.id}`);
    assert.deepEqual(made.outs, { groupId: g.id, userId: u.id, deletionPolicy: "delete" });
    const again = await refusal(
      rt.membership.create(await inputs(rt, { groupId: g.id, email: "pair@x.io" })),
    );
    assert.equal(again.kind, "refused");
    assert.equal(again.field, "email");
    assert.match(
      again.message,
      new RegExp(
        `^Refusing a second DomoGroupMembership of Domo user ${u.id} in group ${g.id}: another DomoGroupMembership of this program already created it in this run\\. One membership, one resource`,
      ),
    );
    const byId = await refusal(rt.membership.create(await inputs(rt, { groupId: g.id, userId: u.id })));
    assert.equal(byId.field, "userId");
  });

  it("reads a membership by its pair, keeping email and policy; nothing when it is gone", async () => {
    const rt = run();
    const g = await emu.store.createGroup({ name: "Readers" });
    const u = await emu.store.createUser({ email: "reader@x.io", name: "R", role: "Editor" });
    await emu.store.addMember(g.id, u.id);
    const id = `${g.id}|${u.id}`;
    // The inputs leave the policy at its default out (the one defaults convention,
    // model/settings.ts): absent reads as "delete"; the state spells it out.
    const read = await rt.membership.read(id, {});
    assert.deepEqual(read, {
      id,
      props: { groupId: g.id, userId: u.id, deletionPolicy: "delete" },
      inputs: { groupId: g.id, userId: u.id },
    });
    assert.equal(groupMembershipSettings.value("deletionPolicy", read.inputs ?? {}), "delete");
    const withEmail = await run().membership.read(id, {
      groupId: g.id,
      userId: u.id,
      email: "reader@x.io",
      deletionPolicy: "retain",
    });
    assert.deepEqual(withEmail.inputs, { groupId: g.id, email: "reader@x.io", deletionPolicy: "retain" });
    assert.deepEqual(withEmail.props, {
      groupId: g.id,
      userId: u.id,
      email: "reader@x.io",
      deletionPolicy: "retain",
    });
    assert.deepEqual(await run().membership.read(`${g.id}|999`, {}), {});
  });

  it("updates settings only, without a call", async () => {
    const rt = run();
    const olds = { groupId: 5, userId: 6, deletionPolicy: "delete" };
    assert.deepEqual(
      await rt.membership.update("5|6", olds, { groupId: 5, userId: 6, deletionPolicy: "retain" }),
      {
        outs: { groupId: 5, userId: 6, deletionPolicy: "retain" },
      },
    );
    assert.deepEqual(
      (await rt.membership.update("5|6", olds, { groupId: 5, email: "e@x.io", deletionPolicy: "delete" }))
        .outs,
      { groupId: 5, userId: 6, email: "e@x.io", deletionPolicy: "delete" },
    );
  });

  it("deletes: removes the member, or leaves it when retained, held by another resource or authoritative", async () => {
    const g = await emu.store.createGroup({ name: "Leavers" });
    const u = await emu.store.createUser({ email: "leaver@x.io", name: "L", role: "Editor" });
    await emu.store.addMember(g.id, u.id);
    const id = `${g.id}|${u.id}`;
    const state = { groupId: g.id, userId: u.id, deletionPolicy: "delete" };
    const members = () => emu.store.getGroup(g.id)?.memberIds ?? [];

    await run().membership.delete(id, { ...state, deletionPolicy: "retain" });
    assert.deepEqual(members(), [u.id]);

    const held = run();
    await held.membership.diff(id, state, { groupId: g.id, userId: u.id });
    await held.membership.delete(id, state);
    assert.deepEqual(members(), [u.id]);
    assert.match(
      notices.at(-1) ?? "",
      new RegExp(
        `^pulumi-domo: not removing Domo user ${u.id} from group ${g.id}: another DomoGroupMembership of this program manages that membership in this run\\.$`,
      ),
    );

    const authoritative = run();
    await authoritative.members.check({}, { groupId: g.id, userIds: [u.id] });
    await authoritative.membership.delete(id, state);
    assert.deepEqual(members(), [u.id]);
    assert.match(
      notices.at(-1) ?? "",
      /a DomoGroupMembers of this program now manages that group's member list\.$/,
    );

    await run().membership.delete(id, state);
    assert.deepEqual(members(), []);
  });
});
