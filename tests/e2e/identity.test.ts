import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StackFixture } from "./stack-fixture";

/**
 * A person keeps their account, and a group its id, through every change a users file can
 * make, through the real Pulumi CLI (issue 20, cases 1, 2 and 5): an email change with and
 * without the explicit `formerEmails`, in both modes; a company domain move of an exported
 * directory (entries with `id:`), at 1,000 people in bulk mode; a group renamed with and
 * without `formerNames`; a group with members removed; many groups removed at once.
 */
const program = `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const people = new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
exports.userIds = people.userIds;
exports.groupIds = people.groupIds;
`;

interface Person {
  email: string;
  name: string;
  id?: number;
  formerEmails?: string[];
  groups?: string[];
}
interface Group {
  name: string;
  formerNames?: string[];
  allowDeleteWithMembers?: boolean;
}

function render(mode: "perUser" | "bulk", people: readonly Person[], groups: readonly Group[] = []): string {
  const lines = [`mode: ${mode}`, "batchSize: 250", "defaults:", "  role: Participant"];
  if (groups.length > 0) {
    lines.push("groups:");
    for (const g of groups) {
      lines.push(`  - name: ${g.name}`);
      if (g.formerNames) lines.push(`    formerNames: [${g.formerNames.join(", ")}]`);
      if (g.allowDeleteWithMembers) lines.push("    allowDeleteWithMembers: true");
    }
  }
  lines.push(people.length === 0 ? "users: []" : "users:");
  for (const p of people) {
    const parts = [`email: ${p.email}`, `name: ${p.name}`];
    if (p.id !== undefined) parts.push(`id: ${p.id}`);
    if (p.formerEmails) parts.push(`formerEmails: [${p.formerEmails.join(", ")}]`);
    if (p.groups) parts.push(`groups: [${p.groups.join(", ")}]`);
    lines.push(`  - {${parts.join(", ")}}`);
  }
  return `${lines.join("\n")}\n`;
}

async function directoryStack(name: string): Promise<StackFixture> {
  const f = await StackFixture.create(name);
  fs.writeFileSync(path.join(f.projectDir, "index.js"), program);
  return f;
}

const count = (f: StackFixture, route: string) => f.calls()[route] ?? 0;
const total = (f: StackFixture) => Object.values(f.calls()).reduce((a, b) => a + b, 0);
/** Users updated in a preview: the directory's guard (no call to Domo) is an update of its own. */
const userUpdates = (text: string) =>
  (text.match(/~ pulumi-nodejs:dynamic\/domo:User: \(update\)/g) ?? []).length;
const write = (f: StackFixture, text: string) =>
  fs.writeFileSync(path.join(f.projectDir, "users.yaml"), text);

for (const mode of ["perUser", "bulk"] as const) {
  describe(`identity: an email change in a users file without id: (${mode}, real CLI)`, function () {
    this.timeout(300_000);
    let f: StackFixture;
    const team: Person[] = [
      { email: "ada@example.com", name: "Ada Lovelace" },
      { email: "jo@old.example.com", name: "Jo Smith" },
      { email: "grace@example.com", name: "Grace Hopper" },
    ];
    before(async () => {
      f = await directoryStack(`e2e-identity-${mode}`);
      write(f, render(mode, team));
      await f.stack.up();
    });
    after(async () => {
      await f?.dispose();
    });

    it("without formerEmails: the preview fails naming both emails and the fix, with 0 calls", async () => {
      write(f, render(mode, [team[0]!, { email: "jo.smith@example.com", name: "Jo Smith" }, team[2]!]));
      f.emu.resetCounters();
      const preview = await f.stack.preview(["--diff"], { allowFailure: true });
      assert.notEqual(preview.code, 0);
      const out = preview.stdout + preview.stderr;
      assert.match(
        out,
        /would delete the Domo account of jo@old\.example\.com and create a new account for jo\.smith@example\.com/,
      );
      assert.match(out, /add formerEmails: \[jo@old\.example\.com\] to the entry of jo\.smith@example\.com/);
      const up = await f.stack.up([], { allowFailure: true });
      assert.notEqual(up.code, 0);
      assert.equal(total(f), 0, "nothing reached Domo");
    });

    it("with formerEmails: the preview shows the email change, up makes one PUT, no POST, no DELETE", async () => {
      const before = f.liveUsers().find((u) => u.email === "jo@old.example.com");
      assert.ok(before);
      write(
        f,
        render(mode, [
          team[0]!,
          { email: "jo.smith@example.com", name: "Jo Smith", formerEmails: ["jo@old.example.com"] },
          team[2]!,
        ]),
      );
      f.emu.resetCounters();
      const preview = await f.stack.preview(["--diff"]);
      assert.equal(total(f), 0, "preview makes no call");
      const out = preview.stdout + preview.stderr;
      assert.match(
        out,
        /1 email change\(s\), each keeping its Domo account.*jo@old\.example\.com -> jo\.smith@example\.com/,
      );
      if (mode === "perUser") {
        assert.equal(userUpdates(preview.stdout), 1, preview.stdout);
        assert.match(preview.stdout, /2 to update/, "the user and the directory's guard");
        assert.doesNotMatch(preview.stdout, /to create|to delete/);
        assert.match(preview.stdout, /email\s*: "jo@old\.example\.com" => "jo\.smith@example\.com"/);
      }
      f.emu.resetCounters();
      await f.stack.up();
      assert.equal(count(f, "PUT /v1/users/{id}"), 1);
      assert.equal(count(f, "POST /v1/users"), 0);
      assert.equal(count(f, "DELETE /v1/users/{id}"), 0);
      const after = f.liveUsers().find((u) => u.email === "jo.smith@example.com");
      assert.equal(after?.id, before.id, "the same account, its email changed");
      const people = f.liveUsers().filter((u) => u.email !== "admin@example.com");
      assert.equal(people.length, 3, "no second account, no one gone");
      await f.stack.preview(["--expect-no-changes"]);
    });
  });
}

