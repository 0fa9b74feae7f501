import { createdGuard, judgeRemovals, massDeletionMessage } from "../../model/deletion-guard";
import {
  type EmailChange,
  type HeldGroup,
  type HeldPerson,
  heldLine,
  judgeGroups,
  judgePeople,
  lookalikeMessage,
  parseHeldLine,
  refuseGroupDeletions,
} from "../../model/directory-identity";
import type { ResourceKind } from "../../runtime/kind";
import { sharedRun } from "../../runtime/run";
import type {
  CheckResult,
  CreateResult,
  DiffResult,
  PropertyMap,
  ReadResult,
  UpdateResult,
} from "../user/runtime";
import { deletionGuardType } from "./resource-type";

/**
 * The provider of a directory's deletion guard: a resource that remembers which accounts the
 * directory would delete if their entries went, and whose `check` (so `pulumi preview`, with
 * no call to Domo) fails when a run would delete too many of them. It never talks to Domo.
 *
 * It also remembers who is who (each person's email, declared id and a hash of the name; each
 * group's name, id and member count), so an email change or a group rename the file states is
 * the same account or group, and one that looks like a person or group deleted and created
 * again fails the preview (see model/directory-identity.ts).
 *
 * Like the DomoUser provider, this module's whole exports is the object Pulumi serializes
 * (`__provider` is one `require` of this file); the run's ledger is runtime/run.ts's.
 */
