import { DomoClient, type DomoClientOptions } from "../../client";
import { type ClientSettings, settingsFromSources } from "../../client/config";
import { DomoError, isDomoError } from "../../client/errors";
import type { DomoUserRecord } from "../../client/schemas";
import {
  declaredWriteFields,
  definedOnly,
  normaliseEmail,
  omitDefaultSettings,
  parseUserInputs,
  quote,
  sameEmail,
  sameField,
  settingsOf,
  type UserDeclaration,
  type UserState,
  type UserWriteField,
  unknownValue,
  userStateSchema,
  writeBody,
} from "../../model";
import {
  type CheckResult,
  type CreateResult,
  type DiffResult,
  declared,
  inPlace,
  type PropertyMap,
  type ReadResult,
  safeFailure,
  takeoverById,
  type UpdateResult,
} from "../engine";
import { diffUser } from "./diff";
import { stateFrom } from "./state-build";

// The engine's shapes, for modules that import them from here.
export type * from "../engine";

/**
 * Thrown when Domo holds the account but a follow-up step failed: the engine records the id
 * and properties instead of forgetting the account (a "partial failure").
 */
export class PartialCreateError extends Error {
  readonly reasons: string[];
  constructor(
    readonly id: string,
    readonly properties: PropertyMap,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Domo user ${id} exists, but converging it to the declaration failed: ${reason}`);
    this.name = "PartialCreateError";
    this.reasons = [reason];
  }
}

/** How a resource of this run came to hold an account. */
type Claim = "declared" | "created" | "taken over";

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
  deletes = 0;
  adminLock: Promise<unknown> = Promise.resolve();

  /** A directory's deletion guard reports what it declares now and, on a layout change, hands over. */
  declareDirectory(declared: readonly string[], handedOver: readonly string[]): void {
    for (const e of declared) this.declaredEmails.add(normaliseEmail(e));
    for (const e of handedOver) this.handedOver.add(normaliseEmail(e));
  }
}

export interface RuntimeOptions extends DomoClientOptions {
  /**
   * Where notices a person must see go (an account deliberately not deleted, say). The
   * provider's stderr is shown by the Pulumi CLI; tests capture it here.
   */
  notice?: (line: string) => void;
  /** The run's record of accounts; default a new one (tests), the process's one via createUserProviderRuntime. */
  ledger?: UserLedger;
}

/**
 * The DomoUser provider's behaviour: one instance per provider process (one `pulumi` run), so
 * every resource shares one client (token, limiter, listing cache), one admin-change lock, and
 * one record of which accounts the program's resources hold.
 */
export class UserProviderRuntime {
  private clientInstance: DomoClient | undefined;
  readonly ledger: UserLedger;
  private get claims(): Map<number, Claim> {
    return this.ledger.claims;
  }
  readonly notice: (line: string) => void;

  constructor(
    private readonly settings: () => ClientSettings,
    private readonly options: RuntimeOptions = {},
  ) {
    this.notice = options.notice ?? ((line) => process.stderr.write(`${line}\n`));
    this.ledger = options.ledger ?? new UserLedger();
  }

  /** Built on first use, so preview (check and diff only) never needs credentials. */
  get client(): DomoClient {
    if (!this.clientInstance) this.clientInstance = new DomoClient(this.settings(), this.options);
    return this.clientInstance;
  }

  async check(_olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const result = parseUserInputs(news);
    if (!result.ok) return { failures: result.failures.map((f) => safeFailure(f, news)) };
    // Settings at their default are left out (a preview shows what was declared, nothing more);
    // absent means the default everywhere (diff, create, update, delete read them that way).
    const inputs: PropertyMap = omitDefaultSettings(definedOnly({ ...result.value }));
    for (const key of result.unknowns) inputs[key] = unknownValue;
    if (news.__provider !== undefined) inputs.__provider = news.__provider;
    return { inputs };
  }

  async diff(id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const state = parseState(olds);
    this.claim(state.userId || parseId(id), "declared");
    const d = diffUser(state, news);
    return inPlace(d.changed.length > 0 || d.settings.length > 0);
  }

  async create(inputs: PropertyMap): Promise<CreateResult> {
    const decl = declaration(inputs);
    const managed = declaredWriteFields(decl);
    const users = this.client.users;
    if (decl.importId !== undefined) {
      // Taking over a known account (the `import` resource option lands here): never create.
      const found = await takeoverById("user", decl.importId, users, noSuchUser, (u) =>
        emailMismatch(u, decl),
      );
      return this.adopt(found, decl, managed, inputs);
    }
    // A directory changing its layout (perUser <-> bulk, batch count) hands its accounts over.
    if (decl.adoptExisting || this.ledger.handedOver.has(decl.email)) {
      const existing = await users.findByEmail(decl.email);
      if (existing) return this.adopt(existing, decl, managed, inputs);
    }
    let created: DomoUserRecord;
    try {
      created = await users.create(writeBody(decl), { sendInvite: decl.sendInvite });
    } catch (e) {
      if (isDomoError(e) && (e.kind === "conflict" || e.kind === "rejected")) {
        // Domo's duplicate-email answer is undocumented (400 or 409): ask Domo who has the email.
        const existing = await users.findByEmail(decl.email, { fresh: true });
        if (existing) throw existsError(decl.email, existing.id);
      }
      throw e;
    }
    this.claim(created.id, "created");
    const state = stateFrom(created, decl, managed, writeBody(decl));
    return { id: String(created.id), outs: stateOutputs(state) };
  }

  async read(id: string, props: PropertyMap): Promise<ReadResult> {
    const userId = parseId(id);
    const live = await this.client.users.getCached(userId);
    if (!live) return {};
    // A refresh passes our own state; an import passes the program's inputs instead.
    const isImport = props.userId === undefined;
    const previous = isImport ? importBaseline(props) : parseState(props);
    const state = stateFrom(live, previous, previous.managedFields);
    const inputs: PropertyMap = { ...settingsOf(previous) };
    for (const field of previous.managedFields) {
      const value = state[field as UserWriteField];
      if (value !== undefined) inputs[field] = value;
    }
    return {
      id: String(live.id),
      props: stateOutputs(state),
      inputs: omitDefaultSettings(definedOnly(inputs)),
    };
  }

  async update(id: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    const userId = parseId(id);
    this.claim(userId, "declared");
    const state = parseState(olds);
    const decl = declaration(news);
    const d = diffUser(state, news);
    const managed = declaredWriteFields(decl);
    if (d.changed.length === 0) {
      // Only provider settings changed (e.g. the deletion policy): record them, call nothing.
      return { outs: stateOutputs({ ...state, ...settingsOf(decl), managedFields: [...managed].sort() }) };
    }
    const losesAdmin = state.role === "Admin" && (decl.role !== "Admin" || decl.roleId !== undefined);
    const write = () => this.client.users.update(userId, writeBody(decl), { clear: d.cleared });
    const updated = losesAdmin
      ? await this.withAdminGuard(userId, decl.allowUnsafeAdminChanges, "demote", write, "declared")
      : await write();
    return { outs: stateOutputs(stateFrom(updated, decl, managed, writeBody(decl))) };
  }

  async delete(id: string, props: PropertyMap): Promise<void> {
    const state = parseState(props);
    if (state.deletionPolicy === "retain") return;
    const userId = parseId(id);
    const who = state.email ? `${state.email} (Domo user ${userId})` : `Domo user ${userId}`;
    if (state.email !== undefined && this.ledger.declaredEmails.has(normaliseEmail(state.email))) {
      this.notice(
        `pulumi-domo: not deleting ${who}: a DomoUserDirectory of this program still declares that email in this run (it moved to another resource, e.g. between perUser and bulk mode), so only the old resource's record goes and the account stays in Domo.`,
      );
      return;
    }
    const claim = this.claims.get(userId);
    if (claim !== undefined) {
      // One account, one resource: the resource going away must not take the account with it.
      this.notice(
        `pulumi-domo: not deleting ${who}: another DomoUser of this program ${claim === "declared" ? "manages" : claim === "created" ? "created" : "took over"} that account in this run, so only the removed resource leaves the state and the account stays in Domo.`,
      );
      return;
    }
    const cap = this.settings().maxDeletesPerRun;
    if (cap > 0 && this.ledger.deletes >= cap) {
      throw new DomoError({
        kind: "refused",
        field: "domo:maxDeletesPerRun",
        message:
          `Refusing to delete ${who}: this run already deleted ${this.ledger.deletes} Domo user(s), the most domo:maxDeletesPerRun (${cap}) allows. ` +
          "If these deletes are intended, raise it (`pulumi config set domo:maxDeletesPerRun <n>`, 0 for no cap) and run again; otherwise restore the removed declarations",
      });
    }
    this.ledger.deletes++;
    await this.withAdminGuard(
      userId,
      state.allowUnsafeAdminChanges,
      "delete",
      async () => {
        await this.client.users.delete(userId);
      },
      "removed",
    );
  }

  /** Records that a resource of this run holds the account. */
  claim(userId: number, how: Claim): void {
    if (userId > 0 && !this.claims.has(userId)) this.claims.set(userId, how);
  }

  /**
   * Refuses to delete or demote the account the API client acts as, or the last Admin, unless
   * explicitly allowed. Only changes to Admins wait for one another; all others run in parallel.
   */
  private async withAdminGuard<T>(
    userId: number,
    allowed: boolean,
    action: "delete" | "demote",
    work: () => Promise<T>,
    resource: "declared" | "removed",
  ): Promise<T> {
    if (allowed) return work();
    const { userId: self } = await this.client.tokens.info();
    if (self === userId) {
      throw guardError(
        `Refusing to ${action} Domo user ${userId}: it is the account these API credentials belong to`,
        action,
        resource,
      );
    }
    // Only changes to Admins can strand the instance; everyone else goes ahead in parallel.
    const live = await this.client.users.getCached(userId);
    if (live?.role !== "Admin") return work();
    const run = async (): Promise<T> => {
      const admins = await this.client.users.admins();
      if (admins.filter((a) => a.id !== userId).length === 0) {
        throw guardError(
          `Refusing to ${action} Domo user ${userId}: it is the last Admin of the instance`,
          action,
          resource,
        );
      }
      return work();
    };
    // Serialised, so two concurrent changes to the last two Admins cannot both pass the count.
    const result = this.ledger.adminLock.then(run, run);
    this.ledger.adminLock = result.catch(() => undefined);
    return result;
  }

  private async adopt(
    existing: DomoUserRecord,
    decl: UserDeclaration,
    managed: UserWriteField[],
    inputs: PropertyMap,
  ): Promise<CreateResult> {
    const id = String(existing.id);
    const holder = this.claims.get(existing.id);
    if (holder !== undefined) {
      throw new DomoError({
        kind: "refused",
        field: decl.importId === undefined ? "adoptExisting" : "importId",
        message:
          `Refusing to take over Domo user ${existing.id} (${existing.email ?? "no email"}): another DomoUser of this program already ${holder === "declared" ? "manages" : holder === "created" ? "created" : "took over"} it in this run. ` +
          "One account, one resource: remove one of the two declarations",
      });
    }
    this.claim(existing.id, "taken over");
    const differs = managed.some((f) => !sameField(f, existing[f], decl[f]));
    if (!differs) return { id, outs: stateOutputs(stateFrom(existing, decl, managed)) };
    try {
      const updated = await this.client.users.update(existing.id, writeBody(decl));
      return { id, outs: stateOutputs(stateFrom(updated, decl, managed, writeBody(decl))) };
    } catch (e) {
      const outs = stateOutputs(stateFrom(existing, decl, managed));
      if (inputs.__provider !== undefined) outs.__provider = inputs.__provider;
      throw new PartialCreateError(id, outs, e);
    }
  }
}

