import * as pulumi from "@pulumi/pulumi";
import { definedOnly, type UserDeclaration } from "../../model";
import { heldLine, nameHash } from "../../model/directory-identity";
import type {
  DeclaredGroup,
  DeclaredUser,
  DirectoryMode,
  UsersFile,
  UsersFileDefaults,
  UsersFileDefaultsInput,
  UsersFileEntryInput,
  UsersFileGroupInput,
  UsersFileProblem,
} from "../../usersfile";
import { declareUsers, loadUsersFile, UsersFileError, usersFileDefaultsSchema } from "../../usersfile";
import type { DomoGroup } from "../group/resource";
import type { DomoUserBatch } from "../user/batch-resource";
import { type DomoUser, type DomoUserArgs, userIdOf } from "../user/resource";
import { type BatchResource, type DirectoryChildren, dynamicDirectoryChildren } from "./children";
import { batchCount, batchIndex, batchResourceName, groupResourceNames, userResourceNames } from "./naming";
import { domoUserDirectoryType } from "./resource-type";

export { deletionGuardType, domoUserDirectoryType } from "./resource-type";

/** Options given to every DomoUser of the directory (parent and import are the directory's to set). */
export type DirectoryUserOptions = Omit<pulumi.CustomResourceOptions, "parent" | "import" | "id" | "urn">;

export interface DomoUserDirectoryArgs {
  /**
   * A users file (YAML or JSON), relative to the working directory (for `pulumi up`, the
   * project directory). Read at program start, so mistakes fail the preview.
   */
  file?: string;
  /** The users, declared in TypeScript instead of a file. */
  users?: readonly UsersFileEntryInput[];
  /** With `users`: the groups they name (as a file's `groups:`). */
  groups?: readonly UsersFileGroupInput[];
  /**
   * Defaults for every entry. A file's own `defaults:` win over these; an entry's own
   * values win over both. Use `{ deletionPolicy: "retain" }` to leave removed users in Domo.
   */
  defaults?: UsersFileDefaultsInput;
  /** Resource options for every user: `protect`, `retainOnDelete`, `ignoreChanges`, `aliases`… */
  userOptions?: DirectoryUserOptions;
  /**
   * Let this run delete more of the directory's accounts than the mass-deletion guard allows
   * (every account of two or more, or more than 5 and more than 10%). Meant for one run:
   * an emptied or truncated users file otherwise fails the preview, before any call to Domo.
   */
  allowMassDeletion?: boolean;
  /** Replace the guard's default threshold: refuse a run that would delete more than this many. */
  maxDeletes?: number;
  /**
   * "perUser" (default): one DomoUser per entry. "bulk": the entries in DomoUserBatch
   * resources of up to about `batchSize` users each, so the engine takes a handful of steps
   * instead of one per user (see docs/bulk-mode.md). A users file's top-level `mode:` wins.
   * Switching modes makes no call that writes to Domo and deletes no one.
   */
  mode?: DirectoryMode;
  /** Bulk mode: users per batch, at most (default 500). A users file's `batchSize:` wins. */
  batchSize?: number;
}

/** Users per DomoUserBatch unless told otherwise. */
export const defaultBatchSize = 500;

/** The declarations did not validate; `problems` has each one with file, line and path. */
export class UserDirectoryError extends pulumi.RunError {
  readonly problems: readonly UsersFileProblem[];

  constructor(cause: UsersFileError) {
    // RunError: Pulumi prints the message alone, without a stack trace.
    super(cause.message);
    this.name = "UserDirectoryError";
    this.problems = cause.problems;
  }
}

/**
 * A list of Domo users converged as a whole: one DomoUser per entry, as children of this
 * component. Adding an entry creates (or, with `id`/`adoptExisting`, takes over) an account;
 * removing one deletes it (or leaves it, with deletionPolicy "retain"); editing one updates
 * the account in place.
 */
