import { readFileSync } from "node:fs";
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { groupNameKey } from "../model/group";
import { unknownValue } from "../model/inputs";
import { parseDeclaration, type UserDeclaration, userDeclarationSchema } from "../model/user";
import { UsersFileError } from "./errors";
import {
  type DirectoryMode,
  defaultableFields,
  describe,
  domoUserIdSchema,
  entryFields,
  type UsersFileDefaults,
  type UsersFileDefaultsInput,
  type UsersFileEntryInput,
  type UsersFileGroup,
  type UsersFileGroupInput,
  type UsersFileProblem,
  userGroupsSchema,
  usersFileDefaultsSchema,
  usersFileGroupSchema,
  usersFileSchema,
} from "./schema";

/** One declared user: the validated declaration (defaults applied) and where it came from. */
export interface DeclaredUser {
  /** An existing Domo user to take over (Pulumi `import`), when the entry names one. */
  id?: number | undefined;
  /** The groups (as declared under `groups:`, by their declared name) the user belongs to. */
  groups: string[];
  declaration: UserDeclaration;
  /** Position in `users:` (0-based, as in problem paths). */
  index: number;
  /** 1-based line of the entry in its file; undefined when declared in a program. */
  line?: number | undefined;
}

/** One declared group and where it came from. */
export interface DeclaredGroup extends UsersFileGroup {
  index: number;
  line?: number | undefined;
}

export interface UsersFile {
  /** The file name as given (used in messages), or a label for declarations from a program. */
  file: string;
  defaults: UsersFileDefaults;
  groups: DeclaredGroup[];
  users: DeclaredUser[];
  /** The file's top-level `mode:`, when it sets one. */
  mode?: DirectoryMode | undefined;
  /** The file's top-level `batchSize:`, when it sets one. */
  batchSize?: number | undefined;
}

type PathSegment = string | number;
type Locate = (path: readonly PathSegment[]) => number | undefined;

/** Properties Domo sets: declaring them is a mistake worth naming rather than ignoring. */
const readOnlyFields: Record<string, string> = {
  userId: "userId is Domo's id of the user; to take over an existing account, write id: <its id>",
  image: "image is set by Domo (the avatar) and cannot be declared",
  createdAt: "createdAt is set by Domo and cannot be declared",
  updatedAt: "updatedAt is set by Domo and cannot be declared",
  managedFields: "managedFields is kept by the provider and cannot be declared",
};

const declarationKeys = new Set(Object.keys(userDeclarationSchema.shape));

/** DomoUser inputs a users file spells its own way. */
const fileSpellings: Record<string, string> = {
  importId: "importId is written id in a users file (id: <the Domo user id>)",
};

/**
 * Parses a users file (YAML, or JSON, which YAML reads too). `baseDefaults` (validated, e.g.
 * a program's) sit under the file's own `defaults:`. Throws only UsersFileError,
 * listing every problem with its line; any input, however broken, ends there or in a result.
 */
