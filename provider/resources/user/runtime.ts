import { DomoClient, type DomoClientOptions } from "../../client";
import { type ClientSettings, settingsFromSources } from "../../client/config";
import { DomoError, isContentOwnerRefusal, isDomoError } from "../../client/errors";
import type { DomoUserRecord } from "../../client/schemas";
import {
  declaredWriteFields,
  definedOnly,
  normaliseEmail,
  omitDefaultSettings,
  parseDomoId,
  parseUserInputs,
  quote,
  sameEmail,
  sameField,
  settingsOf,
  type UserDeclaration,
  type UserState,
  type UserWriteField,
  userSettings,
  userStateSchema,
  userWriteFields,
  writeBody,
} from "../../model";
import type { PartialFailure, ResourceKind } from "../../runtime/kind";
import { resetSharedRun, sharedRun } from "../../runtime/run";
import { type Claim, UserLedger } from "../../runtime/user-ledger";
import { declarationOfAccount } from "../../usersfile/export";
import {
  type CheckResult,
  type CreateResult,
  checkedInputs,
  type DiffResult,
  declared,
  inPlace,
  type PropertyMap,
  type ReadResult,
  takeoverById,
  type UpdateResult,
} from "../engine";
import { ContentOwnerError, type DeleteOutcome } from "./content-owner";
import { diffUser } from "./diff";
import { domoUserType } from "./resource-type";
import { stateFrom } from "./state-build";

// The engine's shapes, for modules that import them from here.
export type * from "../engine";

/**
 * Thrown when Domo holds the account but a follow-up step failed: the engine records the id
 * and properties instead of forgetting the account (a "partial failure").
 */
export class PartialCreateError extends Error implements PartialFailure {
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

export interface RuntimeOptions extends DomoClientOptions {
  /**
   * Where notices a person must see go (an account deliberately not deleted, say). The
   * provider's stderr is shown by the Pulumi CLI; tests capture it here.
   */
  notice?: (line: string) => void;
  /** The run's record of accounts; default a new one (tests), the process's one via createUserProviderRuntime. */
  ledger?: UserLedger;
  /** The run's one client (see runtime/run.ts); default a client of this runtime's own (tests). */
  client?: () => DomoClient;
}

/**
 * The DomoUser provider's behaviour: one instance per provider process (one `pulumi` run), so
 * every resource shares one client (token, limiter, listing cache), one admin-change lock, and
 * one record of which accounts the program's resources hold.
 */
export class UserProviderRuntime implements ResourceKind<UserState> {
  readonly type = domoUserType;
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
    if (this.options.client) return this.options.client();
    if (!this.clientInstance) this.clientInstance = new DomoClient(this.settings(), this.options);
    return this.clientInstance;
  }

  parseState(props: PropertyMap): UserState {
    return parseState(props);
  }

  parseId(id: string): number {
    return parseId(id);
  }

  outputs(state: UserState): PropertyMap {
    return stateOutputs(state);
  }

