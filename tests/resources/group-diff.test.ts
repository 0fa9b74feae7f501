import assert from "node:assert/strict";
import { unknownValue } from "../../provider/model";
import {
  declaredMemberIds,
  diffGroup,
  diffMembers,
  diffMembership,
  planMembers,
} from "../../provider/resources/group/diff";

// Pure group diffs: what `pulumi preview` shows without a call to Domo.

const group = {
  groupId: 7,
  name: "Sales",
  active: true,
  deletionPolicy: "delete" as const,
  allowDeleteWithMembers: false,
};

describe("group diffs (group/diff.ts)", () => {
  it("diffGroup: a rename (after normalising), an activation change, unknowns", () => {
    assert.deepEqual(diffGroup(group, { name: "Sales" }), { changed: [], settings: [] });
    assert.deepEqual(diffGroup(group, { name: " Sales " }), { changed: [], settings: [] });
    assert.deepEqual(diffGroup(group, { name: "sales" }).changed, ["name"]);
    assert.deepEqual(diffGroup(group, { name: "Sales", active: false }).changed, ["active"]);
    assert.deepEqual(diffGroup(group, { name: unknownValue, active: unknownValue }).changed, [
      "name",
      "active",
    ]);
    // An undeclared active means true: only an inactive group changes.
    assert.deepEqual(diffGroup(group, {}).changed, []);
    assert.deepEqual(diffGroup({ ...group, active: false }, { name: "Sales" }).changed, ["active"]);
  });

  it("diffGroup: stored settings change without a call; create-time settings never do", () => {
    assert.deepEqual(
      diffGroup(group, { name: "Sales", deletionPolicy: "retain", allowDeleteWithMembers: true }).settings,
      ["deletionPolicy", "allowDeleteWithMembers"],
    );
    assert.deepEqual(
      diffGroup(group, { name: "Sales", deletionPolicy: "delete", allowDeleteWithMembers: false }).settings,
      [],
    );
    assert.deepEqual(
      diffGroup(group, { name: "Sales", adoptExisting: true, importId: "9", allowNameChange: true }).settings,
      [],
    );
  });

  it("declaredMemberIds: ids and resolved emails, sorted and unique; undefined when one is unknown or unresolved", () => {
    assert.deepEqual(declaredMemberIds([30, "10", 30], [" A@x.io"], { "a@x.io": 20 }), [10, 20, 30]);
    assert.deepEqual(declaredMemberIds([100, 9], [], {}), [9, 100]);
    assert.equal(declaredMemberIds([1, unknownValue], [], {}), undefined);
    assert.equal(declaredMemberIds([1], [unknownValue], {}), undefined);
    assert.equal(declaredMemberIds([1], ["b@x.io"], { "a@x.io": 2 }), undefined);
    assert.deepEqual(declaredMemberIds([], [], {}), []);
  });

  it("planMembers: adds the missing, removes the extra", () => {
    assert.deepEqual(planMembers([1, 2, 3], [2, 3, 4, 5]), {
      desired: [1, 2, 3],
      toAdd: [1],
      toRemove: [4, 5],
    });
    assert.deepEqual(planMembers([], [1]), { desired: [], toAdd: [], toRemove: [1] });
  });

  const members = {
    groupId: 7,
    userIds: [10],
    emails: ["a@x.io"],
    resolvedEmails: { "a@x.io": 20 },
    memberIds: [10, 20],
    deletionPolicy: "delete" as const,
  };
  const same = { groupId: 7, userIds: [10], emails: ["A@x.io"] };

  it("diffMembers: no change when declaration and members match", () => {
    assert.deepEqual(diffMembers(members, same), { changes: false, replaces: [] });
    assert.deepEqual(diffMembers(members, { ...same, groupId: "7", deletionPolicy: "delete" }), {
      changes: false,
      replaces: [],
    });
  });

  it("diffMembers: another or unknown group replaces", () => {
    assert.deepEqual(diffMembers(members, { ...same, groupId: 8 }), { changes: true, replaces: ["groupId"] });
    assert.deepEqual(diffMembers(members, { ...same, groupId: unknownValue }), {
      changes: true,
      replaces: ["groupId"],
    });
  });

  it("diffMembers: unknown lists, drift, declaration changes and the deletion policy are changes", () => {
    assert.deepEqual(diffMembers(members, { ...same, userIds: unknownValue }), {
      changes: true,
      replaces: [],
    });
    assert.deepEqual(diffMembers(members, { ...same, emails: unknownValue }), {
      changes: true,
      replaces: [],
    });
    assert.equal(
      diffMembers({ ...members, memberIds: [10, 20, 30] }, same).changes,
      true,
      "a member added in Domo",
    );
    assert.equal(
      diffMembers({ ...members, memberIds: [10] }, same).changes,
      true,
      "a member removed in Domo",
    );
    assert.equal(diffMembers({ ...members, memberIds: [10, 21] }, same).changes, true);
    assert.equal(diffMembers(members, { ...same, emails: ["b@x.io"] }).changes, true, "unresolved email");
    // Same members, but declared differently: the declaration changed.
    assert.equal(
      diffMembers(
        { ...members, resolvedEmails: { "a@x.io": 20, "b@x.io": 10 } },
        { groupId: 7, userIds: [], emails: ["a@x.io", "b@x.io"] },
      ).changes,
      true,
    );
    assert.equal(
      diffMembers(
        { ...members, userIds: [10, 20], emails: [] },
        { groupId: 7, userIds: [20, 10], emails: [] },
      ).changes,
      false,
    );
    assert.equal(
      diffMembers(
        { ...members, userIds: [10, 20], emails: [] },
        { groupId: 7, userIds: [10, 20, 20], emails: [] },
      ).changes,
      false,
    );
    assert.equal(diffMembers(members, { ...same, deletionPolicy: "retain" }).changes, true);
    assert.equal(
      diffMembers(members, { ...same, userIds: undefined }).changes,
      true,
      "absent lists are empty",
    );
    assert.equal(
      diffMembers({ ...members, userIds: [], emails: [], memberIds: [] }, { groupId: 7 }).changes,
      false,
      "absent lists are empty",
    );
  });

  const membership = { groupId: 7, userId: 10, deletionPolicy: "delete" as const };

  it("diffMembership: the pair is the id, another group or user replaces", () => {
    assert.deepEqual(diffMembership(membership, { groupId: 7, userId: 10 }), {
      changes: false,
      replaces: [],
    });
    assert.deepEqual(diffMembership(membership, { groupId: "7", userId: "10" }), {
      changes: false,
      replaces: [],
    });
    assert.deepEqual(diffMembership(membership, { groupId: 8, userId: 11 }), {
      changes: true,
      replaces: ["groupId", "userId"],
    });
    assert.deepEqual(diffMembership(membership, { groupId: unknownValue, userId: unknownValue }), {
      changes: true,
      replaces: ["groupId", "userId"],
    });
    assert.deepEqual(diffMembership(membership, { groupId: 7, userId: 10, deletionPolicy: "retain" }), {
      changes: true,
      replaces: [],
    });
    assert.deepEqual(diffMembership(membership, { groupId: 7, userId: 10, deletionPolicy: "delete" }), {
      changes: false,
      replaces: [],
    });
  });

  it("diffMembership: by email, compared normalised; switching between email and id", () => {
    const byEmail = { ...membership, email: "a@x.io" };
    assert.deepEqual(diffMembership(byEmail, { groupId: 7, email: " A@X.io" }), {
      changes: false,
      replaces: [],
    });
    assert.deepEqual(diffMembership(byEmail, { groupId: 7, email: "b@x.io" }), {
      changes: true,
      replaces: ["email"],
    });
    assert.deepEqual(diffMembership(byEmail, { groupId: 7, email: unknownValue }), {
      changes: true,
      replaces: ["email"],
    });
    assert.deepEqual(diffMembership(membership, { groupId: 7, email: "a@x.io" }), {
      changes: true,
      replaces: ["email"],
    });
    // From an email to the same user's id: a stored change, no replacement.
    assert.deepEqual(diffMembership(byEmail, { groupId: 7, userId: 10 }), { changes: true, replaces: [] });
    assert.deepEqual(diffMembership(membership, { groupId: 7 }), { changes: false, replaces: [] });
  });
});