export function parseUsersFile(text: string, fileName: string, baseDefaults?: UsersFileDefaults): UsersFile {
  const file = typeof fileName === "string" && fileName.length > 0 ? fileName : "users file";
  try {
    if (typeof text !== "string") throw fileProblem(file, `expected text, got ${describe(text)}`);
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      // Warnings (odd keys, unknown tags) would go to process warnings; problems are reported instead.
      logLevel: "error",
    });
    if (doc.errors.length > 0) {
      throw new UsersFileError(
        doc.errors.map((e) => ({
          file,
          line: lineCounter.linePos(e.pos[0]).line,
          path: "",
          message: `not valid YAML: ${firstLine(e.message)}`,
        })),
      );
    }
    if (doc.contents === null) {
      throw fileProblem(file, "the file is empty; expected a mapping with a users: list");
    }
    const root: unknown = doc.toJS({ maxAliasCount: 100 });
    return validateDocument(root, file, locator(doc, lineCounter), baseDefaults);
  } catch (e) {
    if (e instanceof UsersFileError) throw e;
    throw fileProblem(file, `could not read the users file: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface LoadOptions {
  /** Validated defaults (e.g. a program's) under the file's own `defaults:`. */
  defaults?: UsersFileDefaults | undefined;
  /** The name messages use, e.g. the path as a person typed it; default: `path`. */
  displayName?: string | undefined;
}

/** Reads and parses a users file; an unreadable file is a UsersFileError too. */
export function loadUsersFile(path: string, options: LoadOptions = {}): UsersFile {
  const name = options.displayName ?? path;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (e as Error).message;
    throw fileProblem(name, `cannot read the users file: ${reason}`);
  }
  return parseUsersFile(text, name, options.defaults);
}

/**
 * Validates declarations given in TypeScript (no file): the same rules and messages as a
 * users file, with `label` standing in for the file name.
 */
export function declareUsers(
  users: readonly UsersFileEntryInput[],
  defaults: UsersFileDefaultsInput = {},
  label = "users",
  groups?: readonly UsersFileGroupInput[],
): UsersFile {
  try {
    return validateDocument(
      { defaults, users, ...(groups === undefined ? {} : { groups }) },
      label,
      () => undefined,
    );
  } catch (e) {
    if (e instanceof UsersFileError) throw e;
    throw fileProblem(
      label,
      `could not read the declarations: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** A parsed user as an entry again (for `renderUsersFile`): its declaration plus its id. */
export function entryOf(user: DeclaredUser): UsersFileEntryInput {
  const { importId: _taken, ...rest } = user.declaration;
  return { ...rest, id: user.id, ...(user.groups.length > 0 ? { groups: user.groups } : {}) };
}

/**
 * Layers defaults: `over` (e.g. a file's own) wins over `base` (e.g. a program's), and a role
 * choice in `over` (role or roleId) replaces the base's role choice as a whole.
 */
export function layerDefaults(base: UsersFileDefaults, over: UsersFileDefaults): UsersFileDefaults {
  const out: Record<string, unknown> = { ...stripUndefined(base) };
  if (over.role !== undefined || over.roleId !== undefined) {
    delete out.role;
    delete out.roleId;
  }
  Object.assign(out, stripUndefined(over));
  return out as UsersFileDefaults;
}

/**
 * Validates a parsed document. `baseDefaults` (already valid) sit under the document's own
 * defaults.
 */
export function validateDocument(
  root: unknown,
  file: string,
  locate: Locate,
  baseDefaults: UsersFileDefaults = {},
): UsersFile {
  const problems: UsersFileProblem[] = [];
  const report = (path: readonly PathSegment[], message: string, at?: readonly PathSegment[]) => {
    problems.push({ file, line: locate(at ?? path), path: formatPath(path), message });
  };

  if (!isRecord(root)) {
    report([], `a users file must be a mapping with a users: list, got ${describe(root)}`);
    throw new UsersFileError(problems);
  }
  const top = usersFileSchema.safeParse(root);
  if (!top.success) {
    const keys = Object.keys(usersFileSchema.shape);
    reportIssues(
      top.error.issues,
      [],
      report,
      () => `unknown top-level key; a users file has ${keys.join(", ")}`,
    );
  }

  const defaults = layerDefaults(baseDefaults, validateDefaults(root.defaults, report));
  const groups = validateGroups(root.groups, file, locate, report);
  const groupsByKey = new Map(groups.map((g) => [groupNameKey(g.name), g]));
  const rawUsers = Array.isArray(root.users) ? root.users : [];
  const users: DeclaredUser[] = [];
  const seenEmails = new Map<string, { index: number; line: number | undefined }>();
  const seenIds = new Map<number, { index: number; line: number | undefined }>();
  rawUsers.forEach((raw, index) => {
    const entry = validateEntry(raw, index, defaults, report);
    const line = locate(["users", index]);
    const email = isRecord(raw) && typeof raw.email === "string" ? raw.email.trim().toLowerCase() : undefined;
    if (email) {
      const first = seenEmails.get(email);
      if (first) {
        report(
          ["users", index, "email"],
          `duplicate email ${email}: also declared at ${where(file, first)}; emails are compared without case, one entry per person`,
        );
      } else seenEmails.set(email, { index, line });
    }
    // A former email is this person's: another entry may not have it, as its email or a former one.
    entry?.declaration.formerEmails?.forEach((former, i) => {
      const first = seenEmails.get(former);
      if (first) {
        report(
          ["users", index, "formerEmails", i],
          `formerEmails lists ${former}, which ${where(file, first)} declares too: one email, one person. Remove it from one of the two entries`,
        );
      } else seenEmails.set(former, { index, line });
    });
    const id = entry?.id;
    if (id !== undefined) {
      const first = seenIds.get(id);
      if (first) {
        report(
          ["users", index, "id"],
          `duplicate id ${id}: also declared at ${where(file, first)}; one entry per Domo account`,
        );
      } else seenIds.set(id, { index, line });
    }
    const memberOf = isRecord(raw)
      ? validateUserGroups(raw.groups, ["users", index], groupsByKey, report)
      : [];
    if (entry) users.push({ ...entry, groups: memberOf, index, line });
  });

  if (problems.length > 0) throw new UsersFileError(sortProblems(problems));
  const layout: { mode?: DirectoryMode | undefined; batchSize?: number | undefined } = top.success
    ? top.data
    : {};
  return {
    file,
    defaults,
    groups,
    users,
    ...(layout.mode === undefined ? {} : { mode: layout.mode }),
    ...(layout.batchSize === undefined ? {} : { batchSize: layout.batchSize }),
  };
}

function validateGroups(
  raw: unknown,
  file: string,
  locate: Locate,
  report: (path: readonly PathSegment[], message: string) => void,
): DeclaredGroup[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    report(["groups"], `groups must be a list of groups (each with a name), got ${describe(raw)}`);
    return [];
  }
  const out: DeclaredGroup[] = [];
  const seenNames = new Map<string, { index: number; line: number | undefined }>();
  const seenIds = new Map<number, { index: number; line: number | undefined }>();
  raw.forEach((item, index) => {
    const base = ["groups", index] as const;
    const line = locate(base);
    const parsed = usersFileGroupSchema.safeParse(item);
    if (!parsed.success) {
      reportIssues(
        parsed.error.issues,
        base,
        report,
        (key) => `unknown property${hint(key, groupFields)}; a group accepts ${groupFields.join(", ")}`,
      );
      return;
    }
    const group: UsersFileGroup = parsed.data;
    const key = groupNameKey(group.name);
    if (key === "default") {
      report(
        [...base, "name"],
        "the Default group is Domo's own (every user is in it): leave it out of groups:",
      );
      return;
    }
    const twin = seenNames.get(key);
    if (twin) {
      report(
        [...base, "name"],
        `duplicate group ${JSON.stringify(group.name)}: also declared at ${where(file, twin, "groups")}; group names are compared without case`,
      );
      return;
    }
    seenNames.set(key, { index, line });
    let formersOk = true;
    group.formerNames?.forEach((former, i) => {
      const formerKey = groupNameKey(former);
      const first = seenNames.get(formerKey);
      if (formerKey === "default" || first) {
        report(
          [...base, "formerNames", i],
          formerKey === "default"
            ? "formerNames lists Domo's Default group: it is never renamed; remove it"
            : `formerNames lists ${JSON.stringify(former)}, a name ${first!.index === index ? "this group has now" : `also used at ${where(file, first!, "groups")}`}: one name, one group; remove it from one of them`,
        );
        formersOk = false;
      } else seenNames.set(formerKey, { index, line });
    });
    if (!formersOk) return;
    if (group.id !== undefined) {
      const first = seenIds.get(group.id);
      if (first) {
        report([...base, "id"], `duplicate id ${group.id}: also declared at ${where(file, first, "groups")}`);
        return;
      }
      seenIds.set(group.id, { index, line });
    }
    out.push({ ...group, index, line });
  });
  return out;
}

/** The keys a group accepts, in the schema's order. */
const groupFields = Object.keys(usersFileGroupSchema.shape);

/** Reports zod issues at their paths under `base`; each unknown key with `unknownKey`'s message. */
function reportIssues(
  issues: readonly z.core.$ZodIssue[],
  base: readonly PathSegment[],
  report: (path: readonly PathSegment[], message: string) => void,
  unknownKey: (key: string) => string,
): void {
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys")
      for (const key of issue.keys) report([...base, key], unknownKey(key));
    else report([...base, ...issue.path.map(segment)], issue.message);
  }
}

