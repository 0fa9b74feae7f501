// @ts-nocheck
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
 * replacement). Without an id they depend on the name, compared without case.
 */
export function groupResourceNames(groupName: string, id: number | undefined) {
  const byName = escapeName(groupNameKey(groupName));
  const key = id === undefined ? byName : `id-${id}`;
  const alias = (suffix: string) => (id === undefined ? [] : [{ name: `group-${byName}${suffix}` }]);
  return {
    group: `group-${key}`,
    groupAliases: alias(""),
    members: `group-${key}-members`,
    membersAliases: alias("-members"),
    member: (email: string) => `group-${key}-member-${escapeName(normaliseEmail(email))}`,
    memberAliases: (email: string) => alias(`-member-${escapeName(normaliseEmail(email))}`),
  };
}
