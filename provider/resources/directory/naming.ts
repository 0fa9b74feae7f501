import { groupNameKey } from "../../model/group";
import { normaliseEmail } from "../../model/user";

/** Characters kept as they are in a logical name; everything else is escaped. */
const safe = /^[a-z0-9._@-]$/;

/**
 * The logical name of a directory's DomoUser: `user-` and the normalised email. It depends on
 * the email alone, compared without case, so reordering a list or changing an email's case
 * never renames (and so never replaces) a person's account.
 *
 * Characters outside [a-z0-9._@-] become `%XX` per UTF-8 byte. `%` itself is never kept, so
 * the mapping is one-to-one: two different emails never share a name (a plain "replace
 * unsafe with _" would merge `a+b@x` and `a_b@x`).
 */
export function userResourceName(email: string): string {
  return `user-${escapeName(normaliseEmail(email))}`;
}

/**
 * The logical name of a directory's DomoUser and the aliases that keep its account through a
 * change of email. With an `id:` the name depends on the id alone: the id is the person, so
 * changing the entry's email updates the account in place. It carries `user-<email>` as an
 * alias, so adding an id to an entry the directory created (or a state from before ids named
 * resources) is no replacement. Each former email is an alias too: the explicit "same person,
 * new email" of an entry without an id.
 */
export function userResourceNames(
  email: string,
  id: number | undefined,
  formerEmails: readonly string[] = [],
): { name: string; aliases: string[] } {
  const byEmail = userResourceName(email);
  const formers = formerEmails.map(userResourceName);
  if (id === undefined) return { name: byEmail, aliases: formers };
  return { name: `user-id-${id}`, aliases: [byEmail, ...formers] };
}

/** The one-to-one escaping of logical names (see userResourceName). */
export function escapeName(text: string): string {
  let out = "";
  for (const ch of text) {
    if (safe.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The logical names of a directory's group and its memberships. With an id they depend on
 * the id alone (so renaming the group in the file renames it in place), and carry the
 * name-based key as an alias (so adding the id to a group the directory created is no
 * replacement). Without an id they depend on the name, compared without case, and each of
 * the group's `formerNames` is an alias (so a rename stated in the file renames in place).
 */
export function groupResourceNames(
  groupName: string,
  id: number | undefined,
  formerNames: readonly string[] = [],
) {
  const byName = escapeName(groupNameKey(groupName));
  const key = id === undefined ? byName : `id-${id}`;
  // A former name is the explicit "renamed": the resources it named before are these ones.
  const previous = [
    ...(id === undefined ? [] : [byName]),
    ...formerNames.map((n) => escapeName(groupNameKey(n))),
  ];
  const alias = (suffix: string) => previous.map((p) => ({ name: `group-${p}${suffix}` }));
  return {
    group: `group-${key}`,
    groupAliases: alias(""),
    members: `group-${key}-members`,
    membersAliases: alias("-members"),
    member: (email: string) => `group-${key}-member-${escapeName(normaliseEmail(email))}`,
    memberAliases: (email: string) => alias(`-member-${escapeName(normaliseEmail(email))}`),
  };
}

/** The logical name of a directory's i-th DomoUserBatch (bulk mode). */
export function batchResourceName(directory: string, index: number): string {
  return `${directory}-users-${index}`;
}

/**
 * How many batches hold `users` users at most about `batchSize` each: ceil(users / batchSize)
 * rounded up to a power of two (at least 1). A power of two so that when the count changes
 * (it doubles or halves), a user either stays in its batch or moves to exactly one other.
 */
export function batchCount(users: number, batchSize: number): number {
  const needed = Math.max(1, Math.ceil(users / Math.max(1, batchSize)));
  return 2 ** Math.ceil(Math.log2(needed));
}

/**
 * The batch a user belongs to: a hash of the normalised email (FNV-1a, 32 bits) modulo the
 * batch count. It depends on the email and the count only, so adding or removing a user never
 * moves anyone else; only a change of the count does (and that run hands the moved accounts
 * over, with no write).
 */
export function batchIndex(email: string, batches: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(normaliseEmail(email), "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % batches;
}