export class DomoUserDirectory extends pulumi.ComponentResource {
  /** Domo user id per (normalised) email. */
  readonly userIds: pulumi.Output<Record<string, number>>;
  /** The DomoUser resources, keyed by normalised email (none in bulk mode). */
  readonly users: Readonly<Record<string, DomoUser>>;
  /** Bulk mode: the DomoUserBatch resources, in batch order (none in perUser mode). */
  readonly batches: readonly DomoUserBatch[];
  /** How the users are held: "perUser" or "bulk". */
  readonly mode: DirectoryMode;
  /** The validated declarations the users were built from, in declaration order. */
  readonly declarations: readonly DeclaredUser[];
  /** The DomoGroup resources, keyed by the group's name as declared. */
  readonly groups: Readonly<Record<string, DomoGroup>>;
  /** Domo group id per declared group name. */
  readonly groupIds: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: DomoUserDirectoryArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(domoUserDirectoryType, name, {}, opts);
    const built = declareDirectory(this, name, args, opts, dynamicDirectoryChildren);
    this.declarations = built.declarations;
    this.mode = built.mode;
    this.users = built.users;
    this.batches = built.batches;
    this.groups = built.groups;
    this.userIds = built.userIds;
    this.groupIds = built.groupIds;
    this.registerOutputs(directoryOutputs(built));
  }
}

/** What declareDirectory registered, as the component exposes it. */
export interface DeclaredDirectory<U, B, G> {
  declarations: readonly DeclaredUser[];
  mode: DirectoryMode;
  /** The users' resources, keyed by normalised email (none in bulk mode). */
  users: Record<string, U>;
  /** Bulk mode: the batches, in batch order (none in perUser mode). */
  batches: B[];
  /** The groups' resources, keyed by the group's name as declared. */
  groups: Record<string, G>;
  userIds: pulumi.Output<Record<string, number>>;
  groupIds: pulumi.Output<Record<string, number>>;
}

/** The component's outputs (registerOutputs; Construct's state): the same for both kinds of children. */
export function directoryOutputs(built: DeclaredDirectory<unknown, unknown, unknown>): pulumi.Inputs {
  return { userIds: built.userIds, groupIds: built.groupIds };
}

/**
 * Registers directory `name`'s children under `parent`, made by `children`: the deletion guard
 * first, then the users (or batches), then the groups and their members. Everything the
 * children are named, given and ordered by is decided here (with layoutDirectory); `children`
 * only makes them, so the TypeScript component and the native provider's Construct register
 * the same resources.
 */
export function declareDirectory<
  U extends pulumi.CustomResource,
  B extends BatchResource,
  G extends pulumi.CustomResource,
