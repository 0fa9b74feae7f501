import { normaliseEmail } from "../model";

/** How a resource of this run came to hold an account. */
export type Claim = "declared" | "created" | "taken over";

/**
 * What one provider process (one `pulumi` run) knows about the accounts of all its resources,
 * whichever resource kind (DomoUser, DomoUserBatch) and whichever copy of the provider code
 * (a delete runs the `__provider` text of the resource's last update, possibly older code)
 * serves them. One per process (`sharedUserLedger`), so a DomoUser and a DomoUserBatch of one
 * run see each other's claims.
 */
export class UserLedger {
  /**
   * Accounts a resource of this run declares (diff), created or took over. The engine runs
   * the deletes of removed resources after every remaining resource was diffed, created or
   * updated, so a delete of an id found here would delete an account the program still
   * manages through another resource (a rename, a duplicate, a mode change): it is skipped.
   */
  readonly claims = new Map<number, Claim>();
  /**
   * Emails a DomoUserDirectory of this run declares (told by its deletion guard, registered
   * before its users). Whatever resource held such an account before (a DomoUser, a batch,
   * another batch), deleting it now would delete someone the program still declares.
   */
  readonly declaredEmails = new Set<string>();
  /**
   * Emails a directory held in its previous run and still declares while its layout (mode,
   * batch count) changed: the resource that now declares one takes the account over by email
   * (no write when its fields match) instead of failing on the existing email.
   */
  readonly handedOver = new Set<string>();
  /** Domo user ids a directory's entries declare (`id:`): the id is the person. */
  readonly declaredIds = new Set<number>();
  /**
   * Email changes a directory states (formerEmails) or knows by id: new email -> the email the
   * account had. The new email's create takes that account over (one PUT of the new email).
   */
  readonly emailChanges = new Map<string, { from: string; id?: number | undefined; formers: string[] }>();
  deletes = 0;
  adminLock: Promise<unknown> = Promise.resolve();

  /** A directory's deletion guard reports what it declares now, what it hands over, and email changes. */
  declareDirectory(directory: DirectoryDeclaration): void {
    for (const e of directory.declared) this.declaredEmails.add(normaliseEmail(e));
    for (const e of directory.handedOver) this.handedOver.add(normaliseEmail(e));
    for (const id of directory.ids ?? []) this.declaredIds.add(id);
    for (const c of directory.changes ?? [])
      this.emailChanges.set(normaliseEmail(c.to), {
        from: normaliseEmail(c.from),
        id: c.id,
        formers: (c.formers ?? []).map(normaliseEmail),
      });
  }
}

/** What a directory's deletion guard tells the run's ledger (see UserLedger). */
export interface DirectoryDeclaration {
  declared: readonly string[];
  handedOver: readonly string[];
  ids?: readonly number[];
  /** `formers`: every earlier email the account may still have (remembered across failed runs). */
  changes?: readonly { from: string; to: string; id?: number | undefined; formers?: readonly string[] }[];
}
