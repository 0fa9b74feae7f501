import assert from "node:assert/strict";
import fc from "fast-check";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { exceedsGuard } from "../../provider/model/deletion-guard";
import { normaliseEmail } from "../../provider/model/user";
import { type DirectoryLayout, layoutDirectory } from "../../provider/resources/directory/component";
import { providerText } from "../../provider/resources/dynamic-resource";
import { PartialBatchError, UserBatchRuntime } from "../../provider/resources/user/batch-runtime";
import {
  PartialCreateError,
  type PropertyMap,
  UserProviderRuntime,
} from "../../provider/resources/user/runtime";
import type { UserLedger } from "../../provider/runtime/user-ledger";
import type { UsersFileEntryInput } from "../../provider/usersfile";

import deletionGuardProvider = require("../../provider/resources/directory/deletion-guard-provider");

// The guard reaches the run's ledger through runtime/run.ts (as in a provider process): so do
// we, so the guard, every DomoUser and every DomoUserBatch of one simulated run share one ledger.
import { resetSharedUserRuntime, sharedUserLedger } from "../../provider/resources/user/runtime";
import { emulatorSettings } from "../support/emulator-client";

/** Fixed so runs are repeatable; set FC_SEED to explore other sequences. */
const seed = Number(process.env.FC_SEED ?? 20261204);
const numRuns = Number(process.env.FC_RUNS ?? 250);

// ---------------------------------------------------------------------------------------------
// The users-file model: people as a person edits them, followed across the sequence by `pid`.
// ---------------------------------------------------------------------------------------------

interface Person {
  /** The person (the test's identity: followed through formerEmails, ids and case changes). */
  pid: number;
  email: string;
  name: string;
  id?: number | undefined;
  formerEmails: string[];
  retain: boolean;
}

interface FileModel {
  people: Person[];
  mode: "perUser" | "bulk";
  batchSize: number;
}

type Edit =
  | { k: "add" }
  | { k: "remove"; i: number }
  | { k: "emailWithFormer"; i: number }
  | { k: "emailNoFormerSameName"; i: number }
  | { k: "emailNoFormerNewName"; i: number }
  | { k: "emailCase"; i: number }
  | { k: "giveId"; i: number }
  | { k: "dropId"; i: number }
  | { k: "dropFormers"; i: number }
  | { k: "retain"; i: number }
  | { k: "mode" }
  | { k: "batchSize"; n: number };

type Failure =
  | { kind: "status"; route: "POST /v1/users" | "PUT /v1/users/{id}" | "DELETE /v1/users/{id}" }
  | { kind: "crash"; after: number };

interface RunSpec {
  edits: Edit[];
  failure?: Failure | undefined;
  /** Shuffles the order the engine takes the directory's resources in (they all wait on the guard only). */
  order: number;
}

const index = fc.nat({ max: 11 });
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ k: "add" } as const) },
  { weight: 2, arbitrary: index.map((i) => ({ k: "remove", i }) as const) },
  { weight: 3, arbitrary: index.map((i) => ({ k: "emailWithFormer", i }) as const) },
  { weight: 2, arbitrary: index.map((i) => ({ k: "emailNoFormerSameName", i }) as const) },
  { weight: 1, arbitrary: index.map((i) => ({ k: "emailNoFormerNewName", i }) as const) },
  { weight: 1, arbitrary: index.map((i) => ({ k: "emailCase", i }) as const) },
  { weight: 2, arbitrary: index.map((i) => ({ k: "giveId", i }) as const) },
  { weight: 1, arbitrary: index.map((i) => ({ k: "dropId", i }) as const) },
  { weight: 1, arbitrary: index.map((i) => ({ k: "dropFormers", i }) as const) },
  { weight: 1, arbitrary: index.map((i) => ({ k: "retain", i }) as const) },
  { weight: 2, arbitrary: fc.constant({ k: "mode" } as const) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => ({ k: "batchSize", n }) as const) },
);
const failureArb: fc.Arbitrary<Failure> = fc.oneof(
  fc
    .constantFrom("POST /v1/users", "PUT /v1/users/{id}", "DELETE /v1/users/{id}")
    .map((route) => ({ kind: "status", route }) as const),
  fc.nat({ max: 8 }).map((after) => ({ kind: "crash", after }) as const),
);
const runArb: fc.Arbitrary<RunSpec> = fc.record({
  edits: fc.array(editArb, { minLength: 1, maxLength: 2 }),
  failure: fc.option(failureArb, { freq: 4, nil: undefined }),
  order: fc.nat(),
});
const scenarioArb = fc.record({
  initial: fc.integer({ min: 0, max: 5 }),
  mode: fc.constantFrom("perUser", "bulk") as fc.Arbitrary<"perUser" | "bulk">,
  batchSize: fc.integer({ min: 1, max: 4 }),
  runs: fc.array(runArb, { minLength: 4, maxLength: 8 }),
});