const noSuchUser =
  "no such user (or it was deleted). Check the id (`pulumi-domo export` lists every account with its id), or remove the import to create the account";

/** Why a takeover by id must not go ahead: the account is someone else's (unless allowed). */
function emailMismatch(found: DomoUserRecord, decl: UserDeclaration): string | undefined {
  if (decl.allowEmailChange || sameEmail(found.email, decl.email)) return undefined;
  return (
    `Refusing to take over Domo user ${found.id}: it is the account of ${found.email ?? "a user without email"}, not ${decl.email}, and taking it over would rewrite that person's email and name. ` +
    "Check the id (`pulumi-domo export` lists every account with its id). If it really is the same person under a new email, set allowEmailChange: true on this declaration for the takeover"
  );
}

/**
 * The create conflict, with the ways out in the order they are likely: a renamed resource
 * (aliases keep the account), an interrupted run (recover), then a deliberate takeover, said
 * for a users file (an entry's `id:`) and for a program (adoptExisting, importId) alike.
 */
function existsError(email: string, id: number): DomoError {
  return new DomoError({
    kind: "conflict",
    field: "email",
    message:
      `A Domo user with email ${email} already exists (id ${id}), so it was not created again. ` +
      `If you renamed this resource, keep managing the account under the new name with the aliases resource option ({ aliases: [{ name: "<old name>" }] }). ` +
      "If an interrupted `pulumi up` created it, run `npx pulumi-domo recover --stack <stack>` to bring what that run created into the stack, then `pulumi up` again. " +
      `To take the account over instead (also once recover has nothing left to do): in a users file, add \`id: ${id}\` to its entry; in a program, set adoptExisting: true (or importId: "${id}") on the DomoUser`,
  });
}