describe("identity: a company domain move of an exported directory (entries with id:)", function () {
  this.timeout(600_000);
  let f: StackFixture;
  after(async () => {
    await f?.dispose();
  });

  it("perUser, 8 people: N updates in the preview, N PUTs, 0 creates, 0 deletes, no allowEmailChange", async () => {
    f = await directoryStack("e2e-domain-move");
    const seeded = [];
    for (let i = 0; i < 8; i++)
      seeded.push(
        await f.emu.store.createUser({ email: `p${i}@old.example.com`, name: `P ${i}`, role: "Participant" }),
      );
    write(
      f,
      render(
        "perUser",
        seeded.map((u) => ({ email: u.email!, name: u.name!, id: u.id })),
      ),
    );
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(f.writes(), 0, "the first up takes everyone over with no write");
    write(
      f,
      render(
        "perUser",
        seeded.map((u, i) => ({ email: `p${i}@new.example.com`, name: u.name!, id: u.id })),
      ),
    );
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(f), 0);
    assert.equal(userUpdates(preview.stdout), 8, preview.stdout);
    assert.match(preview.stdout, /9 to update/, "8 people and the directory's guard");
    assert.doesNotMatch(preview.stdout, /to create|to delete/);
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(count(f, "PUT /v1/users/{id}"), 8);
    assert.equal(count(f, "POST /v1/users"), 0);
    assert.equal(count(f, "DELETE /v1/users/{id}"), 0);
    for (const [i, u] of seeded.entries())
      assert.equal(f.emu.store.getUser(u.id)?.email, `p${i}@new.example.com`);
    await f.stack.preview(["--expect-no-changes"]);
    await f.dispose();
  });

  it("bulk, 1,000 people: one reviewable change, 1,000 PUTs, 0 POSTs, 0 DELETEs", async () => {
    f = await directoryStack("e2e-domain-move-bulk");
    await f.stack.setConfig("domo:requestsPerSecond", "400");
    await f.stack.setConfig("domo:maxConcurrency", "16");
    const seeded = [];
    for (let i = 0; i < 1000; i++)
      seeded.push(
        await f.emu.store.createUser({
          email: `p${i}@old.example.com`,
          name: `Person ${i}`,
          role: "Participant",
        }),
      );
    // What `pulumi-domo export` writes: every account with its id.
    write(
      f,
      render(
        "bulk",
        seeded.map((u) => ({ email: u.email!, name: u.name!, id: u.id })),
      ),
    );
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(f.writes(), 0, "taken over with no write");
    write(
      f,
      render(
        "bulk",
        seeded.map((u, i) => ({ email: `p${i}@new.example.com`, name: u.name!, id: u.id })),
      ),
    );
    f.emu.resetCounters();
    const preview = await f.stack.preview(["--diff"]);
    assert.equal(total(f), 0, "preview makes no call");
    assert.match(preview.stdout + preview.stderr, /1000 email change\(s\), each keeping its Domo account/);
    assert.doesNotMatch(preview.stdout, /to create|to delete/);
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(count(f, "PUT /v1/users/{id}"), 1000);
    assert.equal(count(f, "POST /v1/users"), 0);
    assert.equal(count(f, "DELETE /v1/users/{id}"), 0);
    const live = f.liveUsers();
    assert.equal(live.filter((u) => /@new\.example\.com$/.test(u.email ?? "")).length, 1000);
    assert.equal(live.filter((u) => /@old\.example\.com$/.test(u.email ?? "")).length, 0);
    for (const [i, u] of seeded.entries())
      assert.equal(f.emu.store.getUser(u.id)?.email, `p${i}@new.example.com`);
    await f.stack.preview(["--expect-no-changes"]);
  });
});

