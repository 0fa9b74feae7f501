import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StackFixture } from "./stack-fixture";

/**
 * DomoUserDirectory in bulk mode (DomoUserBatch resources) through the real Pulumi CLI: one
 * stack walks through creating, editing, removing, a failure half-way, and moving between
 * perUser and bulk mode with no write and no delete.
 */
const program = `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const people = new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
exports.userIds = people.userIds;
`;

const userTypes = { batch: "pulumi-nodejs:dynamic/domo:UserBatch", user: "pulumi-nodejs:dynamic/domo:User" };

describe("bulk mode: a directory's users in DomoUserBatch resources (real CLI)", function () {
  this.timeout(600_000);
  let f: StackFixture;
  let people = Array.from({ length: 30 }, (_, i) => i);
  const titles: Record<number, string> = {};
  const write = (mode: "bulk" | "perUser" | undefined) => {
    const lines = people.map(
      (n) =>
        `  - {email: user${n}@example.com, name: User ${n}, role: Participant${titles[n] ? `, title: ${titles[n]}` : ""}}`,
    );
    fs.writeFileSync(
      path.join(f.projectDir, "users.yaml"),
      `${mode === undefined ? "" : `mode: ${mode}\n`}batchSize: 10\n${lines.length === 0 ? "users: []" : `users:\n${lines.join("\n")}`}\n`,
    );
  };
  const resources = () =>
    (JSON.parse(f.state()) as { checkpoint: { latest: { resources?: { type: string }[] } } }).checkpoint
      .latest.resources ?? [];
  const ofType = (type: string) => resources().filter((r) => r.type === type).length;
  const deletes = () => f.calls()["DELETE /v1/users/{id}"] ?? 0;
  const total = () => Object.values(f.calls()).reduce((a, b) => a + b, 0);
  /** Emails on the changed lines (~, +, -) of the batches' sections of a preview --diff. */
  const changedEmails = (text: string) => {
    const found = new Set<string>();
    let inBatch = false;
    for (const line of text.split("\n")) {
      if (/dynamic\/domo:\w+: \(/.test(line) || /--outputs:--|^Resources:/.test(line))
        inBatch = /dynamic\/domo:UserBatch: \(update\)/.test(line);
      else if (inBatch && /^\s*[~+-] /.test(line))
        for (const m of line.match(/user\d+@example\.com/g) ?? []) found.add(m);
    }
    return [...found].sort();
  };
  const liveIds = () =>
    Object.fromEntries(
      f
        .liveUsers()
        .filter((u) => /^user\d+@/.test(u.email ?? ""))
        .map((u) => [u.email, u.id]),
    );

  before(async () => {
    f = await StackFixture.create("e2e-bulk");
    fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
  });
  after(async () => {
    await f?.dispose();
  });

  it("creates 30 users in a few batches (4 of at most 10), reports progress, and a second up makes no call", async () => {
    write("bulk");
    const up = await f.stack.up();
    assert.equal(f.liveUsers().filter((u) => /^user\d+@/.test(u.email ?? "")).length, 30);
    assert.equal(ofType(userTypes.batch), 4, "ceil(30/10) rounded up to a power of two");
    assert.equal(ofType(userTypes.user), 0);
    assert.match(up.stdout + up.stderr, /people-users-\d: \d+\/\d+ user\(s\) converged/);
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(total(), 0, "a no-change up makes no call");
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("preview --diff after editing one user shows that user's key alone; up writes once", async () => {
    titles[7] = "Analyst";
    write("bulk");
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(), 0, "preview makes no call");
    assert.deepEqual(changedEmails(preview.stdout), ["user7@example.com"], preview.stdout);
    assert.match(preview.stdout, /1 to update/);
    assert.match(preview.stdout, /~ user7@example\.com\s*: \{/);
    assert.match(preview.stdout, /\+ title: "Analyst"/);
    await f.stack.up();
    assert.equal(f.writes(), 1);
    assert.equal(f.liveUsers().find((u) => u.email === "user7@example.com")?.title, "Analyst");
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("removing one user deletes that account alone", async () => {
    people = people.filter((n) => n !== 12);
    write("bulk");
    const preview = await f.stack.preview(["--diff"]);
    assert.deepEqual(changedEmails(preview.stdout), ["user12@example.com"], preview.stdout);
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(f.writes(), 1);
    assert.equal(deletes(), 1);
    assert.equal(
      f.liveUsers().some((u) => u.email === "user12@example.com"),
      false,
    );
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("a failed POST half-way: the converged users are recorded, the re-run creates only the rest", async () => {
    await f.stack.setConfig("domo:maxRetries", "0");
    people = [...people, 40, 41];
    write("bulk");
    f.emu.faults.add({ kind: "status", status: 500, route: "POST /v1/users", count: 1 });
    f.emu.resetCounters();
    const failed = await f.stack.up([], { allowFailure: true });
    assert.notEqual(failed.code, 0, "the up fails");
    assert.match(failed.stdout + failed.stderr, /1 of 1 user change\(s\) in people-users-\d failed|failed/);
    assert.equal(f.calls()["POST /v1/users"], 2, "both creates were tried");
    const made = ["user40@example.com", "user41@example.com"].filter((e) =>
      f.liveUsers().some((u) => u.email === e),
    );
    assert.equal(made.length, 1, "one of the two was created");
    f.emu.faults.clear();
    await f.stack.run(["config", "rm", "domo:maxRetries"]);
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(f.calls()["POST /v1/users"], 1, "only the missing user is created");
    for (const e of ["user40@example.com", "user41@example.com"])
      assert.equal(f.liveUsers().filter((u) => u.email === e).length, 1, `${e} exists once`);
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("an emptied users file fails preview by the mass-deletion guard, with no call to Domo", async () => {
    const kept = people;
    people = [];
    write("bulk");
    people = kept;
    f.emu.resetCounters();
    const preview = await f.stack.preview([], { allowFailure: true });
    assert.notEqual(preview.code, 0);
    assert.match(preview.stdout + preview.stderr, /would delete 31 of its 31 Domo accounts/);
    assert.equal(total(), 0);
    write("bulk");
    await f.stack.preview(["--expect-no-changes"]);
  });

  it("moves perUser -> bulk -> perUser with no write and no delete", async () => {
    const ids = liveIds();
    assert.equal(Object.keys(ids).length, people.length);
    for (const mode of ["perUser", "bulk", undefined] as const) {
      write(mode);
      f.emu.resetCounters();
      const up = await f.stack.up();
      const said = up.stdout + up.stderr;
      assert.equal(f.writes(), 0, `${mode ?? "perUser (default)"}: no write\n${said}`);
      assert.equal(deletes(), 0);
      assert.deepEqual(liveIds(), ids, "the same accounts");
      const perUser = mode !== "bulk";
      assert.equal(ofType(userTypes.user), perUser ? people.length : 0);
      assert.equal(ofType(userTypes.batch), perUser ? 0 : 4);
      assert.match(said, /not deleting user\d+@example\.com/);
      const outputs = JSON.parse((await f.stack.run(["stack", "output", "--json"])).stdout) as {
        userIds: Record<string, number>;
      };
      assert.deepEqual(outputs.userIds, ids);
      await f.stack.preview(["--expect-no-changes"]);
    }
  });
});
