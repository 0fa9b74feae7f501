import { DomoError } from "../../client/errors";
import { normaliseEmail, omitDefaultSettings, readOnlyShape, unknownValue } from "../../model";
import type { PartialFailure, ResourceKind } from "../../runtime/kind";
import { inPlace } from "../engine";
import {
  ContentOwnerError,
  contentOwnerMessage,
  type DeleteOutcome,
  type RefusedOwner,
} from "./content-owner";
import { domoUserBatchType } from "./resource-type";
import {
  type CheckResult,
  type CreateResult,
  type DiffResult,
  PartialCreateError,
  type PropertyMap,
  type ReadResult,
  sharedUserRuntime,
  type UpdateResult,
  type UserProviderRuntime,
} from "./runtime";

/**
 * Thrown when some users of a batch converged and others did not: the engine records `id` and
 * `properties` (every user that did converge, and every user as it was before for those that
 * did not) instead of losing them, so the next `up` continues where this one stopped.
 */
export class PartialBatchError extends Error implements PartialFailure {
  /**
   * One line per failed user, and one for all the users Domo refused to delete (who, why, the
   * ways out): what the engine shows of a partial failure.
   */
  readonly reasons: string[];

  /**
   * @param reasons the failed users, one line each, but for…
   * @param owners …those Domo refused to delete because they own DataSets or DataFlows: they
   *   stay in the state until their content is transferred or they are retained
   */
  constructor(
    readonly id: string,
    readonly properties: PropertyMap,
    reasons: string[],
    total: number,
    readonly owners: readonly RefusedOwner[] = [],
    /** Domo's answer to one of the refused deletes, as evidence. */
    said?: string,
  ) {
    const failed = reasons.length + owners.length;
    const all = [...reasons];
    if (owners.length > 0) {
      const converged = total - failed;
      all.push(
        contentOwnerMessage({
          owners,
          said,
          outcome:
            `Nothing of theirs was deleted: ${owners.length === 1 ? "the account stays" : "the accounts stay"} in Domo and in ${id}'s state, so the next \`pulumi up\` tries again` +
            (converged > 0
              ? `; the other ${converged} user change(s) of ${id} were made and are recorded`
              : ""),
        }),
      );
    }
    const shown = all.slice(0, 10).join("; ");
    const more = all.length > 10 ? `; and ${all.length - 10} more` : "";
    const retry = reasons.length > 0 ? "; run `pulumi up` again to continue" : "";
    super(
      `${failed} of ${total} user change(s) in ${id} failed (the others converged and are recorded${retry}): ${shown}${more}`,
    );
    this.name = "PartialBatchError";
    this.reasons = all;
  }
}

/** What a batch's removals did, for its progress and summary lines. */
type RemovalTally = Record<DeleteOutcome | "refused" | "failed", number>;

const emptyTally = (): RemovalTally => ({ deleted: 0, retained: 0, kept: 0, gone: 0, refused: 0, failed: 0 });

/**
 * "120 user(s) left in Domo (deletionPolicy retain), 0 deleted"; "30 user(s) deleted". Only
 * `deleted` counts accounts Domo deleted in this run; every other user is named for what
 * happened to them.
 */
export function removalSummary(t: RemovalTally): string {
  const parts: string[] = [];
  if (t.retained > 0) parts.push(`${t.retained} left in Domo (deletionPolicy retain)`);
  if (t.kept > 0) parts.push(`${t.kept} left in Domo (another resource of this program holds them now)`);
  if (t.gone > 0) parts.push(`${t.gone} already gone from Domo (not deleted again)`);
  if (t.refused > 0) parts.push(`${t.refused} not deleted (Domo refuses: they own DataSets or DataFlows)`);
  if (t.failed > 0) parts.push(`${t.failed} failed`);
  parts.push(`${t.deleted} deleted`);
  parts[0] = (parts[0] ?? "").replace(/^(\d+) /, "$1 user(s) ");
  return parts.join(", ");
}

export interface BatchOptions {
  /** Progress line every this many users (default 100)… */
  progressEvery?: number;
  /** …or every this many milliseconds (default 10 s), whichever comes first. */
  progressMs?: number;
  /** Users converged at once by one batch (the client's limiter bounds the request rate). */
  concurrency?: number;
}

/** Read-only fields the batch state leaves out: a batch keeps what per-user convergence needs. */
const droppedOutputs = new Set(Object.keys(readOnlyShape));

