import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { resetSharedRun, sharedRun } from "../../provider/runtime/run";

/**
 * The run's contract (provider/runtime/run.ts): one per process, the first configure gives it
 * its config, a call before any configure does not fix it, one client for every kind, and the
 * package's entry points all reach the same instance.
 */
describe("runtime: one run per provider process", () => {
  let emu: RunningEmulator;
  const config = (url: string) => {
    const values: Record<string, string> = {
      "domo:apiHost": url,
      "domo:clientId": emu.credentials.clientId,
      "domo:clientSecret": emu.credentials.clientSecret,
    };
    return (key: string) => values[key];
  };
  beforeEach(async () => {
    emu = await startEmulator();
    resetSharedRun();
  });
  afterEach(async () => {
    resetSharedRun();
    await emu.close();
  });

  it("the first configure wins; a call before any configure does not fix the config", async () => {
    // The directory's deletion guard reaches the ledger at check, before any configure.
    const early = sharedRun();
    early.users.declareDirectory({ declared: ["a@example.com"], handedOver: [] });
    const run = sharedRun(config(emu.url));
    assert.equal(run, early, "one run");
    sharedRun(config("http://127.0.0.1:9"));
    assert.equal(run.settings().apiHost, emu.url, "a later configure does not replace the config");
    assert.ok(run.users.declaredEmails.has("a@example.com"), "the ledger kept what the guard said");
  });

  it("one client for every kind: one token for users and groups", async () => {
    const run = sharedRun(config(emu.url));
    assert.equal(run.client, run.client);
    await run.client.users.listAll();
    await run.client.groups.listAll();
    const tokens = emu.requestLog().filter((r) => r.route.endsWith("/oauth/token"));
    assert.equal(tokens.length, 1);
  });

  it("the user and group runtimes of a run share its client and ledger; a reset starts a new run", () => {
    // As a provider process loads them: by package path, from the built package.
    const req = createRequire(__filename);
    const users = req(
      "pulumi-domo/dist/resources/user/runtime.js",
    ) as typeof import("../../provider/resources/user/runtime");
    const groups = req(
      "pulumi-domo/dist/resources/group/runtime.js",
    ) as typeof import("../../provider/resources/group/runtime");
    const runs = req("pulumi-domo/dist/runtime/run.js") as typeof import("../../provider/runtime/run");
    runs.resetSharedRun();
    const get = config(emu.url);
    const u = users.sharedUserRuntime(get);
    const g = groups.sharedGroupRuntime(get);
    assert.equal(u.client, g.client, "one client");
    assert.equal(u.ledger, runs.sharedRun().users);
    assert.equal(g.claims, runs.sharedRun().groups);
    users.resetSharedUserRuntime();
    assert.notEqual(users.sharedUserRuntime(get).client, g.client, "a new run, a new client");
    runs.resetSharedRun();
  });
});