/** Fresh emails and names: no two people ever share one (a look-alike is always an edit of one person). */
class Names {
  private n = 0;
  next(): number {
    return ++this.n;
  }
}

/** Applies one edit to a copy of the file; `knownAccount` gives a person's Domo id (for `id:`). */
function applyEdit(
  file: FileModel,
  edit: Edit,
  names: Names,
  knownAccount: (pid: number) => number | undefined,
): FileModel {
  const people = file.people.map((p) => ({ ...p, formerEmails: [...p.formerEmails] }));
  const at = (i: number) => (people.length === 0 ? undefined : people[i % people.length]!);
  const fresh = (pid: number) => `p${pid}.v${names.next()}@x.io`;
  switch (edit.k) {
    case "add": {
      if (people.length >= 12) break;
      const pid = names.next();
      people.push({ pid, email: `p${pid}@x.io`, name: `Person ${pid}`, formerEmails: [], retain: false });
      break;
    }
    case "remove": {
      const p = at(edit.i);
      if (p) people.splice(people.indexOf(p), 1);
      break;
    }
    case "emailWithFormer": {
      const p = at(edit.i);
      if (p) {
        p.formerEmails = [...p.formerEmails, p.email].slice(-2);
        p.email = fresh(p.pid);
      }
      break;
    }
    case "emailNoFormerSameName": {
      const p = at(edit.i);
      if (p) {
        p.formerEmails = [];
        p.email = fresh(p.pid);
      }
      break;
    }
    case "emailNoFormerNewName": {
      // A different person takes the entry's place: a new email, a new name, no id.
      const p = at(edit.i);
      if (p) {
        const pid = names.next();
        people[people.indexOf(p)] = {
          pid,
          email: `p${pid}@x.io`,
          name: `Person ${pid}`,
          formerEmails: [],
          retain: false,
        };
      }
      break;
    }
    case "emailCase": {
      const p = at(edit.i);
      if (p) p.email = p.email === p.email.toLowerCase() ? p.email.toUpperCase() : p.email.toLowerCase();
      break;
    }
    case "giveId": {
      const p = at(edit.i);
      const account = p && knownAccount(p.pid);
      if (p && account !== undefined) p.id = account;
      break;
    }
    case "dropId": {
      const p = at(edit.i);
      if (p) p.id = undefined;
      break;
    }
    case "dropFormers": {
      const p = at(edit.i);
      if (p) p.formerEmails = [];
      break;
    }
    case "retain": {
      const p = at(edit.i);
      if (p) p.retain = !p.retain;
      break;
    }
    case "mode":
      return { ...file, people, mode: file.mode === "bulk" ? "perUser" : "bulk" };
    case "batchSize":
      return { ...file, people, batchSize: edit.n };
  }
  return { ...file, people };
}

function entries(file: FileModel): UsersFileEntryInput[] {
  return file.people.map((p) => ({
    email: p.email,
    name: p.name,
    role: "Participant",
    ...(p.id === undefined ? {} : { id: p.id }),
    ...(p.formerEmails.length === 0 ? {} : { formerEmails: p.formerEmails }),
    ...(p.retain ? { deletionPolicy: "retain" as const } : {}),
  }));
}

/** The directory's registrations, from the real planning code (what the component registers). */
function layoutOf(file: FileModel): DirectoryLayout {
  return layoutDirectory("dir", { users: entries(file), mode: file.mode, batchSize: file.batchSize });
}

