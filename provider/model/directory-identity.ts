/**
 * Who is who across two runs of a users directory, pure. A directory's deletion guard keeps,
 * from its previous run, one line per person it held (email, the id an entry declared, a hash
 * of the name) and one record per group; comparing them with this run's declarations tells an
 * email change or a group rename (the same account, the same group: update in place) from a
 * removal plus an addition (delete one, create another), and refuses at preview, with no call
 * to Domo, the runs that would delete someone and create what looks like the same person.
 */
import { exceedsGuard, type MassDeletionPolicy } from "./deletion-guard";
import { groupNameKey } from "./group";
import { parseDomoId } from "./ids";
import { normaliseEmail } from "./user";

/** One person as the guard records them: `email[ <id>][ ~<name hash>][ <former email>...]`. */
export interface HeldPerson {
  email: string;
  /** The Domo user id the entry declared (`id:`), when it did. */
  id?: number | undefined;
  /** A short hash of the normalised name: enough to tell "looks like the same person". */
  nameHash?: string | undefined;
  /** The emails the entry says the person had before (`formerEmails`). */
  formerEmails: string[];
}

/** Names compare without case, accents composed, spaces collapsed. */
export function nameHash(name: string): string {
  const key = name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** The guard's line for one person (space-separated: emails hold no spaces). */
export function heldLine(person: HeldPerson): string {
  const parts = [normaliseEmail(person.email)];
  if (person.id !== undefined) parts.push(String(person.id));
  if (person.nameHash !== undefined) parts.push(`~${person.nameHash}`);
  for (const former of person.formerEmails) parts.push(`<${normaliseEmail(former)}`);
  return parts.join(" ");
}

/** Reads a line back; a bare email (what guards recorded before ids and names) reads as just that. */
export function parseHeldLine(line: string): HeldPerson {
  const [email = "", ...rest] = line.trim().split(/\s+/);
  const person: HeldPerson = { email: normaliseEmail(email), formerEmails: [] };
  for (const part of rest) {
    const id = parseDomoId(part);
    if (id !== undefined) person.id = id;
    else if (part.startsWith("~")) person.nameHash = part.slice(1);
    else if (part.startsWith("<")) person.formerEmails.push(part.slice(1));
  }
  return person;
}

/** The same account under a new email: `from` was held, `to` declares it now. */
export interface EmailChange {
  from: string;
  to: string;
  /** The id both declare, when the change is known by id. */
  id?: number | undefined;
  /** How this run knows it is the same person. */
  by: "formerEmails" | "id";
}

export interface PeopleVerdict {
  changes: EmailChange[];
  /** Emails held before that nobody declares now (deleted, or left by deletionPolicy retain). */
  removed: string[];
  /** A removal and an addition that look like one person (same name), with nothing saying so. */
  lookalikes: { removed: HeldPerson; added: HeldPerson }[];
}

/** Compares the people held before with those declared now. */
export function judgePeople(previous: readonly HeldPerson[], next: readonly HeldPerson[]): PeopleVerdict {
  const before = new Map(previous.map((p) => [p.email, p]));
  const byId = new Map(previous.flatMap((p) => (p.id === undefined ? [] : [[p.id, p] as const])));
  const kept = new Set<string>();
  const changes: EmailChange[] = [];
  const added: HeldPerson[] = [];
  for (const person of next) {
    if (before.has(person.email)) {
      kept.add(person.email);
      continue;
    }
    const former = person.formerEmails.find((f) => before.has(f) && !kept.has(f));
    if (former !== undefined) {
      kept.add(former);
      changes.push({ from: former, to: person.email, id: person.id, by: "formerEmails" });
      continue;
    }
    const sameId = person.id === undefined ? undefined : byId.get(person.id);
    if (sameId !== undefined && !kept.has(sameId.email)) {
      kept.add(sameId.email);
      changes.push({ from: sameId.email, to: person.email, id: person.id, by: "id" });
      continue;
    }
    added.push(person);
  }
  const removedPeople = previous.filter((p) => !kept.has(p.email));
  const lookalikes: PeopleVerdict["lookalikes"] = [];
  for (const a of added) {
    const twin = removedPeople.find((r) => r.nameHash !== undefined && r.nameHash === a.nameHash);
    if (twin) lookalikes.push({ removed: twin, added: a });
  }
  return { changes, removed: removedPeople.map((p) => p.email).sort(), lookalikes };
}

/** The preview failure for look-alikes: both emails, and the way to keep the account. */
export function lookalikeMessage(directory: string, pairs: PeopleVerdict["lookalikes"]): string {
  const shown = pairs.slice(0, 5).map((p) => `${p.removed.email} -> ${p.added.email}`);
  const more = pairs.length > 5 ? ` and ${pairs.length - 5} more` : "";
  const first = pairs[0]!;
  return (
    `${directory} would delete the Domo account of ${first.removed.email} and create a new account for ${first.added.email}, declared with the same name ` +
    `(${shown.join(", ")}${more}). A new account does not have the person's content, shares and history, and the old one would be deleted; nothing was changed. ` +
    `If it is the same person under a new email, add formerEmails: [${first.removed.email}] to the entry of ${first.added.email}: the account is kept and its email updated in place (one update, no create, no delete). ` +
    `If they are two different people, remove ${first.removed.email} in one run and add ${first.added.email} in the next`
  );
}

/** One group as the guard records it. */
export interface HeldGroup {
  /** The name as declared. */
  name: string;
  id?: number | undefined;
  formerNames?: string[] | undefined;
  /** How many users of the file list the group. */
  members: number;
  /** The group's allowDeleteWithMembers. */
  allowDeleteWithMembers?: boolean | undefined;
  /** deletionPolicy "retain": removing the group leaves it in Domo. */
  retain?: boolean | undefined;
}

export interface GroupsVerdict {
  renames: { from: string; to: string }[];
  /** Groups held before that nobody declares now and whose removal deletes them in Domo. */
  deleted: HeldGroup[];
  /** Groups declared now that match nothing held before. */
  added: HeldGroup[];
}

/** Compares the groups held before with those declared now (names without case, or by id). */
export function judgeGroups(previous: readonly HeldGroup[], next: readonly HeldGroup[]): GroupsVerdict {
  const before = new Map(previous.map((g) => [groupNameKey(g.name), g]));
  const kept = new Set<string>();
  const renames: GroupsVerdict["renames"] = [];
  const added: HeldGroup[] = [];
  for (const group of next) {
    const key = groupNameKey(group.name);
    if (before.has(key)) {
      kept.add(key);
      continue;
    }
    const former = (group.formerNames ?? []).map(groupNameKey).find((k) => before.has(k) && !kept.has(k));
    const sameId =
      former === undefined && group.id !== undefined
        ? previous.find((g) => g.id === group.id && !kept.has(groupNameKey(g.name)))
        : undefined;
    const from = former ?? (sameId ? groupNameKey(sameId.name) : undefined);
    if (from !== undefined) {
      kept.add(from);
      renames.push({ from: before.get(from)!.name, to: group.name });
    } else added.push(group);
  }
  const deleted = previous.filter((g) => !kept.has(groupNameKey(g.name)) && g.retain !== true);
  return { renames, deleted, added };
}

/** Why a run's group deletions must not go ahead, or undefined. */
export function refuseGroupDeletions(
  directory: string,
  verdict: GroupsVerdict,
  policy: MassDeletionPolicy & { previous: number },
): { property: string; reason: string } | undefined {
  const { deleted, added } = verdict;
  if (deleted.length === 0) return undefined;
  const names = (groups: readonly HeldGroup[]) => groups.map((g) => JSON.stringify(g.name)).join(", ");
  const keep =
    'To leave a group in Domo instead, put it back with deletionPolicy: "retain", run `pulumi up`, then remove it';
  if (added.length > 0) {
    const from = deleted[0]!;
    const to = added[0]!;
    return {
      property: "groups",
      reason:
        `${directory} would delete group ${names(deleted)} and create group ${names(added)}: a group deleted and created again under a new name gets a new id, and every page, card, DataSet and PDP policy shared with the old one loses that share. Nothing was changed. ` +
        `If ${JSON.stringify(from.name)} was renamed, add formerNames: [${JSON.stringify(from.name)}] to the group ${JSON.stringify(to.name)} (renamed in place: one update, the same id). ` +
        `If the groups really are different, remove the old one in one run and add the new one in the next. ${keep}`,
    };
  }
  const withMembers = deleted.filter((g) => g.members > 0 && g.allowDeleteWithMembers !== true);
  if (withMembers.length > 0) {
    return {
      property: "groups",
      reason:
        `${directory} would delete group ${names(withMembers)}, which still has members in the file (${withMembers.map((g) => `${g.members} in ${JSON.stringify(g.name)}`).join(", ")}): their access through the group, and every share of it, would go. Nothing was changed. ` +
        `To delete it, put it back with allowDeleteWithMembers: true, run \`pulumi up\`, then remove it. ${keep}`,
    };
  }
  if (!exceedsGuard(deleted.length, policy.previous, policy)) return undefined;
  return {
    property: "allowMassDeletion",
    reason:
      `${directory} would delete ${deleted.length} of its ${policy.previous} Domo groups in one run (${names(deleted.slice(0, 10))}${deleted.length > 10 ? ` and ${deleted.length - 10} more` : ""}), more than the mass-deletion guard allows; nothing was changed. ` +
      "If the users file was emptied or truncated by mistake, restore it. If these deletions are intended, set allowMassDeletion: true on the DomoUserDirectory for this run. " +
      keep,
  };
}
