import assert from "node:assert/strict";
import { providerText } from "../../provider/resources/dynamic-resource";
import type { CommandResult } from "../../scripts/lib/pulumi-cli";
import { StackFixture } from "./stack-fixture";

/**
 * The real Pulumi CLI (built from Pulumi's Go modules by tools/pulumi-cli), a local file
 * backend and the emulator: the path users take with `pulumi preview --diff` and `pulumi up`.
 * Every test starts from a fresh stack and emulator and builds the state it needs, so each
 * passes alone (`mocha --grep`) and in any order.
 */
describe("end to end with the real Pulumi CLI", function () {
  this.timeout(300_000);

  /**
   * Each step of a team's life gets a fresh stack and emulator and sets up what it needs
   * itself (the team deployed, say), so any step passes alone (`mocha --grep`) and in any order.
   */
  describe("the lifecycle of a team's declaration", () => {
    let f: StackFixture;
    let unmanagedId: number;
    const team = [
      { key: "ada", email: "ada@example.com", name: "Ada Lovelace", role: "Admin", title: "Admin" },
      { key: "grace", email: "grace@example.com", name: "Grace Hopper", role: "Editor", title: "Engineer" },
      { key: "alan", email: "alan@example.com", name: "Alan Turing", role: "Participant" },
    ];

    /** The team declared and deployed, counters reset: where most steps start. */
    async function deployedTeam(): Promise<CommandResult> {
      f.declare(team);
      const up = await f.stack.up();
      assert.equal(f.liveUsers().length, 5, "admin, bystander and the team");
      f.emu.resetCounters();
      return up;
    }

    beforeEach(async () => {
      f = await StackFixture.create("e2e-lifecycle");
      unmanagedId = (
        await f.emu.store.createUser({ email: "bystander@example.com", name: "By Stander", role: "Editor" })
      ).id;
    });
    afterEach(async () => {
      await f?.dispose();
    });

    it("1. `pulumi up` creates exactly the declared users", async () => {
      f.declare(team);
      f.emu.resetCounters();
      await f.stack.up();
      const emails = f
        .liveUsers()
        .map((u) => u.email)
        .sort();
      assert.deepEqual(emails, [
        "ada@example.com",
        "admin@example.com",
        "alan@example.com",
        "bystander@example.com",
        "grace@example.com",
      ]);
      assert.equal(f.calls()["POST /v1/users"], 3);
    });

    it("2. `pulumi preview --diff` shows an edit without writing; `up` applies only it", async () => {
      await deployedTeam();
      f.declare(team.map((u) => (u.key === "grace" ? { ...u, title: "Rear Admiral" } : u)));
      const preview = await f.stack.preview(["--diff"]);
      assert.match(preview.stdout, /title\s*:\s*"Engineer"\s*=>\s*"Rear Admiral"/);
      assert.match(preview.stdout, /1 to update/);
      assert.deepEqual(f.calls(), {}, "preview makes no API call");
      await f.stack.up();
      assert.equal(f.writes(), 1);
      assert.equal(f.calls()["PUT /v1/users/{id}"], 1);
      assert.equal(f.liveUsers().find((u) => u.email === "grace@example.com")?.title, "Rear Admiral");
    });

    it("3. a second `up` with nothing changed makes no API call at all", async () => {
      await deployedTeam();
      const up = await f.stack.up();
      assert.deepEqual(f.calls(), {});
      assert.doesNotMatch(up.stdout, /updated|created|deleted/);
    });

    it("4. `refresh` finds an out-of-band change and the next `up` restores the declaration", async () => {
      await deployedTeam();
      const alan = f.liveUsers().find((u) => u.email === "alan@example.com");
      assert.ok(alan);
      await f.emu.store.updateUser(alan.id, { name: "Changed By Hand" });
      f.emu.resetCounters();
      const refresh = await f.stack.refresh();
      assert.match(refresh.stdout, /1 updated/);
      assert.ok((f.calls()["GET /v1/users"] ?? 0) <= 1, "refresh reads through one shared listing");
      assert.equal(f.calls()["GET /v1/users/{id}"] ?? 0, 0);
      const preview = await f.stack.preview(["--diff"]);
      assert.match(preview.stdout, /name\s*:\s*"Changed By Hand"\s*=>\s*"Alan Turing"/);
      await f.stack.up();
      assert.equal(f.emu.store.getUser(alan.id)?.name, "Alan Turing");
    });

    it("5. removing a user deletes exactly that account", async () => {
      await deployedTeam();
      const alan = f.liveUsers().find((u) => u.email === "alan@example.com");
      assert.ok(alan);
      f.declare(team.filter((u) => u.key !== "alan"));
      await f.stack.up();
      assert.equal(f.calls()["DELETE /v1/users/{id}"], 1);
      assert.equal(f.emu.store.getUser(alan.id)?.deleted, true);
      assert.equal(f.liveUsers().length, 4);
    });

    it("8. the state file and CLI output hold neither the client secret nor a token", async () => {
      const outputs: CommandResult[] = [await deployedTeam()];
      f.declare(team.map((u) => (u.key === "grace" ? { ...u, title: "Rear Admiral" } : u)));
      outputs.push(await f.stack.preview(["--diff"]));
      outputs.push(await f.stack.up());
      outputs.push(await f.stack.refresh());
      const secret = f.emu.credentials.clientSecret;
      const everything = f.state() + outputs.map((o) => o.stdout + o.stderr).join("\n");
      assert.ok(!everything.includes(secret), "client secret leaked");
      assert.doesNotMatch(everything, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, "a token leaked");
      // The scan read a real state: each DomoUser holds its kind's one-line `__provider`.
      assert.ok(
        f.state().includes(JSON.stringify(providerText("User")).slice(1, -1)),
        "no DomoUser in the state",
      );
    });

    it("5b. `destroy` deletes the managed accounts and leaves unmanaged ones alone", async () => {
      await deployedTeam();
      f.emu.setBehaviour({ deleteLastAdmin: "allow" });
      await f.stack.destroy();
      const left = f
        .liveUsers()
        .map((u) => u.email)
        .sort();
      assert.deepEqual(left, ["admin@example.com", "bystander@example.com"]);
      assert.equal(f.emu.store.getUser(unmanagedId)?.deleted, undefined);
      assert.equal(f.calls()["DELETE /v1/users/{id}"], 3);
    });
  });

  describe("taking over existing accounts", () => {
    let f: StackFixture;
    before(async () => {
      f = await StackFixture.create("e2e-adopt");
    });
    after(async () => {
      await f?.dispose();
    });

    it("6. adoptExisting and the `import` option change nothing when the declaration matches", async () => {
      const a = await f.emu.store.createUser({
        email: "old.timer@example.com",
        name: "Old Timer",
        role: "Editor",
      });
      const b = await f.emu.store.createUser({
        email: "imported@example.com",
        name: "Imported",
        role: "Social",
        title: "X",
      });
      f.declare([
        {
          key: "old",
          email: "Old.Timer@example.com",
          name: "Old Timer",
          role: "Editor",
          adoptExisting: true,
        },
        {
          key: "imp",
          importId: String(b.id),
          email: "imported@example.com",
          name: "Imported",
          role: "Social",
          title: "X",
        },
      ]);
      f.emu.resetCounters();
      await f.stack.up();
      assert.equal(f.writes(), 0, JSON.stringify(f.calls()));
      const state = JSON.parse(f.state()) as {
        checkpoint: { latest: { resources: Array<{ id?: string }> } };
      };
      const ids = state.checkpoint.latest.resources.map((r) => r.id).filter(Boolean);
      assert.ok(ids.includes(String(a.id)) && ids.includes(String(b.id)));
      f.emu.resetCounters();
      await f.stack.up();
      assert.deepEqual(f.calls(), {});
    });
  });

  describe("bad input and faults", () => {
    let f: StackFixture;
    // A fresh stack per test: no test depends on what another left behind.
    beforeEach(async () => {
      f = await StackFixture.create("e2e-faults");
    });
    afterEach(async () => {
      await f?.dispose();
    });

    it("7. invalid input fails `preview` naming the field, and nothing reaches Domo", async () => {
      f.declare([{ key: "bad", email: "not-an-email", name: "Bad", role: "admin" }]);
      f.emu.resetCounters();
      const preview = await f.stack.preview([], { allowFailure: true });
      assert.notEqual(preview.code, 0);
      const text = preview.stdout + preview.stderr;
      assert.match(text, /email is not a valid email address/);
      assert.match(
        text,
        /role "admin" is not a Domo system role; role names are case-sensitive: use "Admin"/,
      );
      assert.deepEqual(f.calls(), {});
    });

    it("a create whose response is lost converges to exactly one account", async () => {
      f.emu.faults.add({ route: "POST /v1/users", kind: "lostResponse", count: 1 });
      f.declare([{ key: "lost", email: "lost@example.com", name: "Lost", role: "Editor" }]);
      await f.stack.up();
      assert.equal(f.liveUsers().filter((u) => u.email === "lost@example.com").length, 1);
      assert.match(f.state(), /lost@example.com/);
      f.emu.resetCounters();
      await f.stack.up();
      assert.deepEqual(f.calls(), {}, "converged: nothing left to do");
    });

    it("a storm of 429s (with and without Retry-After) is ridden out without duplicates", async () => {
      f.emu.faults.add({ route: "POST /v1/users", kind: "status", status: 429, count: 4 });
      f.emu.faults.add({ route: "POST /v1/users", kind: "status", status: 429, retryAfter: 1, count: 2 });
      const users = Array.from({ length: 6 }, (_, i) => ({
        key: `storm${i}`,
        email: `storm${i}@example.com`,
        name: `Storm ${i}`,
        role: "Participant",
      }));
      f.declare(users);
      f.emu.resetCounters();
      await f.stack.up();
      for (const u of users) assert.equal(f.liveUsers().filter((l) => l.email === u.email).length, 1);
      assert.equal(f.calls()["POST /v1/users"], 12, "6 creates + 6 refused attempts");
    });
  });
});