// ---------------------------------------------------------------------------------------------
// The engine: a state, registrations matched by name or alias, check/diff/update|create, then
// the deletes of what nothing registered. One provider process (one ledger) per run.
// ---------------------------------------------------------------------------------------------

type Kind = "guard" | "user" | "batch";

interface Registration {
  kind: Kind;
  name: string;
  aliases: string[];
  inputs: PropertyMap;
}

interface StateEntry {
  kind: Kind;
  name: string;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
}

interface Provider {
  check(olds: PropertyMap, news: PropertyMap): Promise<{ inputs?: PropertyMap; failures?: unknown[] }>;
  diff(id: string, olds: PropertyMap, news: PropertyMap): Promise<{ changes: boolean }>;
  create(inputs: PropertyMap): Promise<{ id: string; outs: PropertyMap }>;
  update(id: string, olds: PropertyMap, news: PropertyMap): Promise<{ outs: PropertyMap }>;
  delete(id: string, props: PropertyMap): Promise<void>;
}

const key = (kind: Kind, name: string) => `${kind}::${name}`;
/** What crosses the engine's wire: plain JSON, undefined dropped. */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function registrations(layout: DirectoryLayout): Registration[] {
  const regs: Registration[] = [
    {
      kind: "guard",
      name: layout.guard.name,
      aliases: [],
      inputs: wire({ ...layout.guard.inputs, __provider: providerText("DirectoryDeletionGuard") }),
    },
  ];
  if (layout.mode === "bulk") {
    for (const b of layout.batches) {
      regs.push({
        kind: "batch",
        name: b.name,
        aliases: [],
        inputs: wire({ users: b.users, batch: b.name, __provider: providerText("UserBatch") }),
      });
    }
  } else {
    for (const p of layout.plans) {
      regs.push({
        kind: "user",
        name: p.name,
        aliases: p.aliases,
        // DomoUser turns the `import` option into its importId input.
        inputs: wire({
          ...p.args,
          ...(p.importId === undefined ? {} : { importId: p.importId }),
          __provider: providerText("User"),
        }),
      });
    }
  }
  return regs;
}

type RunOutcome =
  | { status: "refused"; reason: string }
  | { status: "completed"; writes: number }
  | { status: "failed"; error: string; guardDone: boolean };

class EngineError extends Error {}

class Simulation {
  readonly state = new Map<string, StateEntry>();
  readonly notices: string[] = [];

  constructor(readonly emu: RunningEmulator) {}

  /** The state entries that hold Domo account `id` (a DomoUser, or a user of a DomoUserBatch). */
  holders(id: number): string[] {
    const out: string[] = [];
    for (const [k, e] of this.state) {
      if (e.kind === "user" && Number(e.id) === id) out.push(k);
      if (e.kind === "batch") {
        for (const [email, u] of Object.entries((e.outputs.users ?? {}) as Record<string, PropertyMap>))
          if (u.userId === id) out.push(`${k}[${email}]`);
      }
    }
    return out;
  }

  /** A new provider process: a new ledger shared by the guard, the users and the batches. */
  private process(): { providers: Record<Kind, Provider>; ledger: UserLedger } {
    resetSharedUserRuntime();
    const ledger = sharedUserLedger();
    const settings = emulatorSettings(this.emu, { requestsPerSecond: 1000, maxRetries: 0 });
    const users = new UserProviderRuntime(() => settings, {
      notice: (l) => this.notices.push(l),
      ledger,
    });
    const batch = new UserBatchRuntime(users, { progressEvery: 1000 });
    return { providers: { guard: deletionGuardProvider, user: users, batch }, ledger };
  }

