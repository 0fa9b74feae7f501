import assert from "node:assert/strict";
import { domoIdSchema, parseDomoId } from "../../provider/model/ids";

describe("model: the one Domo id rule (model/ids.ts)", () => {
  it("accepts positive whole numbers of up to 16 digits that JavaScript holds exactly", () => {
    assert.equal(parseDomoId("1234567890"), 1234567890);
    assert.equal(parseDomoId(42), 42);
    assert.equal(parseDomoId("9007199254740991"), Number.MAX_SAFE_INTEGER);
    for (const bad of [
      "",
      "0",
      "-1",
      "1.5",
      "12a",
      " 12",
      "9007199254740993",
      "12345678901234567",
      0,
      -3,
      1.5,
      null,
      undefined,
      {},
    ])
      assert.equal(parseDomoId(bad), undefined, String(bad));
  });

  it("a declaration's id field trims spaces, parses to a number and names the field and the fix", () => {
    const schema = domoIdSchema("groupId", "a Domo group id");
    assert.equal(schema.parse(" 100000007 "), 100000007);
    const bad = schema.safeParse("12ab");
    assert.equal(bad.success, false);
    assert.match(
      bad.error?.issues[0]?.message ?? "",
      /^groupId "12ab" is not a Domo group id: use its numeric id/,
    );
    const wrongType = schema.safeParse(true);
    assert.match(
      wrongType.error?.issues[0]?.message ?? "",
      /^groupId must be a Domo group id \(digits, e\.g\. 1234567890\), got /,
    );
  });
});
