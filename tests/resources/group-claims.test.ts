import assert from "node:assert/strict";
import { DomoError } from "../../provider/client/errors";
import { claimVerb, GroupClaims, kindOf } from "../../provider/runtime/group-claims";

// The per-run group claims: which kind (authoritative or additive) manages a group.

describe("group claims (runtime/group-claims.ts): one kind per group per run", () => {
  it("describes each mode and verb", () => {
    assert.match(
      kindOf.authoritative,
      /^DomoGroupMembers \(authoritative: exactly these members, others removed\)$/,
    );
    assert.match(
      kindOf.additive,
      /^DomoGroupMembership \(additive: one user in the group, others left alone\)$/,
    );
    assert.equal(claimVerb("declared"), "manages");
    assert.equal(claimVerb("created"), "created");
    assert.equal(claimVerb("taken over"), "took over");
  });

  it("refuses both modes on one group, naming both and the fix", () => {
    const c = new GroupClaims();
    c.mode(5, "authoritative");
    c.mode(5, "authoritative");
    assert.equal(c.hasMode(5, "authoritative"), true);
    assert.equal(c.hasMode(5, "additive"), false);
    assert.throws(
      () => c.mode(5, "additive"),
      (e: DomoError) =>
        e instanceof DomoError &&
        e.kind === "refused" &&
        e.field === "groupId" &&
        e.message.startsWith(
          `Refusing to manage Domo group 5 with both a ${kindOf.authoritative} and a ${kindOf.additive} in one program`,
        ) &&
        e.message.includes("Use one kind per group") &&
        e.message.endsWith("Nothing was changed"),
    );
    c.mode(6, "additive");
    assert.equal(c.hasMode(6, "additive"), true);
  });

  it("ignores groups without a real id yet", () => {
    const c = new GroupClaims();
    c.mode(0, "authoritative");
    c.mode(0, "additive");
    c.mode(-1, "additive");
    c.mode(Number.NaN, "additive");
    assert.equal(c.hasMode(0, "authoritative"), false);
    assert.equal(c.hasMode(0, "additive"), false);
    c.mode(1, "additive");
    assert.throws(() => c.mode(1, "authoritative"));
  });

  it("keeps the first hold, and names pairs", () => {
    const c = new GroupClaims();
    c.hold(c.groups, 1, "created");
    c.hold(c.groups, 1, "taken over");
    assert.equal(c.groups.get(1), "created");
    assert.equal(c.pair(3, 4), "3|4");
  });
});