>(
  parent: pulumi.ComponentResource,
  name: string,
  args: DomoUserDirectoryArgs,
  opts: pulumi.ComponentResourceOptions,
  children: DirectoryChildren<U, B, G>,
): DeclaredDirectory<U, B, G> {
  const layout = layoutDirectory(name, args, opts);
  const { declared, plans, mode } = layout;
  // Registered first: its check (at preview, no call to Domo) refuses a run that would delete
  // too many of these accounts, before any user of the directory is touched. It also tells the
  // provider process which accounts the directory declares (and, when the layout changed,
  // hands them over), so a change of mode or batch count makes no write and deletes no one.
  const guard = children.guard(layout.guard.name, layout.guard.inputs, { parent });

  const users: Record<string, U> = {};
  const batchList: B[] = [];
  /** Each user's resource id (Domo's id as digits), as the groups' members need it. */
  let idOf: (email: string) => pulumi.Output<string>;
  let userIds: pulumi.Output<Record<string, number>>;
  if (mode === "bulk") {
    const batchOf = new Map<string, B>();
    // Made only for the users a group names: at 10,000 users, an Output per user would be
    // 10,000 apply chains the program builds and the garbage collector then chases.
    const made = new Map<string, pulumi.Output<string>>();
    idOf = (email) => {
      let id = made.get(email);
      if (!id) {
        id = batchOf.get(email)!.userIds.apply((ids) => String(ids[email]));
        made.set(email, id);
      }
      return id;
    };
    const { protect, retainOnDelete, customTimeouts } = args.userOptions ?? {};
    for (const planned of layout.batches) {
      const batch = children.userBatch(
        planned.name,
        { users: planned.users },
        {
          parent,
          dependsOn: [guard],
          retainOnDelete: retainOnDelete ?? opts.retainOnDelete,
          ...(protect === undefined ? {} : { protect }),
          ...(customTimeouts === undefined ? {} : { customTimeouts }),
        },
      );
      batchList.push(batch);
      for (const email of Object.keys(planned.users)) batchOf.set(email, batch);
    }
    // Straight from the batches' outputs (unknown in a preview of a batch's update).
    userIds = pulumi
      .all(batchList.map((b) => b.userIds))
      .apply((maps) => maps.reduce<Record<string, number>>((all, ids) => Object.assign(all, ids), {}));
  } else {
    const memberIds: Record<string, pulumi.Output<string>> = {};
    for (const plan of plans) {
      const user = children.user(plan.name, plan.args, {
        ...args.userOptions,
        // The id, or a former email, keeps the person's resource (and so their account).
        aliases: [...(args.userOptions?.aliases ?? []), ...plan.aliases.map((name) => ({ name }))],
        // After the guard: its check tells the provider process what this directory declares
        // and hands accounts over on a change of mode, before any of these users is created.
        dependsOn: dependencies(args.userOptions?.dependsOn, guard),
        // retainOnDelete set on the directory applies to its users (Pulumi only inherits protect).
        retainOnDelete: args.userOptions?.retainOnDelete ?? opts.retainOnDelete,
        parent,
        ...(plan.importId === undefined ? {} : { import: plan.importId }),
      });
      users[plan.email] = user;
      memberIds[plan.email] = user.id;
    }
    idOf = (email) => memberIds[email]!;
    const emails = Object.keys(memberIds);
    // From each user's resource id, not its userId output: in a preview of an update a
    // resource's outputs are unknown but its id is known, so the stack output stays known.
    userIds = pulumi
      .all(emails.map((email) => userIdOf(memberIds[email]!)))
      .apply((ids) => Object.fromEntries(emails.map((email, i) => [email, ids[i]!])));
  }
  const groups = declareGroups(parent, children, declared.groups, declared.users, idOf, opts, guard);
  const groupNames = Object.keys(groups);
  const groupIds = pulumi
    .all(groupNames.map((g) => groups[g]!.id))
    .apply((ids) => Object.fromEntries(groupNames.map((g, i) => [g, Number(ids[i])])));
  return { declarations: declared.users, mode, users, batches: batchList, groups, userIds, groupIds };
}

/**
 * One group per declared group, and its members: one members list (authoritative: exactly
 * the users that list the group) or one membership per user (additive). Members are passed
 * by the users' ids, which stay known in previews of updates.
 */
function declareGroups<G extends pulumi.CustomResource>(
  parent: pulumi.ComponentResource,
  children: DirectoryChildren<pulumi.CustomResource, BatchResource, G>,
  groups: readonly DeclaredGroup[],
  declared: readonly DeclaredUser[],
  idOf: (email: string) => pulumi.Output<string>,
  opts: pulumi.ComponentResourceOptions,
  guard: pulumi.Resource,
): Record<string, G> {
  const out: Record<string, G> = {};
  for (const g of groups) {
    const names = groupResourceNames(g.name, g.id, g.formerNames);
    const common = {
      parent,
      // After the guard, like the users: a run its check refuses (a group renamed without
      // formerNames, say) must not create the new group before the refusal stops it.
      dependsOn: [guard],
      ...(opts.retainOnDelete === undefined ? {} : { retainOnDelete: opts.retainOnDelete }),
    };
    const group = children.group(
      names.group,
      {
        name: g.name,
        ...(g.active === undefined ? {} : { active: g.active }),
        ...(g.id === undefined ? {} : { importId: String(g.id) }),
        ...(g.deletionPolicy === undefined ? {} : { deletionPolicy: g.deletionPolicy }),
        ...(g.allowDeleteWithMembers === undefined
          ? {}
          : { allowDeleteWithMembers: g.allowDeleteWithMembers }),
        ...(g.allowNameChange === undefined ? {} : { allowNameChange: g.allowNameChange }),
      },
      { ...common, aliases: names.groupAliases },
    );
    out[g.name] = group;
    const members = declared
      .filter((u) => u.groups.includes(g.name))
      .map((u) => u.declaration.email)
      .sort();
    if (g.members === "authoritative") {
      children.groupMembers(
        names.members,
        { groupId: group.id, userIds: members.map(idOf) },
        { ...common, aliases: names.membersAliases },
      );
    } else {
      for (const email of members) {
        children.groupMembership(
          names.member(email),
          { groupId: group.id, userId: idOf(email) },
          { ...common, aliases: names.memberAliases(email) },
        );
      }
    }
  }
  return out;
}

