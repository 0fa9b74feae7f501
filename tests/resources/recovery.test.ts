import assert from "node:assert/strict";
import { DomoClient } from "../../provider/client";
import type { DomoGroupRecord, DomoUserRecord } from "../../provider/client/schemas";
import { deletionGuardType } from "../../provider/resources/directory/resource-type";
import {
  domoGroupMembershipType,
  domoGroupMembersType,
  domoGroupType,
} from "../../provider/resources/group/resource-type";
import { GroupProviderRuntime } from "../../provider/resources/group/runtime";
import type { ExportedStack, ResourceState } from "../../provider/resources/recovery/deployment";
import { type LiveDomo, RecoveryError } from "../../provider/resources/recovery/live";
import {
  describeRecovery,
  planRecovery,
  recoveryReads,
  recoverySummary,
} from "../../provider/resources/recovery/plan";
import { UserBatchRuntime } from "../../provider/resources/user/batch-runtime";
import { domoUserBatchType, domoUserType } from "../../provider/resources/user/resource-type";
import { type PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import { UserLedger } from "../../provider/runtime/user-ledger";
import { deploymentOf, pendingOf, providerUrn, resourceOf, stackUrn, urnOf } from "../support/deployment";

import deletionGuardProvider = require("../../provider/resources/directory/deletion-guard-provider");

import { emulatorSettings, useEmulator } from "../support/emulator-client";

// Recovery planning after an interrupted `pulumi up`: pure, so every branch is a table row.
// DomoUser and the kind-agnostic planner first, then the other kinds.

const now = new Date("2026-12-01T10:00:00Z");

const urn = (name: string) => urnOf(domoUserType, name);

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

const userRecords: DomoUserRecord[] = [
  { id: 1001, email: "Ann@X.io", name: "Ann", role: "Editor" } as DomoUserRecord,
  { id: 1002, email: "bo@x.io", name: "Bo", role: "Participant" } as DomoUserRecord,
];
const live = { users: userRecords };

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

// Every kind but DomoUser's own rows: pure table rows per branch, and a check against the
// emulator that what recovery records for a create is exactly what that kind's finished create
// writes.

const earlier = "2026-11-30T08:00:00Z";

const users: DomoUserRecord[] = [
  {
    id: 2001,
    email: "A@x.io",
    name: "A",
    role: "Editor",
    roleId: 2,
    groups: [{ id: 1, name: "Default" }],
    createdAt: "2026-12-01T09:59:00Z",
  } as DomoUserRecord,
  { id: 2002, email: "b@x.io", name: "B", role: "Editor", title: "Old" } as DomoUserRecord,
  { id: 2004, email: "other@x.io", name: "O", role: "Editor" } as DomoUserRecord,
  { id: 2005, email: "k@x.io", name: "K", role: "Editor" } as DomoUserRecord,
];
const decl = (email: string, extra: PropertyMap = {}): PropertyMap => ({
  email,
  name: email[0]?.toUpperCase(),
  role: "Editor",
  ...extra,
});
const slim = (userId: number, email: string, extra: PropertyMap = {}): PropertyMap => ({
  userId,
  email,
  name: email[0]?.toUpperCase(),
  role: "Editor",
  managedFields: ["email", "name", "role"],
  ...extra,
});

const batchUrn = urnOf(domoUserBatchType, "people-users-0", "directory");
const batchOp = (usersMap: PropertyMap, operation = "creating") =>
  pendingOf(domoUserBatchType, "people-users-0", { batch: "people-users-0", users: usersMap }, operation, {
    under: "directory",
  });
/** The batch as the state records it: users' slim states, their ids, and its own fields. */
function recordedBatch(
  states: Record<string, PropertyMap>,
  inputs: Record<string, PropertyMap>,
): ResourceState {
  return resourceOf(
    domoUserBatchType,
    "people-users-0",
    { batch: "people-users-0", users: inputs },
    {
      under: "directory",
      id: "people-users-0",
      created: earlier,
      modified: earlier,
      outputs: {
        __provider: "serialized",
        batch: "people-users-0",
        users: states,
        userIds: Object.fromEntries(Object.entries(states).map(([e, s]) => [e, s.userId])),
      },
    },
  );
}
const last = (plan: { deployment: ExportedStack }) => plan.deployment.deployment.resources?.at(-1);

describe("recovery planning: DomoUserBatch (user/recovery.ts)", () => {
  it("a pending create records exactly the users Domo holds, in the slim state a finished batch writes", () => {
    const pending = batchOp({
      "a@x.io": decl("a@x.io"),
      "b@x.io": decl("b@x.io", { title: "New" }),
      "c@x.io": decl("c@x.io"),
      "d@x.io": decl("d@x.io", { importId: "2004" }),
    });
    const exported = deploymentOf([pending]);
    assert.deepEqual(recoveryReads(exported), { users: true, groups: false, membersOf: [] });
    const plan = planRecovery(exported, { users }, now);
    const rec = last(plan);
    assert.equal(rec?.urn, batchUrn);
    assert.equal(rec?.id, "people-users-0");
    assert.equal(rec?.created, now.toISOString());
    assert.deepEqual(rec?.outputs, {
      batch: "people-users-0",
      // Read-only fields (groups, createdAt) and settings at their default are left out; Domo's
      // live values are kept (b's title differs: the next up updates it).
      users: {
        "a@x.io": slim(2001, "a@x.io", { roleId: 2 }),
        "b@x.io": slim(2002, "b@x.io", { title: "Old", managedFields: ["email", "name", "role", "title"] }),
      },
      userIds: { "a@x.io": 2001, "b@x.io": 2002 },
      __provider: "serialized",
    });
    assert.deepEqual(
      Object.keys((rec?.inputs?.users ?? {}) as object),
      ["a@x.io", "b@x.io"],
      "inputs name the recorded users",
    );
    assert.deepEqual(rec?.inputs?.batch, "people-users-0");
    assert.deepEqual(describeRecovery(plan), [
      "recorded  people-users-0: 2 of 4 user(s) reached Domo and are recorded as the finished create records them (2 in all); 1 never reached Domo (c@x.io): the next `pulumi up` creates them; 1 not recorded: d@x.io (Domo user 2004 is other@x.io, not d@x.io; the next `pulumi up` explains the takeover)",
    ]);
    assert.equal(
      recoverySummary(plan),
      "1 resource(s) recorded (2 user account(s)), 0 pending operation(s) dropped, 0 left",
    );
    assert.deepEqual(plan.deployment.deployment.pending_operations, []);
  });

  it("a pending create none of whose users reached Domo is dropped", () => {
    const plan = planRecovery(
      deploymentOf([batchOp({ "c@x.io": decl("c@x.io"), "e@x.io": decl("e@x.io") })]),
      { users },
      now,
    );
    assert.deepEqual(describeRecovery(plan), [
      "dropped   people-users-0: none of its 2 user(s) reached Domo: the next `pulumi up` creates them",
    ]);
    assert.equal(plan.deployment.deployment.resources?.length, 3);
  });

  it("a pending update starts from the recorded batch: keeps who Domo holds, adds whom the run created, drops whom it deleted", () => {
    const before = recordedBatch(
      { "b@x.io": slim(2002, "b@x.io"), "x@x.io": slim(2009, "x@x.io") },
      { "b@x.io": decl("b@x.io"), "x@x.io": decl("x@x.io") },
    );
    // The killed update: b's title changed, x removed, k and n added (k reached Domo, n did not).
    const pending = batchOp(
      { "b@x.io": decl("b@x.io", { title: "New" }), "k@x.io": decl("k@x.io"), "n@x.io": decl("n@x.io") },
      "updating",
    );
    const plan = planRecovery(deploymentOf([pending], [before]), { users }, now);
    const rec = last(plan);
    assert.equal(plan.deployment.deployment.resources?.length, 4, "replaced in place, not added");
    assert.equal(rec?.created, earlier, "its creation time stays");
    assert.equal(rec?.modified, now.toISOString());
    // b as Domo has it now (the killed run's changes recorded), with its recorded managed fields.
    assert.deepEqual(rec?.outputs?.users, {
      "b@x.io": slim(2002, "b@x.io", { title: "Old" }),
      "k@x.io": slim(2005, "k@x.io"),
    });
    assert.deepEqual(rec?.outputs?.userIds, { "b@x.io": 2002, "k@x.io": 2005 });
    // b keeps its recorded declaration (so the preview shows its title change); k gets the run's.
    assert.deepEqual(rec?.inputs?.users, { "b@x.io": decl("b@x.io"), "k@x.io": decl("k@x.io") });
    assert.deepEqual(describeRecovery(plan), [
      "recorded  people-users-0: kept 1 recorded user(s) Domo still holds (1 with fields changed in Domo since, such as the interrupted run's updates), added 1 it created, dropped 1 Domo no longer holds (x@x.io) (2 in all); 1 never reached Domo (n@x.io): the next `pulumi up` creates them",
    ]);
  });

  it("a pending update whose recorded state Domo still matches is dropped", () => {
    const before = recordedBatch(
      { "b@x.io": slim(2002, "b@x.io", { title: "Old" }) },
      { "b@x.io": decl("b@x.io") },
    );
    const plan = planRecovery(
      deploymentOf(
        [batchOp({ "b@x.io": decl("b@x.io", { title: "T" }), "n@x.io": decl("n@x.io") }, "updating")],
        [before],
      ),
      { users },
      now,
    );
    assert.deepEqual(describeRecovery(plan), [
      "dropped   people-users-0: Domo holds what the state records for this batch; 1 never reached Domo (n@x.io): the next `pulumi up` creates them; the next `pulumi up` does the rest",
    ]);
    assert.deepEqual(last(plan)?.outputs, before.outputs, "the state is left as it was");
  });

  it("a pending create a later failed run recorded in part is merged, not dropped", () => {
    // The later run recorded b (and failed on a, which the killed run had created).
    const before = recordedBatch(
      { "b@x.io": slim(2002, "b@x.io") },
      { "a@x.io": decl("a@x.io"), "b@x.io": decl("b@x.io") },
    );
    const plan = planRecovery(
      deploymentOf([batchOp({ "a@x.io": decl("a@x.io"), "b@x.io": decl("b@x.io") })], [before]),
      { users },
      now,
    );
    assert.deepEqual(Object.keys((last(plan)?.outputs?.users ?? {}) as object), ["a@x.io", "b@x.io"]);
    assert.match(
      describeRecovery(plan)[0] ?? "",
      /^recorded {2}people-users-0: kept 1 recorded user\(s\) Domo still holds \(1 with fields changed in Domo since, such as the interrupted run's updates\), added 1 it created \(2 in all\)$/,
    );
  });

  it("a pending delete drops the users the run deleted from the recorded batch", () => {
    const before = recordedBatch(
      { "b@x.io": slim(2002, "b@x.io"), "x@x.io": slim(2009, "x@x.io") },
      { "b@x.io": decl("b@x.io"), "x@x.io": decl("x@x.io") },
    );
    const plan = planRecovery(
      deploymentOf([batchOp({ "b@x.io": decl("b@x.io"), "x@x.io": decl("x@x.io") }, "deleting")], [before]),
      { users },
      now,
    );
    assert.deepEqual(last(plan)?.outputs?.users, { "b@x.io": slim(2002, "b@x.io") });
    assert.deepEqual(last(plan)?.outputs?.userIds, { "b@x.io": 2002 });
    assert.deepEqual(last(plan)?.inputs?.users, { "b@x.io": decl("b@x.io") });
    assert.match(
      describeRecovery(plan)[0] ?? "",
      /^recorded {2}people-users-0: the interrupted delete removed 1 of its users from Domo \(x@x\.io\): they leave the state; the state still holds the batch;/,
    );
    const untouched = recordedBatch({ "b@x.io": slim(2002, "b@x.io") }, { "b@x.io": decl("b@x.io") });
    const none = planRecovery(
      deploymentOf([batchOp({ "b@x.io": decl("b@x.io") }, "deleting")], [untouched]),
      { users },
      now,
    );
    assert.equal(none.actions[0]?.kind, "dropped");
  });

  it("leaves a batch whose users are not a map, and a user taken by another resource stays out", () => {
    const bad = planRecovery(
      deploymentOf([batchOp({ "a@x.io": "nope" } as unknown as PropertyMap)]),
      { users },
      now,
    );
    assert.deepEqual(describeRecovery(bad), [
      "left      people-users-0 (pending creating): its recorded users are not a map of email to user",
    ]);
    const loose = resourceOf(domoUserType, "a", decl("a@x.io"), { id: "2001" });
    const plan = planRecovery(
      deploymentOf([batchOp({ "a@x.io": decl("a@x.io"), "b@x.io": decl("b@x.io") })], [loose]),
      { users },
      now,
    );
    assert.deepEqual(Object.keys((last(plan)?.outputs?.users ?? {}) as object), ["b@x.io"]);
    assert.match(
      describeRecovery(plan)[0] ?? "",
      /1 not recorded: a@x\.io \(Domo user 2001 is already managed by a\)$/,
    );
  });
});

const groups: DomoGroupRecord[] = [
  { id: 301, name: "Analytics", active: true, default: false, creatorId: 9 } as DomoGroupRecord,
  { id: 302, name: "Finance", active: false, default: false } as DomoGroupRecord,
  { id: 1, name: "Default", active: true, default: true } as DomoGroupRecord,
];
const groupInputs = (name: string, extra: PropertyMap = {}) => ({
  name,
  active: true,
  adoptExisting: false,
  allowNameChange: false,
  deletionPolicy: "delete",
  allowDeleteWithMembers: false,
  ...extra,
});

describe("recovery planning: DomoGroup, DomoGroupMembers, DomoGroupMembership, the deletion guard", () => {
  const liveGroups: LiveDomo = {
    users,
    groups,
    members: new Map<number, readonly number[] | undefined>([
      [301, [2001, 2002]],
      [302, [2004]],
      [303, undefined],
      [1, [2001]],
    ]),
  };

  it("a group is found by name without case, or by id, and recorded as its create records it", () => {
    const exported = deploymentOf([pendingOf(domoGroupType, "group-analytics", groupInputs("ANALYTICS"))]);
    assert.deepEqual(recoveryReads(exported), { users: false, groups: true, membersOf: [] });
    const plan = planRecovery(exported, liveGroups, now);
    assert.equal(last(plan)?.id, "301");
    assert.deepEqual(last(plan)?.outputs, {
      groupId: 301,
      name: "Analytics",
      active: true,
      default: false,
      creatorId: 9,
      deletionPolicy: "delete",
      allowDeleteWithMembers: false,
      __provider: "serialized",
    });
    assert.deepEqual(describeRecovery(plan), [
      'recorded  group-analytics: group "Analytics" is Domo group 301; now managed as if the create had finished',
    ]);
    assert.equal(
      recoverySummary(plan),
      "1 resource(s) recorded (1 group(s)), 0 pending operation(s) dropped, 0 left",
    );
    const byId = planRecovery(
      deploymentOf([pendingOf(domoGroupType, "g", groupInputs("Finance", { importId: "302" }))]),
      liveGroups,
      now,
    );
    assert.equal(last(byId)?.outputs?.active, false, "Domo's value: the next up converges it");
  });

  it("a group that never reached Domo, another group's id, Domo's Default group or a held group is dropped", () => {
    const rows: [PropertyMap, string, ResourceState[]?][] = [
      [
        groupInputs("Sales"),
        'dropped   g ("Sales"): the create never reached Domo: no such group; the next `pulumi up` creates it',
      ],
      [
        groupInputs("Sales", { importId: "999" }),
        'dropped   g ("Sales"): the create never reached Domo: no such group; the next `pulumi up` creates it',
      ],
      [
        groupInputs("Sales", { importId: "301" }),
        'dropped   g ("Sales"): Domo group 301 is "Analytics", not "Sales"; the next `pulumi up` explains the takeover',
      ],
      [
        groupInputs("default"),
        'dropped   g ("default"): "Default" is Domo\'s Default group, which no create makes; the next `pulumi up` explains',
      ],
      [
        groupInputs("Analytics"),
        'dropped   g ("Analytics"): Domo group 301 is already managed by other',
        [resourceOf(domoGroupType, "other", {}, { id: "301" })],
      ],
    ];
    for (const [inputs, line, resources] of rows) {
      const plan = planRecovery(
        deploymentOf([pendingOf(domoGroupType, "g", inputs)], resources),
        liveGroups,
        now,
      );
      assert.deepEqual(describeRecovery(plan), [line]);
    }
    const renamed = planRecovery(
      deploymentOf([
        pendingOf(domoGroupType, "g", groupInputs("Sales", { importId: "301", allowNameChange: true })),
      ]),
      liveGroups,
      now,
    );
    assert.equal(renamed.actions[0]?.kind, "recorded");
    const defaultById = planRecovery(
      deploymentOf([pendingOf(domoGroupType, "g", groupInputs("Default", { importId: "1" }))]),
      liveGroups,
      now,
    );
    assert.equal(
      defaultById.actions[0]?.kind,
      "recorded",
      "taking Default over by id is allowed, as its create allows it",
    );
    const invalid = planRecovery(
      deploymentOf([pendingOf(domoGroupType, "g", { name: "" })]),
      liveGroups,
      now,
    );
    assert.equal(
      describeRecovery(invalid)[0],
      "left      g (pending creating): its recorded inputs do not validate",
    );
  });

  const membersInputs = (groupId: string, userIds: string[], extra: PropertyMap = {}) => ({
    groupId,
    userIds,
    emails: [],
    deletionPolicy: "delete",
    allowRemoveExisting: false,
    ...extra,
  });

  it("a member list is recorded with the members Domo holds when every one is declared", () => {
    const exported = deploymentOf([
      pendingOf(domoGroupMembersType, "m", membersInputs("301", ["2001", "2005"], { emails: ["B@x.io"] })),
    ]);
    assert.deepEqual(recoveryReads(exported), { users: true, groups: true, membersOf: [301] });
    const plan = planRecovery(exported, liveGroups, now);
    assert.equal(last(plan)?.id, "301");
    assert.deepEqual(last(plan)?.outputs, {
      groupId: 301,
      userIds: [2001, 2005],
      emails: ["b@x.io"],
      resolvedEmails: { "b@x.io": 2002 },
      memberIds: [2001, 2002],
      deletionPolicy: "delete",
      __provider: "serialized",
    });
    assert.deepEqual(describeRecovery(plan), [
      'recorded  m: the member list of Domo group 301 ("Analytics"), with the 2 member(s) Domo holds; the next `pulumi up` adds the 1 declared member(s) the interrupted run did not reach',
    ]);
    assert.equal(
      recoverySummary(plan),
      "1 resource(s) recorded (1 member list(s)), 0 pending operation(s) dropped, 0 left",
    );
  });

  it("a member list is dropped when the group has members it does not declare (unless allowed), or cannot be settled", () => {
    const line = (inputs: PropertyMap, resources: ResourceState[] = []) =>
      describeRecovery(
        planRecovery(
          deploymentOf([pendingOf(domoGroupMembersType, "m", inputs)], resources),
          liveGroups,
          now,
        ),
      )[0];
    assert.equal(
      line(membersInputs("301", ["2001"])),
      "dropped   m (Domo group 301): the group has 1 member(s) the list does not declare (Domo user ids 2002), which the interrupted run did not add (it adds only declared members); the next `pulumi up` names them and asks before removing any",
    );
    assert.match(
      line(membersInputs("301", ["2001"], { allowRemoveExisting: true })) ?? "",
      /^recorded {2}m: .*with the 2 member\(s\) Domo holds$/,
    );
    assert.equal(
      line(membersInputs("303", ["2001"])),
      "dropped   m (Domo group 303): the group is not in Domo, so no member reached it; the next `pulumi up` says what to do",
    );
    assert.match(
      line(membersInputs("1", ["2001"])) ?? "",
      /: it is Domo's Default group, whose members a DomoGroupMembers never sets;/,
    );
    assert.match(
      line(membersInputs("301", ["2001", "2002"], { emails: ["nobody@x.io"] })) ?? "",
      /no Domo user has the declared email nobody@x\.io, so the create stopped before changing the group/,
    );
    assert.match(
      line(membersInputs("301", ["2001", "2002"]), [
        resourceOf(domoGroupMembersType, "old", {}, { id: "301" }),
      ]) ?? "",
      /its member list is already managed by old$/,
    );
  });

  it("a membership is recorded when Domo has the user in the group, by id or by email", () => {
    const byId = planRecovery(
      deploymentOf([
        pendingOf(domoGroupMembershipType, "p", { groupId: "302", userId: "2004", deletionPolicy: "delete" }),
      ]),
      liveGroups,
      now,
    );
    assert.equal(last(byId)?.id, "302|2004");
    assert.deepEqual(last(byId)?.outputs, {
      groupId: 302,
      userId: 2004,
      deletionPolicy: "delete",
      __provider: "serialized",
    });
    assert.equal(
      recoverySummary(byId),
      "1 resource(s) recorded (1 membership(s)), 0 pending operation(s) dropped, 0 left",
    );
    const byEmailOp = pendingOf(domoGroupMembershipType, "q", {
      groupId: "301",
      email: "B@X.io",
      deletionPolicy: "retain",
    });
    assert.deepEqual(recoveryReads(deploymentOf([byEmailOp])), {
      users: true,
      groups: false,
      membersOf: [301],
    });
    const byEmail = planRecovery(deploymentOf([byEmailOp]), liveGroups, now);
    assert.deepEqual(last(byEmail)?.outputs, {
      groupId: 301,
      userId: 2002,
      email: "b@x.io",
      deletionPolicy: "retain",
      __provider: "serialized",
    });
    assert.deepEqual(describeRecovery(byEmail), [
      "recorded  q: Domo user 2002 is in group 301; now managed as if the create had finished",
    ]);
  });

  it("a membership that never reached Domo is dropped: the next up adds it", () => {
    const rows: [PropertyMap, string][] = [
      [{ groupId: "302", userId: "2001" }, "Domo user 2001 in group 302"],
      [{ groupId: "301", email: "nobody@x.io" }, "nobody@x.io in group 301"],
      [{ groupId: "303", userId: "2001" }, "Domo user 2001 in group 303"],
    ];
    for (const [inputs, subject] of rows) {
      const plan = planRecovery(
        deploymentOf([pendingOf(domoGroupMembershipType, "p", inputs)]),
        liveGroups,
        now,
      );
      assert.deepEqual(describeRecovery(plan), [
        `dropped   p (${subject}): the create never reached Domo: the user is not in the group; the next \`pulumi up\` adds them`,
      ]);
    }
    const held = resourceOf(domoGroupMembershipType, "old", {}, { id: "302|2004" });
    const plan = planRecovery(
      deploymentOf([pendingOf(domoGroupMembershipType, "p", { groupId: "302", userId: "2004" })], [held]),
      liveGroups,
      now,
    );
    assert.match(describeRecovery(plan)[0] ?? "", /that membership is already managed by old$/);
  });

  it("a directory's deletion guard is recorded as its create records it, reading nothing", async () => {
    const inputs = {
      directory: "people",
      accounts: ["a@x.io"],
      held: ["a@x.io"],
      layout: "bulk:1",
      allowMassDeletion: false,
    };
    const exported = deploymentOf([
      pendingOf(deletionGuardType, "people-deletion-guard", inputs, "creating", { under: "directory" }),
    ]);
    assert.deepEqual(recoveryReads(exported), { users: false, groups: false, membersOf: [] });
    const plan = planRecovery(exported, {}, now);
    const created = await deletionGuardProvider.create({ __provider: "serialized", ...inputs });
    assert.equal(last(plan)?.id, created.id);
    assert.deepEqual(last(plan)?.outputs, created.outs);
    assert.deepEqual(describeRecovery(plan), [
      "recorded  people-deletion-guard: recorded as its create records it (it never talks to Domo)",
    ]);
    assert.equal(recoverySummary(plan), "1 resource(s) recorded, 0 pending operation(s) dropped, 0 left");
  });

  it("pending updates and deletes of the group kinds and the guard are dropped, saying what the next up does", () => {
    const ops = [
      pendingOf(domoGroupType, "g", groupInputs("A"), "updating"),
      pendingOf(domoGroupMembersType, "m", membersInputs("301", []), "deleting"),
      pendingOf(domoGroupMembershipType, "p", { groupId: "301", userId: "2001" }, "updating"),
      pendingOf(deletionGuardType, "guard", {}, "deleting"),
    ];
    const exported = deploymentOf(ops);
    assert.deepEqual(recoveryReads(exported), { users: false, groups: false, membersOf: [] });
    assert.deepEqual(describeRecovery(planRecovery(exported, {}, now)), [
      "dropped   g: pending update: the state holds the group as before the update; the next `pulumi up` compares the declaration with it and sends the change again (safe to repeat)",
      "dropped   m: pending delete: the state still holds the member list; if the program no longer declares it, the next `pulumi up` removes its declared members again (members already gone count as removed)",
      "dropped   p: pending update: only its settings change in an update (no call to Domo): the next `pulumi up` records them again",
      "dropped   guard: pending delete: it never talks to Domo: the next `pulumi up` deletes it again if the directory is gone",
    ]);
  });
});

describe("recovery records what each kind's finished create writes (against the emulator)", () => {
  const emu = useEmulator();

  it("DomoUser, DomoUserBatch, DomoGroup, DomoGroupMembers and DomoGroupMembership", async () => {
    const settings = emulatorSettings(emu);
    const userRt = new UserProviderRuntime(() => settings, {
      notice: () => undefined,
      ledger: new UserLedger(),
    });
    const batchRt = new UserBatchRuntime(userRt);
    const groupRt = new GroupProviderRuntime(() => settings, { notice: () => undefined });
    const checked = async (check: Promise<{ inputs?: PropertyMap; failures?: unknown[] }>) => {
      const r = await check;
      assert.deepEqual(r.failures ?? [], []);
      return { __provider: "serialized", ...(r.inputs ?? {}) };
    };
    // One of each kind, created to the end; then each create's inputs as a pending operation.
    const single = await checked(
      userRt.check(
        {},
        {
          email: "Solo@Example.com",
          name: "Solo",
          role: "Editor",
          timezone: "Europe/Paris",
          deletionPolicy: "retain",
        },
      ),
    );
    const soloOut = await userRt.create(single);
    const batchIn = await checked(
      batchRt.check(
        {},
        {
          batch: "people-users-0",
          users: {
            "p@example.com": { email: "p@example.com", name: "P", role: "Participant", locale: "fr-FR" },
            "q@example.com": { email: "q@example.com", name: "Q", role: "Editor", title: "T" },
          },
        },
      ),
    );
    const batchOut = await batchRt.create(batchIn);
    const groupIn = await checked(groupRt.group.check({}, { name: "Ops", active: false }));
    const groupOut = await groupRt.group.create(groupIn);
    const otherGroup = await groupRt.group.create(await checked(groupRt.group.check({}, { name: "Other" })));
    const ids = batchOut.outs.userIds as Record<string, number>;
    const membersIn = await checked(
      groupRt.members.check(
        {},
        { groupId: groupOut.id, userIds: [String(ids["p@example.com"])], emails: ["Q@example.com"] },
      ),
    );
    const membersOut = await groupRt.members.create(membersIn);
    const pairIn = await checked(
      groupRt.membership.check({}, { groupId: otherGroup.id, email: "P@example.com" }),
    );
    const pairOut = await groupRt.membership.create(pairIn);

    const pending = [
      pendingOf(domoUserType, "solo", single),
      pendingOf(domoUserBatchType, "people-users-0", batchIn, "creating", { under: "directory" }),
      pendingOf(domoGroupType, "ops", groupIn),
      pendingOf(domoGroupMembersType, "ops-members", membersIn),
      pendingOf(domoGroupMembershipType, "other-solo", pairIn),
    ];
    // The group "Other" is a DomoGroup of the stack, recorded by an earlier run: its membership's
    // finished create records that a DomoGroup manages the group, and so must recovery.
    const exported = deploymentOf(pending, [
      resourceOf(domoGroupType, "other", {}, { id: otherGroup.id, outputs: otherGroup.outs }),
    ]);
    const reads = recoveryReads(exported);
    const client = new DomoClient(settings);
    const members = new Map<number, readonly number[] | undefined>();
    for (const g of reads.membersOf) members.set(g, await client.groups.membersCached(g));
    emu.resetCounters();
    const plan = planRecovery(
      exported,
      { users: await client.users.listAll(), groups: await client.groups.listAll(), members },
      now,
    );
    assert.equal(Object.keys(emu.counters()).filter((r) => !r.startsWith("GET ")).length, 0, "reads only");
    assert.deepEqual(
      plan.actions.map((a) => a.kind),
      ["recorded", "recorded", "recorded", "recorded", "recorded"],
    );
    const byName = (name: string) =>
      plan.deployment.deployment.resources?.find((r) => r.urn.endsWith(`::${name}`));
    const withoutProvider = (outs: PropertyMap | undefined) => {
      const { __provider: _p, ...rest } = outs ?? {};
      return rest;
    };
    const expect = [
      ["solo", soloOut],
      ["people-users-0", batchOut],
      ["ops", groupOut],
      ["ops-members", membersOut],
      ["other-solo", pairOut],
    ] as const;
    for (const [name, out] of expect) {
      const rec = byName(name);
      assert.equal(rec?.id, out.id, name);
      assert.deepEqual(
        withoutProvider(rec?.outputs),
        out.outs,
        `${name}: the state a finished create writes`,
      );
      assert.equal(rec?.outputs?.__provider, "serialized", `${name}: __provider as the engine adds it`);
    }
  });
});
