import assert from "node:assert/strict";
import type { DomoUserRecord } from "../../provider/client/schemas";
import type { ExportedStack } from "../../provider/resources/recovery/deployment";
import { RecoveryError } from "../../provider/resources/recovery/live";
import {
  describeRecovery,
  planRecovery,
  recoveryReads,
  recoverySummary,
} from "../../provider/resources/recovery/plan";
import { domoUserBatchType, domoUserType } from "../../provider/resources/user/resource-type";
import { deploymentOf, pendingOf, providerUrn, stackUrn, urnOf } from "../support/deployment";

// Recovery planning after an interrupted `pulumi up`: pure, so every branch is a table row.
// DomoUser and the kind-agnostic planner here; the other kinds in recovery-kinds.test.ts.

const urn = (name: string) => urnOf(domoUserType, name);
const now = new Date("2026-12-01T10:00:00Z");

function userOp(
  name: string,
  inputs: Record<string, unknown>,
  type = "creating",
  extra: Record<string, unknown> = {},
) {
  return pendingOf(
    domoUserType,
    name,
    { name: "N", role: "Editor", deletionPolicy: "delete", ...inputs },
    type,
    extra,
  );
}

const users: DomoUserRecord[] = [
  { id: 1001, email: "Ann@X.io", name: "Ann", role: "Editor" } as DomoUserRecord,
  { id: 1002, email: "bo@x.io", name: "Bo", role: "Participant" } as DomoUserRecord,
];
const live = { users };