  /** The old state a registration takes: its own name first, else its first alias held (as Pulumi does). */
  private match(regs: Registration[]): Map<Registration, StateEntry | undefined> {
    const taken = new Map<string, string>();
    const out = new Map<Registration, StateEntry | undefined>();
    const names = new Set(regs.map((r) => key(r.kind, r.name)));
    for (const r of regs) {
      const own = key(r.kind, r.name);
      let found: StateEntry | undefined;
      for (const candidate of [own, ...r.aliases.map((a) => key(r.kind, a))]) {
        const old = this.state.get(candidate);
        if (!old) continue;
        if (candidate !== own) {
          if (names.has(candidate))
            throw new EngineError(`Duplicate resource URN '${candidate}'; try giving it a unique name`);
          if (taken.has(candidate))
            throw new EngineError(
              `Two resources ('${taken.get(candidate)}' and '${own}') aliased to the same: '${candidate}'`,
            );
          taken.set(candidate, own);
        }
        found = old;
        break;
      }
      out.set(r, found);
    }
    return out;
  }

  /** `pulumi up`: a preview (checks and diffs, no call to Domo), then the update itself. */
  async up(file: FileModel, spec: Pick<RunSpec, "failure" | "order"> = { order: 0 }): Promise<RunOutcome> {
    const regs = registrations(layoutOf(file));
    const calls = () => Object.values(this.emu.counters()).reduce((a, b) => a + b, 0);
    this.emu.resetCounters();

    // ---- preview: a provider process of its own ----
    {
      const { providers } = this.process();
      const matched = this.match(regs);
      for (const r of regs) {
        const old = matched.get(r);
        const checked = await quietly(() => providers[r.kind].check(old?.inputs ?? {}, r.inputs));
        if (checked.failures && checked.failures.length > 0) {
          assert.equal(calls(), 0, "a refused preview made no call to Domo");
          return { status: "refused", reason: JSON.stringify(checked.failures) };
        }
        if (old) await providers[r.kind].diff(old.id, old.outputs, checked.inputs ?? {});
      }
      assert.equal(calls(), 0, "a preview makes no call to Domo");
    }

    // ---- update ----
    const { providers } = this.process();
    if (spec.failure?.kind === "status")
      this.emu.faults.add({ kind: "status", status: 500, route: spec.failure.route, count: 1 });
    const crashAfter = spec.failure?.kind === "crash" ? spec.failure.after : Number.POSITIVE_INFINITY;
    let steps = 0;
    let guardDone = false;
    const step = () => {
      if (steps >= crashAfter) throw new EngineError(`the engine stopped after ${steps} step(s)`);
      steps++;
    };
    const [guard, ...rest] = regs;
    const ordered = [guard!, ...shuffled(rest, spec.order)];
    const seen = new Set<string>();
    try {
      const matched = this.match(regs);
      for (const r of ordered) {
        step();
        const old = matched.get(r);
        const p = providers[r.kind];
        const checked = await quietly(() => p.check(old?.inputs ?? {}, r.inputs));
        if (checked.failures && checked.failures.length > 0)
          throw new EngineError(`check failed at update: ${JSON.stringify(checked.failures)}`);
        const inputs = checked.inputs ?? {};
        const own = key(r.kind, r.name);
        const record = (id: string, outputs: PropertyMap) => {
          if (old) this.state.delete(key(old.kind, old.name));
          this.state.set(own, { kind: r.kind, name: r.name, id, inputs, outputs: wire(outputs) });
          seen.add(own);
        };
        const withProvider = (outs: PropertyMap) => ({ ...outs, __provider: inputs.__provider });
        try {
          if (old) {
            const d = await p.diff(old.id, old.outputs, inputs);
            if (d.changes) record(old.id, withProvider((await p.update(old.id, old.outputs, inputs)).outs));
            else record(old.id, old.outputs);
          } else {
            const created = await p.create(inputs);
            record(created.id, withProvider(created.outs));
          }
        } catch (e) {
          // A partial failure: Domo holds what converged; the engine records it, then stops.
          if (e instanceof PartialCreateError || e instanceof PartialBatchError) record(e.id, e.properties);
          throw e;
        }
        if (r.kind === "guard") guardDone = true;
      }
      // Deletes last (reverse order of the old state), after every create and update.
      for (const [k, old] of [...this.state].reverse()) {
        if (seen.has(k)) continue;
        step();
        await providers[old.kind].delete(old.id, old.outputs);
        this.state.delete(k);
      }
    } catch (e) {
      return { status: "failed", error: e instanceof Error ? e.message : String(e), guardDone };
    } finally {
      this.emu.faults.clear();
    }
    const writes = Object.entries(this.emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);
    return { status: "completed", writes };
  }
}