/** A user's state as a batch keeps it: no Domo-set read-only fields, no setting at its default. */
export function slimUserState(outs: PropertyMap): PropertyMap {
  const kept: PropertyMap = {};
  for (const [k, v] of Object.entries(outs)) {
    if (k !== "__provider" && !droppedOutputs.has(k) && v !== undefined) kept[k] = v;
  }
  return omitDefaultSettings(kept);
}

type Work =
  | { kind: "create"; email: string; inputs: PropertyMap }
  | { kind: "update"; email: string; state: PropertyMap; inputs: PropertyMap }
  | { kind: "delete"; email: string; state: PropertyMap };

/**
 * The DomoUserBatch provider's behaviour: many users in one Pulumi resource, each converged by
 * the very same per-user functions (check, diff, create, update, delete, read) of the process's
 * UserProviderRuntime that DomoUser uses, so claims, guards, identity checks, deletion policy
 * and the delete cap are one implementation, shared with every DomoUser of the run.
 *
 * Inputs: `users` keyed by normalised email (so `pulumi preview --diff` shows one key per
 * changed user), `batch` (the resource's name, its id). Outputs: `users`, each slim state
 * keyed the same way, and `batch`.
 */
export class UserBatchRuntime implements ResourceKind<Record<string, PropertyMap>> {
  readonly type = domoUserBatchType;
  constructor(
    private readonly users: UserProviderRuntime,
    private readonly options: BatchOptions = {},
  ) {}

  /** A batch's state: its users' slim states, keyed by normalised email. */
  parseState(props: PropertyMap): Record<string, PropertyMap> {
    return stateMap(props);
  }

  /** A batch's id is its resource name (it holds many Domo ids). */
  parseId(id: string): string {
    return id;
  }

  outputs(state: Record<string, PropertyMap>): PropertyMap {
    return usersOutputs(state);
  }

  async check(olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const declared = news.users;
    if (!isRecord(declared)) {
      return {
        failures: [
          { property: "users", reason: "users must be a map of normalised email to user declaration" },
        ],
      };
    }
    const before = isRecord(olds.users) ? olds.users : {};
    const failures: { property: string; reason: string }[] = [];
    const users: PropertyMap = {};
    for (const [key, raw] of Object.entries(declared)) {
      // Failures name the user and leave the engine's property empty: it would echo the whole map.
      if (!isRecord(raw)) {
        failures.push({ property: "", reason: `users[${JSON.stringify(key)}] must be a user declaration` });
        continue;
      }
      const old = before[key];
      const result = await this.users.check(isRecord(old) ? old : {}, raw);
      for (const f of result.failures ?? []) {
        failures.push({
          property: "",
          reason: `users[${JSON.stringify(key)}]${f.property ? `.${f.property}` : ""}: ${f.reason}`,
        });
      }
      const inputs = result.inputs ?? {};
      if (
        typeof inputs.email === "string" &&
        inputs.email !== unknownValue &&
        normaliseEmail(inputs.email) !== key
      ) {
        failures.push({
          property: "",
          reason: `users[${JSON.stringify(key)}]: the key must be the user's normalised email (${normaliseEmail(inputs.email)})`,
        });
      }
      users[key] = inputs;
    }
    if (failures.length > 0) return { failures };
    return { inputs: { ...news, users } };
  }

  async diff(_id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const before = stateMap(olds);
    const after = declMap(news);
    let changes = Object.keys(before).some((email) => !(email in after));
    // Every user is diffed (not only until the first change): diff is where the run's claims of
    // the accounts this batch keeps are made.
    for (const [email, inputs] of Object.entries(after)) {
      const state = before[email];
      if (!state) {
        changes = true;
        continue;
      }
      const d = await this.users.diff(String(state.userId), state, inputs);
      if (d.changes) changes = true;
    }
    return inPlace(changes);
  }

  async create(inputs: PropertyMap): Promise<CreateResult> {
    const id = batchId(inputs);
    const outs = await this.converge(id, {}, inputs);
    return { id, outs };
  }

  async update(id: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    return { outs: await this.converge(id, olds, news) };
  }

