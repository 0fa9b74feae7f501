import assert from "node:assert/strict";
import { DomoError } from "../../provider/client";
import { errorFromResponse } from "../../provider/client/attempt";
import { isContentOwnerRefusal } from "../../provider/client/errors";
import { PartialBatchError, UserBatchRuntime } from "../../provider/resources/user/batch-runtime";
import { ContentOwnerError } from "../../provider/resources/user/content-owner";
import { type PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import { UserLedger } from "../../provider/runtime/user-ledger";
import { person, usersOf } from "../support/batch-users";
import { emulatorSettings, useEmulator } from "../support/emulator-client";

const DELETE = "DELETE /v1/users/{id}";
const GET = "GET /v1/users/{id}";

const stateOf = (outs: PropertyMap) => outs.users as Record<string, PropertyMap>;

/** Who, why, and both ways out (transfer in Domo then `up`; deletionPolicy retain, file and program). */
function assertWaysOut(message: string): void {
  assert.match(message, /they own DataSets or DataFlows|each owns DataSets or DataFlows/);
  assert.match(message, /Domo deletes no user who owns content/);
  assert.match(message, /\(1\) transfer .*DataSets and DataFlows to someone else in Domo/);
  assert.match(message, /Admin > People/);
  assert.match(message, /Domo's public API has no ownership transfer/);
  assert.match(message, /then run `pulumi up` again: it deletes the account/);
  assert.match(message, /\(2\) keep the account in Domo .*deletionPolicy: retain, run `pulumi up`/);
  assert.match(message, /In a users file: put their entry back under users: with `deletionPolicy: retain`/);
  assert.match(
    message,
    /in a program: put the DomoUser back \(same resource name\) with deletionPolicy: "retain"/,
  );
}

/**
 * Domo refuses to delete a user who owns DataSets or DataFlows (the emulator's `ownsContent`):
 * the refusal is its own error kind naming the person, the reason and both ways out; every other
 * change of the run converges, in per-user and in bulk mode; after the transfer the next run
 * deletes that account and nothing else. Each `run()` is a new provider process (a new `up`).
 */
describe("content owners: a user Domo will not delete (direct calls against the emulator)", () => {
  const emu = useEmulator();
  let notices: string[];

  function run(extra: Record<string, unknown> = {}) {
    const settings = emulatorSettings(emu, extra);
    const users = new UserProviderRuntime(() => settings, {
      notice: (l) => notices.push(l),
      ledger: new UserLedger(),
    });
    return { users, batch: new UserBatchRuntime(users, { progressEvery: 1000 }) };
  }
  const count = (route: string) => emu.counters()[route] ?? 0;
  const live = (id: unknown) => emu.store.getUser(Number(id))?.deleted !== true;
  const ownsContent = (id: unknown, owns: boolean) => emu.store.updateUser(Number(id), { ownsContent: owns });

  async function checkedUser(rt: UserProviderRuntime, news: PropertyMap): Promise<PropertyMap> {
    const result = await rt.check({}, news);
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs ?? {};
  }
  async function checkedBatch(b: UserBatchRuntime, olds: PropertyMap, users: PropertyMap) {
    const result = await b.check(olds, { users, batch: "people-users-0" });
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs ?? {};
  }
  async function firstBatch(list: PropertyMap[]) {
    const { batch } = run();
    const inputs = await checkedBatch(batch, {}, usersOf(list));
    return { inputs, outs: (await batch.create(inputs)).outs };
  }

  beforeEach(() => {
    notices = [];
  });

  describe("recognising Domo's refusal", () => {
    const refusal = (status: number, message: string) =>
      errorFromResponse("DELETE", "/v1/users/7", status, JSON.stringify({ status, message, toe: "T" }));

    it("matches Domo's answer by status class and wording, in any case", () => {
      for (const [status, text] of [
        [400, "User 7 owns DataSets or DataFlows; transfer their ownership before deleting the user"],
        [409, "User 7 owns DataSets or DataFlows; transfer their ownership before deleting the user"],
        [400, "Cannot delete user: user is the owner of 3 datasets"],
        [422, "This user owns dataflows. Reassign them first."],
        [403, "Transfer content ownership before deleting this user"],
        [400, "USER OWNS DATA SETS"],
      ] as const) {
        const e = refusal(status, text);
        assert.equal(isContentOwnerRefusal(e), true, `${status} ${text}`);
      }
    });

    it("leaves every other failure alone: the last Admin, a rate limit, 404, 5xx, a missing scope", () => {
      for (const [status, text] of [
        [400, "Cannot delete the last Admin"],
        [403, "API Rate limit reached."],
        [403, "Forbidden"],
        [404, "User 7 not found"],
        [500, "User 7 owns DataSets or DataFlows"],
        [400, "Invalid dataset id"],
      ] as const) {
        assert.equal(isContentOwnerRefusal(refusal(status, text)), false, `${status} ${text}`);
      }
      assert.equal(isContentOwnerRefusal(new Error("owns DataSets")), false);
      assert.equal(isContentOwnerRefusal(new DomoError({ kind: "content_owner", message: "m" })), true);
    });
  });

  describe("per-user mode (DomoUser)", () => {
    for (const status of [400, 409] as const) {
      it(`a refused delete (${status}) is a content_owner error naming who, why and both ways out; after the transfer the next run deletes it`, async () => {
        emu.setBehaviour({ ownsContentStatus: status });
        const setup = run().users;
        const made = await setup.create(
          await checkedUser(setup, { email: "Owner@Example.com", name: "Owner", role: "Editor" }),
        );
        await ownsContent(made.id, true);

        emu.resetCounters();
        const later = run().users;
        const e = await later.delete(made.id, made.outs).then(
          () => assert.fail("expected the delete to be refused"),
          (err: unknown) => err,
        );
        assert.ok(e instanceof ContentOwnerError, String(e));
        assert.ok(e instanceof DomoError);
        assert.equal(e.kind, "content_owner");
        assert.equal(e.status, status);
        assert.equal(e.field, "deletionPolicy");
        assert.deepEqual(e.owner, { email: "owner@example.com", userId: Number(made.id) });
        assert.match(
          e.message,
          new RegExp(`^Domo refused to delete owner@example\\.com \\(Domo user ${made.id}\\)`),
        );
        assert.match(
          e.message,
          new RegExp(`DELETE /v1/users/${made.id} -> ${status}: Domo said: "User ${made.id} owns`),
        );
        assert.match(
          e.message,
          /Nothing was deleted: the account stays in Domo and its DomoUser stays in the stack/,
        );
        assertWaysOut(e.message);
        assert.match(e.message, /\[Domo trace id: [0-9A-F]{32}\]$/);
        assert.equal(count(DELETE), 1);
        assert.ok(live(made.id), "the account is still there");

        // The content was transferred in Domo: the next run deletes the account, with one DELETE.
        await ownsContent(made.id, false);
        emu.resetCounters();
        await run().users.delete(made.id, made.outs);
        assert.equal(count(DELETE), 1);
        assert.equal(live(made.id), false);
      });
    }

    it("says what each delete did: deleted, gone (no DELETE sent), retained (no call)", async () => {
      const setup = run().users;
      const a = await setup.create(await checkedUser(setup, person(1)));
      const b = await setup.create(await checkedUser(setup, person(2, { deletionPolicy: "retain" })));
      const later = run().users;
      emu.resetCounters();
      assert.equal(await later.deleteAccount(b.id, b.outs), "retained");
      assert.deepEqual(emu.counters(), {}, "retain makes no call");
      assert.equal(await later.deleteAccount(a.id, a.outs), "deleted");
      emu.resetCounters();
      assert.equal(await run().users.deleteAccount(a.id, a.outs), "gone");
      assert.equal(count(DELETE), 0, "an account Domo no longer has is not deleted again");
    });

    it("the refusal does not count against domo:maxDeletesPerRun", async () => {
      const setup = run().users;
      const owner = await setup.create(await checkedUser(setup, person(1)));
      const other = await setup.create(await checkedUser(setup, person(2)));
      await ownsContent(owner.id, true);
      const later = run({ maxDeletesPerRun: 1 }).users;
      await assert.rejects(later.delete(owner.id, owner.outs), ContentOwnerError);
      await later.delete(other.id, other.outs);
      assert.equal(live(other.id), false, "the one delete the cap allows went to a real delete");
    });
  });

  describe("bulk mode (DomoUserBatch)", () => {
    it("converge: the other users' creates, updates and deletes are recorded; the owner stays in the state; the next run deletes only the owner", async () => {
      const base = await firstBatch([
        person(0),
        person(1),
        person(2),
        person(3, { deletionPolicy: "retain" }),
      ]);
      const ownerId = stateOf(base.outs)["user1@example.com"]?.userId;
      await ownsContent(ownerId, true);
      // Remove the owner, another person and a retained one; edit one; add one.
      const next = usersOf([person(0, { title: "Analyst" }), person(4)]);
      const { batch } = run();
      const inputs = await checkedBatch(batch, base.inputs, next);
      emu.resetCounters();
      const e = await batch.update("people-users-0", base.outs, { ...inputs, __provider: "text" }).then(
        () => assert.fail("expected a partial failure"),
        (err: unknown) => err,
      );
      assert.ok(e instanceof PartialBatchError, String(e));
      assert.deepEqual(e.owners, [{ email: "user1@example.com", userId: ownerId }]);
      // What the engine shows of a partial failure is its reasons: one carries the whole story.
      assert.equal(e.reasons.length, 1);
      assert.equal(
        e.message,
        `1 of 5 user change(s) in people-users-0 failed (the others converged and are recorded): ${e.reasons[0]}`,
      );
      assert.match(
        e.reasons[0] ?? "",
        new RegExp(
          `^Domo refused to delete user1@example\\.com \\(Domo user ${ownerId}\\): they own DataSets or DataFlows, and Domo deletes no user who owns content \\(DELETE /v1/users/${ownerId} -> 400: Domo said: "User ${ownerId} owns DataSets or DataFlows; transfer their ownership before deleting the user"\\)\\. `,
        ),
      );
      assert.doesNotMatch(e.message, /run `pulumi up` again to continue/, "rerunning alone does not help");
      assert.match(
        e.reasons[0] ?? "",
        /the account stays in Domo and in people-users-0's state, so the next `pulumi up` tries again; the other 4 user change\(s\) of people-users-0 were made and are recorded/,
      );
      assertWaysOut(e.reasons[0] ?? "");
      const recorded = stateOf(e.properties);
      assert.deepEqual(Object.keys(recorded), [
        "user0@example.com",
        "user1@example.com",
        "user4@example.com",
      ]);
      assert.equal(recorded["user0@example.com"]?.title, "Analyst", "the update is recorded");
      assert.equal(e.properties.__provider, "text");
      assert.equal(count(DELETE), 2, "user2 deleted, the owner refused; the retained one: no call");
      assert.equal(count("POST /v1/users"), 1);
      assert.equal(live(ownerId), true);
      assert.equal(live(stateOf(base.outs)["user2@example.com"]?.userId), false);
      assert.equal(live(stateOf(base.outs)["user3@example.com"]?.userId), true, "retained");
      assert.ok(
        notices.includes(
          "pulumi-domo: people-users-0: 1 user(s) left in Domo (deletionPolicy retain), 1 not deleted (Domo refuses: they own DataSets or DataFlows), 1 deleted",
        ),
        notices.join("\n"),
      );

      // Still refused: the next run fails the same way and changes nothing else.
      emu.resetCounters();
      const again = run().batch;
      const still = await again.update("people-users-0", e.properties, inputs).catch((err: unknown) => err);
      assert.ok(still instanceof PartialBatchError);
      assert.equal(count(DELETE), 1);
      assert.equal(count("POST /v1/users") + count("PUT /v1/users/{id}"), 0);

      // The content was transferred: exactly one DELETE, and the batch converges.
      await ownsContent(ownerId, false);
      emu.resetCounters();
      notices = [];
      const final = run().batch;
      assert.equal((await final.diff("people-users-0", e.properties, inputs)).changes, true);
      const done = await final.update("people-users-0", e.properties, inputs);
      assert.equal(count(DELETE), 1);
      assert.equal(count("POST /v1/users") + count("PUT /v1/users/{id}"), 0);
      assert.equal(live(ownerId), false);
      assert.deepEqual(Object.keys(stateOf(done.outs)), ["user0@example.com", "user4@example.com"]);
      assert.ok(notices.includes("pulumi-domo: people-users-0: 1 user(s) deleted"), notices.join("\n"));
      emu.resetCounters();
      assert.equal((await run().batch.diff("people-users-0", done.outs, inputs)).changes, false);
      assert.deepEqual(emu.counters(), {});
    });

    it("the whole batch goes (destroy): the others are deleted, the batch stays whole in the state, and the next run deletes only the owner", async () => {
      const base = await firstBatch([person(0), person(1), person(2)]);
      const ownerId = stateOf(base.outs)["user1@example.com"]?.userId;
      await ownsContent(ownerId, true);
      emu.resetCounters();
      const e = await run()
        .batch.delete("people-users-0", base.outs)
        .then(
          () => assert.fail("expected the delete to fail"),
          (err: unknown) => err,
        );
      assert.ok(e instanceof DomoError, String(e));
      assert.equal(e.kind, "content_owner");
      assert.match(
        e.message,
        /^1 of 3 user\(s\) of people-users-0 were not deleted\. Domo refused to delete user1@example\.com/,
      );
      assert.match(
        e.message,
        /Pulumi records a delete whole or not at all, so people-users-0 stays in the state with all 3 of its user\(s\)\. The 2 user\(s\) deleted by now stay listed too: the next `pulumi destroy` \(or `pulumi up` without them\) reads each of them as gone from Domo and sends no DELETE for them, so it deletes only what is left/,
      );
      assertWaysOut(e.message);
      assert.equal(count(DELETE), 3);
      assert.deepEqual(
        ["user0@example.com", "user1@example.com", "user2@example.com"].map((k) =>
          live(stateOf(base.outs)[k]?.userId),
        ),
        [false, true, false],
      );
      assert.ok(
        notices.includes(
          "pulumi-domo: people-users-0: 1 user(s) not deleted (Domo refuses: they own DataSets or DataFlows), 2 deleted",
        ),
        notices.join("\n"),
      );

      // The engine kept the batch as it was: the next destroy gets the same state.
      await ownsContent(ownerId, false);
      emu.resetCounters();
      notices = [];
      await run().batch.delete("people-users-0", base.outs);
      assert.equal(count(DELETE), 1, "only the owner is deleted");
      assert.equal(count(GET), 2, "the two already deleted are read as gone");
      assert.equal(live(ownerId), false);
      assert.ok(
        notices.includes(
          "pulumi-domo: people-users-0: 2 user(s) already gone from Domo (not deleted again), 1 deleted",
        ),
        notices.join("\n"),
      );
    });

    it("a destroy with deletionPolicy retain says the accounts were kept, with no call", async () => {
      const base = await firstBatch([0, 1, 2].map((n) => person(n, { deletionPolicy: "retain" })));
      emu.resetCounters();
      notices = [];
      await run().batch.delete("people-users-0", base.outs);
      assert.deepEqual(emu.counters(), {});
      assert.deepEqual(notices, [
        "pulumi-domo: people-users-0: 3 user(s) left in Domo (deletionPolicy retain), 0 deleted",
      ]);
      assert.equal(emu.store.listUsers().filter((u) => !u.deleted && /^user\d@/.test(u.email)).length, 3);
    });

    it("removals in a converge count kept and deleted apart", async () => {
      const base = await firstBatch([person(0), person(1), person(2, { deletionPolicy: "retain" })]);
      notices = [];
      const { batch } = run();
      const inputs = await checkedBatch(batch, base.inputs, usersOf([person(0)]));
      await batch.update("people-users-0", base.outs, inputs);
      assert.deepEqual(notices, [
        "pulumi-domo: people-users-0: 1 user(s) left in Domo (deletionPolicy retain), 1 deleted",
      ]);
    });
  });
});
