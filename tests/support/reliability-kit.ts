import assert from "node:assert/strict";
import nodeFetch, { type RequestInit, type Response } from "node-fetch";
import type { DomoClientOptions, FetchLike } from "../../provider/client";
import type { ClientSettingsInput } from "../../provider/client/config";
import type { RunningEmulator } from "../../provider/emulator";
import type { PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import { UserProviderRuntime as Runtime } from "../../provider/resources/user/runtime";
import { emulatorSettings } from "./emulator-client";

/** Everything a provider process under test leaked to the outside, for the secret scans. */
export interface Capture {
  /** Every bearer token seen on the wire and every access_token the token endpoint answered. */
  tokens: Set<string>;
  /** Debug log lines (client built with debug: true). */
  logs: string[];
}

export function newCapture(): Capture {
  return { tokens: new Set(), logs: [] };
}

/**
 * A fetch that behaves like node-fetch and records the tokens it carries and receives, so a
 * test can look for exactly those strings in everything the provider produced.
 */
export function recordingFetch(capture: Capture): FetchLike {
  return async (url: string, init: RequestInit): Promise<Response> => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const auth = headers.Authorization ?? headers.authorization;
    const bearer = auth === undefined ? undefined : /^bearer\s+(\S+)/i.exec(auth)?.[1];
    if (bearer) capture.tokens.add(bearer);
    const response = await nodeFetch(url, init);
    if (url.includes("/oauth/token") && response.ok) {
      try {
        const body = (await response.clone().json()) as { access_token?: unknown };
        if (typeof body.access_token === "string") capture.tokens.add(body.access_token);
      } catch {
        // Not JSON: nothing to record; the client reports it.
      }
    }
    return response;
  };
}

/** A provider runtime for one "provider process" against the emulator. */
export function runtimeFor(
  emu: RunningEmulator,
  settings: Partial<ClientSettingsInput> = {},
  options: DomoClientOptions = {},
): UserProviderRuntime {
  const parsed = emulatorSettings(emu, { requestsPerSecond: 1000, ...settings });
  return new Runtime(() => parsed, options);
}

export async function checked(runtime: UserProviderRuntime, news: PropertyMap): Promise<PropertyMap> {
  const result = await runtime.check({}, news);
  assert.deepEqual(result.failures ?? [], [], `check failed for ${JSON.stringify(news)}`);
  return result.inputs ?? {};
}

/** Total API requests the emulator counted (token requests included, /__admin never). */
export function totalCalls(emu: RunningEmulator): number {
  return Object.values(emu.counters()).reduce((n, c) => n + c, 0);
}

/** Live (not deleted) accounts holding an email, compared without case. */
export function liveAccounts(emu: RunningEmulator, email: string): number {
  const wanted = email.toLowerCase();
  return emu.store.listUsers().filter((u) => !u.deleted && u.email.toLowerCase() === wanted).length;
}

/** The most timestamps that fall in any half-open window [t, t + windowMs). */
export function maxInWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start] ?? 0;
    while (end < sorted.length && (sorted[end] ?? 0) < from + windowMs) end++;
    best = Math.max(best, end - start);
  }
  return best;
}

/** A JWT: three base64url segments, the first a JSON header (`{"` encodes to `eyJ`). */
export const jwtPattern = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

export interface ScanResult {
  artifacts: number;
  bytes: number;
  hits: string[];
}

/** A leak can be partial (a message cut short): any run of this many characters of a secret counts. */
const partialRun = 16;

/** Every run of `partialRun` characters of a secret, overlapping, so any longer fragment holds one. */
function fragments(secret: string): string[] {
  if (secret.length <= partialRun) return [secret];
  const out: string[] = [];
  for (let at = 0; at + partialRun <= secret.length; at += partialRun / 2)
    out.push(secret.slice(at, at + partialRun));
  out.push(secret.slice(-partialRun));
  return out;
}

/**
 * Looks for each secret (whole, or any fragment of 24 characters or more), and for anything
 * JWT-shaped, in every text; reports where it found one.
 */
export function scanForSecrets(texts: readonly string[], secrets: Iterable<string>): ScanResult {
  const needles = [...secrets].filter((s) => s.length >= 8).map((s) => ({ s, parts: fragments(s) }));
  const hits: string[] = [];
  let bytes = 0;
  texts.forEach((text, i) => {
    bytes += Buffer.byteLength(text);
    for (const { s, parts } of needles) {
      if (text.includes(s)) hits.push(`artifact ${i}: contains a known secret (${s.slice(0, 6)}…)`);
      else if (parts.some((p) => text.includes(p)))
        hits.push(`artifact ${i}: contains part of a secret (${s.slice(0, 6)}…)`);
    }
    for (const m of text.matchAll(jwtPattern)) hits.push(`artifact ${i}: JWT-shaped ${m[0].slice(0, 12)}…`);
  });
  return { artifacts: texts.length, bytes, hits };
}

/** The first line of an error's message, for the report. */
export function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const line = message.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