function validateUserGroups(
  raw: unknown,
  base: readonly PathSegment[],
  groups: ReadonlyMap<string, DeclaredGroup>,
  report: (path: readonly PathSegment[], message: string) => void,
): string[] {
  if (raw === undefined || raw === null) return [];
  const parsed = userGroupsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      report([...base, "groups", ...issue.path.map(segment)], issue.message);
    return [];
  }
  const names: string[] = [];
  const seen = new Set<string>();
  parsed.data.forEach((name, i) => {
    const group = groups.get(groupNameKey(name));
    if (!group) {
      const known = [...groups.values()].map((g) => g.name);
      report(
        [...base, "groups", i],
        groupNameKey(name) === "default"
          ? "the Default group is Domo's own (every user is in it): leave it out"
          : `group ${JSON.stringify(name)} is not declared under groups:${hint(name, known).replace(/^ "[^"]*"/, "")}; declare it there (with its id to take an existing group over)`,
      );
      return;
    }
    if (seen.has(groupNameKey(name))) return;
    seen.add(groupNameKey(name));
    names.push(group.name);
  });
  return names;
}

function validateDefaults(
  raw: unknown,
  report: (path: readonly PathSegment[], message: string) => void,
): UsersFileDefaults {
  if (raw === undefined || raw === null) return {};
  const parsed = usersFileDefaultsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const bad = new Set<string>();
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        bad.add(key);
        report(
          ["defaults", key],
          `unknown default${hint(key, defaultableFields)}; defaults accepts ${defaultableFields.join(", ")}`,
        );
      }
    } else {
      const key = issue.path[0];
      if (key !== undefined) bad.add(String(key));
      report(["defaults", ...issue.path.map(segment)], issue.message);
    }
  }
  // Keep the valid defaults so entries are not also reported for the missing ones.
  if (!isRecord(raw)) return {};
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
  const retry = usersFileDefaultsSchema.safeParse(kept);
  return retry.success ? retry.data : {};
}

