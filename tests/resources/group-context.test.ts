import assert from "node:assert/strict";
import { z } from "zod";
import { DomoError } from "../../provider/client/errors";
import { unknownValue } from "../../provider/model";
import { checkedInputs as checked, declared, knownId } from "../../provider/resources/group/context";
import { outputs, PartialGroupError, parseNumericId, parseState } from "../../provider/resources/group/state";

// The helpers every group handler shares: check answers, apply-time declarations, state and ids.

describe("group handler helpers (group/context.ts, group/state.ts)", () => {
  it("PartialGroupError keeps the id, the properties and the reason", () => {
    const e = new PartialGroupError("42", { groupId: 42 }, "Domo group 42", new Error("PUT failed"));
    assert.equal(e.name, "PartialGroupError");
    assert.equal(e.id, "42");
    assert.deepEqual(e.properties, { groupId: 42 });
    assert.equal(e.message, "Domo group 42 exists, but converging it to the declaration failed: PUT failed");
    assert.deepEqual(e.reasons, ["PUT failed"]);
    assert.deepEqual(new PartialGroupError("1", {}, "x", "plain").reasons, ["plain"]);
  });

  it("checked: inputs without undefined, unknowns put back, the provider kept", () => {
    const r = checked(
      { ok: true, value: { name: "A", active: undefined, id: 3 }, unknowns: ["members"] },
      {
        members: unknownValue,
        __provider: "code",
      },
    );
    assert.deepEqual(r, { inputs: { name: "A", id: 3, members: unknownValue, __provider: "code" } });
    assert.deepEqual(checked({ ok: true, value: { name: "A" }, unknowns: [] }, {}), {
      inputs: { name: "A" },
    });
  });

  it("checked: failures as they are, or moved off a property holding invisible characters", () => {
    const failures = [{ property: "name", reason: "is bad" }];
    assert.deepEqual(checked({ ok: false, failures }, { name: "plain" }), { failures });
    assert.deepEqual(checked({ ok: false, failures }, { name: "a\u200bb" }), {
      failures: [{ property: "", reason: "name: is bad" }],
    });
    assert.deepEqual(checked({ ok: false, failures }, { name: ["ok", { x: "a\u0007" }] }), {
      failures: [{ property: "", reason: "name: is bad" }],
    });
    assert.deepEqual(checked({ ok: false, failures }, { name: 5 }), { failures });
    assert.deepEqual(checked({ ok: false, failures }, { name: null }), { failures });
  });

  it("declared: the value, or invalid_input naming the field", () => {
    assert.deepEqual(declared({ ok: true, value: { a: 1 }, unknowns: [] }), { a: 1 });
    assert.throws(
      () =>
        declared({
          ok: false,
          failures: [
            { property: "name", reason: "is required" },
            { property: "active", reason: "must be true or false" },
          ],
        }),
      (e: DomoError) =>
        e instanceof DomoError &&
        e.kind === "invalid_input" &&
        e.field === "name" &&
        e.message === "name: is required; active: must be true or false",
    );
    assert.throws(
      () => declared({ ok: true, value: {}, unknowns: ["groupId", "userId"] }),
      (e: DomoError) =>
        e.kind === "invalid_input" &&
        e.field === "groupId" &&
        e.message === "values still unknown at apply: groupId, userId",
    );
  });

  it("parseState: invalid_state naming the path", () => {
    const schema = z.object({ groupId: z.number(), inner: z.object({ n: z.number() }) });
    assert.deepEqual(parseState(schema, { groupId: 1, inner: { n: 2 } }, "DomoGroup"), {
      groupId: 1,
      inner: { n: 2 },
    });
    assert.throws(
      () => parseState(schema, { groupId: 1, inner: { n: "x" } }, "DomoGroup"),
      (e: DomoError) =>
        e.kind === "invalid_state" &&
        e.message === "The DomoGroup state is not in the expected shape (inner.n): run `pulumi refresh`",
    );
  });

  it("parseNumericId: digits only", () => {
    assert.equal(parseNumericId("1234", "Domo group"), 1234);
    for (const bad of ["", "12a", " 12", "-1", "1.5", "a12"]) {
      assert.throws(
        () => parseNumericId(bad, "Domo group"),
        (e: DomoError) =>
          e.kind === "invalid_state" &&
          e.field === "id" &&
          e.message === `"${bad}" is not a Domo group id (expected digits, e.g. 1234567890)`,
        bad,
      );
    }
  });

  it("knownId: a positive safe integer, else undefined", () => {
    assert.equal(knownId(5), 5);
    assert.equal(knownId("7"), 7);
    for (const v of [unknownValue, undefined, null, 0, -3, 1.5, "x", 2 ** 60])
      assert.equal(knownId(v), undefined, String(v));
  });

  it("outputs: the state without undefined, and the provider when inputs carry it", () => {
    assert.deepEqual(outputs({ a: 1, b: undefined }), { a: 1 });
    assert.deepEqual(outputs({ a: 1 }, { __provider: "p" }), { a: 1, __provider: "p" });
    assert.deepEqual(outputs({ a: 1 }, {}), { a: 1 });
  });
});
