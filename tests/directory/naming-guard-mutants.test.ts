import assert from "node:assert/strict";

import deletionGuardProvider = require("../../provider/resources/directory/deletion-guard-provider");

import { escapeName, groupResourceNames, userResourceName } from "../../provider/resources/directory/naming";

describe("directory logical names (naming.ts)", () => {
  it("keeps [a-z0-9._@-] and escapes everything else per UTF-8 byte, upper-case hex", () => {
    assert.equal(escapeName("az09._@-"), "az09._@-");
    assert.equal(escapeName("!#$"), "%21%23%24");
    assert.equal(escapeName("a+b"), "a%2Bb");
    assert.equal(escapeName("a_b"), "a_b");
    assert.equal(escapeName("%"), "%25");
    assert.equal(escapeName(" "), "%20");
    assert.equal(escapeName("\n"), "%0A");
    assert.equal(escapeName("A"), "%41");
    assert.equal(escapeName("é"), "%C3%A9");
    assert.equal(escapeName("😀"), "%F0%9F%98%80");
    assert.equal(escapeName("/:"), "%2F%3A");
    assert.equal(escapeName(""), "");
  });

  it("names a user by the normalised email, so case and spaces never rename", () => {
    assert.equal(userResourceName("  Ann.Lee+x@Example.COM "), "user-ann.lee%2Bx@example.com");
    assert.notEqual(userResourceName("a+b@x.io"), userResourceName("a_b@x.io"));
  });

  it("names a group by its id with the name-based alias, or by its name without one", () => {
    const byId = groupResourceNames(" Sales Team ", 42);
    assert.equal(byId.group, "group-id-42");
    assert.deepEqual(byId.groupAliases, [{ name: "group-sales%20team" }]);
    assert.equal(byId.members, "group-id-42-members");
    assert.deepEqual(byId.membersAliases, [{ name: "group-sales%20team-members" }]);
    assert.equal(byId.member(" Bo@X.io"), "group-id-42-member-bo@x.io");
    assert.deepEqual(byId.memberAliases("Bo@X.io"), [{ name: "group-sales%20team-member-bo@x.io" }]);

    const byName = groupResourceNames("Sales Team", undefined);
    assert.equal(byName.group, "group-sales%20team");
    assert.deepEqual(byName.groupAliases, []);
    assert.equal(byName.members, "group-sales%20team-members");
    assert.deepEqual(byName.membersAliases, []);
    assert.equal(byName.member("a@b.c"), "group-sales%20team-member-a@b.c");
    assert.deepEqual(byName.memberAliases("a@b.c"), []);
    assert.equal(groupResourceNames("x", 0).group, "group-id-0");
  });
});

describe("directory deletion guard provider", () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@x.io`);

  it("passes the inputs through when nothing, or few enough, are removed", async () => {
    const news = { accounts: accounts(20).slice(0, 15), directory: "d" };
    assert.deepEqual(await deletionGuardProvider.check({ accounts: accounts(20) }, news), { inputs: news });
    const all = { accounts: accounts(3) };
    assert.deepEqual(await deletionGuardProvider.check({ accounts: accounts(3) }, all), { inputs: all });
  });

  it("refuses emptying the directory, naming it and the setting", async () => {
    const r = await deletionGuardProvider.check(
      { accounts: accounts(2) },
      { accounts: [], directory: "staff" },
    );
    assert.equal(r.inputs, undefined);
    assert.equal(r.failures?.length, 1);
    assert.equal(r.failures?.[0]?.property, "allowMassDeletion");
    assert.match(
      r.failures?.[0]?.reason ?? "",
      /^staff would delete 2 of its 2 Domo accounts in one run \(u0@x\.io, u1@x\.io\)/,
    );
    const unnamed = await deletionGuardProvider.check({ accounts: accounts(2) }, { accounts: [] });
    assert.match(unnamed.failures?.[0]?.reason ?? "", /^The users directory would delete 2 of its 2/);
    const numbered = await deletionGuardProvider.check(
      { accounts: accounts(2) },
      { accounts: [], directory: 7 },
    );
    assert.match(numbered.failures?.[0]?.reason ?? "", /^The users directory would/);
  });

  it("applies maxDeletes when it is a number, and allowMassDeletion only when it is true", async () => {
    const previous = { accounts: accounts(10) };
    const fourGone = accounts(10).slice(4);
    assert.equal(
      (await deletionGuardProvider.check(previous, { accounts: fourGone, maxDeletes: 4 })).failures,
      undefined,
    );
    assert.equal(
      (await deletionGuardProvider.check(previous, { accounts: fourGone, maxDeletes: 3 })).failures?.[0]
        ?.property,
      "allowMassDeletion",
    );
    // A maxDeletes that is not a number is ignored: the default rule (all of >= 2) applies.
    assert.equal(
      (await deletionGuardProvider.check(previous, { accounts: fourGone, maxDeletes: "0" })).failures,
      undefined,
    );
    assert.ok((await deletionGuardProvider.check(previous, { accounts: [], maxDeletes: "100" })).failures);
    assert.equal(
      (await deletionGuardProvider.check(previous, { accounts: [], allowMassDeletion: true })).failures,
      undefined,
    );
    assert.ok(
      (await deletionGuardProvider.check(previous, { accounts: [], allowMassDeletion: "true" })).failures,
    );
  });

  it("ignores what is not a list of emails", async () => {
    const r = await deletionGuardProvider.check({ accounts: "a@x.io" }, { accounts: [] });
    assert.equal(r.failures, undefined);
    const mixed = await deletionGuardProvider.check({ accounts: ["a@x.io", 5, "b@x.io"] }, { accounts: [] });
    assert.match(mixed.failures?.[0]?.reason ?? "", /would delete 2 of its 2 /);
    const gone = await deletionGuardProvider.check({ accounts: accounts(2) }, { accounts: "nope" });
    assert.ok(gone.failures);
  });

  it("diffs on every input it keeps, and creates, updates and deletes without Domo", async () => {
    const olds = { accounts: ["a"], allowMassDeletion: false, maxDeletes: 3, directory: "d" };
    assert.deepEqual(await deletionGuardProvider.diff("deletion-guard", olds, { ...olds }), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    for (const [k, v] of Object.entries({
      accounts: ["b"],
      allowMassDeletion: true,
      maxDeletes: 4,
      directory: "e",
    })) {
      assert.equal(
        (await deletionGuardProvider.diff("deletion-guard", olds, { ...olds, [k]: v })).changes,
        true,
        k,
      );
    }
    assert.equal(
      (await deletionGuardProvider.diff("deletion-guard", olds, { ...olds, other: 1 })).changes,
      false,
    );
    assert.deepEqual(await deletionGuardProvider.create({ accounts: [] }), {
      id: "deletion-guard",
      outs: { accounts: [] },
    });
    assert.deepEqual(await deletionGuardProvider.update("deletion-guard", {}, { accounts: ["z"] }), {
      outs: { accounts: ["z"] },
    });
    assert.equal(await deletionGuardProvider.delete(), undefined);
  });
});