  async delete(id: string, props: PropertyMap): Promise<void> {
    const before = stateMap(props);
    const work: Work[] = Object.entries(before).map(([email, state]) => ({ kind: "delete", email, state }));
    const tally = emptyTally();
    const failed: string[] = [];
    const owners: RefusedOwner[] = [];
    let said: string | undefined;
    await this.run(
      id,
      work,
      async (w) => {
        const state = (w as { state: PropertyMap }).state;
        try {
          tally[await this.users.deleteAccount(String(state.userId), state)]++;
        } catch (e) {
          if (e instanceof ContentOwnerError) {
            tally.refused++;
            owners.push(e.owner);
            said ??= e.evidence;
          } else {
            tally.failed++;
            failed.push(`${w.email}: ${message(e)}`);
          }
        }
      },
      { tally },
    );
    if (failed.length === 0 && owners.length === 0) return;
    // The engine records a delete whole or not at all (a provider's Delete returns no state),
    // so the users deleted above cannot leave the state now: say so, and what the next run does.
    const notDeleted = failed.length + owners.length;
    const gone = tally.deleted + tally.gone;
    const next =
      gone === 0
        ? ""
        : ` The ${gone} user(s) deleted by now stay listed too: the next \`pulumi destroy\` (or \`pulumi up\` without them) reads each of them as gone from Domo and sends no DELETE for them, so it deletes only what is left (to keep them after all, run \`pulumi up --refresh\`: it recreates them)`;
    const outcome = `Pulumi records a delete whole or not at all, so ${id} stays in the state with all ${work.length} of its user(s).${next}`;
    const other =
      failed.length === 0
        ? ""
        : `: ${failed.slice(0, 10).join("; ")}${failed.length > 10 ? `; and ${failed.length - 10} more` : ""}`;
    throw new DomoError({
      kind: owners.length > 0 && failed.length === 0 ? "content_owner" : "refused",
      message:
        `${notDeleted} of ${work.length} user(s) of ${id} were not deleted${other}. ` +
        (owners.length > 0 ? contentOwnerMessage({ owners, said, outcome }) : outcome),
    });
  }

  async read(id: string, props: PropertyMap): Promise<ReadResult> {
    const before = stateMap(props);
    const users: PropertyMap = {};
    const inputs: PropertyMap = {};
    await this.run(
      `${id} (refresh)`,
      Object.entries(before).map(([email, state]) => ({ kind: "update", email, state, inputs: {} })),
      async (w) => {
        const state = (w as { state: PropertyMap }).state;
        const read = await this.users.read(String(state.userId), state);
        if (read.id === undefined || !read.props) return; // gone from Domo: the next up recreates it
        users[w.email] = slimUserState(read.props);
        inputs[w.email] = read.inputs ?? {};
      },
      { quiet: true },
    );
    return {
      id,
      props: batchOutputs(props, users),
      inputs: { ...withoutUsers(props), users: sorted(inputs) },
    };
  }

  /** Creates, updates and deletes the users that differ; throws a partial result if any fails. */
  private async converge(id: string, olds: PropertyMap, news: PropertyMap): Promise<PropertyMap> {
    const before = stateMap(olds);
    const after = declMap(news);
    const next: Record<string, PropertyMap> = { ...before };
    const writes: Work[] = [];
    const unchanged: Work[] = [];
    for (const [email, inputs] of Object.entries(after)) {
      const state = before[email];
      if (!state) writes.push({ kind: "create", email, inputs });
      else {
        const d = await this.users.diff(String(state.userId), state, inputs);
        (d.changes ? writes : unchanged).push({ kind: "update", email, state, inputs });
      }
    }
    const deletes: Work[] = Object.entries(before)
      .filter(([email]) => !(email in after))
      .map(([email, state]) => ({ kind: "delete", email, state }));
    const reasons: string[] = [];
    const owners: RefusedOwner[] = [];
    let said: string | undefined;
    const tally = emptyTally();
    const apply = async (w: Work): Promise<void> => {
      try {
        if (w.kind === "create") next[w.email] = slimUserState((await this.users.create(w.inputs)).outs);
        else if (w.kind === "update")
          next[w.email] = slimUserState(
            (await this.users.update(String(w.state.userId), w.state, w.inputs)).outs,
          );
        else {
          tally[await this.users.deleteAccount(String(w.state.userId), w.state)]++;
          delete next[w.email];
        }
      } catch (e) {
        // The account exists but did not converge: record it, so the re-run updates it.
        if (e instanceof PartialCreateError) next[w.email] = slimUserState(e.properties);
        if (e instanceof ContentOwnerError) {
          // Domo keeps the account: so does the state (`next` still holds it), for the next run.
          tally.refused++;
          owners.push(e.owner);
          said ??= e.evidence;
          return;
        }
        if (w.kind === "delete") tally.failed++;
        reasons.push(`${w.email}: ${message(e)}`);
      }
    };
    // Settings-only changes and unchanged users make no call (the per-user update says so).
    for (const w of unchanged) await apply(w);
    await this.run(id, writes, apply);
    // Deletes last, after this batch's creates claimed their accounts (the engine does the same
    // with the deletes of removed resources).
    await this.run(id, deletes, apply, { tally });
    const outs = batchOutputs(news, next);
    if (reasons.length > 0 || owners.length > 0) {
      const properties = { ...outs };
      if (news.__provider !== undefined) properties.__provider = news.__provider;
      throw new PartialBatchError(id, properties, reasons, writes.length + deletes.length, owners, said);
    }
    return outs;
  }