function guardError(
  message: string,
  action: "delete" | "demote",
  resource: "declared" | "removed",
): DomoError {
  const howTo =
    resource === "removed"
      ? 'Nothing was deleted. To leave the account in Domo and stop managing it, put the DomoUser back with deletionPolicy: "retain", run `pulumi up`, then remove it; ' +
        "to delete it after all, put it back with allowUnsafeAdminChanges: true, run `pulumi up`, then remove it"
      : `Nothing was changed. If you really mean to ${action} it, set allowUnsafeAdminChanges: true on this DomoUser and run again`;
  return new DomoError({
    kind: "refused",
    field: "allowUnsafeAdminChanges",
    message: `${message}. ${howTo}`,
  });
}

function declaration(inputs: PropertyMap): UserDeclaration {
  return declared(parseUserInputs(inputs));
}

function parseState(props: PropertyMap): UserState {
  const parsed = userStateSchema.safeParse(props);
  if (!parsed.success) {
    throw new DomoError({
      kind: "invalid_state",
      message: `The DomoUser state is not in the expected shape (${parsed.error.issues[0]?.path.join(".")}): run \`pulumi refresh\``,
    });
  }
  return parsed.data;
}

/** For `import`: the program's declaration tells which fields are managed and which settings apply. */
function importBaseline(inputs: PropertyMap): UserState {
  const result = parseUserInputs(inputs);
  // An import whose declaration does not validate still reads: check reports the problem.
  const decl = result.ok ? result.value : undefined;
  return userStateSchema.parse({
    userId: 0,
    managedFields: decl ? declaredWriteFields(decl) : [],
    ...(decl ? settingsOf(decl) : {}),
  });
}