function validateEntry(
  raw: unknown,
  index: number,
  defaults: UsersFileDefaults,
  report: (path: readonly PathSegment[], message: string, at?: readonly PathSegment[]) => void,
): Omit<DeclaredUser, "index" | "line" | "groups"> | undefined {
  const base = ["users", index] as const;
  if (!isRecord(raw)) {
    report(base, `each entry must be a mapping with at least email, name and a role, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "id" || key === "groups") continue;
    const readOnly = readOnlyFields[key];
    if (readOnly !== undefined && Object.hasOwn(readOnlyFields, key)) {
      report([...base, key], readOnly);
      ok = false;
    } else if (Object.hasOwn(fileSpellings, key)) {
      report([...base, key], fileSpellings[key] ?? key);
      ok = false;
    } else if (!declarationKeys.has(key)) {
      report(
        [...base, key],
        `unknown property${hint(key, entryFields)}; an entry accepts ${entryFields.join(", ")}`,
      );
      ok = false;
    } else if (value === unknownValue) {
      report([...base, key], `${key} holds Pulumi's placeholder for unknown values; declare a real value`);
      ok = false;
    } else {
      given[key] = value;
    }
  }
  let id: number | undefined;
  if (Object.hasOwn(raw, "id") && raw.id !== null && raw.id !== undefined) {
    const parsed = domoUserIdSchema.safeParse(raw.id);
    if (parsed.success) id = parsed.data;
    else {
      for (const issue of parsed.error.issues) report([...base, "id"], issue.message);
      ok = false;
    }
  }
  if (id !== undefined && given.adoptExisting === true) {
    report(
      [...base, "adoptExisting"],
      "set either id (take over the account with this id) or adoptExisting (take over by email), not both",
    );
    ok = false;
  }
  const merged = withDefaults(defaults, given);
  // The entry's id is the declaration's importId: the identity check and allowEmailChange apply.
  if (id !== undefined && merged.adoptExisting !== true) merged.importId = String(id);
  // An id says which account to take over: a default adoptExisting (by email) does not apply.
  if (
    Object.hasOwn(raw, "id") &&
    raw.id !== null &&
    raw.id !== undefined &&
    !Object.hasOwn(given, "adoptExisting")
  ) {
    delete merged.adoptExisting;
  }
  const result = parseDeclaration(merged);
  if (!result.ok) {
    for (const failure of result.failures) report([...base, failure.property], failure.reason);
    return undefined;
  }
  return ok ? { id, declaration: result.value } : undefined;
}

function withDefaults(defaults: UsersFileDefaults, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stripUndefined(defaults) };
  // An entry's own role choice replaces the default one, so roleId never meets a default role.
  if (Object.hasOwn(given, "role") || Object.hasOwn(given, "roleId")) {
    delete out.role;
    delete out.roleId;
  }
  // An explicit null (e.g. `timezone:` left empty) opts the entry out of a default.
  return { ...out, ...given };
}

/** Maps a path in the data to the line of the closest node the document has for it. */
function locator(doc: Document, lineCounter: LineCounter): Locate {
  return (path) => {
    let node: unknown = doc.contents;
    let offset = isNode(node) ? node.range?.[0] : undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyOffset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        if (keyOffset !== undefined) offset = keyOffset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg];
        if (!isNode(item)) break;
        if (item.range) offset = item.range[0];
        node = item;
      } else break;
    }
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
}

function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function segment(key: PropertyKey): PathSegment {
  return typeof key === "number" ? key : String(key);
}

function where(file: string, at: { index: number; line: number | undefined }, list = "users"): string {
  return at.line === undefined ? `${list}[${at.index}]` : `${file}:${at.line} (${list}[${at.index}])`;
}

/** A "did you mean" for near-miss keys: same letters in another case, or one or two typos. */
function hint(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const match =
    known.find((k) => k.toLowerCase() === lower) ??
    known.find((k) => key.length > 2 && editDistance(k.toLowerCase(), lower) <= 2);
  return match ? ` ${JSON.stringify(key)} (did you mean ${match}?)` : ` ${JSON.stringify(key)}`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 3;
}

/** File order: a person reads and fixes from the top. */
function sortProblems(problems: UsersFileProblem[]): UsersFileProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((x, y) => (x.p.line ?? 0) - (y.p.line ?? 0) || x.i - y.i)
    .map(({ p }) => p);
}

function fileProblem(file: string, message: string): UsersFileError {
  return new UsersFileError([{ file, path: "", message }]);
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
