// @ts-nocheck
import { DomoClient } from "../../provider/client";

/** What a naive script needs to talk to the emulator the way the provider does. */
export interface BaselineSettings {
  apiHost: string;
  clientId: string;
  clientSecret: string;
  requestsPerSecond: number;
  maxConcurrency: number;
}

function client(s: BaselineSettings): DomoClient {
  return new DomoClient({
    apiHost: s.apiHost,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    requestsPerSecond: s.requestsPerSecond,
    maxConcurrency: s.maxConcurrency,
  });
}

export function baselineEmail(i: number): string {
  return `naive.user${i}@example.com`;
}

/** The naive create: one POST per user, one after another, awaiting each. Returns the new ids. */
export async function sequentialCreate(s: BaselineSettings, n: number): Promise<number[]> {
  const c = client(s);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const created = await c.users.create(
      { email: baselineEmail(i), name: `Naive User ${i}`, role: "Participant" },
      { sendInvite: false },
    );
    ids.push(created.id);
  }
  return ids;
}

/** The naive delete: one DELETE per user, one after another. */
export async function sequentialDelete(s: BaselineSettings, ids: readonly number[]): Promise<void> {
  const c = client(s);
  for (const id of ids) await c.users.delete(id);
}

/**
 * The naive refresh: one GET per user, `concurrency` at a time (the same 8 as Pulumi's
 * default parallelism and the client's cap), instead of the shared listing. Returns how many
 * users were found.
 */
export async function refreshByGet(
  s: BaselineSettings,
  ids: readonly number[],
  concurrency: number,
): Promise<number> {
  const c = client(s);
  let next = 0;
  let found = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, ids.length) }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        if (id !== undefined && (await c.users.get(id))) found++;
      }
    }),
  );
  return found;
}
