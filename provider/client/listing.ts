import type { z } from "zod";
import type { ClientSettings } from "./config";
import { DomoError, isDomoError } from "./errors";
import type { DebugLog } from "./log";
import { clockFrom, type RetryClock, type RetryPolicy, RetryRun, retryPolicy, sleep } from "./retry";
import type { Transport } from "./transport";

/** The page size a caller asked for, kept between 1 and Domo's ceiling for the listing. */
export function pageLimit(pageSize: number, ceiling: number): number {
  return Math.min(Math.max(1, pageSize), ceiling);
}

/**
 * Every item of a paged GET, page by page, until a short or empty page. Items are deduped by
 * key (when objects are created while we page, offsets can shift and repeat one); `keep` drops
 * items the caller never wants (a deleted tombstone). Empty pages after filtering are skipped.
 */
export async function* pagedList<T>(
  fetchPage: (query: { limit: number; offset: number }) => Promise<T[]>,
  limit: number,
  key: (item: T) => unknown,
  keep: (item: T) => boolean = () => true,
): AsyncGenerator<T[]> {
  const seen = new Set<unknown>();
  for (let offset = 0; ; offset += limit) {
    const page = await fetchPage({ limit, offset });
    const fresh = page.filter((item) => keep(item) && !seen.has(key(item)));
    for (const item of fresh) seen.add(key(item));
    if (fresh.length > 0) yield fresh;
    if (page.length < limit) return;
  }
}

/** Every page of a paged listing, as one array. */
export async function collect<T>(
  pages: AsyncIterable<T[]>,
  onProgress?: (count: number) => void,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) {
    all.push(...page);
    onProgress?.(all.length);
  }
  return all;
}

/**
 * Listings taken once and shared by every read in this process: each is served for `ttlMs`
 * after it was taken, and only one is taken at a time per key (reads that arrive while it is
 * being taken wait for that one). Writes keep a held listing current through `peek`.
 */
export class SharedListings<K, S> {
  private readonly held = new Map<K, { takenAt: number; value: S }>();
  private readonly inFlight = new Map<K, Promise<S>>();

  constructor(
    private readonly take: (key: K) => Promise<S>,
    private readonly clock: { now(): number },
    private readonly ttlMs: () => number,
  ) {}

  get(key: K): Promise<S> {
    const held = this.held.get(key);
    if (held && this.clock.now() - held.takenAt <= this.ttlMs()) return Promise.resolve(held.value);
    let running = this.inFlight.get(key);
    if (!running) {
      const takenAt = this.clock.now();
      running = this.take(key)
        .then((value) => {
          this.held.set(key, { takenAt, value });
          return value;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }
    return running;
  }

  /** The listing held for the key, however old, or undefined. */
  peek(key: K): S | undefined {
    return this.held.get(key)?.value;
  }

  /** Holds a listing known without a read (a group just created has no members). */
  set(key: K, value: S): void {
    this.held.set(key, { takenAt: this.clock.now(), value });
  }

  /** Drops the held listing: the next get takes a fresh one. */
  drop(key: K): void {
    this.held.delete(key);
  }
}

/** Records by id and by one other key (a normalised email or name), as a shared listing holds them. */
export class RecordIndex<T extends { id: number }> {
  readonly byId = new Map<number, T>();
  private readonly byKey = new Map<string, T>();

  constructor(private readonly keyOf: (record: T) => string | undefined) {}

  add(record: T): void {
    this.remove(record.id);
    this.byId.set(record.id, record);
    const key = this.keyOf(record);
    if (key !== undefined) this.byKey.set(key, record);
  }

  remove(id: number): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    const key = this.keyOf(old);
    if (key !== undefined && this.byKey.get(key)?.id === id) this.byKey.delete(key);
  }

  find(key: string): T | undefined {
    return this.byKey.get(key);
  }
}

/** The request's answer, or undefined when Domo says 404. */
export async function unlessNotFound<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (e) {
    if (isDomoError(e, "not_found")) return undefined;
    throw e;
  }
}

/** What a create needs to be posted at most once per object. */
export interface OnceCreate<T> {
  /** How the log names the object ("a@b.com", "group Sales"). */
  what: string;
  /** What the look-up goes by ("email", "name"). */
  by: string;
  /** The noun for the object found ("user", "group"). */
  noun: string;
  post(): Promise<T>;
  /** A fresh look-up of the object the post may have committed. */
  lookup(): Promise<T | undefined>;
}

/**
 * POST a new object, never blindly repeated: when the outcome is unknown (a lost response, a
 * timeout, a 5xx) the object is looked up first, and only one Domo does not have is posted
 * again. A fault can cost a retry, never a duplicate.
 */
export async function createOnce<T extends { id: number }>(
  policy: RetryPolicy,
  clock: RetryClock,
  log: DebugLog,
  create: OnceCreate<T>,
): Promise<T> {
  const run = new RetryRun(policy, clock);
  for (;;) {
    let failure: DomoError;
    try {
      return await create.post();
    } catch (e) {
      const unknownOutcome = isDomoError(e) && (e.maybeCommitted || e.kind === "server");
      if (!unknownOutcome) throw e;
      failure = e;
    }
    run.attempted(failure.attempts);
    // Posting again is safe only because the look-up below comes first.
    const verdict = run.next(failure, { idempotent: true });
    log.write(`create of ${create.what}: outcome unknown (${failure.kind}); checking by ${create.by}`);
    // Look up after the last attempt too: giving up without looking would leave a committed
    // object outside Pulumi's state, and the re-run would call it a conflict.
    await sleep(verdict.retry ? verdict.waitMs : run.settleDelay());
    let existing: T | undefined;
    try {
      existing = await create.lookup();
    } catch (lookupError) {
      throw verdict.retry ? lookupError : verdict.error;
    }
    if (existing) {
      log.write(`create of ${create.what} had committed as ${create.noun} ${existing.id}`);
      return existing;
    }
    if (!verdict.retry) throw verdict.error;
  }
}

