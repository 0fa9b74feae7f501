import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StackFixture } from "./stack-fixture";

/**
 * Offboarding someone Domo will not delete, because they own DataSets or DataFlows (the
 * emulator's `ownsContent`), through the real Pulumi CLI with a users file, in perUser and in
 * bulk mode: `up` fails naming the person, the reason and both ways out, every other change of
 * the run is made, and once their content is transferred the next `up` deletes that account
 * and nothing else. Then a bulk `destroy` under deletionPolicy retain says the accounts were kept.
 */
const program = `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const people = new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
exports.userIds = people.userIds;
`;

interface Entry {
  email: string;
  name: string;
  title?: string;
}

const owner: Entry = { email: "olivia.owner@example.com", name: "Olivia Owner" };
const leaver: Entry = { email: "liam.leaver@example.com", name: "Liam Leaver" };
const editor: Entry = { email: "erin.editor@example.com", name: "Erin Editor" };
const stayer: Entry = { email: "sam.stayer@example.com", name: "Sam Stayer" };
const newbie: Entry = { email: "nina.new@example.com", name: "Nina New" };

function writeFile(f: StackFixture, header: string, entries: Entry[]): void {
  const lines = entries.map(
    (e) =>
      `  - {email: ${e.email}, name: ${e.name}, role: Participant${e.title ? `, title: ${e.title}` : ""}}`,
  );
  fs.writeFileSync(path.join(f.projectDir, "users.yaml"), `${header}users:\n${lines.join("\n")}\n`);
}

async function fixture(name: string): Promise<StackFixture> {
  const f = await StackFixture.create(name);
  fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
  return f;
}

/** The emails the stack's DomoUsers and DomoUserBatches hold (not the stack outputs, which a failed run leaves as they were). */
function heldEmails(f: StackFixture): string[] {
  const resources =
    (
      JSON.parse(f.state()) as {
        checkpoint: { latest: { resources?: { type: string; outputs?: Record<string, unknown> }[] } };
      }
    ).checkpoint.latest.resources ?? [];
  const held: string[] = [];
  for (const r of resources) {
    if (r.type === "pulumi-nodejs:dynamic/domo:User") held.push(String(r.outputs?.email));
    if (r.type === "pulumi-nodejs:dynamic/domo:UserBatch") held.push(...Object.keys(r.outputs?.users ?? {}));
  }
  return held.sort();
}

const deletes = (f: StackFixture) => f.calls()["DELETE /v1/users/{id}"] ?? 0;
const liveByEmail = (f: StackFixture, email: string) => f.liveUsers().find((u) => u.email === email);

describe("content owners: removing someone Domo will not delete (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture | undefined;
  afterEach(async () => {
    await f?.dispose();
    f = undefined;
  });

  for (const mode of ["perUser", "bulk"] as const) {
    it(`${mode}: up fails naming the person, why and both fixes; the other changes are made; after the transfer one DELETE`, async () => {
      f = await fixture(`owners-${mode}`);
      const header = `mode: ${mode}\n`;
      writeFile(f, header, [owner, leaver, editor, stayer]);
      await f.stack.up();
      const ownerId = liveByEmail(f, owner.email)?.id;
      assert.ok(ownerId);
      await f.emu.store.updateUser(ownerId, { ownsContent: true });

      // One run: the owner and another person removed, one person edited, one added.
      writeFile(f, header, [{ ...editor, title: "Analyst" }, stayer, newbie]);
      f.emu.resetCounters();
      const failed = await f.stack.up([], { allowFailure: true });
      const said = failed.stdout + failed.stderr;
      assert.notEqual(failed.code, 0, "the up fails");
      assert.match(
        said,
        new RegExp(`Domo refused to delete olivia\\.owner@example\\.com \\(Domo user ${ownerId}\\)`),
      );
      assert.match(said, /they own DataSets or DataFlows, and Domo deletes no user who owns content/);
      assert.match(
        said,
        /\(1\) transfer their DataSets and DataFlows to someone else in Domo .*Admin > People/,
      );
      assert.match(said, /then run `pulumi up` again: it deletes the account/);
      assert.match(said, /\(2\) keep the account in Domo .*deletionPolicy: retain/);
      assert.match(said, /In a users file: put their entry back under users: with `deletionPolicy: retain`/);
      assert.match(said, /in a program: put the DomoUser back/);
      // Every other change of the run was made.
      assert.equal(liveByEmail(f, editor.email)?.title, "Analyst", `the edit is made\n${said}`);
      assert.ok(liveByEmail(f, newbie.email), "the new person is created");
      assert.equal(liveByEmail(f, leaver.email), undefined, "the other removed person is deleted");
      assert.ok(liveByEmail(f, owner.email), "the owner's account stays");
      assert.equal(deletes(f), 2, "the leaver's DELETE and the owner's refused one");
      if (mode === "bulk") {
        assert.match(
          said,
          /people-users-\d: 1 user\(s\) not deleted \(Domo refuses: they own DataSets or DataFlows\), 1 deleted/,
        );
      }
      // The state keeps the owner (their DomoUser, or their place in the batch) and records the rest.
      assert.deepEqual(
        heldEmails(f),
        [editor, newbie, owner, stayer].map((p) => p.email).sort(),
        "the owner stays in the state, the leaver left it, the new person is recorded",
      );

      // Their content was transferred in Domo: the next up deletes that account and nothing else.
      await f.emu.store.updateUser(ownerId, { ownsContent: false });
      f.emu.resetCounters();
      await f.stack.up();
      assert.equal(deletes(f), 1, "exactly one DELETE");
      assert.equal(f.writes(), 1, "and no other write");
      assert.equal(liveByEmail(f, owner.email), undefined);
      assert.deepEqual(heldEmails(f), [editor, newbie, stayer].map((p) => p.email).sort());
      f.emu.resetCounters();
      await f.stack.preview(["--expect-no-changes"]);
    });
  }

  it("bulk destroy under deletionPolicy retain: says the accounts were left in Domo, with 0 DELETE", async () => {
    f = await fixture("owners-retain");
    const people = [owner, leaver, editor, stayer];
    writeFile(f, "mode: bulk\ndefaults:\n  deletionPolicy: retain\n", people);
    await f.stack.up();
    f.emu.resetCounters();
    const destroyed = await f.stack.destroy();
    const said = destroyed.stdout + destroyed.stderr;
    assert.match(
      said,
      /pulumi-domo: people-users-0: 4 user\(s\) left in Domo \(deletionPolicy retain\), 0 deleted/,
    );
    assert.doesNotMatch(said, /user\(s\) converged|\d+\/\d+ user\(s\) deleted/);
    assert.equal(deletes(f), 0);
    assert.equal(f.writes(), 0);
    for (const p of people) assert.ok(liveByEmail(f, p.email), `${p.email} is still in Domo`);
  });
});