/** What a directory registers, computed without registering anything (see layoutDirectory). */
export interface DirectoryLayout {
  declared: UsersFile;
  plans: PlannedUser[];
  mode: DirectoryMode;
  /** Bulk mode: each DomoUserBatch's name and `users` input, in batch order (none in perUser mode). */
  batches: { name: string; users: Record<string, DomoUserArgs> }[];
  /** The deletion guard's name and inputs. */
  guard: { name: string; inputs: Record<string, unknown> };
}

/**
 * What DomoUserDirectory `name` registers for `args`, pure: the users' plans, the mode, the
 * batches' inputs and the deletion guard's inputs. The component registers exactly this (tests
 * replay it against the providers without a Pulumi engine).
 */
export function layoutDirectory(
  name: string,
  args: DomoUserDirectoryArgs,
  opts: Pick<pulumi.ComponentResourceOptions, "retainOnDelete"> = {},
): DirectoryLayout {
  const declared = readDirectory(args);
  const plans = planDirectoryUsers(declared.users);
  const mode: DirectoryMode = declared.mode ?? args.mode ?? "perUser";
  const batchSize = declared.batchSize ?? args.batchSize ?? defaultBatchSize;
  const batches = mode === "bulk" ? batchCount(plans.length, batchSize) : 0;
  const retainAll =
    (args.userOptions?.retainOnDelete ?? opts.retainOnDelete) === true || args.userOptions?.protect === true;
  const guardInputs = {
    directory: `DomoUserDirectory "${name}"${args.file === undefined ? "" : ` (${args.file})`}`,
    accounts: retainAll
      ? []
      : plans
          .filter((p) => p.deletes)
          .map((p) => p.email)
          .sort(),
    allowMassDeletion: args.allowMassDeletion === true,
    ...(args.maxDeletes === undefined ? {} : { maxDeletes: args.maxDeletes }),
    // Who is who, for the next run: each person's email, declared id, name hash and former
    // emails; each group's name, id, former names and member count.
    held: plans
      .map((p) =>
        heldLine({
          email: p.email,
          id: p.importId === undefined ? undefined : Number(p.importId),
          nameHash: typeof p.args.name === "string" ? nameHash(p.args.name) : undefined,
          formerEmails: p.formerEmails,
        }),
      )
      .sort(),
    // Left out when the directory declares no group: a directory without groups keeps the
    // guard's inputs it had before groups were remembered (no update on upgrade).
    ...(declared.groups.length === 0
      ? {}
      : {
          groups: declared.groups.map((g) =>
            definedOnly({
              name: g.name,
              id: g.id,
              formerNames: g.formerNames,
              members: declared.users.filter((u) => u.groups.includes(g.name)).length,
              allowDeleteWithMembers: g.allowDeleteWithMembers === true ? true : undefined,
              retain: g.deletionPolicy === "retain" || retainAll ? true : undefined,
            }),
          ),
        }),
    layout: mode === "bulk" ? `bulk:${batches}` : "perUser",
  };
  const grouped: Record<string, DomoUserArgs>[] = Array.from({ length: batches }, () => ({}));
  for (const plan of mode === "bulk" ? plans : []) {
    grouped[batchIndex(plan.email, batches)]![plan.email] = {
      ...plan.args,
      ...(plan.importId === undefined ? {} : { importId: plan.importId }),
    };
  }
  return {
    declared,
    plans,
    mode,
    batches: grouped.map((members, i) => ({ name: batchResourceName(name, i), users: sortedKeys(members) })),
    guard: { name: `${name}-deletion-guard`, inputs: guardInputs },
  };
}

