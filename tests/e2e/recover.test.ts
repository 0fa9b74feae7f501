import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { RunningEmulator } from "../../provider/emulator";
import { upKilledWhen } from "../../scripts/lib/interrupt";
import type { LocalStack } from "../../scripts/lib/pulumi-cli";
import { NativeStack } from "../native/native-stack";
import { domoCli, StackFixture } from "./stack-fixture";

/**
 * `pulumi-domo recover` after a SIGKILLed `pulumi up` of a users file, through the real CLI:
 * a bulk-mode first up (DomoUserBatch creates) and a first up creating groups with their
 * members (DomoGroup, DomoGroupMembers, DomoGroupMembership). Recover reads Domo only, records
 * what reached it, and the next `up` converges with every user and group exactly once.
 */

/** The same directory through each transport: the dynamic component, or the native provider's. */
const programs = {
  dynamic: `"use strict";
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const people = new DomoUserDirectory("people", { file: path.join(__dirname, "users.yaml") });
exports.userIds = people.userIds;
exports.groupIds = people.groupIds;
`,
  // As any language's SDK registers it: a remote component served by pulumi-resource-domo.
  native: `"use strict";
const pulumi = require("@pulumi/pulumi");
class UserDirectory extends pulumi.ComponentResource {
  constructor(name, args, opts) {
    super("domo:index:UserDirectory", name, { ...args, userIds: undefined, groupIds: undefined }, opts, true);
  }
}
const people = new UserDirectory("people", { file: "users.yaml" });
exports.userIds = people.userIds;
exports.groupIds = people.groupIds;
`,
} as const;
type Transport = keyof typeof programs;

/** What the scenarios need of a stack, whichever transport runs it. */
interface Fixture {
  readonly stack: LocalStack;
  readonly projectDir: string;
  readonly emu: RunningEmulator;
  state(): string;
  dispose(): Promise<void>;
}

async function fixtureFor(transport: Transport, name: string): Promise<Fixture> {
  const f = transport === "dynamic" ? await StackFixture.create(name) : await NativeStack.create(name);
  fs.writeFileSync(path.join(f.projectDir, "index.js"), programs[transport]);
  return f;
}

const liveUsers = (f: Fixture) => f.emu.store.listUsers().filter((u) => !u.deleted);
const routeCalls = (f: Fixture) => f.emu.counters();
const writes = (f: Fixture) =>
  Object.entries(f.emu.counters())
    .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
    .reduce((n, [, c]) => n + c, 0);

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

function resources(f: Fixture): StateResource[] {
  const state = JSON.parse(f.state()) as { checkpoint: { latest: { resources?: StateResource[] } } };
  return state.checkpoint.latest.resources ?? [];
}

const ofType = (f: Fixture, kind: string) =>
  resources(f).filter(
    (r) => r.type === `pulumi-nodejs:dynamic/domo:${kind}` || r.type === `domo:index:${kind}`,
  );

function recover(stack: LocalStack, cwd: string) {
  return domoCli(stack, ["recover", "--stack", stack.stack, "--cwd", cwd], cwd);
}

const lines = (text: string, kind: "recorded" | "dropped" | "left") =>
  text.split("\n").filter((l) => l.startsWith(`${kind} `));

