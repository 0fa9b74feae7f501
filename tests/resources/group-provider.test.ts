import assert from "node:assert/strict";
import { DomoError } from "../../provider/client";
import { groupSettings, parseGroupInputs, unknownValue } from "../../provider/model";
import { GroupProviderRuntime, PartialGroupError } from "../../provider/resources/group/runtime";
import type { PropertyMap } from "../../provider/resources/user/runtime";
import {
  emulatorCalls as calls,
  emulatorSettings,
  useEmulator,
  emulatorWrites as writes,
} from "../support/emulator-client";

const domoError =
  (kind: string, field: string | undefined, message: RegExp) =>
  (e: unknown): true => {
    assert.ok(e instanceof DomoError, `expected a DomoError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (field !== undefined) assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  };

describe("DomoGroup, DomoGroupMembers, DomoGroupMembership (direct calls against the emulator)", () => {
  const emu = useEmulator();
  let rt: GroupProviderRuntime;
  let notices: string[];

  /** A new provider process: a new `pulumi` run with no claims. */
  function run(extra: Record<string, unknown> = {}): GroupProviderRuntime {
    const settings = emulatorSettings(emu, extra);
    return new GroupProviderRuntime(() => settings, { notice: (l) => notices.push(l) });
  }

  type Kind = "group" | "members" | "membership";
  async function checked(kind: Kind, news: PropertyMap, on = rt): Promise<PropertyMap> {
    const result = await on[kind].check({}, news);
    assert.deepEqual(result.failures ?? [], [], "check failed");
    return result.inputs ?? {};
  }
  async function created(kind: Kind, news: PropertyMap, on = rt) {
    const inputs = await checked(kind, news, on);
    const result = await on[kind].create(inputs);
    return { id: result.id, inputs, outs: result.outs };
  }
  /** A new run whose program still declares the group `g` (its DomoGroup diffed first). */
  async function declaring(g: { id: string; inputs: PropertyMap; outs: PropertyMap }, on = run()) {
    await on.group.diff(g.id, g.outs, g.inputs);
    return on;
  }
  const members = (groupId: number) => emu.store.getGroup(groupId)?.memberIds ?? [];
  const user = (email: string) => emu.store.createUser({ email, name: email.split("@")[0], role: "Editor" });

  beforeEach(() => {
    notices = [];
    rt = run();
  });

  describe("check", () => {
    it("normalises names, ids and emails, reads absent settings as their defaults, and calls nothing", async () => {
      const g = await checked("group", { name: "  Cafe\u0301 Team " });
      assert.equal(g.name, "Café Team");
      assert.equal(g.active, true);
      // Settings at their default are left out of the inputs, as for every kind
      // (model/settings.ts); absent reads as the default, in diff and in the declaration.
      assert.ok(!("deletionPolicy" in g) && !("allowDeleteWithMembers" in g), JSON.stringify(g));
      assert.equal(groupSettings.value("deletionPolicy", g), "delete");
      assert.equal(groupSettings.value("allowDeleteWithMembers", g), false);
      const decl = parseGroupInputs(g);
      assert.ok(decl.ok);
      assert.equal(decl.value.deletionPolicy, "delete");
      assert.equal(decl.value.allowDeleteWithMembers, false);
      const m = await checked("members", {
        groupId: "12",
        userIds: ["7", 3, 7],
        emails: [" B@Example.com", "a@example.com"],
      });
      assert.equal(m.groupId, 12);
      assert.deepEqual(m.userIds, [3, 7]);
      assert.deepEqual(m.emails, ["a@example.com", "b@example.com"]);
      const one = await checked("membership", { groupId: 12, email: "X@Example.com" }, run());
      assert.equal(one.email, "x@example.com");
      assert.equal(calls(emu), 0);
    });

    it("names the property and the fix for bad input", async () => {
      const cases: Array<[Kind, PropertyMap, string, RegExp]> = [
        ["group", { name: "" }, "name", /required/],
        ["group", { name: "a\u202eb" }, "", /invisible/],
        ["group", { name: "x".repeat(256) }, "name", /255/],
        ["group", { name: "G", nickname: 1 }, "nickname", /DomoGroup accepts name, active/],
        ["group", { name: "G", importId: "5", adoptExisting: true }, "importId", /not both/],
        ["group", { name: "G", allowNameChange: true }, "allowNameChange", /importId/],
        ["members", { groupId: "abc" }, "groupId", /not a Domo group id/],
        ["members", { groupId: 1, userIds: [0] }, "userIds", /not a Domo user id/],
        ["members", { groupId: 1, emails: ["nope"] }, "emails", /valid email/],
        ["membership", { groupId: 1 }, "userId", /exactly one of userId/],
        ["membership", { groupId: 1, userId: 2, email: "a@example.com" }, "userId", /exactly one/],
      ];
      for (const [kind, news, property, reason] of cases) {
        const result = await rt[kind].check({}, news);
        const failure = result.failures?.find((f) => f.property === property);
        assert.ok(
          failure,
          `expected a failure on ${property} for ${JSON.stringify(news)}: ${JSON.stringify(result)}`,
        );
        assert.match(failure.reason, reason);
      }
      assert.equal(calls(emu), 0);
    });

    it("tolerates unknown ids at preview, in a list too", async () => {
      const m = await checked("members", { groupId: unknownValue, userIds: [5, unknownValue] });
      assert.equal(m.groupId, unknownValue);
      assert.deepEqual(m.userIds, [5, unknownValue]);
      const one = await checked("membership", { groupId: unknownValue, userId: unknownValue });
      assert.equal(one.userId, unknownValue);
      assert.equal(calls(emu), 0);
    });
  });

  describe("DomoGroup", () => {
    it("creates, diffs without calls, renames in place, and refreshes through one listing", async () => {
      const { id, inputs, outs } = await created("group", { name: "Engineering" });
      assert.equal(emu.store.getGroup(Number(id))?.name, "Engineering");
      assert.equal(outs.groupId, Number(id));
      emu.resetCounters();
      const quiet = [inputs, { ...inputs, adoptExisting: true }, { ...inputs, __provider: "other code" }];
      for (const news of quiet)
        assert.equal((await rt.group.diff(id, outs, await checked("group", news))).changes, false);
      assert.equal(calls(emu), 0, "diff never calls Domo");
      const renamed = await checked("group", { name: "Platform Engineering" });
      const d = await rt.group.diff(id, outs, renamed);
      assert.deepEqual([d.changes, d.replaces], [true, []]);
      const updated = await rt.group.update(id, outs, renamed);
      assert.equal(updated.outs.groupId, Number(id), "same id: renamed in place");
      assert.equal(emu.store.getGroup(Number(id))?.name, "Platform Engineering");
      assert.equal(emu.counters()["POST /v1/groups"] ?? 0, 0);

      const settingsOnly = await rt.group.update(
        id,
        updated.outs,
        await checked("group", { name: "Platform Engineering", deletionPolicy: "retain" }),
      );
      assert.equal(settingsOnly.outs.deletionPolicy, "retain");

      await emu.store.updateGroup(Number(id), { name: "Renamed By Hand" });
      const fresh = run();
      emu.resetCounters();
      const read = await fresh.group.read(id, updated.outs);
      assert.equal(read.props?.name, "Renamed By Hand");
      assert.equal(read.inputs?.name, "Renamed By Hand");
      assert.equal((await fresh.group.diff(id, read.props ?? {}, renamed)).changes, true, "drift shows");
      assert.deepEqual(emu.counters()["GET /v1/groups"], 1);
      assert.equal(emu.counters()["GET /v1/groups/{id}"] ?? 0, 0);
      await emu.store.deleteGroup(Number(id));
      assert.deepEqual(await run().group.read(id, updated.outs), {}, "gone: dropped from state");
    });

    it("refuses a duplicate name (any case) without adoptExisting, naming the option and the id", async () => {
      const existing = await emu.store.createGroup({ name: "Sales" });
      await assert.rejects(
        rt.group.create(await checked("group", { name: "SALES" })),
        domoError(
          "conflict",
          "name",
          new RegExp(
            `already exists \\(id ${existing.id}; .*` +
              "If an interrupted `pulumi up` created it, run `npx pulumi-domo recover --stack <stack>`.*" +
              `in a users file, add \`id: ${existing.id}\` to the group; ` +
              `in a program, set adoptExisting: true \\(or importId: "${existing.id}"\\) on the DomoGroup$`,
          ),
        ),
      );
      assert.equal(emu.store.listGroups().filter((g) => g.name.toLowerCase() === "sales").length, 1);
    });

    it("adopts by name without writing when it matches; converges a differing one", async () => {
      const same = await emu.store.createGroup({ name: "Ops" });
      emu.resetCounters();
      const adopted = await created("group", { name: "ops", adoptExisting: true });
      assert.equal(adopted.id, String(same.id));
      assert.equal(emu.store.getGroup(same.id)?.name, "ops", "a case-only difference converges");
      const inactive = await emu.store.createGroup({ name: "Old", active: false });
      emu.resetCounters();
      const second = run();
      const again = await created("group", { name: "Old", adoptExisting: true }, second);
      assert.equal(again.id, String(inactive.id));
      assert.equal(emu.store.getGroup(inactive.id)?.active, true);
      assert.equal(emu.counters()["POST /v1/groups"] ?? 0, 0);
      // A listing taken before the group appeared: the create's conflict leads to the adoption.
      const stale = await emu.store.createGroup({ name: "Late" });
      const late = await created("group", { name: "Late", adoptExisting: true }, second);
      assert.equal(late.id, String(stale.id));
      await assert.rejects(
        second.group.create(await checked("group", { name: "Old", adoptExisting: true })),
        domoError("refused", "adoptExisting", /already took over it in this run/),
      );
    });

    it("takes over by importId only when the name matches, unless allowNameChange", async () => {
      const other = await emu.store.createGroup({ name: "Finance" });
      emu.resetCounters();
      await assert.rejects(
        rt.group.create(await checked("group", { name: "Marketing", importId: String(other.id) })),
        domoError(
          "refused",
          "importId",
          /it is the group "Finance", not "Marketing".*allowNameChange: true/s,
        ),
      );
      assert.equal(writes(emu), 0);
      await assert.rejects(
        rt.group.create(await checked("group", { name: "X", importId: "99999" })),
        domoError("not_found", "importId", /no such group/),
      );
      const taken = await created(
        "group",
        { name: "Marketing", importId: other.id, allowNameChange: true },
        run(),
      );
      assert.equal(taken.id, String(other.id));
      assert.equal(emu.store.getGroup(other.id)?.name, "Marketing");
    });

    it("guards deletes: members need allowDeleteWithMembers, the Default group never goes, retain keeps it", async () => {
      const u = await user("m@example.com");
      const { id, outs } = await created("group", { name: "Guarded" });
      await emu.store.addMember(Number(id), u.id);
      const next = run();
      await assert.rejects(
        next.group.delete(id, outs),
        domoError(
          "refused",
          "allowDeleteWithMembers",
          new RegExp(
            `1 member\\(s\\) \\(Domo user ids ${u.id}\\).*allowDeleteWithMembers: true.*retain`,
            "s",
          ),
        ),
      );
      assert.ok(emu.store.getGroup(Number(id)), "nothing deleted");
      await run().group.delete(id, { ...outs, deletionPolicy: "retain" });
      assert.ok(emu.store.getGroup(Number(id)));
      await run().group.delete(id, { ...outs, allowDeleteWithMembers: true });
      assert.equal(emu.store.getGroup(Number(id)), undefined);
      await run().group.delete(id, outs); // already gone: fine

      const adopted = await created("group", { name: "Default", adoptExisting: true }, run());
      assert.equal(adopted.id, "1");
      await assert.rejects(
        run().group.delete("1", adopted.outs),
        domoError("refused", undefined, /Default group/),
      );
      await assert.rejects(
        run().group.update("1", adopted.outs, await checked("group", { name: "Everyone" })),
        domoError("refused", "name", /Default group/),
      );
      assert.ok(emu.store.getGroup(1));
    });

    it("skips the delete of a group another resource of this run holds (a rename without aliases)", async () => {
      const { id, outs } = await created("group", { name: "Kept" });
      const next = run();
      await next.group.diff(id, outs, await checked("group", { name: "Kept" }, next));
      emu.resetCounters();
      await next.group.delete(id, outs);
      assert.equal(writes(emu), 0);
      assert.match(notices.join("\n"), /not deleting Domo group .*another DomoGroup of this program manages/);
    });
  });

  describe("DomoGroupMembers (authoritative)", () => {
    it("sets exactly the declared members by id and email; diff makes no call", async () => {
      const [a, b, c] = [
        await user("a@example.com"),
        await user("b@example.com"),
        await user("c@example.com"),
      ];
      const g = await created("group", { name: "Team" });
      emu.resetCounters();
      const m = await created("members", {
        groupId: g.id,
        userIds: [String(a.id)],
        emails: ["B@example.com"],
      });
      assert.equal(m.id, g.id);
      assert.deepEqual(
        members(Number(g.id)),
        [a.id, b.id].sort((x, y) => x - y),
      );
      assert.deepEqual(m.outs.resolvedEmails, { "b@example.com": b.id });
      emu.resetCounters();
      assert.equal((await rt.members.diff(m.id, m.outs, m.inputs)).changes, false);
      assert.equal(calls(emu), 0, "no-change diff: no call");

      // Move c in, a out.
      const next = await checked("members", { groupId: g.id, userIds: [c.id], emails: ["b@example.com"] });
      assert.equal((await rt.members.diff(m.id, m.outs, next)).changes, true);
      const updated = await rt.members.update(m.id, m.outs, next);
      assert.deepEqual(
        members(Number(g.id)),
        [b.id, c.id].sort((x, y) => x - y),
      );
      assert.deepEqual(
        updated.outs.memberIds,
        [b.id, c.id].sort((x, y) => x - y),
      );
      assert.equal(emu.counters()["PUT /v1/groups/{id}/users/{userId}"], 1);
      assert.equal(emu.counters()["DELETE /v1/groups/{id}/users/{userId}"], 1);
    });

    it("refresh finds a member added and one removed by hand; the next update corrects both", async () => {
      const [a, b, x] = [
        await user("a@example.com"),
        await user("b@example.com"),
        await user("x@example.com"),
      ];
      const g = await created("group", { name: "Drift" });
      const m = await created("members", { groupId: g.id, userIds: [a.id, b.id] });
      await emu.store.addMember(Number(g.id), x.id);
      await emu.store.removeMember(Number(g.id), b.id);
      const refresh = run();
      emu.resetCounters();
      const read = await refresh.members.read(m.id, m.outs);
      assert.deepEqual(
        read.props?.memberIds,
        [a.id, x.id].sort((p, q) => p - q),
      );
      assert.deepEqual(
        read.inputs?.userIds,
        [a.id, x.id].sort((p, q) => p - q),
      );
      assert.deepEqual(emu.counters(), { "GET /v1/groups/{id}/users": 1, "POST /oauth/token": 1 });
      const up = run();
      assert.equal((await up.members.diff(m.id, read.props ?? {}, m.inputs)).changes, true, "drift shows");
      await up.members.update(m.id, read.props ?? {}, m.inputs);
      assert.deepEqual(
        members(Number(g.id)),
        [a.id, b.id].sort((p, q) => p - q),
      );
    });

    it("refuses to strip members it does not declare at create unless allowRemoveExisting; refuses the Default group", async () => {
      const [a, b] = [await user("a@example.com"), await user("b@example.com")];
      const group = await emu.store.createGroup({ name: "Existing", memberIds: [a.id] });
      emu.resetCounters();
      await assert.rejects(
        rt.members.create(await checked("members", { groupId: group.id, userIds: [b.id] })),
        domoError(
          "refused",
          "allowRemoveExisting",
          new RegExp(`Domo user ids ${a.id}\\).*allowRemoveExisting: true`, "s"),
        ),
      );
      assert.equal(writes(emu), 0);
      const ok = run();
      await ok.members.create(
        await checked("members", { groupId: group.id, userIds: [b.id], allowRemoveExisting: true }, ok),
      );
      assert.deepEqual(members(group.id), [b.id]);
      await assert.rejects(
        run().members.create(await checked("members", { groupId: 1, userIds: [b.id] })),
        domoError("refused", "groupId", /Default group.*DomoGroupMembership/s),
      );
      await assert.rejects(
        run().members.create(await checked("members", { groupId: 424242, userIds: [b.id] })),
        domoError("not_found", "groupId", /does not exist/),
      );
      await assert.rejects(
        run().members.create(await checked("members", { groupId: group.id, emails: ["nobody@example.com"] })),
        domoError("not_found", "emails", /No Domo user has the email nobody@example.com/),
      );
    });

    it("a delete removes only the members it declared; retain leaves them", async () => {
      const [a, b, hand] = [
        await user("a@example.com"),
        await user("b@example.com"),
        await user("h@example.com"),
      ];
      const g = await created("group", { name: "Del" });
      const m = await created("members", { groupId: g.id, userIds: [a.id, b.id] });
      await emu.store.addMember(Number(g.id), hand.id);
      await (await declaring(g)).members.delete(m.id, { ...m.outs, deletionPolicy: "retain" });
      assert.equal(members(Number(g.id)).length, 3);
      await (await declaring(g)).members.delete(m.id, m.outs);
      assert.deepEqual(members(Number(g.id)), [hand.id]);
    });

    it("a partial failure keeps the id and what was written", async () => {
      const [a, b] = [await user("a@example.com"), await user("b@example.com")];
      const g = await created("group", { name: "Half" });
      emu.faults.add({ route: "PUT /v1/groups/{id}/users/{userId}", kind: "status", status: 503, count: 1 });
      const err = await run({ maxRetries: 0 })
        .members.create(await checked("members", { groupId: g.id, userIds: [a.id, b.id] }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof PartialGroupError, String(err));
      assert.equal(err.id, g.id);
      assert.equal((err.properties.memberIds as number[]).length, 1);
    });
  });

  describe("DomoGroupMembership (additive)", () => {
    it("adds one user (id <groupId>|<userId>), leaves others, reads, and removes on delete", async () => {
      const [a, other] = [await user("a@example.com"), await user("o@example.com")];
      const g = await created("group", { name: "Add" });
      await emu.store.addMember(Number(g.id), other.id);
      const one = await created("membership", { groupId: g.id, email: "A@example.com" });
      assert.equal(one.id, `${g.id}|${a.id}`);
      assert.equal(one.outs.userId, a.id);
      assert.deepEqual(
        members(Number(g.id)),
        [a.id, other.id].sort((x, y) => x - y),
      );
      emu.resetCounters();
      assert.equal((await rt.membership.diff(one.id, one.outs, one.inputs)).changes, false);
      const moved = await rt.membership.diff(
        one.id,
        one.outs,
        await checked("membership", { groupId: g.id, userId: other.id }),
      );
      assert.deepEqual(moved.replaces, ["userId"]);
      assert.equal(calls(emu), 0);
      const read = await run().membership.read(one.id, one.outs);
      assert.equal(read.id, one.id);
      assert.equal(read.inputs?.email, "a@example.com");
      await (await declaring(g)).membership.delete(one.id, one.outs);
      assert.deepEqual(members(Number(g.id)), [other.id]);
      assert.deepEqual(await run().membership.read(one.id, one.outs), {}, "removed by hand: gone from state");
      await run().membership.delete(one.id, one.outs); // not a member any more: fine
    });

    it("a replacement of the same pair is not undone by the old resource's delete", async () => {
      const a = await user("a@example.com");
      const g = await created("group", { name: "Pair" });
      const byEmail = await created("membership", { groupId: g.id, email: "a@example.com" });
      const next = run();
      await created("membership", { groupId: g.id, userId: a.id }, next);
      await next.membership.delete(byEmail.id, byEmail.outs);
      assert.deepEqual(members(Number(g.id)), [a.id]);
      assert.match(notices.join("\n"), /not removing Domo user/);
    });
  });

  describe("a group removed together with its member resources: its allowDeleteWithMembers guard holds", () => {
    type Mode = "members" | "membership";
    type Created = { id: string; inputs: PropertyMap; outs: PropertyMap };
    const removals = () => emu.counters()["DELETE /v1/groups/{id}/users/{userId}"] ?? 0;
    const guard = domoError(
      "refused",
      "allowDeleteWithMembers",
      /still has 2 member\(s\).*allowDeleteWithMembers: true.*deletionPolicy: "retain".*remove its DomoGroupMembers or DomoGroupMemberships while keeping the DomoGroup/s,
    );
    const strip = (outs: PropertyMap) => {
      const { groupManaged: _, ...older } = outs;
      return older;
    };

    /** The member resources of `groupId` for the users `ids` in `mode`, created in run `on`. */
    async function memberResources(mode: Mode, groupId: string | number, ids: number[], on = rt) {
      if (mode === "members") return [await created("members", { groupId, userIds: ids }, on)];
      const out: Created[] = [];
      for (const userId of ids) out.push(await created("membership", { groupId, userId }, on));
      return out;
    }

    /** A DomoGroup and its two members, as one program declared them. */
    async function deployed(mode: Mode, group: PropertyMap = {}) {
      const ids = [(await user("a@example.com")).id, (await user("b@example.com")).id].sort((x, y) => x - y);
      const g = await created("group", { name: "Shared", ...group });
      const resources = await memberResources(mode, g.id, ids);
      for (const r of resources) assert.equal(r.outs.groupManaged, true, "its group is a DomoGroup's");
      return { g, resources, ids };
    }

    /** A later run whose program declares neither: the engine deletes the members first, then the group. */
    async function removeAll(mode: Mode, d: { g: Created; resources: Created[] }, on = run()) {
      emu.resetCounters();
      for (const r of d.resources) await on[mode].delete(r.id, r.outs);
      await on.group.delete(d.g.id, d.g.outs);
    }

    for (const mode of ["members", "membership"] as const) {
      it(`${mode}: without allowDeleteWithMembers the group's delete is refused, its members intact`, async () => {
        const d = await deployed(mode);
        await assert.rejects(removeAll(mode, d), guard);
        assert.equal(removals(), 0, "the member resources removed no one");
        assert.deepEqual(members(Number(d.g.id)), d.ids, "Domo still has the group with its members");
        const said = notices.filter((n) =>
          n.includes(`Domo group ${d.g.id}: its DomoGroup leaves the program too`),
        );
        assert.equal(said.length, 1, `one notice: ${notices.join("\n")}`);
        assert.match(said[0] ?? "", /allowDeleteWithMembers: true/);
      });

      it(`${mode}: with allowDeleteWithMembers: true Domo deletes the group with its members`, async () => {
        const d = await deployed(mode, { allowDeleteWithMembers: true });
        await removeAll(mode, d);
        assert.equal(emu.store.getGroup(Number(d.g.id)), undefined);
        assert.equal(removals(), 0);
        for (const id of d.ids) assert.ok(emu.store.getUser(id), "the accounts stay");
      });

      it(`${mode}: with deletionPolicy "retain" on the group, the group and its members stay`, async () => {
        const d = await deployed(mode, { deletionPolicy: "retain" });
        await removeAll(mode, d);
        assert.equal(removals(), 0);
        assert.deepEqual(members(Number(d.g.id)), d.ids);
      });

      it(`${mode}: removed alone, its group still declared (or under a renamed, aliased DomoGroup), it removes its members`, async () => {
        const d = await deployed(mode);
        const next = await declaring(d.g);
        emu.resetCounters();
        for (const r of d.resources) await next[mode].delete(r.id, r.outs);
        assert.deepEqual(members(Number(d.g.id)), []);
        assert.equal(removals(), 2);
      });

      it(`${mode}: a group moved to another DomoGroup (taken over by id) is still declared: members removed, group kept`, async () => {
        const d = await deployed(mode);
        const next = run();
        await created("group", { name: "Shared", importId: d.g.id }, next);
        await removeAll(mode, d, next);
        assert.deepEqual(members(Number(d.g.id)), []);
        assert.ok(emu.store.getGroup(Number(d.g.id)), "the group stays with its new resource");
      });

      it(`${mode}: over a literal group id no DomoGroup manages, removing it removes the members it declared`, async () => {
        const ids = [(await user("a@example.com")).id, (await user("b@example.com")).id].sort(
          (x, y) => x - y,
        );
        const other = await user("o@example.com");
        const external = await emu.store.createGroup({ name: "External" });
        const resources = await memberResources(mode, external.id, ids);
        for (const r of resources) assert.equal(r.outs.groupManaged, undefined, "nothing recorded");
        await emu.store.addMember(external.id, other.id); // by hand
        const next = run();
        emu.resetCounters();
        for (const r of resources) await next[mode].delete(r.id, r.outs);
        assert.deepEqual(members(external.id), [other.id]);
        assert.equal(removals(), 2);
      });

      it(`${mode}: state written before groupManaged existed keeps the old behaviour until its next update`, async () => {
        const d = await deployed(mode);
        const older = { ...d, resources: d.resources.map((r) => ({ ...r, outs: strip(r.outs) })) };
        // The next update records it, even with nothing else to change (a settings-only update).
        const next = await declaring(d.g);
        const first = older.resources[0] as Created;
        const updated = await next[mode].update(first.id, first.outs, first.inputs);
        assert.equal(updated.outs.groupManaged, true);
        // Left as it was, the members go first and the guard then sees an empty group (today's gap).
        await removeAll(mode, older);
        assert.equal(removals(), 2);
        assert.equal(emu.store.getGroup(Number(d.g.id)), undefined);
      });
    }

    it("the record survives refresh, is never an input, a diff makes no call, and an update over an undeclared group drops it", async () => {
      const d = await deployed("members");
      const m = d.resources[0] as Created;
      emu.resetCounters();
      const read = await run().members.read(m.id, m.outs);
      assert.equal(read.props?.groupManaged, true);
      assert.equal(read.inputs?.groupManaged, undefined, "never an input");
      const next = await declaring(d.g);
      emu.resetCounters();
      assert.equal((await next.members.diff(m.id, read.props ?? {}, m.inputs)).changes, false);
      assert.equal(
        (await next.members.diff(m.id, strip(m.outs), m.inputs)).changes,
        false,
        "older state: no update forced",
      );
      assert.equal(calls(emu), 0);
      const literal = await run().members.update(m.id, m.outs, m.inputs);
      assert.equal(literal.outs.groupManaged, undefined, "compact: left out when false");
      const other = await created("group", { name: "Other" });
      const [one] = await memberResources("membership", other.id, d.ids.slice(0, 1));
      assert.equal(one?.outs.groupManaged, true);
      const kept = await run().membership.read(one?.id ?? "", one?.outs ?? {});
      assert.equal(kept.props?.groupManaged, true, "kept by refresh");
      assert.equal(kept.inputs?.groupManaged, undefined);
    });
  });

  describe("mixing the two kinds on one group", () => {
    it("is refused in one run, at check when the group id is known, naming both kinds and the group", async () => {
      const a = await user("a@example.com");
      const g = await created("group", { name: "Mixed" });
      await checked("members", { groupId: g.id, userIds: [a.id] });
      const result = await rt.membership.check({}, { groupId: g.id, userId: a.id });
      assert.match(
        result.failures?.[0]?.reason ?? "",
        new RegExp(
          `Domo group ${g.id} with both a DomoGroupMembers \\(authoritative.*and a DomoGroupMembership \\(additive`,
        ),
      );
      const other = run();
      await created("membership", { groupId: g.id, userId: a.id }, other);
      await assert.rejects(
        other.members.create({
          groupId: Number(g.id),
          userIds: [a.id],
          emails: [],
          deletionPolicy: "delete",
        }),
        domoError("refused", "groupId", /both a DomoGroupMembership \(additive.*and a DomoGroupMembers/),
      );
    });

    it("switching a group from authoritative to additive in one run keeps the additive member", async () => {
      const [a, b] = [await user("a@example.com"), await user("b@example.com")];
      const g = await created("group", { name: "Switch" });
      const list = await created("members", { groupId: g.id, userIds: [a.id, b.id] });
      const next = await declaring(g);
      await created("membership", { groupId: g.id, userId: a.id }, next);
      await next.members.delete(list.id, list.outs);
      assert.deepEqual(members(Number(g.id)), [a.id]);
    });
  });

  it("refresh of many groups and member lists: ceil(N/500) group pages and one member listing per group", async () => {
    const users = await Promise.all([1, 2, 3].map((i) => user(`u${i}@example.com`)));
    const states: Array<{ g: { id: string; outs: PropertyMap }; m: { id: string; outs: PropertyMap } }> = [];
    for (let i = 0; i < 4; i++) {
      const g = await created("group", { name: `G${i}` });
      const m = await created("members", { groupId: g.id, userIds: users.map((u) => u.id) });
      states.push({ g, m });
    }
    const refresh = run();
    emu.resetCounters();
    await Promise.all(
      states.flatMap(({ g, m }) => [refresh.group.read(g.id, g.outs), refresh.members.read(m.id, m.outs)]),
    );
    const c = emu.counters();
    assert.equal(c["GET /v1/groups"], 1);
    assert.equal(c["GET /v1/groups/{id}"] ?? 0, 0);
    assert.equal(c["GET /v1/groups/{id}/users"], 4);
    assert.equal(c["GET /v1/users"] ?? 0, 0);
  });
});