/** The engine's order among resources that only wait on the guard: any permutation is possible. */
function shuffled<T>(list: readonly T[], seedValue: number): T[] {
  const out = [...list];
  let s = seedValue >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The guard's check writes its notices to the process's stderr (the CLI shows them): kept out of the test output. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    String(chunk).startsWith("pulumi-domo:")
      ? true
      : (write as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest)) as typeof write;
  try {
    return await fn();
  } finally {
    process.stderr.write = write;
  }
}

// ---------------------------------------------------------------------------------------------
// The oracle: what a person expects, followed by pid.
// ---------------------------------------------------------------------------------------------

interface Track {
  /** Every email the person had (normalised). */
  emails: Set<string>;
  /** Their Domo account, once one exists. */
  account?: number | undefined;
  declared: boolean;
  /** Whether the state holds the person with deletionPolicy retain (set by a completed run). */
  retainRecorded: boolean;
  /** Removed: what must become of the account (undefined: either is fine). */
  expectGone?: boolean | undefined;
}

/** Whether the guard must refuse `next` after `held` (the declaration its state last recorded). */
function expectRefusal(held: FileModel | undefined, next: FileModel): string | undefined {
  if (held === undefined) return undefined;
  const before = new Map(held.people.map((p) => [p.pid, p]));
  for (const p of next.people) {
    const was = before.get(p.pid);
    if (!was || normaliseEmail(was.email) === normaliseEmail(p.email)) continue;
    const stated = p.formerEmails.some((f) => normaliseEmail(f) === normaliseEmail(was.email));
    const byId = was.id !== undefined && was.id === p.id;
    if (!stated && !byId && was.name === p.name) return `look-alike ${was.email} -> ${p.email}`;
  }
  const now = new Set(next.people.map((p) => p.pid));
  const deleting = held.people.filter((p) => !p.retain);
  const removed = deleting.filter((p) => !now.has(p.pid)).length;
  if (exceedsGuard(removed, deleting.length, { allowMassDeletion: false })) return "mass deletion";
  return undefined;
}

function liveAccounts(emu: RunningEmulator, emails: Set<string>) {
  return emu.store.listUsers().filter((u) => !u.deleted && u.email && emails.has(normaliseEmail(u.email)));
}

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