/**
 * The object read before a PUT merges over it; a 404 says it was deleted outside Pulumi.
 * Then, after the PUT, the object it answered or (on a 204) the object read back.
 */
export async function updateInPlace<T>(
  noun: string,
  id: number,
  path: string,
  get: () => Promise<T | undefined>,
  put: (current: T) => Promise<T | undefined>,
): Promise<T> {
  const current = await get();
  if (!current) {
    throw new DomoError({
      kind: "not_found",
      method: "PUT",
      path,
      message: `Domo ${noun} ${id} no longer exists; run \`pulumi refresh\` so Pulumi recreates it`,
    });
  }
  // Some Domo clients see 204 here: then the write is all we know, so read it back.
  const result = (await put(current)) ?? (await get());
  if (!result)
    throw new DomoError({ kind: "not_found", message: `Domo ${noun} ${id} vanished during update` });
  return result;
}

/** DELETE the object; false when it was already gone (404 counts as success). */
export async function deleteIfPresent(transport: Transport, path: string): Promise<boolean> {
  return (await unlessNotFound(transport.request("DELETE", path).then(() => true))) ?? false;
}

/** What every Domo API object of the client is built on. */
export interface ApiDeps {
  now?: () => number;
  random?: () => number;
  retry?: RetryPolicy;
}

/**
 * An API over records with ids (users, groups), on the client's one transport. Reads that
 * many resources make at once are served from one shared listing per process, indexed by id
 * and by `keyOf` (N reads cost N/500 pages, not N GETs); writes keep that listing current.
 */
export abstract class ListedApi<T extends { id: number }> {
  protected readonly clock: RetryClock;
  protected readonly policy: RetryPolicy;
  protected readonly ttlMs: () => number;
  private readonly listings: SharedListings<"all", RecordIndex<T>>;

  constructor(
    protected readonly transport: Transport,
    settings: ClientSettings,
    protected readonly log: DebugLog,
    deps: ApiDeps,
    private readonly keyOf: (record: T) => string | undefined,
  ) {
    this.clock = clockFrom(deps);
    this.policy = deps.retry ?? retryPolicy(settings);
    this.ttlMs = () => settings.listingTtlMs;
    this.listings = new SharedListings(() => this.takeListing(), this.clock, this.ttlMs);
  }

  abstract list(): AsyncGenerator<T[]>;
  abstract get(id: number): Promise<T | undefined>;

  /** Every record, as one array (onProgress hears the count after each page). */
  listAll(onProgress?: (count: number) => void): Promise<T[]> {
    return collect(this.list(), onProgress);
  }

  /**
   * Like get, but served from the shared listing when it holds the id; falls back to a GET
   * for ids the listing does not hold (deleted, or created after it was taken).
   */
  async getCached(id: number): Promise<T | undefined> {
    return (await this.listing()).byId.get(id) ?? (await this.get(id));
  }

  /** A paged GET of `path` (see pagedList), at most `ceiling` items a page. */
  protected paged<R>(
    path: string,
    schema: z.ZodType<R[]>,
    limit: { pageSize: number; ceiling: number },
    key: (item: R) => unknown,
    keep?: (item: R) => boolean,
  ): AsyncGenerator<R[]> {
    return pagedList(
      (query) => this.transport.request("GET", path, { query, schema }),
      pageLimit(limit.pageSize, limit.ceiling),
      key,
      keep,
    );
  }

  /** GET one record, or undefined when Domo says 404. */
  protected getAt(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
    return unlessNotFound(this.transport.request("GET", path, { schema }));
  }

  /** POST at most once per record (see createOnce); the record created is remembered. */
  protected createOnce(create: OnceCreate<T>): Promise<T> {
    return createOnce(this.policy, this.clock, this.log, {
      ...create,
      post: async () => {
        const created = await create.post();
        this.remember(created);
        return created;
      },
    });
  }

  /** PUT over the record as read (see updateInPlace); the record answered is remembered. */
  protected async updateAt(
    noun: string,
    id: number,
    path: string,
    put: (current: T) => Promise<T | undefined>,
  ): Promise<T> {
    const result = await updateInPlace(noun, id, path, () => this.get(id), put);
    this.remember(result);
    return result;
  }

  /** DELETE the record (false when it was already gone); then it leaves the shared listing. */
  protected async deleteAt(id: number, path: string): Promise<boolean> {
    const existed = await deleteIfPresent(this.transport, path);
    this.forget(id);
    return existed;
  }

  protected listing(): Promise<RecordIndex<T>> {
    return this.listings.get("all");
  }

  /** The record with the (normalised) key in the shared listing; `fresh` takes a new listing. */
  protected async findBy(key: string, fresh: boolean | undefined): Promise<T | undefined> {
    if (fresh) this.listings.drop("all");
    return (await this.listing()).find(key);
  }

  protected remember(record: T): void {
    this.listings.peek("all")?.add(record);
  }

  protected forget(id: number): void {
    this.listings.peek("all")?.remove(id);
  }

  private async takeListing(): Promise<RecordIndex<T>> {
    const index = new RecordIndex<T>(this.keyOf);
    for await (const page of this.list()) for (const record of page) index.add(record);
    return index;
  }
}
