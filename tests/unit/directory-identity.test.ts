import assert from "node:assert/strict";
import {
  type HeldGroup,
  type HeldPerson,
  heldLine,
  judgeGroups,
  judgePeople,
  nameHash,
  parseHeldLine,
  refuseGroupDeletions,
} from "../../provider/model/directory-identity";

const person = (email: string, name: string, extra: Partial<HeldPerson> = {}): HeldPerson => ({
  email,
  nameHash: nameHash(name),
  formerEmails: [],
  ...extra,
});
const group = (name: string, extra: Partial<HeldGroup> = {}): HeldGroup => ({ name, members: 0, ...extra });
const policy = (previous: number, extra = {}) => ({ allowMassDeletion: false, previous, ...extra });

describe("directory identity (model/directory-identity.ts)", () => {
  describe("nameHash", () => {
    it("compares names without case, surrounding or repeated spaces, and with accents composed", () => {
      assert.equal(nameHash("  Ada   LOVELACE "), nameHash("ada lovelace"));
      assert.equal(nameHash("Jose\u0301"), nameHash("Jos\u00e9"));
      assert.notEqual(nameHash("Ada Lovelace"), nameHash("Ada Byron"));
      assert.match(nameHash("x"), /^[0-9a-f]{8}$/);
    });
  });

  describe("heldLine / parseHeldLine", () => {
    it("round-trips email, id, name hash and former emails, normalising emails", () => {
      const p: HeldPerson = {
        email: " Ada@Example.COM ",
        id: 1000000042,
        nameHash: nameHash("Ada"),
        formerEmails: ["ADA.OLD@example.com", "a@x.io"],
      };
      const line = heldLine(p);
      assert.equal(line, `ada@example.com 1000000042 ~${nameHash("Ada")} <ada.old@example.com <a@x.io`);
      assert.deepEqual(parseHeldLine(line), {
        email: "ada@example.com",
        id: 1000000042,
        nameHash: nameHash("Ada"),
        formerEmails: ["ada.old@example.com", "a@x.io"],
      });
      assert.equal(heldLine(parseHeldLine(line)), line);
    });

    it("leaves out what is not known", () => {
      assert.equal(heldLine({ email: "b@x.io", formerEmails: [] }), "b@x.io");
      assert.equal(heldLine({ email: "b@x.io", id: 7, formerEmails: [] }), "b@x.io 7");
    });

    it("reads a bare email (a guard from before ids and names) as just that, in any case", () => {
      assert.deepEqual(parseHeldLine("Legacy@Example.com"), {
        email: "legacy@example.com",
        formerEmails: [],
      });
      assert.deepEqual(parseHeldLine("  c@x.io  "), { email: "c@x.io", formerEmails: [] });
    });
  });

  describe("judgePeople", () => {
    it("keeps people by email; the rest held before are removed (sorted)", () => {
      const v = judgePeople(
        [person("b@x.io", "B"), person("a@x.io", "A"), person("c@x.io", "C")],
        [person("a@x.io", "A")],
      );
      assert.deepEqual(v, { changes: [], removed: ["b@x.io", "c@x.io"], lookalikes: [] });
    });

    it("knows an email change by formerEmails, and by the id held before", () => {
      const v = judgePeople(
        [person("a@x.io", "A"), person("b@x.io", "B", { id: 5 })],
        [person("a2@x.io", "A", { formerEmails: ["a@x.io"] }), person("b2@x.io", "B", { id: 5 })],
      );
      assert.deepEqual(v.changes, [
        { from: "a@x.io", to: "a2@x.io", id: undefined, by: "formerEmails" },
        { from: "b@x.io", to: "b2@x.io", id: 5, by: "id" },
      ]);
      assert.deepEqual(v.removed, []);
      assert.deepEqual(v.lookalikes, []);
    });

    it("a former email that is still declared, or taken by another change, is no change", () => {
      const v = judgePeople(
        [person("a@x.io", "A")],
        [person("a@x.io", "A"), person("z@x.io", "Z", { formerEmails: ["a@x.io"] })],
      );
      assert.deepEqual(v.changes, []);
      const twice = judgePeople(
        [person("a@x.io", "A")],
        [
          person("p@x.io", "P", { formerEmails: ["a@x.io"] }),
          person("q@x.io", "Q", { formerEmails: ["a@x.io"] }),
        ],
      );
      assert.deepEqual(
        twice.changes.map((c) => c.to),
        ["p@x.io"],
      );
    });

    it("an id not held before is no change (a new id proves nothing)", () => {
      const v = judgePeople([person("a@x.io", "A")], [person("a2@x.io", "A2", { id: 9 })]);
      assert.deepEqual(v.changes, []);
      assert.deepEqual(v.removed, ["a@x.io"]);
    });

    it("refuses nothing itself but reports a removal and an addition with the same name as look-alikes", () => {
      const a = person("a@x.io", "Ada Lovelace");
      const a2 = person("a2@x.io", " ada  lovelace");
      const v = judgePeople([a, person("b@x.io", "B")], [a2, person("b@x.io", "B")]);
      assert.deepEqual(v.lookalikes, [{ removed: a, added: a2 }]);
      assert.deepEqual(v.removed, ["a@x.io"]);
      // A different name is a different person; a legacy line without a name hash matches no one.
      assert.deepEqual(judgePeople([a], [person("c@x.io", "Someone Else")]).lookalikes, []);
      assert.deepEqual(judgePeople([parseHeldLine("a@x.io")], [a2]).lookalikes, []);
    });
  });

  describe("judgeGroups", () => {
    it("keeps groups by name without case; the rest held before are deleted unless retained", () => {
      const v = judgeGroups([group("Sales"), group("Ops"), group("Old", { retain: true })], [group("SALES")]);
      assert.deepEqual(v.renames, []);
      assert.deepEqual(
        v.deleted.map((g) => g.name),
        ["Ops"],
      );
      assert.deepEqual(v.added, []);
    });

    it("knows a rename by formerNames (without case) and by the id held before", () => {
      const v = judgeGroups(
        [group("Sales"), group("Ops", { id: 12 })],
        [group("Revenue", { formerNames: ["sales"] }), group("Operations", { id: 12 })],
      );
      assert.deepEqual(v.renames, [
        { from: "Sales", to: "Revenue" },
        { from: "Ops", to: "Operations" },
      ]);
      assert.deepEqual(v.deleted, []);
      assert.deepEqual(v.added, []);
    });

    it("a new name with nothing tying it to an old one is an addition", () => {
      const v = judgeGroups([group("Sales")], [group("Revenue"), group("Other", { id: 3 })]);
      assert.deepEqual(
        v.added.map((g) => g.name),
        ["Revenue", "Other"],
      );
      assert.deepEqual(
        v.deleted.map((g) => g.name),
        ["Sales"],
      );
    });
  });

  describe("refuseGroupDeletions", () => {
    it("lets a run with no deletion through", () => {
      assert.equal(
        refuseGroupDeletions("d", { renames: [], deleted: [], added: [group("New")] }, policy(0)),
        undefined,
      );
    });

    it("refuses a deletion plus a creation (a rename without formerNames), naming both", () => {
      const r = refuseGroupDeletions(
        "d",
        judgeGroups([group("Sales"), group("Ops")], [group("Revenue"), group("Ops")]),
        policy(2),
      );
      assert.equal(r?.property, "groups");
      assert.match(r?.reason ?? "", /would delete group "Sales" and create group "Revenue"/);
      assert.match(r?.reason ?? "", /add formerNames: \["Sales"\] to the group "Revenue"/);
    });

    it("refuses deleting a group that still has members in the file, unless allowed", () => {
      const withMembers = judgeGroups([group("Sales", { members: 2 }), group("Ops")], [group("Ops")]);
      const r = refuseGroupDeletions("d", withMembers, policy(2));
      assert.equal(r?.property, "groups");
      assert.match(r?.reason ?? "", /2 in "Sales"/);
      const allowed = judgeGroups(
        [group("Sales", { members: 2, allowDeleteWithMembers: true }), group("Ops")],
        [group("Ops")],
      );
      assert.equal(refuseGroupDeletions("d", allowed, policy(2)), undefined);
    });

    it("applies the mass-deletion threshold to groups, and allowMassDeletion or maxDeletes", () => {
      const all = judgeGroups([group("A"), group("B")], []);
      const r = refuseGroupDeletions("d", all, policy(2));
      assert.equal(r?.property, "allowMassDeletion");
      assert.match(r?.reason ?? "", /would delete 2 of its 2 Domo groups/);
      assert.equal(refuseGroupDeletions("d", all, policy(2, { allowMassDeletion: true })), undefined);
      assert.equal(refuseGroupDeletions("d", all, policy(2, { maxDeletes: 2 })), undefined);
      assert.equal(
        refuseGroupDeletions("d", judgeGroups([group("A"), group("B")], [group("B")]), policy(2)),
        undefined,
      );
    });
  });
});
