import { DomoClient, type DomoClientOptions } from "../../provider/client";
import {
  type ClientSettings,
  type ClientSettingsInput,
  parseClientSettings,
} from "../../provider/client/config";
import { type EmulatorOptionsInput, type RunningEmulator, startEmulator } from "../../provider/emulator";

/**
 * The emulator + client set-up the in-process specs share: an emulator on an ephemeral port,
 * client settings (or a DomoClient) for it, and mocha hooks that close it after the test.
 */

/** Client settings for this emulator: its URL and credentials, 500 requests per second unless told. */
export function emulatorSettings(
  emu: RunningEmulator,
  extra: Partial<ClientSettingsInput> | Record<string, unknown> = {},
): ClientSettings {
  return parseClientSettings({
    apiHost: emu.url,
    clientId: emu.credentials.clientId,
    clientSecret: emu.credentials.clientSecret,
    requestsPerSecond: 500,
    ...extra,
  });
}

/** A DomoClient for this emulator (settings as emulatorSettings). */
export function emulatorClient(
  emu: RunningEmulator,
  extra: Partial<ClientSettingsInput> = {},
  options?: DomoClientOptions,
): DomoClient {
  return new DomoClient(
    {
      apiHost: emu.url,
      clientId: emu.credentials.clientId,
      clientSecret: emu.credentials.clientSecret,
      requestsPerSecond: 500,
      ...extra,
    },
    options,
  );
}

/**
 * Registers mocha hooks that start an emulator before each test (`per: "all"`: once for the
 * describe) and close it after. Returns the emulator of the running test: a stand-in that
 * forwards to the current instance, so a describe can hold it in a `const`.
 */
export function useEmulator(
  options: EmulatorOptionsInput | (() => EmulatorOptionsInput) = {},
  per: "each" | "all" = "each",
): RunningEmulator {
  let current: RunningEmulator | undefined;
  const start = async () => {
    current = await startEmulator(typeof options === "function" ? options() : options);
  };
  const close = async () => {
    await current?.close();
    current = undefined;
  };
  if (per === "each") {
    beforeEach(start);
    afterEach(close);
  } else {
    before(start);
    after(close);
  }
  return new Proxy({} as RunningEmulator, {
    get(_target, prop) {
      if (!current) throw new Error("no emulator is running outside a test");
      const value = Reflect.get(current, prop, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
}

/** Every API request the emulator counted (token requests included). */
export const emulatorCalls = (emu: RunningEmulator): number =>
  Object.values(emu.counters()).reduce((n, c) => n + c, 0);

/** The writes (POST, PUT, DELETE under /v1) the emulator counted. */
export const emulatorWrites = (emu: RunningEmulator): number =>
  Object.entries(emu.counters())
    .filter(([route]) => /^(POST|PUT|DELETE) \/v1/.test(route))
    .reduce((n, [, c]) => n + c, 0);
