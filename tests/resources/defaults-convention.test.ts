import assert from "node:assert/strict";
import { z } from "zod";
import {
  groupMembershipSettings,
  groupMembersSettings,
  groupSettings,
  parseGroupInputs,
  parseGroupMembershipInputs,
  parseGroupMembersInputs,
  parseUserInputs,
  settingsConvention,
  unknownValue,
  userSettings,
} from "../../provider/model";
import { checkedInputs } from "../../provider/resources/engine";
import { GroupProviderRuntime } from "../../provider/resources/group/runtime";
import { UserBatchRuntime } from "../../provider/resources/user/batch-runtime";
import { type PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import {
  emulatorCalls as calls,
  emulatorSettings,
  useEmulator,
  emulatorWrites as writes,
} from "../support/emulator-client";

// One defaults convention for every kind (model/settings.ts): check and read leave a setting at
// its default out of the inputs; absent means the default in diff, create, update and delete;
// and state written before, with every default spelled out in the inputs, diffs clean.

/**
 * What check returned before the convention was one, for the group kinds: the parsed
 * declaration with every default spelled out (the inputs existing stacks hold).
 */
const oldGroupCheck = {
  group: (news: PropertyMap) => checkedInputs(parseGroupInputs(news), news).inputs ?? {},
  members: (news: PropertyMap) => checkedInputs(parseGroupMembersInputs(news), news).inputs ?? {},
  membership: (news: PropertyMap) => checkedInputs(parseGroupMembershipInputs(news), news).inputs ?? {},
};

describe("one defaults convention for every kind (model/settings.ts)", () => {
  const emu = useEmulator();
  const notices: string[] = [];
  const groupRun = () =>
    new GroupProviderRuntime(() => emulatorSettings(emu), { notice: (l) => notices.push(l) });
  const userRun = () =>
    new UserProviderRuntime(() => emulatorSettings(emu), { notice: (l) => notices.push(l) });

  async function checked(
    on: { check(o: PropertyMap, n: PropertyMap): Promise<{ inputs?: PropertyMap; failures?: unknown[] }> },
    news: PropertyMap,
  ): Promise<PropertyMap> {
    const r = await on.check({}, news);
    assert.deepEqual(r.failures ?? [], [], "check failed");
    return r.inputs ?? {};
  }

  describe("settingsConvention", () => {
    const c = settingsConvention(
      {
        policy: z.enum(["delete", "retain"]).default("delete"),
        flag: z.boolean().default(false),
        once: z.boolean().default(false),
        id: z.string().optional(),
      },
      ["once"],
    );

    it("takes the defaults from the shape (a setting without one has none)", () => {
      assert.deepEqual(c.fields, ["policy", "flag", "once", "id"]);
      assert.deepEqual(c.defaults, { policy: "delete", flag: false, once: false });
      assert.deepEqual([...c.createTime], ["once"]);
    });

    it("reads an absent setting as its default, a present one as itself", () => {
      assert.equal(c.value("policy", {}), "delete");
      assert.equal(c.value("policy", { policy: "retain" }), "retain");
      assert.equal(c.value("flag", {}), false);
      assert.equal(c.value("flag", { flag: true }), true);
      assert.equal(c.value("id", {}), undefined);
    });

    it("leaves out only what repeats a default, and nothing else", () => {
      const props = { name: "x", policy: "delete", flag: true, once: false, id: "7", other: false };
      assert.deepEqual(c.withoutDefaults(props), { name: "x", flag: true, id: "7", other: false });
      assert.deepEqual(props.policy, "delete", "the argument is not changed");
      assert.deepEqual(c.withoutDefaults({ policy: "retain" }), { policy: "retain" });
    });

    it("a change: a stored setting's value differs, absent = default on both sides; create-time settings never", () => {
      assert.deepEqual(c.changed({ policy: "delete", flag: false }, {}), []);
      assert.deepEqual(c.changed({}, { policy: "delete", flag: false, once: true }), []);
      assert.deepEqual(c.changed({ policy: "retain" }, {}), ["policy"]);
      assert.deepEqual(c.changed({}, { policy: "retain", flag: true }), ["policy", "flag"]);
      assert.deepEqual(c.changed({ policy: "delete" }, { policy: unknownValue }), ["policy"]);
      assert.deepEqual(c.changed({ id: "1" }, { id: "2" }), ["id"]);
    });

    it("every kind's convention names its settings and their defaults", () => {
      assert.deepEqual(groupSettings.defaults, {
        adoptExisting: false,
        allowNameChange: false,
        deletionPolicy: "delete",
        allowDeleteWithMembers: false,
      });
      assert.deepEqual([...groupSettings.createTime].sort(), [
        "adoptExisting",
        "allowNameChange",
        "importId",
      ]);
      assert.deepEqual(groupMembersSettings.defaults, {
        deletionPolicy: "delete",
        allowRemoveExisting: false,
      });
      assert.deepEqual([...groupMembersSettings.createTime], ["allowRemoveExisting"]);
      assert.deepEqual(groupMembershipSettings.defaults, { deletionPolicy: "delete" });
      assert.deepEqual(userSettings.defaults, {
        sendInvite: false,
        adoptExisting: false,
        allowEmailChange: false,
        deletionPolicy: "delete",
        allowUnsafeAdminChanges: false,
      });
    });
  });

  describe("check leaves the defaults out, for every kind alike", () => {
    it("DomoUser, DomoGroup, DomoGroupMembers, DomoGroupMembership; non-defaults kept", async () => {
      const g = groupRun();
      const u = { email: "a@example.com", name: "A", role: "Editor" };
      assert.deepEqual(await checked(userRun(), { ...u, deletionPolicy: "delete", sendInvite: false }), u);
      assert.deepEqual(
        await checked(g.group, { name: "G", deletionPolicy: "delete", adoptExisting: false }),
        {
          name: "G",
          active: true,
        },
      );
      assert.deepEqual(await checked(g.members, { groupId: 5, userIds: [2], allowRemoveExisting: false }), {
        groupId: 5,
        userIds: [2],
        emails: [],
      });
      assert.deepEqual(
        await checked(groupRun().membership, { groupId: 6, userId: 2, deletionPolicy: "delete" }),
        {
          groupId: 6,
          userId: 2,
        },
      );
      assert.deepEqual(
        await checked(g.group, { name: "H", deletionPolicy: "retain", allowDeleteWithMembers: true }),
        {
          name: "H",
          active: true,
          deletionPolicy: "retain",
          allowDeleteWithMembers: true,
        },
      );
      assert.equal(
        (await checked(g.members, { groupId: 7, deletionPolicy: "retain" })).deletionPolicy,
        "retain",
      );
      assert.equal(calls(emu), 0);
    });

    it("an unknown setting at preview stays unknown (not its default)", async () => {
      const g = groupRun();
      assert.equal(
        (await checked(g.group, { name: "G", deletionPolicy: unknownValue })).deletionPolicy,
        unknownValue,
      );
      assert.equal(
        (await checked(g.membership, { groupId: 1, userId: 2, deletionPolicy: unknownValue })).deletionPolicy,
        unknownValue,
      );
    });

    it("DomoUserBatch's users follow it too (each user through DomoUser's check)", async () => {
      const batch = new UserBatchRuntime(userRun());
      const r = await batch.check(
        {},
        {
          batch: "b-0",
          users: {
            "a@example.com": { email: "a@example.com", name: "A", role: "Editor", deletionPolicy: "delete" },
          },
        },
      );
      assert.deepEqual(r.inputs?.users, {
        "a@example.com": { email: "a@example.com", name: "A", role: "Editor" },
      });
    });
  });

  describe("state written with the defaults spelled out (before the convention) diffs clean", () => {
    it("DomoGroup, DomoGroupMembers, DomoGroupMembership: no change, no call; the shorter inputs then apply alike", async () => {
      const user = await emu.store.createUser({ email: "m@example.com", name: "M", role: "Editor" });
      const old = groupRun();
      // The resources as the previous code created them: its check's inputs, its outputs.
      const gIn = oldGroupCheck.group({ name: "Team" });
      assert.equal(gIn.deletionPolicy, "delete", "old inputs spell the defaults out");
      assert.equal(gIn.allowDeleteWithMembers, false);
      const g = await old.group.create(gIn);
      const other = await old.group.create(oldGroupCheck.group({ name: "Other" }));
      const mIn = oldGroupCheck.members({ groupId: g.id, userIds: [user.id] });
      assert.equal(mIn.allowRemoveExisting, false);
      const m = await old.members.create(mIn);
      const sIn = oldGroupCheck.membership({ groupId: other.id, userId: user.id });
      assert.equal(sIn.deletionPolicy, "delete");
      const s = await old.membership.create(sIn);

      // The next run, unchanged program, the new check.
      const next = groupRun();
      emu.resetCounters();
      const news = {
        group: await checked(next.group, { name: "Team" }),
        members: await checked(next.members, { groupId: g.id, userIds: [user.id] }),
        membership: await checked(next.membership, { groupId: other.id, userId: user.id }),
      };
      assert.ok(!("deletionPolicy" in news.group) && !("deletionPolicy" in news.members));
      assert.ok(!("deletionPolicy" in news.membership));
      assert.equal((await next.group.diff(g.id, g.outs, news.group)).changes, false);
      assert.equal((await next.members.diff(m.id, m.outs, news.members)).changes, false);
      assert.equal((await next.membership.diff(s.id, s.outs, news.membership)).changes, false);
      // Against the old inputs too (what a refresh-less engine may hold as olds).
      assert.equal((await next.group.diff(g.id, { ...g.outs, ...gIn }, news.group)).changes, false);
      assert.equal(calls(emu), 0, "check and diff make no call");

      // An update with the shorter inputs (say, after a real edit elsewhere) records the same settings.
      const up = await next.group.update(g.id, g.outs, news.group);
      assert.equal(up.outs.deletionPolicy, "delete");
      assert.equal(up.outs.allowDeleteWithMembers, false);
      assert.equal(calls(emu), 0, "settings unchanged and name unchanged: no call");
    });

    it("DomoUser: the 0.1.0 inputs and outputs (defaults spelled out) against the new inputs: no change", async () => {
      const rt = userRun();
      const decl = { email: "u@example.com", name: "U", role: "Editor" };
      const made = await rt.create(await checked(rt, decl));
      const old = { ...made.outs, ...userSettings.defaults };
      const next = userRun();
      assert.equal((await next.diff(made.id, old, await checked(next, decl))).changes, false);
      assert.equal(parseUserInputs(await checked(next, decl)).ok, true);
    });
  });

  describe("absent = default, both ways, for every group kind", () => {
    it("a non-default removed from the program is a change back to the default, recorded without a call", async () => {
      const rt = groupRun();
      const user = await emu.store.createUser({ email: "r@example.com", name: "R", role: "Editor" });
      const g = await rt.group.create(await checked(rt.group, { name: "Kept", deletionPolicy: "retain" }));
      assert.equal(g.outs.deletionPolicy, "retain");
      const other = await rt.group.create(await checked(rt.group, { name: "Other2" }));
      const m = await rt.members.create(
        await checked(rt.members, { groupId: g.id, userIds: [user.id], deletionPolicy: "retain" }),
      );
      const s = await rt.membership.create(
        await checked(rt.membership, { groupId: other.id, userId: user.id, deletionPolicy: "retain" }),
      );
      const next = groupRun();
      emu.resetCounters();
      const gNews = await checked(next.group, { name: "Kept" });
      const mNews = await checked(next.members, { groupId: g.id, userIds: [user.id] });
      const sNews = await checked(next.membership, { groupId: other.id, userId: user.id });
      assert.equal((await next.group.diff(g.id, g.outs, gNews)).changes, true);
      assert.equal((await next.members.diff(m.id, m.outs, mNews)).changes, true);
      assert.equal((await next.membership.diff(s.id, s.outs, sNews)).changes, true);
      assert.equal((await next.group.update(g.id, g.outs, gNews)).outs.deletionPolicy, "delete");
      assert.equal((await next.membership.update(s.id, s.outs, sNews)).outs.deletionPolicy, "delete");
      assert.equal((await next.members.update(m.id, m.outs, mNews)).outs.deletionPolicy, "delete");
      assert.equal(writes(emu), 0, "settings only: no write");
    });

    it("read (refresh, import) gives inputs without the defaults; check of them is the same", async () => {
      const rt = groupRun();
      const user = await emu.store.createUser({ email: "q@example.com", name: "Q", role: "Editor" });
      const g = await rt.group.create(await checked(rt.group, { name: "Read" }));
      const m = await rt.members.create(await checked(rt.members, { groupId: g.id, userIds: [user.id] }));
      const r = groupRun();
      const gRead = await r.group.read(g.id, g.outs);
      assert.deepEqual(gRead.inputs, { name: "Read", active: true });
      const mRead = await r.members.read(m.id, m.outs);
      assert.deepEqual(mRead.inputs, { groupId: Number(g.id), userIds: [user.id], emails: [] });
      assert.deepEqual(await checked(groupRun().group, gRead.inputs ?? {}), gRead.inputs);
      const kept = await r.group.read(g.id, { ...g.outs, deletionPolicy: "retain" });
      assert.equal(kept.inputs?.deletionPolicy, "retain");
    });
  });
});
