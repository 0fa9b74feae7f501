import type { DomoGroupRecord, DomoUserRecord } from "../client/schemas";
import { groupNameKey } from "../model/group";
import { normaliseEmail, parseDeclaration, systemRoles, userWriteFields } from "../model/user";
import type { UsersFileEntryInput, UsersFileGroupInput } from "./schema";

export interface ExportedUsers {
  entries: UsersFileEntryInput[];
  /** Per normalised email: what was left out of that entry and why (for comments and stderr). */
  notes: Map<string, string[]>;
  /** Accounts that cannot be declared at all (no email, no name, or a duplicate email). */
  skipped: { id: number; reason: string }[];
}

/** The write fields an entry carries besides its identity (email) and role choice. */
const profileFields = userWriteFields.filter((f) => f !== "email" && f !== "role" && f !== "roleId");

/**
 * Turns live Domo users into users-file entries that take each account over by id. A field
 * whose live value a declaration would refuse (say, a phone with letters) is left out rather
 * than failing the export: left out, it stays unmanaged and unchanged, which is what was there.
 */
export function entriesFromLive(live: readonly DomoUserRecord[]): ExportedUsers {
  const entries: UsersFileEntryInput[] = [];
  const notes = new Map<string, string[]>();
  const skipped: ExportedUsers["skipped"] = [];
  const seen = new Map<string, number>();
  for (const user of [...live].sort((a, b) => a.id - b.id)) {
    if (user.deleted) continue;
    if (!user.email) {
      skipped.push({ id: user.id, reason: "it has no email" });
      continue;
    }
    const email = normaliseEmail(user.email);
    const twin = seen.get(email);
    if (twin !== undefined) {
      skipped.push({
        id: user.id,
        reason: `its email ${email} is also user ${twin}'s (compared without case)`,
      });
      continue;
    }
    seen.set(email, user.id);
    const declared = declarationOfAccount(user);
    if ("reason" in declared) {
      skipped.push({ id: user.id, reason: declared.reason });
      continue;
    }
    if (declared.left.length > 0) notes.set(email, declared.left);
    entries.push({ id: user.id, ...(declared.declaration as Omit<UsersFileEntryInput, "id">) });
  }
  return { entries, notes, skipped };
}

/**
 * The declaration that reproduces a live account (an export's entry, an import's inputs):
 * its email, every profile field it has, its role by name when a system role, else by id. A
 * field whose live value a declaration would refuse (say, a phone with letters) is left out
 * (and said so in `left`) rather than failing: left out, it stays unmanaged and unchanged.
 */
export function declarationOfAccount(
  user: DomoUserRecord,
): { declaration: Record<string, unknown>; left: string[] } | { reason: string } {
  if (!user.email) return { reason: "it has no email" };
  const candidate: Record<string, unknown> = { email: normaliseEmail(user.email) };
  for (const field of profileFields) {
    const value = user[field];
    if (value !== undefined && value !== "") candidate[field] = value;
  }
  // A system role by name; a custom role by id (names of custom roles are not addressable).
  if (user.role !== undefined && (systemRoles as readonly string[]).includes(user.role))
    candidate.role = user.role;
  else if (user.roleId !== undefined) candidate.roleId = user.roleId;
  else if (user.role !== undefined) candidate.role = user.role;

  const left: string[] = [];
  // Drop what fails validation, field by field, until the rest is a valid declaration.
  for (let round = 0; round < profileFields.length + 2; round++) {
    const result = parseDeclaration(candidate);
    if (result.ok) break;
    const failure =
      result.failures.find((f) => f.property !== "email" && Object.hasOwn(candidate, f.property)) ??
      result.failures[0];
    if (!failure || failure.property === "email" || !Object.hasOwn(candidate, failure.property)) {
      left.push(`cannot be declared: ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
      break;
    }
    left.push(
      `${failure.property} ${JSON.stringify(candidate[failure.property])} left out: ${failure.reason}`,
    );
    delete candidate[failure.property];
  }
  if (!parseDeclaration(candidate).ok)
    return { reason: left[left.length - 1] ?? "its fields cannot be declared" };
  return { declaration: candidate, left };
}

/**
 * The groups of an export: every group but Domo's Default one, by name with its id (so the
 * first `up` takes it over, and a later rename in the file is in place), authoritative over
 * the exported users that belong to it; and each exported user's group names.
 */
export function groupsFromLive(
  groups: readonly DomoGroupRecord[],
  members: ReadonlyMap<number, readonly number[]>,
  entries: UsersFileEntryInput[],
  deletionPolicy?: "delete" | "retain",
): UsersFileGroupInput[] {
  const declared = groups.filter((g) => groupNameKey(g.name) !== "default").sort((a, b) => a.id - b.id);
  const byUser = new Map<number, string[]>();
  for (const g of declared) {
    for (const userId of members.get(g.id) ?? []) byUser.set(userId, [...(byUser.get(userId) ?? []), g.name]);
  }
  for (const entry of entries) {
    const names = byUser.get(Number(entry.id));
    if (names && names.length > 0) entry.groups = names;
  }
  return declared.map((g) => ({
    name: g.name,
    id: g.id,
    ...(g.active === false ? { active: false } : {}),
    ...(deletionPolicy === undefined ? {} : { deletionPolicy }),
  }));
}