function parseId(id: string): number {
  if (!/^\d+$/.test(id)) {
    throw new DomoError({
      kind: "invalid_state",
      field: "id",
      message: `${quote(id)} is not a Domo user id (expected digits, e.g. 1234567890)`,
    });
  }
  return Number(id);
}

/**
 * The state as outputs, without the settings that merely repeat their default (an absent setting
 * reads as its default, as in inputs): ~100 bytes a user fewer in a checkpoint the DIY backends
 * rewrite after every step. DomoUser's setting outputs come from its inputs (see resource.ts).
 */
function stateOutputs(state: UserState): PropertyMap {
  return omitDefaultSettings(definedOnly({ ...state }));
}

/**
 * Builds the runtime the serialized provider delegates to. Credentials come from stack config
 * (decrypted by the engine and handed to `configure`) with the environment as a fallback;
 * they are read lazily and never stored in the provider object that Pulumi serializes.
 */
export function createUserProviderRuntime(
  configGet: (key: string) => string | undefined = () => undefined,
  options: RuntimeOptions = {},
): UserProviderRuntime {
  let settings: ClientSettings | undefined;
  // Every runtime of the process shares its ledger, including those that older `__provider`
  // texts (kept in state, run by deletes) make through this function.
  return new UserProviderRuntime(
    () => {
      settings ??= settingsFromSources(configGet);
      return settings;
    },
    { ledger: sharedUserLedger(), ...options },
  );
}

// One per process: this module is loaded by package path (`pulumi-domo/dist/...`), so Node's
// module cache makes these one instance for every serialized provider of a run.
let sharedLedger: UserLedger | undefined;
let sharedRuntime: UserProviderRuntime | undefined;

/** The process's ledger of accounts (see UserLedger). */
export function sharedUserLedger(): UserLedger {
  sharedLedger ??= new UserLedger();
  return sharedLedger;
}

/**
 * The process's runtime, shared by the DomoUser and DomoUserBatch providers (one client, one
 * limiter, one listing cache): made by the first `configure`, reused by the other.
 */
export function sharedUserRuntime(configGet?: (key: string) => string | undefined): UserProviderRuntime {
  sharedRuntime ??= createUserProviderRuntime(configGet);
  return sharedRuntime;
}

/** Forgets the process's runtime and ledger (tests that play several runs in one process). */
export function resetSharedUserRuntime(): void {
  sharedRuntime = undefined;
  sharedLedger = undefined;
}
