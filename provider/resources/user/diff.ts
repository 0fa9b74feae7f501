import { sameField, type UserState, unknownValue, userSettings, userWriteFields } from "../../model";

export interface UserDiff {
  /** Fields whose value in Domo must change (set or cleared). */
  changed: string[];
  /** Fields to clear in Domo: managed before, no longer declared. */
  cleared: string[];
  /** Provider settings kept in state that changed (no call to Domo needed). */
  settings: string[];
}

/**
 * Compares the declaration with the state. Only declared fields count, emails compare
 * without case, create-time settings (sendInvite, adoptExisting, importId, allowEmailChange)
 * never cause an update, and nothing ever requires a replacement: Domo changes every field in
 * place.
 */
export function diffUser(olds: UserState, news: Record<string, unknown>): UserDiff {
  const changed: string[] = [];
  const cleared: string[] = [];
  for (const field of userWriteFields) {
    const next = news[field];
    if (next === unknownValue) {
      changed.push(field);
      continue;
    }
    if (next === undefined) {
      // role and roleId are one choice: switching from one to the other is not a clear.
      const isRolePair = field === "role" || field === "roleId";
      if (!isRolePair && olds.managedFields.includes(field) && olds[field] !== undefined) {
        changed.push(field);
        cleared.push(field);
      }
      continue;
    }
    if (!sameField(field, olds[field], next)) changed.push(field);
  }
  // An absent setting is its default, in the declaration (check leaves defaults out) and in state.
  const settings = userSettings.changed(olds, news);
  return { changed, cleared, settings };
}
