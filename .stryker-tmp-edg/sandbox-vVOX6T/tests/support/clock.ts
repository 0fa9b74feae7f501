// @ts-nocheck
import sinon from "sinon";

export type FakeClock = sinon.SinonFakeTimers;

/**
 * Fakes only setTimeout/clearTimeout and Date, so backoff waits are instant and measurable
 * while real sockets (driven by I/O, not timers) keep working.
 */
export function fakeClock(): FakeClock {
  return sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 1_700_000_000_000 });
}

/**
 * Drives a promise that mixes real I/O with fake timers to completion: lets I/O run, then
 * advances fake time a step, until it settles. Returns the value or rethrows the error.
 */
export async function drive<T>(
  clock: FakeClock,
  promise: Promise<T>,
  stepMs = 25,
  maxFakeMs = 3_600_000,
): Promise<T> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  let advanced = 0;
  while (!settled) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (settled) break;
    await clock.tickAsync(stepMs);
    advanced += stepMs;
    if (advanced > maxFakeMs) throw new Error(`promise did not settle within ${maxFakeMs} ms of fake time`);
  }
  return promise;
}
