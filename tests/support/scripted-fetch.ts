import type { FetchInit, FetchLike, FetchResponse } from "../../provider/client/fetch";

/**
 * A fetch stand-in that answers from a script, for the client's unit specs (auth, transport):
 * no sockets, no real time. A reply is a status with an optional body (a string is sent as is,
 * anything else as JSON) and headers, or a function for hangs and network failures.
 */
export type ScriptedReply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | (() => Promise<FetchResponse>);

export function fetchResponse(
  status: number,
  body = "",
  headers: Record<string, string> = {},
): FetchResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
    text: async () => body,
  };
}

/**
 * Answers each call with the next reply; records every call. `emptyBody` is the text of a reply
 * that has no body ("" unless told).
 */
export function scriptedFetch(
  replies: ScriptedReply[],
  options: { emptyBody?: string } = {},
): { fetch: FetchLike; calls: Array<{ url: string; init: FetchInit }> } {
  const calls: Array<{ url: string; init: FetchInit }> = [];
  const queue = [...replies];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const next = queue.shift();
    if (!next) throw new Error("no scripted reply left");
    if (typeof next === "function") return next();
    const text =
      typeof next.body === "string"
        ? next.body
        : next.body === undefined
          ? (options.emptyBody ?? "")
          : JSON.stringify(next.body);
    return fetchResponse(next.status, text, next.headers);
  };
  return { fetch, calls };
}
