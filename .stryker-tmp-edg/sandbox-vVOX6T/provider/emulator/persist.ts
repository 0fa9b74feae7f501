// @ts-nocheck
import { open, rename } from "node:fs/promises";
import path from "node:path";

/**
 * Replaces `file` with `text` so that a crash leaves either the old or the new content, never a
 * mix: write a sibling temp file, fsync it, rename over the target, fsync the directory so the
 * rename itself survives power loss.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, "w", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  try {
    const dir = await open(path.dirname(file), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit over one file: every write that calls commit() is on disk when its promise
 * resolves, but writes arriving while a flush is in progress share the next flush instead of
 * queueing one fsync each. Only one flush runs at a time, so snapshots never race on the file.
 */
export class GroupCommitter {
  private requested = 0;
  private written = 0;
  private waiters: Waiter[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => string,
    /** Called when a flush failed, before every pending writer is rejected. */
    private readonly onFailure: (error: unknown) => void,
  ) {}

  commit(): Promise<void> {
    const version = ++this.requested;
    const done = new Promise<void>((resolve, reject) => {
      this.waiters.push({ version, resolve, reject });
    });
    this.kick();
    return done;
  }

  /** Resolves once nothing is pending; never rejects (failures went to the writers' promises). */
  async flush(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private kick(): void {
    if (this.running !== undefined) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.written < this.requested) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.written < this.requested) {
      const version = this.requested;
      const text = this.snapshot();
      try {
        await writeFileAtomic(this.file, text);
        this.written = version;
        this.settle((w) => w.version <= version, { ok: true });
      } catch (error) {
        // Everything not yet on disk is discarded by onFailure, so every pending writer fails,
        // including those that arrived during this flush.
        this.written = this.requested;
        try {
          this.onFailure(error);
        } catch {
          // Recovery is best effort; the writers below still learn that their write failed.
        }
        this.settle(() => true, { ok: false, error });
      }
    }
  }

  private settle(which: (w: Waiter) => boolean, outcome: { ok: true } | { ok: false; error: unknown }): void {
    const keep: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (!which(waiter)) keep.push(waiter);
      else if (outcome.ok) waiter.resolve();
      else waiter.reject(outcome.error);
    }
    this.waiters = keep;
  }
}
