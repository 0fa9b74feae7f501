// @ts-nocheck
import assert from "node:assert/strict";
import { RequestLimiter } from "../../provider/client/limiter";
import { type FakeClock, fakeClock } from "../support/clock";

describe("request limiter", () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = fakeClock();
  });
  afterEach(() => clock.restore());

  it("never starts more than the configured rate in any one-second window", async () => {
    const limiter = new RequestLimiter({ requestsPerSecond: 10, maxConcurrency: 100 });
    const starts: number[] = [];
    const all = Array.from({ length: 55 }, async () => {
      const release = await limiter.acquire();
      starts.push(Date.now());
      release();
    });
    await clock.tickAsync(10_000);
    await Promise.all(all);
    assert.equal(starts.length, 55);
    for (const t of starts) {
      const inWindow = starts.filter((s) => s >= t && s < t + 1000).length;
      assert.ok(inWindow <= 10, `${inWindow} starts in the second from ${t}`);
    }
    assert.ok((starts.at(-1) ?? 0) - (starts[0] ?? 0) >= 5400, "55 starts at 10/s take about 5.4 s");
  });

  it("caps concurrency and hands slots over in order", async () => {
    const limiter = new RequestLimiter({ requestsPerSecond: 1000, maxConcurrency: 3 });
    const t0 = Date.now();
    let peak = 0;
    const started: Array<{ task: number; at: number }> = [];
    const released: number[] = [];
    const work = Array.from({ length: 12 }, async (_, task) => {
      const release = await limiter.acquire();
      started.push({ task, at: Date.now() - t0 });
      peak = Math.max(peak, limiter.inFlight);
      await new Promise((r) => setTimeout(r, 50));
      released[task] = Date.now() - t0;
      release();
    });
    await clock.tickAsync(1000);
    await Promise.all(work);
    assert.equal(peak, 3);
    assert.equal(limiter.inFlight, 0);
    // First come, first served: tasks start in the order they asked.
    assert.deepEqual(
      started.map((s) => s.task),
      Array.from({ length: 12 }, (_, i) => i),
    );
    // Three start 1 ms apart (1000/s); each later one starts when the slot it waited for is
    // released, 50 ms after the task three ahead of it started.
    assert.deepEqual(
      started.map((s) => s.at),
      Array.from({ length: 12 }, (_, i) => Math.floor(i / 3) * 50 + (i % 3)),
    );
    for (let i = 3; i < 12; i++) {
      assert.ok(
        (started[i]?.at ?? 0) >= (released[i - 3] ?? Infinity),
        `task ${i} started before a slot was free`,
      );
    }
    for (let i = 1; i < 12; i++) {
      assert.ok(
        (started[i]?.at ?? 0) - (started[i - 1]?.at ?? 0) >= 1,
        `starts ${i - 1} and ${i} closer than 1 ms`,
      );
    }
  });
});