export interface PlannedUser {
  /** Logical name: from the declared id, else from the normalised email (see userResourceNames). */
  name: string;
  /** The names that held this person before: by email when named by id, and by former emails. */
  aliases: string[];
  /** The emails the entry says this person had before. */
  formerEmails: string[];
  email: string;
  args: DomoUserArgs;
  /**
   * The `import` option for entries with an id. DomoUser turns it into its `importId` input:
   * the engine's own import step reads with neither inputs nor state, which a dynamic provider
   * cannot serve, so the first `up` takes the account over in create instead (no write when
   * the fields already match). importId is a create-time setting: keeping `id:` in the file
   * afterwards, or changing it, never updates or replaces the managed account.
   */
  importId?: string;
  /** Whether removing the entry deletes the account (deletionPolicy "delete"). */
  deletes: boolean;
}

/** What the directory registers, without registering it: names, inputs and import ids. */
export function planDirectoryUsers(users: readonly DeclaredUser[]): PlannedUser[] {
  const plans: PlannedUser[] = [];
  const names = new Map<string, string>();
  for (const user of users) {
    const { name, aliases } = userResourceNames(
      user.declaration.email,
      user.id,
      user.declaration.formerEmails ?? [],
    );
    const clash = names.get(name);
    // Validation already refuses duplicate emails; this guards the naming's one-to-one promise.
    if (clash !== undefined)
      throw new pulumi.RunError(
        `${user.declaration.email} and ${clash} map to the same resource name ${name}`,
      );
    names.set(name, user.declaration.email);
    plans.push({
      name,
      aliases,
      formerEmails: user.declaration.formerEmails ?? [],
      email: user.declaration.email,
      args: userArgs(user.declaration),
      deletes: user.declaration.deletionPolicy === "delete",
      ...(user.id === undefined ? {} : { importId: String(user.id) }),
    });
  }
  return plans;
}

/** Reads and validates the directory's declarations; problems become one UserDirectoryError. */
export function readDirectory(args: DomoUserDirectoryArgs): UsersFile {
  try {
    const hasFile = args.file !== undefined;
    const hasUsers = args.users !== undefined;
    if (hasFile === hasUsers) {
      throw new UsersFileError([
        {
          file: "DomoUserDirectory",
          path: hasFile ? "file, users" : "",
          message: hasFile
            ? "give either file (a users file) or users (a list), not both"
            : "give file (a users file path) or users (a list of declarations)",
        },
      ]);
    }
    const base = programDefaults(args.defaults);
    if (args.file !== undefined) return loadUsersFile(args.file, { defaults: base });
    return declareUsers(args.users ?? [], args.defaults ?? {}, "DomoUserDirectory users", args.groups);
  } catch (e) {
    if (e instanceof UsersFileError) throw new UserDirectoryError(e);
    throw e;
  }
}

function programDefaults(input: UsersFileDefaultsInput | undefined): UsersFileDefaults | undefined {
  if (input === undefined) return undefined;
  const parsed = usersFileDefaultsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new UsersFileError(
    parsed.error.issues.map((issue) => ({
      file: "DomoUserDirectory",
      path: ["defaults", ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  );
}

function dependencies(
  given: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined,
  guard: pulumi.Resource,
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  if (given === undefined) return [guard];
  if (Array.isArray(given)) return [...given, guard];
  if (pulumi.Resource.isInstance(given)) return [given, guard];
  // An Output of resources: kept as given (the guard then only comes first by registration order).
  return given as pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

function sortedKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]!]),
  );
}

/** DomoUser inputs from a validated declaration: its keys are DomoUser's own (one model). */
function userArgs(decl: UserDeclaration): DomoUserArgs {
  return { ...definedOnly(decl), email: decl.email, name: decl.name };
}
