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
  let out = "";
  for (const ch of normaliseEmail(email)) {
    if (safe.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `user-${out}`;
}
