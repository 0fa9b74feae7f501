// @ts-nocheck
import assert from "node:assert/strict";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { PropertyMap } from "../../provider/resources/user/runtime";
import { checked, maxInWindow, runtimeFor } from "../support/reliability-kit";
import { reliability, useReliabilityReport } from "../support/reliability-report";

useReliabilityReport();

const users = 200;
/** Pulumi's default `--parallel` is 4 x CPUs; the issue fixes it at 8 concurrent operations. */
const workers = 8;
const clientRps = 50;
const emulatorRps = 60;

/**
 * 200 users converged through one provider process at Pulumi's default parallelism, with the
 * client limited to 50 requests/s and the emulator throttling at 60/s: the emulator's request
 * log must never see more than 50 requests in any one-second window, and never answer 429.
 */
describe("reliability: load (200 users, 8 concurrent operations, one provider process)", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;

  before(async () => {
    emu = await startEmulator({ rateLimit: { requestsPerSecond: emulatorRps } });
  });
  after(async () => {
    await emu.close();
  });

  it(`creates exactly ${users} users, never above ${clientRps} req/s at the emulator, with no 429`, async () => {
    const provider = runtimeFor(emu, { requestsPerSecond: clientRps, maxConcurrency: workers });
    const declarations = Array.from({ length: users }, (_, i) => ({
      email: `Load${String(i).padStart(3, "0")}@Example.com`,
      name: `Load User ${i}`,
      role: i % 10 === 0 ? "Privileged" : "Participant",
      title: `Title ${i}`,
    }));
    const states: Array<{ id: string; outs: PropertyMap }> = [];
    let next = 0;
    const started = Date.now();
    // The engine's scheduler: `workers` operations in flight, each Check then Create.
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let i = next++; i < users; i = next++) {
          const inputs = await checked(provider, declarations[i] ?? {});
          const created = await provider.create(inputs);
          states.push({ id: created.id, outs: created.outs });
        }
      }),
    );
    const durationMs = Date.now() - started;

    const log = emu.requestLog();
    const maxWindow = maxInWindow(log.map((e) => e.at));
    const throttled = log.filter((e) => e.status === 429).length;
    const created = emu.store
      .listUsers()
      .filter((u) => !u.deleted && /^load\d{3}@example\.com$/.test(u.email));
    const distinctIds = new Set(states.map((s) => s.id)).size;
    reliability.loads.push({
      users,
      workers,
      clientRps,
      emulatorRps,
      requests: log.length,
      maxInAnySecond: maxWindow,
      throttled,
      durationMs,
      accountsCreated: created.length,
      distinctIds,
    });

    assert.equal(throttled, 0, "the emulator answered 429");
    assert.ok(maxWindow <= clientRps, `${maxWindow} requests in one second (limit ${clientRps})`);
    assert.equal(created.length, users);
    assert.equal(distinctIds, users);
    assert.equal(states.length, users);
    for (const s of states) assert.equal(emu.store.getUser(Number(s.id))?.deleted, undefined);
    // One token for the whole run; one POST per user; nothing else.
    assert.deepEqual(emu.counters(), { "POST /oauth/token": 1, "POST /v1/users": users });
  });
});
