import assert from "node:assert/strict";
import { DomoError } from "../../provider/client/errors";

/** The DomoError a promise rejects with; fails the test when it resolves or throws anything else. */
export async function refusal(p: Promise<unknown>): Promise<DomoError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DomoError, String(e));
    return e;
  }
  assert.fail("expected a failure");
}
