import assert from "node:assert/strict";

import deletionGuardProvider = require("../../provider/resources/directory/deletion-guard-provider");

describe("directory deletion guard provider (directory/deletion-guard-provider.ts)", () => {
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