for (const transport of ["dynamic", "native"] as const)
  describe(`recover: killed runs of a users file, every kind (real CLI, ${transport} provider)`, function () {
    this.timeout(180_000);
    let f: Fixture | undefined;
    afterEach(async () => {
      await f?.dispose();
      f = undefined;
    });

    it("a killed bulk-mode first up: recover records each batch with exactly the users Domo holds; up creates the rest, once each", async () => {
      f = await fixtureFor(transport, "recover-bulk");
      const fx = f;
      const emails = Array.from({ length: 120 }, (_, i) => `person${i}@example.com`);
      fs.writeFileSync(
        path.join(fx.projectDir, "users.yaml"),
        `mode: bulk\nbatchSize: 40\nusers:\n${emails.map((e, i) => `  - {email: ${e}, name: Person ${i}, role: Participant}`).join("\n")}\n`,
      );
      await fx.stack.setConfig("domo:requestsPerSecond", "40");
      // Slow creates, so the kill finds batches half-way; "tree" kills the provider too, so the
      // users it had not sent yet never reach Domo.
      fx.emu.faults.add({ kind: "latency", ms: 100, route: "POST /v1/users" });
      const ours = () => liveUsers(fx).filter((u) => u.email.startsWith("person"));
      const killed = await upKilledWhen(fx.stack, fx.projectDir, fx.emu, () => ours().length, 41, "tree");
      assert.ok(killed.killed, "the up was killed before it finished");
      assert.ok(killed.pending > 0, "the kill left pending batch creates");
      fx.emu.faults.clear();
      const inDomo = new Map(ours().map((u) => [u.email, u.id]));
      assert.ok(inDomo.size >= 41 && inDomo.size < 120, `a partial run: ${inDomo.size} users in Domo`);

      const finished = ofType(fx, "UserBatch").reduce(
        (n, b) => n + Object.keys((b.outputs?.users ?? {}) as object).length,
        0,
      );

      fx.emu.resetCounters();
      const recovered = await recover(fx.stack, fx.projectDir);
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.equal(writes(fx), 0, "recover writes nothing to Domo");
      assert.ok(
        lines(recovered.stdout, "recorded").some((l) =>
          /^recorded {2}people-users-\d: \d+ of \d+ user\(s\) reached Domo/.test(l),
        ),
        recovered.stdout,
      );
      assert.equal(lines(recovered.stdout, "left").length, 0, recovered.stdout);
      // The state now holds exactly the users Domo holds, each with its Domo id, in its batch.
      const recorded = new Map<string, number>();
      for (const batch of ofType(fx, "UserBatch")) {
        for (const [email, id] of Object.entries((batch.outputs?.userIds ?? {}) as Record<string, number>)) {
          assert.ok(!recorded.has(email), `${email} in one batch only`);
          recorded.set(email, id);
        }
      }
      assert.deepEqual(new Map([...recorded].sort()), new Map([...inDomo].sort()));
      // Users of batches that finished before the kill were recorded by the run itself.
      assert.match(recovered.stdout, new RegExp(`\\(${inDomo.size - finished} user account\\(s\\)\\)`));

      fx.emu.resetCounters();
      const up = await fx.stack.up();
      assert.doesNotMatch(up.stdout + up.stderr, /already exists/);
      assert.equal(
        routeCalls(fx)["POST /v1/users"] ?? 0,
        120 - inDomo.size,
        "up creates only who never reached Domo",
      );
      await fx.stack.preview(["--expect-no-changes"]);
      for (const email of emails)
        assert.equal(ours().filter((u) => u.email === email).length, 1, `${email} exactly once`);
      const ids = ofType(fx, "UserBatch").flatMap((b) =>
        Object.values((b.outputs?.userIds ?? {}) as Record<string, number>),
      );
      assert.equal(ids.length, 120);
      assert.equal(new Set(ids).size, 120, "no account is managed twice");
      for (const [email, id] of inDomo)
        assert.equal(recorded.get(email), id, "recorded accounts kept their ids");
    });

    it("a killed first up creating groups with members: recover records the groups, lists and memberships Domo holds; up converges, once each", async () => {
      f = await fixtureFor(transport, "recover-groups");
      const fx = f;
      const groupNames = Array.from({ length: 10 }, (_, g) => `Team ${g}`);
      const people = Array.from({ length: 30 }, (_, i) => ({
        email: `member${i}@example.com`,
        groups: [groupNames[i % 10]!, groupNames[(i + 3) % 10]!],
      }));
      fs.writeFileSync(
        path.join(fx.projectDir, "users.yaml"),
        [
          "groups:",
          // Seven authoritative lists (DomoGroupMembers), three additive (DomoGroupMembership each).
          ...groupNames.map((g, i) => `  - {name: ${g}${i >= 7 ? ", members: additive" : ""}}`),
          "users:",
          ...people.map(
            (p, i) =>
              `  - {email: ${p.email}, name: Member ${i}, role: Participant, groups: [${p.groups.join(", ")}]}`,
          ),
          "",
        ].join("\n"),
      );
      await fx.stack.setConfig("domo:requestsPerSecond", "10");
      // Each group is committed at once and answered 3 s later: whenever the kill comes, the
      // groups Domo has were created by requests the run never heard back from (no race with
      // the engine recording them first), so recover must record them.
      fx.emu.faults.add({ kind: "slowAnswer", ms: 3000, route: "POST /v1/groups" });
      fx.emu.faults.add({ kind: "latency", ms: 100, route: "POST /v1/users" });
      const teams = () => fx.emu.store.listGroups().filter((g) => g.name.startsWith("Team "));
      const killed = await upKilledWhen(fx.stack, fx.projectDir, fx.emu, () => teams().length, 3, "tree");
      assert.ok(killed.killed, "the up was killed before it finished");
      assert.ok(killed.pending > 0);
      fx.emu.faults.clear();
      const groupsBefore = teams().length;
      assert.ok(groupsBefore >= 3 && groupsBefore < 10, `a partial run: ${groupsBefore} groups in Domo`);

      fx.emu.resetCounters();
      const recovered = await recover(fx.stack, fx.projectDir);
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.equal(writes(fx), 0, "recover writes nothing to Domo");
      assert.equal(lines(recovered.stdout, "left").length, 0, recovered.stdout);
      // Every group in Domo is in the state now, recorded by recover where the run did not finish it.
      const stateGroups = new Set(ofType(fx, "Group").map((r) => Number(r.id)));
      for (const g of teams()) assert.ok(stateGroups.has(g.id), `${g.name} is in the state`);
      assert.ok(
        lines(recovered.stdout, "recorded").some((l) => /is Domo group \d+; now managed/.test(l)),
        recovered.stdout,
      );

      fx.emu.resetCounters();
      const up = await fx.stack.up();
      assert.doesNotMatch(up.stdout + up.stderr, /already exists/);
      assert.equal(
        routeCalls(fx)["POST /v1/groups"] ?? 0,
        10 - groupsBefore,
        "up creates only the groups that never reached Domo",
      );
      await fx.stack.preview(["--expect-no-changes"]);
      const ids = new Map(liveUsers(fx).map((u) => [u.email, u.id]));
      for (const name of groupNames) {
        const found = teams().filter((g) => g.name === name);
        assert.equal(found.length, 1, `${name} exactly once`);
        const declared = people.filter((p) => p.groups.includes(name)).map((p) => ids.get(p.email));
        assert.deepEqual(
          [...(found[0]?.memberIds ?? [])].sort(),
          [...declared].sort(),
          `${name}: its declared members`,
        );
      }
      for (const p of people)
        assert.equal(liveUsers(fx).filter((u) => u.email === p.email).length, 1, `${p.email} exactly once`);
      assert.equal(ofType(fx, "User").length, 30);
      assert.equal(ofType(fx, "Group").length, 10);
      assert.equal(ofType(fx, "GroupMembers").length, 7);
      assert.equal(ofType(fx, "GroupMembership").length, 18);
    });
  });
