// @ts-nocheck
import nodeFetch from "node-fetch";

/**
 * The slice of `fetch` the client uses, in the package's own terms: its declarations never
 * name node-fetch's types, so a consumer's strict typecheck (no skipLibCheck) needs no
 * @types/node-fetch. node-fetch (and the global fetch, and test stubs) satisfy it.
 */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** node-fetch behind the FetchLike shape: the one place its own types meet ours. */
export const defaultFetch: FetchLike = (url, init) =>
  nodeFetch(url, init as Parameters<typeof nodeFetch>[1]) as Promise<FetchResponse>;