  /**
   * Runs the work with bounded concurrency, writing a progress line to stderr now and then.
   * Removals (with `tally`) say what happened to each user (deleted, left in Domo, refused)
   * rather than calling them all converged.
   */
  private async run(
    id: string,
    work: Work[],
    fn: (w: Work) => Promise<void>,
    options: { tally?: RemovalTally; quiet?: boolean } = {},
  ): Promise<void> {
    if (work.length === 0) return;
    const every = this.options.progressEvery ?? 100;
    const everyMs = this.options.progressMs ?? 10_000;
    const limit = this.options.concurrency ?? 32;
    let done = 0;
    let lastLine = Date.now();
    const { tally } = options;
    const line = (final: boolean): string => {
      if (tally === undefined) return `${done}/${work.length} user(s) converged`;
      return final
        ? removalSummary(tally)
        : `${done}/${work.length} removal(s) done: ${removalSummary(tally)}`;
    };
    const report = (force: boolean) => {
      if (options.quiet) return;
      if (!force && done % every !== 0 && Date.now() - lastLine < everyMs) return;
      lastLine = Date.now();
      this.users.notice(`pulumi-domo: ${id}: ${line(force)}`);
    };
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const w = work[next++]!;
        await fn(w);
        done++;
        if (done < work.length) report(false);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, work.length) }, worker));
    report(true);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function stateMap(props: PropertyMap): Record<string, PropertyMap> {
  const users = props.users;
  if (users === undefined) return {};
  if (!isRecord(users) || !Object.values(users).every(isRecord)) {
    throw new DomoError({
      kind: "invalid_state",
      message: "The DomoUserBatch state is not in the expected shape (users): run `pulumi refresh`",
    });
  }
  return users as Record<string, PropertyMap>;
}

function declMap(props: PropertyMap): Record<string, PropertyMap> {
  const users = props.users;
  if (!isRecord(users)) {
    throw new DomoError({
      kind: "invalid_input",
      field: "users",
      message: "users must be a map of email to declaration",
    });
  }
  return users as Record<string, PropertyMap>;
}

function withoutUsers(props: PropertyMap): PropertyMap {
  const { users: _users, userIds: _ids, __provider: _provider, ...rest } = props;
  return rest;
}

/**
 * The users' states and, apart, their ids: `userIds` is an output only, so in a preview of
 * the batch's update it is unknown (where `users`, also an input, would show the inputs).
 */
function usersOutputs(states: Record<string, unknown>): PropertyMap {
  const users = sorted(states) as Record<string, PropertyMap>;
  const userIds = Object.fromEntries(Object.entries(users).map(([email, s]) => [email, s.userId]));
  return { users, userIds };
}

/**
 * A batch's outputs: its other properties (`batch`) and its users' slim states, keyed by
 * normalised email, with their ids apart. What create, update and read record, and what
 * `pulumi-domo recover` records for a batch a killed run left pending.
 */
export function batchOutputs(props: PropertyMap, states: Record<string, unknown>): PropertyMap {
  return { ...withoutUsers(props), ...usersOutputs(states) };
}

function sorted(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A batch's id: its name (the `batch` input). */
export function batchId(inputs: PropertyMap): string {
  return typeof inputs.batch === "string" && inputs.batch.length > 0 ? inputs.batch : "domo-user-batch";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The process's batch runtime, on the process's shared user runtime (see sharedUserRuntime). */
export function sharedUserBatchRuntime(configGet?: (key: string) => string | undefined): UserBatchRuntime {
  return new UserBatchRuntime(sharedUserRuntime(configGet));
}
