import assert from "node:assert/strict";
import {
  adviceFor,
  DomoError,
  type DomoErrorKind,
  domoErrorKinds,
  isDomoError,
  kindForStatus,
} from "../../provider/client/errors";

describe("DomoError (client/errors.ts): kinds, messages, advice", () => {
  it("maps every status to the kind a caller branches on", () => {
    const cases: Array<[number, DomoErrorKind]> = [
      [401, "auth"],
      [403, "forbidden"],
      [404, "not_found"],
      [409, "conflict"],
      [429, "rate_limited"],
      [500, "server"],
      [503, "server"],
      [599, "server"],
      [400, "rejected"],
      [402, "rejected"],
      [422, "rejected"],
      [499, "rejected"],
    ];
    for (const [status, kind] of cases) assert.equal(kindForStatus(status), kind, String(status));
  });

  it("composes the message with the request and Domo's trace id", () => {
    const e = new DomoError({
      kind: "not_found",
      message: "No user",
      method: "GET",
      path: "/v1/users/5",
      status: 404,
      toe: "T1",
    });
    assert.equal(e.message, "No user (GET /v1/users/5 -> 404) [Domo trace id: T1]");
    assert.equal(e.name, "DomoError");
    assert.equal(
      new DomoError({ kind: "network", message: "down", method: "GET", path: "/x" }).message,
      "down (GET /x)",
    );
    assert.equal(new DomoError({ kind: "network", message: "down", method: "GET" }).message, "down");
    assert.equal(
      new DomoError({ kind: "network", message: "down", path: "/x", status: 500 }).message,
      "down",
    );
    assert.equal(new DomoError({ kind: "server", message: "m", toe: "T2" }).message, "m [Domo trace id: T2]");
  });

  it("keeps every detail, defaults maybeCommitted to false and attempts to 0", () => {
    const cause = new Error("socket");
    const e = new DomoError({
      kind: "timeout",
      message: "m",
      status: 504,
      method: "PUT",
      path: "/p",
      toe: "t",
      field: "f",
      maybeCommitted: true,
      attempts: 3,
      cause,
    });
    assert.deepEqual(
      [e.kind, e.status, e.method, e.path, e.toe, e.field, e.maybeCommitted, e.attempts, e.cause],
      ["timeout", 504, "PUT", "/p", "t", "f", true, 3, cause],
    );
    const bare = new DomoError({ kind: "auth", message: "m" });
    assert.equal(bare.maybeCommitted, false);
    assert.equal(bare.attempts, 0);
    assert.equal("cause" in bare, false);
  });

  it("calls rate limits, server errors, network and timeouts transient, and nothing else", () => {
    const transient = new Set(["rate_limited", "server", "network", "timeout"]);
    for (const kind of domoErrorKinds) {
      assert.equal(new DomoError({ kind, message: "m" }).transient, transient.has(kind), kind);
    }
  });

  it("recognises DomoErrors, optionally of one kind", () => {
    const e = new DomoError({ kind: "conflict", message: "m" });
    assert.equal(isDomoError(e), true);
    assert.equal(isDomoError(e, "conflict"), true);
    assert.equal(isDomoError(e, "auth"), false);
    assert.equal(isDomoError(new Error("m")), false);
    assert.equal(isDomoError({ kind: "conflict" }, "conflict"), false);
  });

  it("advises by kind", () => {
    const advice: Record<DomoErrorKind, RegExp> = {
      auth: /^Check domo:clientId and domo:clientSecret \(or DOMO_CLIENT_ID \/ DOMO_CLIENT_SECRET\)\.$/,
      forbidden: /lacks a needed scope or permission: give it the 'user' scope/,
      not_found: /does not exist in Domo .* run `pulumi refresh`\.$/,
      conflict: /^Domo refused the change because it conflicts with existing data\.$/,
      rate_limited: /lower domo:requestsPerSecond or `pulumi up --parallel`/,
      server: /^Domo failed repeatedly; try again later and quote the trace id/,
      network: /check domo:apiHost and the network, or raise domo:timeoutMs\.$/,
      timeout: /check domo:apiHost and the network, or raise domo:timeoutMs\.$/,
      rejected: /^Domo rejected the request as invalid\.$/,
      invalid_input: /^Fix the declaration and run again\.$/,
      invalid_settings: /^Fix the setting and run again\.$/,
      invalid_state: /^Run `pulumi refresh`, or `pulumi-domo recover` after an interrupted run\.$/,
      refused: /^Nothing was changed\.$/,
      content_owner: /owns DataSets or DataFlows: transfer their content .* deletionPolicy: retain\.$/,
    };
    for (const kind of domoErrorKinds) assert.match(adviceFor(kind), advice[kind], kind);
  });
});