describe("recovery planning: DomoUser and the planner (recovery/plan.ts, user/recovery.ts)", () => {
  it("records a create that reached Domo, found by email without case, as the finished create records it", () => {
    const plan = planRecovery(deploymentOf([userOp("ann", { email: " ann@x.io" })]), live, now);
    assert.deepEqual(plan.actions, [
      {
        kind: "recorded",
        urn: urn("ann"),
        type: domoUserType,
        detail: "ann@x.io is Domo user 1001; now managed as if the create had finished",
        recorded: 1,
      },
    ]);
    assert.equal(plan.changes, true);
    const rec = plan.deployment.deployment.resources?.at(-1);
    assert.equal(rec?.id, "1001");
    assert.equal(rec?.custom, true);
    assert.equal(rec?.created, now.toISOString());
    assert.equal(rec?.modified, now.toISOString());
    // Settings at their default are left out, as the provider's create leaves them out.
    assert.deepEqual(rec?.outputs, {
      userId: 1001,
      email: "ann@x.io",
      name: "Ann",
      role: "Editor",
      managedFields: ["email", "name", "role"],
      __provider: "serialized",
    });
    assert.equal(plan.deployment.deployment.resources?.length, 4);
    assert.deepEqual(plan.deployment.deployment.pending_operations, []);
    assert.equal(plan.deployment.version, 3);
    assert.deepEqual(
      plan.deployment.deployment.manifest,
      { time: "2026-12-01T09:00:00Z" },
      "other fields pass",
    );
    assert.deepEqual(describeRecovery(plan), [
      "recorded  ann: ann@x.io is Domo user 1001; now managed as if the create had finished",
    ]);
    assert.equal(
      recoverySummary(plan),
      "1 resource(s) recorded (1 user account(s)), 0 pending operation(s) dropped, 0 left",
    );
  });

  it("finds a takeover by id, and refuses someone else's account unless allowEmailChange", () => {
    const plan = planRecovery(
      deploymentOf([userOp("bo", { email: "bo@x.io", importId: "1002" })]),
      live,
      now,
    );
    assert.equal(plan.actions[0]?.kind, "recorded");
    assert.equal(plan.deployment.deployment.resources?.at(-1)?.id, "1002");
    const other = planRecovery(
      deploymentOf([userOp("bo", { email: "ann@x.io", importId: "1002" })]),
      live,
      now,
    );
    assert.deepEqual(describeRecovery(other), [
      "dropped   bo (ann@x.io): Domo user 1002 is bo@x.io, not ann@x.io; the next `pulumi up` explains the takeover",
    ]);
    const allowed = planRecovery(
      deploymentOf([userOp("bo", { email: "ann@x.io", importId: "1002", allowEmailChange: true })]),
      live,
      now,
    );
    assert.equal(allowed.actions[0]?.kind, "recorded");
  });

  it("drops a create that never reached Domo (by email, or an id Domo lacks)", () => {
    const plan = planRecovery(deploymentOf([userOp("cy", { email: "cy@x.io" })]), live, now);
    assert.deepEqual(plan.actions, [
      {
        kind: "dropped",
        urn: urn("cy"),
        type: domoUserType,
        subject: "cy@x.io",
        reason: "the create never reached Domo: no such account; the next `pulumi up` creates it",
      },
    ]);
    assert.equal(plan.changes, true);
    assert.equal(plan.deployment.deployment.resources?.length, 3);
    assert.equal(
      planRecovery(deploymentOf([userOp("x", { email: "x@x.io", importId: "999" })]), live, now).actions[0]
        ?.kind,
      "dropped",
    );
    assert.equal(recoverySummary(plan), "0 resource(s) recorded, 1 pending operation(s) dropped, 0 left");
  });

  it("drops pending updates and deletes, saying what the next up does; reads nothing for them", () => {
    const pending = [
      userOp("ann", { email: "ann@x.io" }, "updating"),
      userOp("bo", { email: "bo@x.io" }, "deleting"),
      userOp("cy", { email: "cy@x.io" }, "reading"),
    ];
    const exported = deploymentOf(pending);
    assert.deepEqual(recoveryReads(exported), { users: false, groups: false, membersOf: [] });
    // Nothing read: any lookup would throw, so none is made.
    const plan = planRecovery(exported, {}, now);
    assert.deepEqual(describeRecovery(plan), [
      "dropped   ann: pending update: the state holds the user as before the update; the next `pulumi up` compares the declaration with it and sends the update again (a full-object PUT, safe to repeat)",
      "dropped   bo: pending delete: the state still holds the user; if the program no longer declares it, the next `pulumi up` deletes it again (an account already gone counts as deleted)",
      "dropped   cy: pending reading: it wrote nothing to Domo; the next `pulumi up` or `pulumi refresh` reads it again",
    ]);
    assert.deepEqual(plan.deployment.deployment.pending_operations, []);
  });

  it("leaves other providers' operations, saying how to settle them, and creates whose inputs do not validate", () => {
    const bucket = (type: string) => ({
      type,
      resource: { urn: "urn:pulumi:dev::p::aws:s3:Bucket::b", type: "aws:s3:Bucket" },
    });
    const bad = userOp("bad", { email: "not-an-email" });
    const plan = planRecovery(deploymentOf([bucket("creating"), bucket("updating"), bad]), live, now);
    assert.deepEqual(
      plan.actions.map((a) => a.kind),
      ["left", "left", "left"],
    );
    assert.equal(plan.changes, false);
    assert.equal(plan.deployment.deployment.pending_operations?.length, 3);
    const [create, update, invalid] = describeRecovery(plan);
    assert.match(
      create ?? "",
      /^left {6}b \(pending creating\): not a pulumi-domo resource, so recover cannot tell whether it exists\. .*`pulumi refresh --import-pending-creates` .*`pulumi refresh --clear-pending-creates`/,
    );
    assert.match(
      update ?? "",
      /^left {6}b \(pending updating\): not a pulumi-domo resource: left as Pulumi recorded it;/,
    );
    assert.equal(invalid, "left      bad (pending creating): its recorded inputs do not validate");
    assert.equal(recoverySummary(plan), "0 resource(s) recorded, 0 pending operation(s) dropped, 3 left");
    // No message says that a plain refresh clears pending creates.
    for (const line of describeRecovery(plan)) assert.doesNotMatch(line, /`pulumi refresh` (handles|clears)/);
  });

  it("never records one account twice, but lets a directory move an account between its own resources", () => {
    const held = { urn: urn("ann-old"), id: "1001", type: domoUserType, parent: stackUrn };
    const taken = planRecovery(deploymentOf([userOp("ann", { email: "ann@x.io" })], [held]), live, now);
    assert.match(describeRecovery(taken)[0] ?? "", /: Domo user 1001 is already managed by ann-old$/);
    // A batch holding the account counts as well.
    const batch = {
      urn: urnOf(domoUserBatchType, "people-users-0", "directory"),
      id: "people-users-0",
      type: domoUserBatchType,
      parent: stackUrn,
      outputs: { users: { "ann@x.io": { userId: 1001, email: "ann@x.io", managedFields: [] } } },
    };
    const inBatch = planRecovery(deploymentOf([userOp("ann", { email: "ann@x.io" })], [batch]), live, now);
    assert.match(describeRecovery(inBatch)[0] ?? "", /already managed by people-users-0$/);
    // The same directory's batch (bulk -> perUser): the directory hands the account over.
    const moved = planRecovery(
      deploymentOf(
        [userOp("user-ann@x.io", { email: "ann@x.io" }, "creating", { under: "directory" })],
        [{ ...batch, parent: "urn:pulumi:dev::p::domo:index:UserDirectory::people" }],
      ),
      live,
      now,
    );
    assert.equal(moved.actions[0]?.kind, "recorded");
    // A non-user resource holding the same number does not count.
    const bucket = { urn: "urn:pulumi:dev::p::aws:s3:Bucket::b", id: "1001", type: "aws:s3:Bucket" };
    assert.equal(
      planRecovery(deploymentOf([userOp("ann", { email: "ann@x.io" })], [bucket]), live, now).actions[0]
        ?.kind,
      "recorded",
    );
    // Two pending creates for one account: the second is refused.
    const dup = planRecovery(
      deploymentOf([userOp("a1", { email: "ann@x.io" }), userOp("a2", { email: "ANN@x.io" })]),
      live,
      now,
    );
    assert.deepEqual(
      dup.actions.map((a) => a.kind),
      ["recorded", "dropped"],
    );
    assert.match(describeRecovery(dup)[1] ?? "", /already managed by a1$/);
  });

  it("drops a create the state already records (a later run finished it)", () => {
    const same = { urn: urn("ann"), type: domoUserType, id: "1001" };
    const twice = planRecovery(deploymentOf([userOp("ann", { email: "ann@x.io" })], [same]), live, now);
    assert.equal(
      describeRecovery(twice)[0],
      "dropped   ann: the state already records this resource (a later run finished it); the next `pulumi up` compares it with Domo",
    );
    assert.equal(twice.deployment.deployment.resources?.length, 4, "nothing added");
  });

  it("needs the parent, the provider and every dependency in the state", () => {
    const reason = (names: string) =>
      `: its parent, provider or dependency ${names} is not in the state; run \`pulumi up\` once without it, then \`pulumi-domo recover\` again`;
    const orphan = planRecovery(
      deploymentOf([userOp("ann", { email: "ann@x.io" }, "creating", { parent: "urn:x::gone" })]),
      live,
      now,
    );
    assert.ok(describeRecovery(orphan)[0]?.endsWith(reason("gone")));
    const noProvider = planRecovery(
      deploymentOf([
        userOp("ann", { email: "ann@x.io" }, "creating", {
          provider: "urn:pulumi:dev::p::pulumi:providers:x::other::id",
        }),
      ]),
      live,
      now,
    );
    assert.ok(describeRecovery(noProvider)[0]?.endsWith(reason("other")));
    const noDependency = planRecovery(
      deploymentOf([
        userOp("ann", { email: "ann@x.io" }, "creating", {
          dependencies: [stackUrn, "urn:x::guard"],
          propertyDependencies: { email: ["urn:x::dep"] },
        }),
      ]),
      live,
      now,
    );
    assert.ok(describeRecovery(noDependency)[0]?.endsWith(reason("guard, dep")));
    const bare = planRecovery(
      deploymentOf([
        userOp("ann", { email: "ann@x.io" }, "creating", { parent: undefined, provider: undefined }),
      ]),
      live,
      now,
    );
    assert.equal(bare.actions[0]?.kind, "recorded");
    const provider = planRecovery(
      deploymentOf([userOp("ann", { email: "ann@x.io" }, "creating", { provider: `${providerUrn}::abc` })]),
      live,
      now,
    );
    assert.equal(provider.actions[0]?.kind, "recorded");
  });

  it("reads exactly what it plans with, and refuses to plan from a listing it was not given", () => {
    const exported = deploymentOf([userOp("ann", { email: "ann@x.io" })]);
    assert.deepEqual(recoveryReads(exported), { users: true, groups: false, membersOf: [] });
    assert.throws(
      () => planRecovery(exported, {}, now),
      (e: unknown) =>
        e instanceof RecoveryError &&
        e.kind === "live_data_not_read" &&
        /needs Domo's users listing, which was not read from Domo/.test(e.message),
    );
  });

  it("works on a deployment with no resources or pending operations", () => {
    const plan = planRecovery({ version: 3, deployment: {} } as ExportedStack, live, now);
    assert.deepEqual(plan.actions, []);
    assert.equal(plan.changes, false);
    assert.deepEqual(plan.deployment.deployment.resources, []);
    assert.deepEqual(plan.deployment.deployment.pending_operations, []);
    assert.deepEqual(recoveryReads({ version: 3, deployment: {} }), {
      users: false,
      groups: false,
      membersOf: [],
    });
  });
});
