/**
 * The mass-deletion rule of a users directory, pure: how many of the accounts a directory
 * would delete is "too many" for one run unless the person says so. An emptied users file, a
 * bad merge or a wrong path must never delete everyone with only a preview count to stop it.
 */
export interface MassDeletionPolicy {
  /** Allow this run to delete any number of the directory's accounts. */
  allowMassDeletion: boolean;
  /**
   * Refuse when more than this many would be deleted. Unset: refuse when every account
   * would go (of two or more), or more than 5 and more than 10% of them.
   */
  maxDeletes?: number | undefined;
}

export interface MassDeletionVerdict {
  removed: string[];
  refused: boolean;
}

/** Compares the accounts deletable before and now; `previous` and `next` are normalised emails. */
export function judgeRemovals(
  previous: readonly string[],
  next: readonly string[],
  policy: MassDeletionPolicy,
): MassDeletionVerdict {
  const keep = new Set(next);
  const removed = previous.filter((e) => !keep.has(e)).sort();
  return { removed, refused: exceedsGuard(removed.length, previous.length, policy) };
}

/**
 * The threshold itself, for accounts and groups alike: removing `removed` of `previous` is too
 * many unless allowed (every one of two or more, or more than 5 and more than 10%; or more
 * than `maxDeletes` when set).
 */
export function exceedsGuard(removed: number, previous: number, policy: MassDeletionPolicy): boolean {
  if (removed === 0 || policy.allowMassDeletion) return false;
  return policy.maxDeletes !== undefined
    ? removed > policy.maxDeletes
    : (removed === previous && previous >= 2) || (removed > 5 && removed * 10 > previous);
}

/** The check failure a person reads in `pulumi preview`. */
export function massDeletionMessage(directory: string, previous: number, removed: readonly string[]): string {
  const listed = removed.slice(0, 10).join(", ");
  const more = removed.length > 10 ? ` and ${removed.length - 10} more` : "";
  return (
    `${directory} would delete ${removed.length} of its ${previous} Domo accounts in one run (${listed}${more}), more than the mass-deletion guard allows; nothing was changed. ` +
    "If the users file was emptied or truncated by mistake, restore it. If these deletions are intended, set allowMassDeletion: true on the DomoUserDirectory for this run " +
    '(in a project made from this repository\'s template: `pulumi config set allowMassDeletion true`, `pulumi up`, then `pulumi config rm allowMassDeletion`), or give the removed entries deletionPolicy: "retain" first to leave the accounts in Domo'
  );
}

/** The one id every deletion guard has: a directory has one guard, named after it by its URN. */
export const deletionGuardId = "deletion-guard";

/**
 * What a guard's create records: its id and, as outputs, its inputs as given (it never talks to
 * Domo). The provider's create answers this, and `pulumi-domo recover` records a guard whose
 * create a killed run left pending the same way.
 */
export function createdGuard(inputs: Record<string, unknown>): { id: string; outs: Record<string, unknown> } {
  return { id: deletionGuardId, outs: inputs };
}
