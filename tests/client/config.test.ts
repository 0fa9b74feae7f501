import assert from "node:assert/strict";
import { DomoError } from "../../provider/client";
import {
  parseClientSettings,
  settingSource,
  settingSources,
  settingsFromSources,
} from "../../provider/client/config";

// Settings a person writes in stack config or the environment: defaults, bounds, names in errors.

const base = { clientId: "id", clientSecret: "secret" };

function failure(input: unknown, naming?: "config" | "env" | "plain"): DomoError {
  try {
    parseClientSettings(input, naming);
  } catch (e) {
    assert.ok(e instanceof DomoError, `expected a DomoError, got ${e}`);
    assert.equal(e.kind, "invalid_settings");
    return e;
  }
  assert.fail(`expected ${JSON.stringify(input)} to be refused`);
}

describe("client settings (client/config.ts)", () => {
  it("fills every default", () => {
    assert.deepEqual(parseClientSettings(base), {
      apiHost: "https://api.domo.com",
      clientId: "id",
      clientSecret: "secret",
      scope: "user",
      timeoutMs: 30_000,
      maxRetries: 6,
      deadlineMs: 180_000,
      requestsPerSecond: 20,
      maxConcurrency: 8,
      listingTtlMs: 30_000,
      debug: false,
      maxDeletesPerRun: 0,
    });
  });

  it("strips trailing slashes from apiHost and trims the id and scope", () => {
    const s = parseClientSettings({
      ...base,
      clientId: "  id  ",
      scope: " data ",
      apiHost: "http://h.example:9/api//",
    });
    assert.equal(s.apiHost, "http://h.example:9/api");
    assert.equal(s.clientId, "id");
    assert.equal(s.scope, "data");
    assert.equal(
      parseClientSettings({ ...base, apiHost: "http://h.example/a/b" }).apiHost,
      "http://h.example/a/b",
    );
  });

  it("names the setting, both its external names and the reason", () => {
    const e = failure({ ...base, apiHost: "not a url" });
    assert.equal(e.field, "apiHost");
    assert.equal(
      e.message,
      "Invalid Domo client settings: apiHost (stack config domo:apiHost or env DOMO_API_HOST) must be a URL such as https://api.domo.com",
    );
    assert.match(
      failure({ ...base, clientId: "   " }).message,
      /clientId .* is required: the client id of a Domo API client$/,
    );
    assert.match(
      failure({ ...base, clientSecret: "" }).message,
      /clientSecret .* is required: the client secret of a Domo API client \(store it as a secret\)$/,
    );
    assert.equal(failure({ ...base, scope: "  " }).field, "scope");
  });

  it("words the name as the caller asks: plain, config or env", () => {
    const hint = "(stack config domo:timeoutMs or env DOMO_TIMEOUT_MS)";
    assert.ok(
      failure({ ...base, timeoutMs: 1 }).message.startsWith(
        `Invalid Domo client settings: timeoutMs ${hint} `,
      ),
    );
    assert.ok(
      failure({ ...base, timeoutMs: 1 }, "config").message.startsWith(
        `Invalid Domo client settings: domo:timeoutMs ${hint} `,
      ),
    );
    assert.ok(
      failure({ ...base, timeoutMs: 1 }, "env").message.startsWith(
        `Invalid Domo client settings: DOMO_TIMEOUT_MS ${hint} `,
      ),
    );
  });

  it("lists every problem, joined by '; ', and reports the first as the field", () => {
    const e = failure({ clientId: "id", clientSecret: "", maxRetries: 99 });
    assert.equal(e.field, "clientSecret");
    const parts = e.message.replace("Invalid Domo client settings: ", "").split("; ");
    assert.equal(parts.length, 2);
    assert.ok(parts[0]?.startsWith("clientSecret (stack config domo:clientSecret"));
    assert.ok(parts[1]?.startsWith("maxRetries (stack config domo:maxRetries or env DOMO_MAX_RETRIES)"));
  });

  it("says 'settings' with no hint when the input is not an object", () => {
    const e = failure("nope");
    assert.equal(e.field, "settings");
    assert.match(e.message, /^Invalid Domo client settings: settings [^(]/);
  });

  const bounds: Array<[string, number[], number[]]> = [
    ["timeoutMs", [100, 600_000], [99, 600_001, 150.5]],
    ["maxRetries", [0, 20], [-1, 21, 1.5]],
    ["deadlineMs", [1_000, 3_600_000], [999, 3_600_001, 1000.5]],
    ["requestsPerSecond", [0.5, 10_000], [0, -1, 10_001]],
    ["maxConcurrency", [1, 256], [0, 257, 2.5]],
    ["listingTtlMs", [0, 600_000], [-1, 600_001, 0.5]],
    ["maxDeletesPerRun", [0, 1_000_000], [-1, 1_000_001, 2.5]],
  ];
  for (const [key, ok, bad] of bounds) {
    it(`bounds ${key}: accepts ${ok.join(", ")}; refuses ${bad.join(", ")}`, () => {
      for (const v of ok) assert.equal(parseClientSettings({ ...base, [key]: v })[key as "timeoutMs"], v);
      for (const v of bad) assert.equal(failure({ ...base, [key]: v }).field, key, `${key}=${v}`);
    });
  }

  it("derives the external names from the key", () => {
    assert.deepEqual(settingSource("maxDeletesPerRun"), {
      config: "domo:maxDeletesPerRun",
      env: "DOMO_MAX_DELETES_PER_RUN",
    });
    assert.deepEqual(settingSources.apiHost, { config: "domo:apiHost", env: "DOMO_API_HOST" });
    assert.deepEqual(settingSources.debug, { config: "domo:debug", env: "DOMO_DEBUG" });
    assert.equal(Object.keys(settingSources).length, 12);
  });

  describe("settingsFromSources", () => {
    const env = { DOMO_CLIENT_ID: "env-id", DOMO_CLIENT_SECRET: "env-secret" };
    const none = () => undefined;

    it("reads the environment, and stack config wins over it", () => {
      assert.equal(settingsFromSources(none, env).clientId, "env-id");
      const config: Record<string, unknown> = { "domo:clientId": "cfg-id" };
      const s = settingsFromSources((k) => config[k], env);
      assert.equal(s.clientId, "cfg-id");
      assert.equal(s.clientSecret, "env-secret");
    });

    it("skips empty and null values (the default or the environment applies)", () => {
      const config: Record<string, unknown> = { "domo:clientId": null, "domo:timeoutMs": "" };
      const s = settingsFromSources((k) => config[k], { ...env, DOMO_MAX_RETRIES: "" });
      assert.equal(s.clientId, "env-id");
      assert.equal(s.timeoutMs, 30_000);
      assert.equal(s.maxRetries, 6);
    });

    it("turns numbers and booleans from text, typed config values too", () => {
      const s = settingsFromSources(none, {
        ...env,
        DOMO_TIMEOUT_MS: " 4500 ",
        DOMO_REQUESTS_PER_SECOND: "2.5",
        DOMO_DEBUG: "1",
      });
      assert.equal(s.timeoutMs, 4500);
      assert.equal(s.requestsPerSecond, 2.5);
      assert.equal(s.debug, true);
      const typed: Record<string, unknown> = { "domo:maxRetries": 3, "domo:debug": true };
      const t = settingsFromSources((k) => typed[k], env);
      assert.equal(t.maxRetries, 3);
      assert.equal(t.debug, true);
      for (const text of ["true", "1"])
        assert.equal(settingsFromSources(none, { ...env, DOMO_DEBUG: text }).debug, true);
      for (const text of ["false", "0", "yes", "TRUE"]) {
        assert.equal(settingsFromSources(none, { ...env, DOMO_DEBUG: text }).debug, false, text);
      }
    });

    it("keeps text that is not a number, so validation names the setting", () => {
      for (const text of ["fast", "1e3", "12abc", "abc12", "1.", "--1"]) {
        assert.throws(
          () => settingsFromSources(none, { ...env, DOMO_TIMEOUT_MS: text }),
          (e: DomoError) => e.field === "timeoutMs" && e.message.includes("domo:timeoutMs (stack config"),
          text,
        );
      }
      assert.throws(
        () => settingsFromSources(none, { ...env, DOMO_MAX_RETRIES: "-2" }),
        (e: DomoError) => e.field === "maxRetries" && /too small|>=/.test(e.message),
      );
    });

    it("keeps string settings as text even when they look like numbers", () => {
      const s = settingsFromSources(none, {
        DOMO_CLIENT_ID: "12345",
        DOMO_CLIENT_SECRET: "67890",
        DOMO_SCOPE: "1",
      });
      assert.equal(s.clientId, "12345");
      assert.equal(s.clientSecret, "67890");
      assert.equal(s.scope, "1");
      assert.equal(
        settingsFromSources(none, { ...env, DOMO_API_HOST: "http://x.example/" }).apiHost,
        "http://x.example",
      );
    });

    it("reads process.env when no environment is given", () => {
      const saved = { id: process.env.DOMO_CLIENT_ID, secret: process.env.DOMO_CLIENT_SECRET };
      process.env.DOMO_CLIENT_ID = "proc-id";
      process.env.DOMO_CLIENT_SECRET = "proc-secret";
      try {
        assert.equal(settingsFromSources(none).clientId, "proc-id");
      } finally {
        if (saved.id === undefined) delete process.env.DOMO_CLIENT_ID;
        else process.env.DOMO_CLIENT_ID = saved.id;
        if (saved.secret === undefined) delete process.env.DOMO_CLIENT_SECRET;
        else process.env.DOMO_CLIENT_SECRET = saved.secret;
      }
    });

    it("reads settings with several decimals", () => {
      const env = { DOMO_CLIENT_ID: "i", DOMO_CLIENT_SECRET: "s", DOMO_REQUESTS_PER_SECOND: "2.25" };
      assert.equal(settingsFromSources(() => undefined, env).requestsPerSecond, 2.25);
    });
  });
});