const deletionGuardProvider = {
  type: deletionGuardType,
  /** The guard's state is its inputs: what the directory declared in its last run. */
  parseState(props: PropertyMap): PropertyMap {
    return props;
  },
  /** One guard per directory: its id is a constant. */
  parseId(id: string): string {
    return id;
  },
  outputs(state: PropertyMap): PropertyMap {
    return state;
  },
  /**
   * Tells the process's user ledger what the directory declares in this run (so no resource
   * of the run deletes those accounts, whichever resource held them before), which accounts
   * it hands over from the resources that held them to those that declare them now (a change
   * of mode, batch count or batch: adopted by email, no write when their fields match), and
   * which emails changed (the new email's create takes the old account over). Registered
   * before the directory's users, so its check runs before their creates.
   */
  handOver(olds: PropertyMap, news: PropertyMap, changes: readonly RememberedChange[]): void {
    const next = people(news.held);
    const before = new Set(people(olds.held).map((p) => p.email));
    sharedRun().users.declareDirectory({
      // Every email the directory declares, and every email it says a person had before: no
      // resource of this run deletes those accounts, whichever resource held them.
      declared: [
        ...next.map((p) => p.email),
        ...next.flatMap((p) => p.formerEmails),
        ...changes.map((c) => c.from),
      ],
      ids: next.flatMap((p) => (p.id === undefined ? [] : [p.id])),
      // Held before and declared now: if another resource of the directory creates it in this
      // run (a change of mode, of batch count, or of batch), it takes the account over by email.
      handedOver: next.map((p) => p.email).filter((e) => before.has(e)),
      changes,
    });
  },
  async check(olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const directory = typeof news.directory === "string" ? news.directory : "The users directory";
    const identity = judgePeople(people(olds.held), people(news.held));
    if (identity.lookalikes.length > 0) {
      return {
        failures: [{ property: "formerEmails", reason: lookalikeMessage(directory, identity.lookalikes) }],
      };
    }
    // The held lines remember every former email of each person, stated or judged (an email
    // change known by id), whether or not this run's users converge: see remember().
    const remembered = remember(people(olds.held), people(news.held), identity.changes);
    const checked = news.held === undefined ? news : { ...news, held: remembered.held };
    this.handOver(olds, checked, remembered.changes);
    // A person whose email changed is the same account: their old email is not a deletion.
    const renamedFrom = identity.changes.map((c) => c.from);
    const previous = emails(olds.accounts);
    // Nor is a person still declared (say, now with deletionPolicy "retain"): nothing deletes them.
    const next = [...emails(news.accounts), ...renamedFrom, ...people(news.held).map((p) => p.email)];
    const policy = {
      allowMassDeletion: news.allowMassDeletion === true,
      maxDeletes: typeof news.maxDeletes === "number" ? news.maxDeletes : undefined,
    };
    const verdict = judgeRemovals(previous, next, policy);
    if (verdict.refused) {
      return {
        failures: [
          {
            property: "allowMassDeletion",
            reason: massDeletionMessage(directory, previous.length, verdict.removed),
          },
        ],
      };
    }
    const heldGroups = groups(olds.groups);
    const refusal = refuseGroupDeletions(directory, judgeGroups(heldGroups, groups(news.groups)), {
      ...policy,
      previous: heldGroups.length,
    });
    if (refusal) return { failures: [refusal] };
    if (identity.changes.length > 0) {
      // In the preview's output: the review of a domain move is this line, not N deletions.
      const shown = identity.changes.slice(0, 10).map((c) => `${c.from} -> ${c.to}`);
      const more = identity.changes.length > 10 ? `, and ${identity.changes.length - 10} more` : "";
      notice(
        `pulumi-domo: ${directory}: ${identity.changes.length} email change(s), each keeping its Domo account (its email updated in place; no account created or deleted): ${shown.join(", ")}${more}`,
      );
    }
    return { inputs: checked };
  },
  // `held` and `layout` alone never cause an update: the engine stores the new inputs anyway.
  async diff(_id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    // No groups and an empty list are the same declaration (older guards recorded neither).
    const value = (props: PropertyMap, k: string) =>
      JSON.stringify(
        k === "groups" && Array.isArray(props[k]) && props[k].length === 0 ? undefined : props[k],
      );
    const same = ["accounts", "allowMassDeletion", "maxDeletes", "directory", "groups"].every(
      (k) => value(olds, k) === value(news, k),
    );
    return { changes: !same, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: PropertyMap): Promise<CreateResult> {
    return createdGuard(inputs);
  },
  async update(_id: string, _olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    return { outs: news };
  },
  /** Refresh: nothing in Domo to read; the guard's record stays as it is. */
  async read(id: string, props: PropertyMap): Promise<ReadResult> {
    return { id, props };
  },
  async delete(): Promise<void> {},
};

// The guard is a resource kind like any other (checked here, without widening the object).
const _contract: ResourceKind<PropertyMap> = deletionGuardProvider;
void _contract;

/** An email change as the run's ledger hears it: the account's possible earlier emails too. */
type RememberedChange =
  | EmailChange
  | { from: string; to: string; id?: number | undefined; formers: string[] };

/**
 * The held lines of this run, each person's former emails kept from the previous held line
 * (and, for an email change judged this run, the email it changed from), with the changes the
 * ledger needs. The engine records the guard's inputs at its own step, before any user of the
 * run converges: if the run then fails (or stops) before the user whose email changed does,
 * the next run must still know the account's earlier email, or it would judge the person kept
 * under the new email, create a second account and delete the first (formerEmails removed from
 * the file after the failed run), or refuse to take the account over by its id.
 */
function remember(
  before: readonly HeldPerson[],
  next: readonly HeldPerson[],
  changes: readonly EmailChange[],
): { held: string[]; changes: RememberedChange[] } {
  const previous = new Map(before.map((p) => [p.email, p]));
  const changedFrom = new Map(changes.map((c) => [c.to, c]));
  const out: RememberedChange[] = [];
  const held = next.map((person) => {
    const change = changedFrom.get(person.email);
    const was = previous.get(change?.from ?? person.email);
    const carried = [...(was?.formerEmails ?? []), ...(change ? [change.from] : [])].filter(
      (f) => f !== person.email && !person.formerEmails.includes(f),
    );
    const formers = [...new Set([...person.formerEmails, ...carried])];
    if (change) out.push({ ...change, formers: carried });
    else if (carried.length > 0)
      out.push({ from: carried[carried.length - 1]!, to: person.email, id: person.id, formers: carried });
    return heldLine({ ...person, formerEmails: formers });
  });
  return { held: held.sort(), changes: out };
}

function people(value: unknown): HeldPerson[] {
  return emails(value).map(parseHeldLine);
}

function groups(value: unknown): HeldGroup[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((g): HeldGroup[] => {
    if (g === null || typeof g !== "object" || typeof (g as { name?: unknown }).name !== "string") return [];
    const r = g as Record<string, unknown>;
    return [
      {
        name: r.name as string,
        id: typeof r.id === "number" ? r.id : undefined,
        formerNames: Array.isArray(r.formerNames)
          ? r.formerNames.filter((n): n is string => typeof n === "string")
          : undefined,
        members: typeof r.members === "number" ? r.members : 0,
        allowDeleteWithMembers: r.allowDeleteWithMembers === true,
        retain: r.retain === true,
      },
    ];
  });
}

/** The provider's stderr: the Pulumi CLI shows it with the resource, in preview too. */
function notice(line: string): void {
  process.stderr.write(`${line}\n`);
}

function emails(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export = deletionGuardProvider;