for (const mode of ["perUser", "bulk"] as const)
  describe(`identity: groups keep their id (users file, ${mode}, real CLI)`, function () {
    this.timeout(300_000);
    let f: StackFixture;
    const people = (group: string): Person[] => [
      { email: "ada@example.com", name: "Ada", groups: [group] },
      { email: "bob@example.com", name: "Bob", groups: [group] },
    ];
    before(async () => {
      f = await directoryStack(`e2e-group-identity-${mode}`);
      write(f, render(mode, people("Analytics"), [{ name: "Analytics" }]));
      await f.stack.up();
    });
    after(async () => {
      await f?.dispose();
    });

    it("a rename without formerNames fails at preview with the fix and 0 calls", async () => {
      write(f, render(mode, people("Data Team"), [{ name: "Data Team" }]));
      f.emu.resetCounters();
      const preview = await f.stack.preview([], { allowFailure: true });
      assert.notEqual(preview.code, 0);
      const out = preview.stdout + preview.stderr;
      assert.match(out, /would delete group "Analytics" and create group "Data Team"/);
      assert.match(out, /add formerNames: \["Analytics"\] to the group "Data Team"/);
      const up = await f.stack.up([], { allowFailure: true });
      assert.notEqual(up.code, 0);
      assert.equal(total(f), 0);
    });

    it("with formerNames: renamed in place (1 PUT), the same id, its members kept", async () => {
      const before = f.emu.store.listGroups().find((g) => g.name === "Analytics");
      assert.ok(before);
      write(f, render(mode, people("Data Team"), [{ name: "Data Team", formerNames: ["Analytics"] }]));
      const preview = await f.stack.preview(["--diff"]);
      assert.doesNotMatch(preview.stdout, /to create|to delete/);
      f.emu.resetCounters();
      await f.stack.up();
      assert.equal(count(f, "PUT /v1/groups/{id}"), 1);
      assert.equal(count(f, "POST /v1/groups"), 0);
      assert.equal(count(f, "DELETE /v1/groups/{id}"), 0);
      const after = f.emu.store.getGroup(before.id);
      assert.equal(after?.name, "Data Team");
      assert.equal(f.emu.store.memberIds(before.id).length, 2);
      await f.stack.preview(["--expect-no-changes"]);
    });

    it("removing a group that has members fails at preview (allowDeleteWithMembers is not bypassed)", async () => {
      write(
        f,
        render("perUser", [
          { email: "ada@example.com", name: "Ada" },
          { email: "bob@example.com", name: "Bob" },
        ]),
      );
      f.emu.resetCounters();
      const preview = await f.stack.preview([], { allowFailure: true });
      assert.notEqual(preview.code, 0);
      assert.match(
        preview.stdout + preview.stderr,
        /would delete group "Data Team", which still has members in the file \(2 in "Data Team"\).*allowDeleteWithMembers: true/s,
      );
      assert.equal(total(f), 0);
    });
  });

describe("identity: a DomoUser renamed in a program with a new email and formerEmails (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture;
  after(async () => {
    await f?.dispose();
  });

  it("the new resource takes the account over (1 PUT); the old resource's delete keeps it", async () => {
    f = await StackFixture.create("e2e-identity-program");
    f.declare([{ key: "jo", email: "jo@old.example.com", name: "Jo Smith", role: "Editor" }]);
    await f.stack.up();
    const before = f.liveUsers().find((u) => u.email === "jo@old.example.com");
    assert.ok(before);
    f.declare([
      {
        key: "jo-smith",
        email: "jo.smith@example.com",
        name: "Jo Smith",
        role: "Editor",
        formerEmails: ["jo@old.example.com"],
      },
    ]);
    f.emu.resetCounters();
    const up = await f.stack.up();
    assert.equal(count(f, "PUT /v1/users/{id}"), 1);
    assert.equal(count(f, "POST /v1/users"), 0);
    assert.equal(count(f, "DELETE /v1/users/{id}"), 0);
    assert.match(up.stdout + up.stderr, /not deleting jo@old\.example\.com/);
    assert.equal(f.emu.store.getUser(before.id)?.email, "jo.smith@example.com");
    await f.stack.preview(["--expect-no-changes"]);
  });
});
