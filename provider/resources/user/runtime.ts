import { DomoClient, type DomoClientOptions } from "../../client";
import { type ClientSettings, settingsFromSources } from "../../client/config";
import { DomoError, isDomoError } from "../../client/errors";
import type { DomoUserRecord, UserWrite } from "../../client/schemas";
import { type CheckFailure, parseDeclaration, type UserDeclaration, unknownValue } from "./declaration";
import { diffUser, sameField } from "./diff";
import { declaredWriteFields, stateFrom, type UserState, userStateSchema, writeBody } from "./state";

/** The shapes the Pulumi engine exchanges with a dynamic provider, kept free of `any`. */
export type PropertyMap = Record<string, unknown>;
export interface CheckResult {
  inputs?: PropertyMap;
  failures?: CheckFailure[];
}
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface CreateResult {
  id: string;
  outs: PropertyMap;
}
export interface ReadResult {
  id?: string;
  props?: PropertyMap;
  inputs?: PropertyMap;
}
export interface UpdateResult {
  outs: PropertyMap;
}

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

/**
 * The DomoUser provider's behaviour: one instance per provider process, so every resource
 * shares one client (token, limiter, listing cache) and one admin-change lock.
 */
export class UserProviderRuntime {
  private clientInstance: DomoClient | undefined;
  private adminLock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: () => ClientSettings,
    private readonly clientOptions: DomoClientOptions = {},
  ) {}

  /** Built on first use, so preview (check and diff only) never needs credentials. */
  get client(): DomoClient {
    if (!this.clientInstance) this.clientInstance = new DomoClient(this.settings(), this.clientOptions);
    return this.clientInstance;
  }

  async check(_olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const result = parseDeclaration(news);
    if (!result.ok) return { failures: result.failures };
    const inputs: PropertyMap = stripUndefined({ ...result.value });
    for (const key of result.unknowns) inputs[key] = unknownValue;
    if (news.__provider !== undefined) inputs.__provider = news.__provider;
    return { inputs };
  }

  async diff(_id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const state = parseState(olds);
    const d = diffUser(state, news);
    return {
      changes: d.changed.length > 0 || d.settings.length > 0,
      replaces: [],
      deleteBeforeReplace: false,
    };
  }

  async create(inputs: PropertyMap): Promise<CreateResult> {
    const decl = declaration(inputs);
    const managed = declaredWriteFields(decl);
    const users = this.client.users;
    if (decl.importId !== undefined) {
      // Taking over a known account (the `import` resource option lands here): never create.
      const existing = await users.get(Number(decl.importId));
      if (!existing) {
        throw new DomoError({
          kind: "not_found",
          field: "importId",
          message: `Cannot import Domo user ${decl.importId}: no such user (or it was deleted). Check the id, or remove the import to create the account`,
        });
      }
      return this.adopt(existing, decl, managed, inputs);
    }
    if (decl.adoptExisting) {
      const existing = await users.findByEmail(decl.email);
      if (existing) return this.adopt(existing, decl, managed, inputs);
    }
    let created: DomoUserRecord;
    try {
      created = await users.create(writeBody(decl), { sendInvite: decl.sendInvite });
    } catch (e) {
      if (isDomoError(e) && (e.kind === "conflict" || e.kind === "validation")) {
        // Domo's duplicate-email answer is undocumented (400 or 409): ask Domo who has the email.
        const existing = await users.findByEmail(decl.email, { fresh: true });
        if (existing) {
          throw new DomoError({
            kind: "conflict",
            field: "email",
            message:
              `A Domo user with email ${decl.email} already exists (id ${existing.id}). ` +
              `To manage it, set adoptExisting: true on this DomoUser, or take it over by id with importId: "${existing.id}" (or the resource option { import: "${existing.id}" })`,
          });
        }
      }
      throw e;
    }
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
    const inputs: PropertyMap = {
      sendInvite: previous.sendInvite,
      adoptExisting: previous.adoptExisting,
      deletionPolicy: previous.deletionPolicy,
      allowUnsafeAdminChanges: previous.allowUnsafeAdminChanges,
    };
    for (const field of previous.managedFields) {
      const value = state[field as keyof UserState];
      if (value !== undefined) inputs[field] = value;
    }
    return { id: String(live.id), props: stateOutputs(state), inputs: stripUndefined(inputs) };
  }

  async update(id: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    const userId = parseId(id);
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
      ? await this.withAdminGuard(userId, decl.allowUnsafeAdminChanges, "demote", write)
      : await write();
    return { outs: stateOutputs(stateFrom(updated, decl, managed, writeBody(decl))) };
  }

  async delete(id: string, props: PropertyMap): Promise<void> {
    const state = parseState(props);
    if (state.deletionPolicy === "retain") return;
    const userId = parseId(id);
    await this.withAdminGuard(userId, state.allowUnsafeAdminChanges, "delete", async () => {
      await this.client.users.delete(userId);
    });
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
  ): Promise<T> {
    if (allowed) return work();
    const { userId: self } = await this.client.tokens.info();
    if (self === userId) {
      throw guardError(
        `Refusing to ${action} Domo user ${userId}: it is the account these API credentials belong to`,
      );
    }
    // Only changes to Admins can strand the instance; everyone else goes ahead in parallel.
    const live = await this.client.users.getCached(userId);
    if (live?.role !== "Admin") return work();
    const run = async (): Promise<T> => {
      const admins = await this.client.users.admins();
      if (admins.filter((a) => a.id !== userId).length === 0) {
        throw guardError(`Refusing to ${action} Domo user ${userId}: it is the last Admin of the instance`);
      }
      return work();
    };
    // Serialised, so two concurrent changes to the last two Admins cannot both pass the count.
    const result = this.adminLock.then(run, run);
    this.adminLock = result.catch(() => undefined);
    return result;
  }

  private async adopt(
    existing: DomoUserRecord,
    decl: UserDeclaration,
    managed: ReturnType<typeof declaredWriteFields>,
    inputs: PropertyMap,
  ): Promise<CreateResult> {
    const id = String(existing.id);
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

function guardError(message: string): DomoError {
  return new DomoError({
    kind: "validation",
    field: "allowUnsafeAdminChanges",
    message: `${message}. If you really mean it, set allowUnsafeAdminChanges: true on this DomoUser and run again`,
  });
}

function declaration(inputs: PropertyMap): UserDeclaration {
  const result = parseDeclaration(inputs);
  if (!result.ok) {
    throw new DomoError({
      kind: "validation",
      field: result.failures[0]?.property,
      message: result.failures.map((f) => `${f.property}: ${f.reason}`).join("; "),
    });
  }
  if (result.unknowns.length > 0) {
    throw new DomoError({
      kind: "validation",
      message: `values still unknown at apply: ${result.unknowns.join(", ")}`,
    });
  }
  return result.value;
}

function parseState(props: PropertyMap): UserState {
  const parsed = userStateSchema.safeParse(props);
  if (!parsed.success) {
    throw new DomoError({
      kind: "validation",
      message: `The DomoUser state is not in the expected shape (${parsed.error.issues[0]?.path.join(".")}): run \`pulumi refresh\``,
    });
  }
  return parsed.data;
}

/** For `import`: the program's declaration tells which fields are managed and which settings apply. */
function importBaseline(inputs: PropertyMap): UserState {
  const result = parseDeclaration(inputs);
  // An import whose declaration does not validate still reads: check reports the problem.
  const decl = result.ok ? result.value : undefined;
  return userStateSchema.parse({
    userId: 0,
    managedFields: decl ? declaredWriteFields(decl) : [],
    ...(decl ? settingsOf(decl) : {}),
  });
}

type ProviderSettings = Pick<
  UserDeclaration,
  "sendInvite" | "adoptExisting" | "deletionPolicy" | "allowUnsafeAdminChanges"
>;

function settingsOf(decl: ProviderSettings): ProviderSettings {
  return {
    sendInvite: decl.sendInvite,
    adoptExisting: decl.adoptExisting,
    deletionPolicy: decl.deletionPolicy,
    allowUnsafeAdminChanges: decl.allowUnsafeAdminChanges,
  };
}

function parseId(id: string): number {
  if (!/^\d+$/.test(id)) {
    throw new DomoError({
      kind: "validation",
      field: "id",
      message: `"${id}" is not a Domo user id (expected digits, e.g. 1234567890)`,
    });
  }
  return Number(id);
}

function stateOutputs(state: UserState): PropertyMap {
  return stripUndefined({ ...state });
}

/** gRPC's Struct.fromJavaScript rejects undefined: drop such keys. */
function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export type { UserWrite };

/**
 * Builds the runtime the serialized provider delegates to. Credentials come from stack config
 * (decrypted by the engine and handed to `configure`) with the environment as a fallback;
 * they are read lazily and never stored in the provider object that Pulumi serializes.
 */
export function createUserProviderRuntime(
  configGet: (key: string) => string | undefined = () => undefined,
): UserProviderRuntime {
  let settings: ClientSettings | undefined;
  return new UserProviderRuntime(() => {
    settings ??= settingsFromSources(configGet);
    return settings;
  });
}
