// @ts-nocheck
import { Document, isMap, isSeq } from "yaml";
import { normaliseEmail, settingFields, userSettingsShape } from "../model/user";
import {
  entryFields,
  type UsersFileDefaultsInput,
  type UsersFileEntryInput,
  type UsersFileGroupInput,
} from "./schema";

export interface RenderOptions {
  /** The file's groups (written before the users). */
  groups?: readonly UsersFileGroupInput[];
  /** A comment for the top of the file (without `#`; may span lines). */
  header?: string;
  /** Comments to put above an entry, keyed by normalised email (e.g. fields left out on export). */
  notes?: ReadonlyMap<string, readonly string[]>;
}

/** Profile fields `defaults` may set (the role choice and settings always resolve to a value). */
const profileDefaults = ["location", "timezone", "locale"] as const;

/** What an entry gets when neither it nor `defaults` says otherwise (each setting's own default): left out. */
const schemaDefaults: Record<string, unknown> = Object.fromEntries(
  settingFields.flatMap((f) => {
    const parsed = userSettingsShape[f].safeParse(undefined);
    return parsed.success && parsed.data !== undefined ? [[f, parsed.data]] : [];
  }),
);

/**
 * Renders users as a users file: entries sorted by email (so exports diff cleanly), keys in
 * a fixed order, and values the defaults already give left out, so parsing the result gives
 * the same declarations back.
 */
export function renderUsersFile(
  users: readonly UsersFileEntryInput[],
  defaults?: UsersFileDefaultsInput,
  options: RenderOptions = {},
): string {
  const effective: Record<string, unknown> = { ...schemaDefaults, ...compact(defaults ?? {}) };
  const sorted = [...users].sort((a, b) => compareEmails(a.email, b.email));
  const entries = sorted.map((user) => renderEntry(user, effective));
  const body: Record<string, unknown> = {};
  const defaultsOut = compact(defaults ?? {});
  if (Object.keys(defaultsOut).length > 0) body.defaults = defaultsOut;
  if (options.groups && options.groups.length > 0)
    body.groups = options.groups.map((g) => compact(g as Record<string, unknown>));
  body.users = entries;

  const doc = new Document(body);
  if (options.header) doc.commentBefore = commentText(options.header);
  const seq = isMap(doc.contents) ? doc.contents.get("users", true) : undefined;
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      if (!isMap(item)) return;
      if (i > 0) item.spaceBefore = true;
      const email = sorted[i]?.email;
      const notes = typeof email === "string" ? options.notes?.get(normaliseEmail(email)) : undefined;
      if (notes && notes.length > 0) item.commentBefore = commentText(notes.join("\n"));
    });
  }
  // lineWidth 0: never fold long values; a folded name reads badly and diffs worse.
  return doc.toString({ lineWidth: 0 });
}

function renderEntry(user: UsersFileEntryInput, effective: Record<string, unknown>): Record<string, unknown> {
  const source = user as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of entryFields) {
    const value = source[key];
    if (value === undefined || value === null) continue;
    if (key === "id") {
      out.id = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
      continue;
    }
    if (key === "email" && typeof value === "string") {
      out.email = normaliseEmail(value);
      continue;
    }
    // Equal to what the defaults give: left out, and parsing supplies it again. A role equal to
    // the default role goes only when the entry makes no other role choice.
    if (Object.hasOwn(effective, key) && effective[key] === value) {
      const other = key === "role" ? "roleId" : key === "roleId" ? "role" : undefined;
      if (other === undefined || source[other] === undefined) continue;
    }
    out[key] = value;
  }
  // A profile default the entry does not declare would apply on parsing: opt out explicitly.
  for (const key of profileDefaults) {
    if (Object.hasOwn(effective, key) && !(key in out) && (source[key] === undefined || source[key] === null))
      out[key] = null;
  }
  return out;
}

function compareEmails(a: unknown, b: unknown): number {
  const x = typeof a === "string" ? normaliseEmail(a) : "";
  const y = typeof b === "string" ? normaliseEmail(b) : "";
  return x < y ? -1 : x > y ? 1 : 0;
}

function commentText(text: string): string {
  // Each line becomes its own comment line; a leading space keeps `# text` readable.
  return (
    text
      .split(/\r?\n/)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
      .map((l) => ` ${l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")}`)
      .join("\n")
  );
}

function compact(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}
