import assert from "node:assert/strict";
import type { DomoUserRecord } from "../../provider/client/schemas";
import { describeRecovery, type ExportedStack, planRecovery } from "../../provider/resources/user/recovery";
import { domoUserType } from "../../provider/resources/user/resource-type";

// Recovery planning after an interrupted `pulumi up`: pure, so every branch is a table row.

const stack = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
const providerUrn = "urn:pulumi:dev::p::pulumi:providers:pulumi-nodejs::default";
const provider = `${providerUrn}::abc`;
const urn = (name: string) => `urn:pulumi:dev::p::${domoUserType}::${name}`;
const now = new Date("2026-12-01T10:00:00Z");

function userOp(
  name: string,
  inputs: Record<string, unknown>,
  type = "creating",
  extra: Record<string, unknown> = {},
) {
  return {
    type,
    resource: {
      urn: urn(name),
      custom: true,
      type: domoUserType,
      parent: stack,
      provider,
      inputs: { __provider: "serialized", name: "N", role: "Editor", deletionPolicy: "delete", ...inputs },
      ...extra,
    },
  };
}

function exported(pending: unknown[], resources: unknown[] = []): ExportedStack {
  return {
    version: 3,
    deployment: {
      resources: [
        { urn: stack, type: "pulumi:pulumi:Stack" },
        { urn: providerUrn, id: "abc", type: "pulumi:providers:pulumi-nodejs" },
        ...resources,
      ],
      pending_operations: pending,
    },
  } as ExportedStack;
}

const live: DomoUserRecord[] = [
  { id: 1001, email: "Ann@X.io", name: "Ann", role: "Editor" } as DomoUserRecord,
  { id: 1002, email: "bo@x.io", name: "Bo", role: "Participant" } as DomoUserRecord,
];

