/**
 * Small pure helpers every layer shares: how a value is shown inside a message, and how an
 * object loses its undefined keys. One copy each, so messages read the same everywhere.
 */
// @ts-nocheck


/**
 * A value as it may appear inside a message a person reads: JSON-quoted, with control and
 * invisible characters escaped (`\u0007`, `\u202e`), so a hostile or mistyped value can
 * neither corrupt a terminal nor make one text look like another. Long values are cut.
 */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `"${escapeInvisible(cut).replace(/"/g, '\\"')}"`;
}

const invisible =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** Escapes control and invisible characters as `\uXXXX`; everything else stays as it is. */
export function escapeInvisible(text: string): string {
  return text.replace(invisible, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

/** Whether the text holds a control or invisible character (what `escapeInvisible` escapes). */
export function hasInvisible(text: string): boolean {
  invisible.lastIndex = 0;
  const found = invisible.test(text);
  invisible.lastIndex = 0;
  return found;
}

/** The kind of a value in words, for "expected a string, got …" messages. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** The object without its undefined keys (gRPC's Struct.fromJavaScript rejects undefined). */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