  async check(_olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    // Settings at their default are left out; absent means the default everywhere (model/settings.ts).
    return checkedInputs(parseUserInputs(news), news, userSettings);
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
    const change = this.ledger.emailChanges.get(decl.email);
    const formers = [...(decl.formerEmails ?? []), ...(change ? [change.from, ...change.formers] : [])];
    if (decl.importId !== undefined) {
      // Taking over a known account (the `import` resource option lands here): never create.
      const found = await takeoverById("user", decl.importId, users, noSuchUser, (u) =>
        emailMismatch(u, decl, formers),
      );
      return this.adopt(found, decl, managed, inputs);
    }
    // A directory changing its layout (perUser <-> bulk, batch count) hands its accounts over.
    if (decl.adoptExisting || this.ledger.handedOver.has(decl.email)) {
      const existing = await users.findByEmail(decl.email);
      if (existing) return this.adopt(existing, decl, managed, inputs);
    }
    if (formers.length > 0 && !(await users.findByEmail(decl.email))) {
      // Same person, new email: the account under a former email is theirs. Take it over (one
      // PUT of the new email) rather than make a second account and lose the first's history.
      for (const former of formers) {
        const existing = await users.findByEmail(former);
        if (existing) return this.adopt(existing, decl, managed, inputs);
      }
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
    const previous = isImport ? importBaseline(props, live) : parseState(props);
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
    const write = () => this.client.users.update(userId, writeBody(decl), { clear: d.cleared });
    const updated = losesAdmin(state.role, decl)
      ? await this.withAdminGuard(userId, decl.allowUnsafeAdminChanges, "demote", write, "declared")
      : await write();
    return { outs: stateOutputs(stateFrom(updated, decl, managed, writeBody(decl))) };
  }

  async delete(id: string, props: PropertyMap): Promise<void> {
    await this.deleteAccount(id, props);
  }

  /**
   * DomoUser's delete, saying what it did (a batch counts the outcomes of its users). Throws
   * a ContentOwnerError when Domo refuses because the user owns DataSets or DataFlows.
   */
  async deleteAccount(id: string, props: PropertyMap): Promise<DeleteOutcome> {
    const state = parseState(props);
    if (state.deletionPolicy === "retain") return "retained";
    const userId = parseId(id);
    const who = state.email ? `${state.email} (Domo user ${userId})` : `Domo user ${userId}`;
    if (state.email !== undefined && this.ledger.declaredEmails.has(normaliseEmail(state.email))) {
      this.notice(
        `pulumi-domo: not deleting ${who}: a DomoUserDirectory of this program still declares that email (or names it as a person's former email) in this run (it moved to another resource, e.g. between perUser and bulk mode, or the email changed), so only the old resource's record goes and the account stays in Domo.`,
      );
      return "kept";
    }
    if (this.ledger.declaredIds.has(userId)) {
      this.notice(
        `pulumi-domo: not deleting ${who}: a DomoUserDirectory of this program declares that id in this run (the id is the person), so only the old resource's record goes and the account stays in Domo.`,
      );
      return "kept";
    }
    const claim = this.claims.get(userId);
    if (claim !== undefined) {
      // One account, one resource: the resource going away must not take the account with it.
      this.notice(
        `pulumi-domo: not deleting ${who}: another DomoUser of this program ${claim === "declared" ? "manages" : claim === "created" ? "created" : "took over"} that account in this run, so only the removed resource leaves the state and the account stays in Domo.`,
      );
      return "kept";
    }
    // An account Domo no longer has (deleted outside Pulumi, or by a batch delete that failed
    // part-way and stayed in the state) is not deleted again: no DELETE call. The admin guard
    // reads the same shared listing, so a live account costs no extra call (but with
    // allowUnsafeAdminChanges, which skips the guard's reads: then this is the one read).
    if (!(await this.client.users.getCached(userId))) return "gone";
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
    try {
      const existed = await this.withAdminGuard(
        userId,
        state.allowUnsafeAdminChanges,
        "delete",
        () => this.client.users.delete(userId),
        "removed",
      );
      return existed ? "deleted" : "gone";
    } catch (e) {
      if (!isContentOwnerRefusal(e)) throw e;
      this.ledger.deletes--; // nothing was deleted: it does not count against the cap
      throw new ContentOwnerError(state.email, userId, e);
    }
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
    const write = () => this.client.users.update(existing.id, writeBody(decl));
    // Taking an Admin over to demote it passes the same guard as an update that demotes: the
    // account the credentials belong to and the last Admin stay Admins unless said otherwise.
    const demoting = losesAdmin(existing.role, decl);
    try {
      const updated = demoting
        ? await this.withAdminGuard(existing.id, decl.allowUnsafeAdminChanges, "demote", write, "declared")
        : await write();
      return { id, outs: stateOutputs(stateFrom(updated, decl, managed, writeBody(decl))) };
    } catch (e) {
      // Refused by the guard: nothing was written, and the account is not taken over.
      if (demoting && isGuardRefusal(e)) {
        this.claims.delete(existing.id);
        throw e;
      }
      const outs = stateOutputs(stateFrom(existing, decl, managed));
      if (inputs.__provider !== undefined) outs.__provider = inputs.__provider;
      throw new PartialCreateError(id, outs, e);
    }
  }
}

const noSuchUser =
  "no such user (or it was deleted). Check the id (`pulumi-domo export` lists every account with its id), or remove the import to create the account";

/**
 * Why a takeover by id must not go ahead: the account is someone else's. Unless the declaration
 * says it is the same person under a new email (formerEmails lists the account's email, or
 * allowEmailChange), or the directory held this id under the account's current email before
 * (an email change on an `id:` entry: the guard passes the old email on as a former one).
 */
function emailMismatch(
  found: DomoUserRecord,
  decl: UserDeclaration,
  formers: readonly string[],
): string | undefined {
  if (decl.allowEmailChange || sameEmail(found.email, decl.email)) return undefined;
  // Not "the directory held this id before": a mistyped id it recorded (its takeover refused)
  // would then take over someone else's account after an email edit. The account's own email
  // must be one this person had.
  if (formers.some((f) => sameEmail(found.email, f))) return undefined;
  return (
    `Refusing to take over Domo user ${found.id}: it is the account of ${found.email ?? "a user without email"}, not ${decl.email}, and taking it over would rewrite that person's email and name. ` +
    `Check the id (\`pulumi-domo export\` lists every account with its id). If it really is the same person under a new email, add formerEmails: [${found.email ?? "<their email>"}] to this declaration (in a users file, to the entry)`
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

/** Whether a declaration takes an account's Admin role away (another role, or a custom roleId). */
function losesAdmin(role: string | undefined, decl: UserDeclaration): boolean {
  return role === "Admin" && (decl.role !== "Admin" || decl.roleId !== undefined);
}

function isGuardRefusal(e: unknown): boolean {
  return e instanceof DomoError && e.kind === "refused" && e.field === "allowUnsafeAdminChanges";
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
/**
 * What an import starts from: the program's declaration (the `import` resource option), or,
 * with none at all (`pulumi import`, `User.get`), the declaration that reproduces the account
 * as Domo has it, so the import's code and inputs name every field it holds.
 */
function importBaseline(inputs: PropertyMap, live: DomoUserRecord): UserState {
  const result = parseUserInputs(inputs);
  // An import whose declaration does not validate still reads: check reports the problem.
  const decl = result.ok ? result.value : undefined;
  const asDomoHasIt = Object.keys(inputs).length === 0 ? declarationOfAccount(live) : undefined;
  const managedFields =
    decl !== undefined
      ? declaredWriteFields(decl)
      : asDomoHasIt !== undefined && "declaration" in asDomoHasIt
        ? userWriteFields.filter((f) => asDomoHasIt.declaration[f] !== undefined)
        : [];
  return userStateSchema.parse({ userId: 0, managedFields, ...(decl ? settingsOf(decl) : {}) });
}

function parseId(id: string): number {
  const parsed = parseDomoId(id);
  if (parsed === undefined) {
    throw new DomoError({
      kind: "invalid_state",
      field: "id",
      message: `${quote(id)} is not a Domo user id (expected digits, e.g. 1234567890)`,
    });
  }
  return parsed;
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
 * Builds a runtime on its own client (tests, and older `__provider` texts that call it).
 * Credentials come from stack config (decrypted by the engine and handed to `configure`) with
 * the environment as a fallback; they are read lazily and never stored in the provider object
 * that Pulumi serializes. Its ledger is the process's, so every runtime of a run sees every claim.
 */
export function createUserProviderRuntime(
  configGet: (key: string) => string | undefined = () => undefined,
  options: RuntimeOptions = {},
): UserProviderRuntime {
  let settings: ClientSettings | undefined;
  return new UserProviderRuntime(
    () => {
      settings ??= settingsFromSources(configGet);
      return settings;
    },
    { ledger: sharedRun().users, ...options },
  );
}

/** The run's runtime, one per ProviderRun: a reset run (tests) gets a new one. */
const runtimes = new WeakMap<object, UserProviderRuntime>();

/** The process's ledger of accounts (see UserLedger): the run's. */
export function sharedUserLedger(): UserLedger {
  return sharedRun().users;
}

/**
 * The process's runtime, shared by the DomoUser and DomoUserBatch providers: a view over the
 * run (runtime/run.ts), so it uses the run's one client (token, limiter, listing cache), shared
 * with the group resources too, and the run's ledger.
 */
export function sharedUserRuntime(configGet?: (key: string) => string | undefined): UserProviderRuntime {
  const run = sharedRun(configGet);
  let runtime = runtimes.get(run);
  if (!runtime) {
    runtime = new UserProviderRuntime(() => run.settings(), { ledger: run.users, client: () => run.client });
    runtimes.set(run, runtime);
  }
  return runtime;
}

/** Starts a new run in this process (tests that play several runs in one process). */
export function resetSharedUserRuntime(): void {
  resetSharedRun();
}