describe("recovery planning (recovery.ts)", () => {
  it("records a create that reached Domo, found by email without case, stamped with the time", () => {
    const plan = planRecovery(exported([userOp("ann", { email: " ann@x.io" })]), live, now);
    assert.deepEqual(plan.actions, [{ kind: "recorded", urn: urn("ann"), id: 1001, email: "ann@x.io" }]);
    assert.equal(plan.changes, true);
    const rec = plan.deployment.deployment.resources?.at(-1);
    assert.equal(rec?.id, "1001");
    assert.equal(rec?.custom, true);
    assert.equal(rec?.created, now.toISOString());
    assert.equal(rec?.modified, now.toISOString());
    assert.equal(rec?.outputs?.userId, 1001);
    assert.equal(rec?.outputs?.__provider, "serialized");
    assert.equal(plan.deployment.deployment.resources?.length, 3);
    assert.deepEqual(plan.deployment.deployment.pending_operations, []);
    assert.equal(plan.deployment.version, 3);
    assert.deepEqual(describeRecovery(plan), [
      "recorded  ann: ann@x.io is Domo user 1001; now managed as if the create had finished",
    ]);
  });

  it("finds an import by id", () => {
    const plan = planRecovery(exported([userOp("bo", { email: "bo@x.io", importId: "1002" })]), live, now);
    assert.deepEqual(plan.actions, [{ kind: "recorded", urn: urn("bo"), id: 1002, email: "bo@x.io" }]);
    const other = planRecovery(exported([userOp("bo", { email: "ann@x.io", importId: "1002" })]), live, now);
    assert.equal(other.actions[0]?.kind, "dropped");
    assert.match(
      describeRecovery(other)[0] ?? "",
      /^dropped {3}bo \(ann@x\.io\): Domo user 1002 is bo@x\.io, not ann@x\.io; the next `pulumi up` explains the takeover$/,
    );
    const allowed = planRecovery(
      exported([userOp("bo", { email: "ann@x.io", importId: "1002", allowEmailChange: true })]),
      live,
      now,
    );
    assert.equal(allowed.actions[0]?.kind, "recorded");
  });

  it("drops a create that never reached Domo", () => {
    const plan = planRecovery(exported([userOp("cy", { email: "cy@x.io" })]), live, now);
    assert.deepEqual(plan.actions, [
      {
        kind: "dropped",
        urn: urn("cy"),
        email: "cy@x.io",
        reason: "the create never reached Domo: no such account; the next `pulumi up` creates it",
      },
    ]);
    assert.equal(plan.changes, true);
    assert.equal(plan.deployment.deployment.resources?.length, 2);
    assert.equal(
      planRecovery(exported([userOp("x", { email: "x@x.io", importId: "999" })]), live, now).actions[0]?.kind,
      "dropped",
    );
  });

  it("drops pending updates and deletes: the state holds them", () => {
    const plan = planRecovery(exported([userOp("ann", { email: "ann@x.io" }, "updating")]), live, now);
    assert.deepEqual(plan.actions, [
      {
        kind: "dropped",
        urn: urn("ann"),
        email: "ann@x.io",
        reason:
          "pending updating: the resource is in the state already; the next `pulumi up` compares it with Domo again",
      },
    ]);
    const noEmail = planRecovery(exported([userOp("ann", { email: 5 }, "deleting")]), live, now);
    assert.equal(noEmail.actions[0]?.kind === "dropped" ? noEmail.actions[0].email : "x", undefined);
    assert.match(describeRecovery(noEmail)[0] ?? "", /^dropped {3}ann: pending deleting/);
  });

  it("leaves other resources' operations and creates whose inputs do not validate", () => {
    const other = {
      type: "creating",
      resource: { urn: "urn:pulumi:dev::p::aws:s3:Bucket::b", type: "aws:s3:Bucket" },
    };
    const bad = userOp("bad", { email: "not-an-email" });
    const plan = planRecovery(exported([other, bad]), live, now);
    assert.deepEqual(plan.actions, [
      {
        kind: "left",
        urn: "urn:pulumi:dev::p::aws:s3:Bucket::b",
        operation: "creating",
        reason: "not a DomoUser: left for its own provider (`pulumi refresh` handles it)",
      },
      { kind: "left", urn: urn("bad"), operation: "creating", reason: "its recorded inputs do not validate" },
    ]);
    assert.equal(plan.changes, false);
    assert.equal(plan.deployment.deployment.pending_operations?.length, 2);
    assert.deepEqual(describeRecovery(plan), [
      "left      b (pending creating): not a DomoUser: left for its own provider (`pulumi refresh` handles it)",
      "left      bad (pending creating): its recorded inputs do not validate",
    ]);
  });

  it("refuses to record a resource twice or an account held by another resource", () => {
    const held = { urn: urn("ann-old"), id: "1001", type: domoUserType };
    const taken = planRecovery(exported([userOp("ann", { email: "ann@x.io" })], [held]), live, now);
    assert.match(describeRecovery(taken)[0] ?? "", /: Domo user 1001 is already managed by ann-old$/);
    const same = { urn: urn("ann"), type: domoUserType };
    const twice = planRecovery(exported([userOp("ann", { email: "ann@x.io" })], [same]), live, now);
    assert.match(describeRecovery(twice)[0] ?? "", /: the state already records this resource$/);
    // A non-DomoUser holding the same id does not count.
    const bucket = { urn: "urn:pulumi:dev::p::aws:s3:Bucket::b", id: "1001", type: "aws:s3:Bucket" };
    assert.equal(
      planRecovery(exported([userOp("ann", { email: "ann@x.io" })], [bucket]), live, now).actions[0]?.kind,
      "recorded",
    );
    // Two pending creates for one account: the second is refused.
    const dup = planRecovery(
      exported([userOp("a1", { email: "ann@x.io" }), userOp("a2", { email: "ANN@x.io" })]),
      live,
      now,
    );
    assert.deepEqual(
      dup.actions.map((a) => a.kind),
      ["recorded", "dropped"],
    );
    assert.match(describeRecovery(dup)[1] ?? "", /already managed by a1$/);
  });

  it("needs the parent and the provider in the state", () => {
    const reason =
      /: its parent or provider is not in the state; run `pulumi up` once without it, then `pulumi-domo recover` again$/;
    const orphan = planRecovery(
      exported([userOp("ann", { email: "ann@x.io" }, "creating", { parent: "urn:gone" })]),
      live,
      now,
    );
    assert.match(describeRecovery(orphan)[0] ?? "", reason);
    const noProvider = planRecovery(
      exported([
        userOp("ann", { email: "ann@x.io" }, "creating", {
          provider: "urn:pulumi:dev::p::pulumi:providers:x::other::id",
        }),
      ]),
      live,
      now,
    );
    assert.match(describeRecovery(noProvider)[0] ?? "", reason);
    const bare = planRecovery(
      exported([
        userOp("ann", { email: "ann@x.io" }, "creating", { parent: undefined, provider: undefined }),
      ]),
      live,
      now,
    );
    assert.equal(bare.actions[0]?.kind, "recorded");
  });

  it("works on a deployment with no resources or pending operations", () => {
    const plan = planRecovery({ version: 3, deployment: {} } as ExportedStack, live, now);
    assert.deepEqual(plan.actions, []);
    assert.equal(plan.changes, false);
    assert.deepEqual(plan.deployment.deployment.resources, []);
    assert.deepEqual(plan.deployment.deployment.pending_operations, []);
  });
});