/** Plays one generated history; throws at the first broken promise. */
async function playScenario(scenario: Scenario): Promise<void> {
  const emu = await startEmulator();
  const log: string[] = [];
  try {
    const sim = new Simulation(emu);
    const names = new Names();
    const tracks = new Map<number, Track>();
    let file: FileModel = { people: [], mode: scenario.mode, batchSize: scenario.batchSize };
    for (let i = 0; i < scenario.initial; i++) file = applyEdit(file, { k: "add" }, names, () => undefined);
    /** The declaration the guard's state holds (its check judges the next run against it). */
    let guardHeld: FileModel | undefined;

    const observe = (completed: boolean, run: string) => {
      for (const [pid, t] of tracks) {
        if (t.declared) {
          const live = liveAccounts(emu, t.emails);
          assert.ok(
            live.length <= 1,
            `${run}: person ${pid} has ${live.length} live accounts (${live.map((u) => u.id)})`,
          );
          if (t.account !== undefined) {
            const mine = emu.store.getUser(t.account);
            assert.ok(
              mine && !mine.deleted,
              `${run}: person ${pid}'s account ${t.account} was deleted while declared`,
            );
            assert.deepEqual(
              live.map((u) => u.id),
              [t.account],
              `${run}: person ${pid} holds another account`,
            );
          } else if (live.length === 1) t.account = live[0]!.id;
          // Never a second account, even one made and deleted again.
          const ever = emu.store
            .listUsers()
            .filter((u) => u.email && t.emails.has(normaliseEmail(u.email)))
            .map((u) => u.id);
          assert.ok(ever.length <= 1, `${run}: person ${pid} had accounts ${ever}`);
        } else if (completed && t.expectGone !== undefined && t.account !== undefined) {
          const u = emu.store.getUser(t.account);
          assert.equal(
            Boolean(u && !u.deleted),
            !t.expectGone,
            `${run}: removed person ${pid}: account ${t.expectGone ? "not deleted" : "deleted despite retain"}`,
          );
        }
      }
      if (!completed) return;
      for (const p of file.people) {
        const t = tracks.get(p.pid)!;
        const live = liveAccounts(emu, new Set([normaliseEmail(p.email)]));
        assert.equal(
          live.length,
          1,
          `${run}: person ${p.pid} (${p.email}) has no live account with their email`,
        );
        assert.equal(live[0]!.id, t.account, `${run}: person ${p.pid} keeps their Domo id`);
        assert.equal(live[0]!.name, p.name);
        // One account, one resource: exactly one record of the state holds it.
        assert.equal(
          sim.holders(t.account!).length,
          1,
          `${run}: person ${p.pid}'s account is held by ${sim.holders(t.account!)}`,
        );
        t.retainRecorded = p.retain;
      }
    };

    for (const [n, spec] of scenario.runs.entries()) {
      let next = file;
      for (const edit of spec.edits) next = applyEdit(next, edit, names, (pid) => tracks.get(pid)?.account);
      const run = `run ${n + 1} (${JSON.stringify(spec)})`;
      const expected = expectRefusal(guardHeld, next);
      // Accounts some resource of the state holds before this run (only those can a removal delete).
      const heldAccounts = new Set(
        [...tracks.values()].flatMap((t) =>
          t.account !== undefined && sim.holders(t.account).length > 0 ? [t.account] : [],
        ),
      );
      const outcome = await sim.up(next, spec);
      log.push(`${run}: ${outcome.status}${outcome.status === "failed" ? `: ${outcome.error}` : ""}`);
      if (outcome.status === "refused") {
        assert.ok(expected, `${run}: refused, but nothing in the edit calls for it: ${outcome.reason}`);
        // Refused: the person puts the file back; nothing changed in Domo (0 calls, asserted by up).
        observe(false, run);
        continue;
      }
      assert.equal(
        expected,
        undefined,
        `${run}: expected a refusal at preview (${expected}), the run went ahead`,
      );
      if (outcome.status === "failed") {
        assert.ok(spec.failure, `${run}: failed with no failure injected: ${outcome.error}`);
      }
      // The edit stands (the person goes on from this file, whether the run completed or not).
      const nowDeclared = new Set(next.people.map((p) => p.pid));
      for (const p of next.people) {
        const t = tracks.get(p.pid) ?? { emails: new Set<string>(), declared: true, retainRecorded: false };
        t.emails.add(normaliseEmail(p.email));
        t.declared = true;
        tracks.set(p.pid, t);
      }
      for (const [pid, t] of tracks) {
        if (t.declared && !nowDeclared.has(pid)) {
          t.declared = false;
          const p = file.people.find((q) => q.pid === pid);
          const retain = p?.retain ?? false;
          // KNOWN GAP (see the report in the commit): an interrupted run that moved a person between
          // batches can leave their account held by no resource; removing them then leaves it in Domo.
          const orphan = t.account !== undefined && !heldAccounts.has(t.account);
          t.expectGone = retain === t.retainRecorded && !orphan ? !retain : undefined;
        }
      }
      file = next;
      if (outcome.status === "completed" || (outcome.status === "failed" && outcome.guardDone))
        guardHeld = next;
      observe(outcome.status === "completed", run);
      if (outcome.status !== "completed") continue;
      // Converged: the same file again changes nothing.
      const again = await sim.up(file);
      log.push(`${run} again: ${again.status}${again.status === "failed" ? `: ${again.error}` : ""}`);
      assert.equal(again.status, "completed", `${run}: the rerun with no edit did not complete`);
      assert.equal((again as { writes: number }).writes, 0, `${run}: the rerun with no edit wrote to Domo`);
      observe(true, `${run} (rerun)`);
    }
    // The last run failed: one more run with no failure must converge the same way.
    const final = await sim.up(file);
    log.push(`final: ${final.status}${final.status === "failed" ? `: ${final.error}` : ""}`);
    assert.notEqual(final.status, "refused", "final run refused");
    assert.equal(final.status, "completed", `final run failed: ${(final as { error?: string }).error}`);
    observe(true, "final run");
  } catch (e) {
    // The history so far, with the broken promise: what a counterexample needs to be read.
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n  history:\n  ${log.join("\n  ")}`);
  } finally {
    await emu.close();
  }
}

const create: RunSpec = { edits: [{ k: "batchSize", n: 2 }], order: 0 };
const crashAfterGuard: Failure = { kind: "crash", after: 1 };
/** Histories the property found (shrunk), kept as regression examples; see the commit message. */
const found: [Scenario][] = [
  // Removing one of two people while the other becomes "retain" was refused as deleting 2 of 2.
  [
    {
      initial: 2,
      mode: "perUser",
      batchSize: 1,
      runs: [
        create,
        {
          edits: [
            { k: "remove", i: 0 },
            { k: "retain", i: 0 },
          ],
          order: 0,
        },
      ],
    },
  ],
  // formerEmails dropped after a run that stopped before the user's step: a second account, the first deleted.
  [
    {
      initial: 1,
      mode: "perUser",
      batchSize: 1,
      runs: [
        create,
        { edits: [{ k: "emailWithFormer", i: 0 }], failure: crashAfterGuard, order: 0 },
        { edits: [{ k: "dropFormers", i: 0 }], order: 0 },
        create,
      ],
    },
  ],
  // An id entry's email change whose run stopped early: every later run refused the takeover by id.
  [
    {
      initial: 1,
      mode: "perUser",
      batchSize: 1,
      runs: [
        create,
        { edits: [{ k: "giveId", i: 0 }], failure: crashAfterGuard, order: 0 },
        { edits: [{ k: "emailNoFormerSameName", i: 0 }], failure: crashAfterGuard, order: 0 },
        create,
      ],
    },
  ],
];

describe("DomoUserDirectory identity invariant (generated users-file histories, real providers, emulator)", function () {
  this.timeout(180_000);

  it("never deletes a declared person's account, never makes a second, keeps it through email changes", async () => {
    // IDENTITY_REPLAY='<counterexample JSON>' replays one history, printing each run's outcome.
    const replay = process.env.IDENTITY_REPLAY;
    if (replay) return playScenario((JSON.parse(replay) as Scenario[])[0]!);
    await fc.assert(fc.asyncProperty(scenarioArb, playScenario), { seed, numRuns, examples: found });
  });

  it("the guard's held lines keep every former email of a person, stated or judged by id", async () => {
    resetSharedUserRuntime();
    try {
      const guard = (held: string[]) => ({ directory: "d", accounts: [], held });
      // a -> b stated; the next run drops formerEmails: the guard still knows b was a.
      const first = await quietly(() =>
        deletionGuardProvider.check(guard(["a@x.io ~1"]), guard(["b@x.io ~1 <a@x.io"])),
      );
      assert.deepEqual(first.inputs?.held, ["b@x.io ~1 <a@x.io"]);
      resetSharedUserRuntime();
      const second = await quietly(() => deletionGuardProvider.check(first.inputs!, guard(["b@x.io ~1"])));
      assert.deepEqual(second.inputs?.held, ["b@x.io ~1 <a@x.io"]);
      assert.ok(
        sharedUserLedger().declaredEmails.has("a@x.io"),
        "the former email's account is never deleted",
      );
      assert.deepEqual(sharedUserLedger().emailChanges.get("b@x.io"), {
        from: "a@x.io",
        id: undefined,
        formers: ["a@x.io"],
      });
      // An email change known by id remembers the email it changed from.
      resetSharedUserRuntime();
      const byId = await quietly(() =>
        deletionGuardProvider.check(guard(["c@x.io 7 ~2"]), guard(["d@x.io 7 ~2"])),
      );
      assert.deepEqual(byId.inputs?.held, ["d@x.io 7 ~2 <c@x.io"]);
      assert.equal(sharedUserLedger().emailChanges.get("d@x.io")?.from, "c@x.io");
    } finally {
      resetSharedUserRuntime();
    }
  });
});
