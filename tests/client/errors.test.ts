import assert from "node:assert/strict";
import {
  adviceFor,
  DomoError,
  type DomoErrorKind,
  domoErrorKinds,
  domoSaid,
  isContentOwnerRefusal,
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
  describe("a refused delete of a user who owns content (isContentOwnerRefusal, domoSaid)", () => {
    /** A failed call as the client builds it: Domo's words, then the advice of its kind. */
    const failed = (kind: DomoErrorKind, said: string, extra: { status?: number; path?: string } = {}) =>
      new DomoError({
        kind,
        message: `Domo said: ${said}. ${adviceFor(kind)}`,
        method: "DELETE",
        path: extra.path ?? "/v1/users/7",
        ...(extra.status === undefined ? {} : { status: extra.status }),
        toe: "T",
      });

    it("domoSaid: Domo's own words between the prefix and the kind's advice, else nothing", () => {
      assert.equal(
        domoSaid(failed("rejected", "User 7 owns DataSets", { status: 400 })),
        "User 7 owns DataSets",
      );
      // The advice's last occurrence ends Domo's words (they may hold ". " themselves).
      assert.equal(domoSaid(failed("conflict", "One. Two", { status: 409 })), "One. Two");
      assert.equal(domoSaid(new DomoError({ kind: "rejected", message: "No user 7." })), undefined);
      assert.equal(
        domoSaid(new DomoError({ kind: "rejected", message: "Domo said: no advice after" })),
        undefined,
      );
      assert.equal(
        domoSaid(new DomoError({ kind: "rejected", message: `Said: x. ${adviceFor("rejected")}` })),
        undefined,
        "only a message that starts with the prefix",
      );
      assert.equal(
        domoSaid(new DomoError({ kind: "rejected", message: `Domo said: x. ${adviceFor("conflict")}` })),
        undefined,
        "the advice must be the error's own kind's",
      );
    });

    it("every wording of the content and of owning it, in any case, is a refusal", () => {
      const content = [
        "DataSets",
        "dataset",
        "data set",
        "data-sets",
        "data_set",
        "DataFlows",
        "dataflow",
        "data flow",
        "content",
      ];
      const owning = [
        "own",
        "owns",
        "owned",
        "owner",
        "owners",
        "ownership",
        "owning",
        "transfer",
        "transfers",
        "transferred",
        "transferring",
        "reassign",
        "reassigns",
        "reassigned",
        "reassigning",
      ];
      for (const c of content) {
        assert.equal(
          isContentOwnerRefusal(failed("rejected", `user ${owning[1]} ${c}`, { status: 400 })),
          true,
          c,
        );
      }
      for (const o of owning) {
        assert.equal(
          isContentOwnerRefusal(failed("conflict", `${o} the DataSets first`, { status: 409 })),
          true,
          o,
        );
        assert.equal(
          isContentOwnerRefusal(failed("rejected", `${o.toUpperCase()} DATAFLOWS`, { status: 422 })),
          true,
          o,
        );
      }
    });

    it("needs both the content and its ownership, as whole words", () => {
      for (const said of [
        "User owns nothing here",
        "Invalid dataset id",
        "Unknown DataSet",
        "The datasets are ownable",
        "metadata sets have an owner",
        "transfer the contents first",
        "contented owner",
      ]) {
        assert.equal(isContentOwnerRefusal(failed("rejected", said, { status: 400 })), false, said);
      }
    });

    it("only a 4xx refusal (rejected, conflict, forbidden); a 5xx, a rate limit or a missing user never", () => {
      const said = "User 7 owns DataSets";
      const cases: Array<[DomoErrorKind, number | undefined, boolean]> = [
        ["rejected", 400, true],
        ["rejected", 499, true],
        ["conflict", 409, true],
        ["forbidden", 403, true],
        ["rejected", undefined, true],
        ["rejected", 399, false],
        ["rejected", 500, false],
        ["conflict", 503, false],
        ["server", 500, false],
        ["rate_limited", 429, false],
        ["not_found", 404, false],
        ["auth", 401, false],
        ["network", undefined, false],
      ];
      for (const [kind, status, refusal] of cases) {
        const e = failed(kind, said, status === undefined ? {} : { status });
        assert.equal(isContentOwnerRefusal(e), refusal, `${kind} ${status}`);
      }
      assert.equal(
        isContentOwnerRefusal(new DomoError({ kind: "content_owner", message: "m", status: 500 })),
        true,
      );
      assert.equal(
        isContentOwnerRefusal({ kind: "content_owner", message: "owns DataSets" }),
        false,
        "a DomoError only",
      );
      assert.equal(isContentOwnerRefusal(undefined), false);
    });

    it("reads Domo's words, not the request's path or the advice around them", () => {
      // The path names content and the advice is no ownership wording: Domo's words decide.
      const e = failed("rejected", "Cannot delete: transfer pending", { status: 400, path: "/v1/content/7" });
      assert.match(e.message, /content/);
      assert.equal(isContentOwnerRefusal(e), false);
      // A message without Domo's words (no JSON body) is read whole.
      assert.equal(
        isContentOwnerRefusal(
          new DomoError({ kind: "rejected", status: 400, message: "user owns datasets" }),
        ),
        true,
      );
    });
  });
});
