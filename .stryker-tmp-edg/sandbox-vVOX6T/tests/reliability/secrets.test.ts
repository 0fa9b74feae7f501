// @ts-nocheck
import assert from "node:assert/strict";
import util from "node:util";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { PropertyMap } from "../../provider/resources/user/runtime";
import { drive, type FakeClock, fakeClock } from "../support/clock";
import type { EngineHarness, GrpcError } from "../support/engine-harness";
import { serializedProviderText, startConfiguredProvider } from "../support/grpc-provider";
import { checked, newCapture, recordingFetch, runtimeFor, scanForSecrets } from "../support/reliability-kit";
import { reliability, useReliabilityReport } from "../support/reliability-report";

useReliabilityReport();

/** Every way an error can be shown: message, stack, causes, JSON. */
function errorTexts(e: unknown): string[] {
  return [
    e instanceof Error ? e.message : String(e),
    e instanceof Error ? (e.stack ?? "") : "",
    util.inspect(e, { depth: 10 }),
    JSON.stringify(e) ?? "",
  ];
}

function scanned(source: string, texts: string[], secrets: Iterable<string>): void {
  const result = scanForSecrets(texts, secrets);
  reliability.secrets.push({
    source,
    artifacts: result.artifacts,
    bytes: result.bytes,
    hits: result.hits.length,
  });
  assert.deepEqual(result.hits, [], `${source} leaks`);
  assert.ok(result.bytes > 0, `${source}: nothing was scanned`);
}

describe("reliability: no secret or token in anything a run produces", function () {
  this.timeout(60_000);

  describe("in process (UserProviderRuntime with debug logging)", () => {
    let emu: RunningEmulator;
    let clock: FakeClock;
    beforeEach(async () => {
      emu = await startEmulator();
      clock = fakeClock();
    });
    afterEach(async () => {
      clock.restore();
      await emu.close();
    });

    it("outputs, errors (Domo echoing the secret and a token), debug log and printed objects", async () => {
      const secret = emu.credentials.clientSecret;
      const wrongSecret = `${secret}-but-wrong`;
      const capture = newCapture();
      const options = { logSink: (line: string) => capture.logs.push(line), fetch: recordingFetch(capture) };
      const provider = runtimeFor(emu, { debug: true, maxRetries: 2 }, options);
      const run = <T>(p: Promise<T>) => drive(clock, p);
      const outputs: PropertyMap[] = [];
      const errors: unknown[] = [];
      const failing = async (p: Promise<unknown>) => {
        try {
          await run(p);
          assert.fail("expected a failure");
        } catch (e) {
          errors.push(e);
          return e as Error;
        }
      };

      // A lifecycle with faults on every step: lost create, 5xx on refresh, expired token.
      const inputs = await checked(provider, {
        email: "Sec@Example.com",
        name: "Sec",
        role: "Editor",
        title: "A",
      });
      emu.faults.add({ route: "POST /v1/users", kind: "lostResponse", count: 1 });
      const created = await run(provider.create(inputs));
      outputs.push(created.outs);
      emu.faults.add({ route: "GET /v1/users", kind: "status", status: 503, count: 2 });
      const read = await run(runtimeFor(emu, { debug: true }, options).read(created.id, created.outs));
      outputs.push(read.props ?? {}, read.inputs ?? {});
      emu.expireTokens();
      const news = await checked(provider, { ...inputs, title: "B" });
      const updated = await run(provider.update(created.id, created.outs, news));
      outputs.push(updated.outs);

      // Failures: persistent 5xx, a token revoked on every call, wrong credentials.
      emu.faults.add({ route: "POST /v1/users", kind: "status", status: 500 });
      await failing(
        provider.create(await checked(provider, { email: "x@example.com", name: "X", role: "Editor" })),
      );
      emu.faults.clear();
      emu.faults.add({ route: "PUT /v1/users/{id}", kind: "expireToken" });
      await failing(
        provider.update(created.id, updated.outs, await checked(provider, { ...inputs, title: "C" })),
      );
      emu.faults.clear();
      const wrong = runtimeFor(emu, { clientSecret: wrongSecret, debug: true }, options);
      await failing(wrong.read(created.id, updated.outs));

      // Domo echoes what it was sent: an address built from the secret, a role that is a token.
      const token = await run(provider.client.tokens.token());
      assert.ok(capture.tokens.has(token));
      const echoedSecret = await failing(
        provider.client.users.create(
          { email: `x ${secret}@example.com`, name: "Echo", role: "Editor" },
          { sendInvite: false },
        ),
      );
      assert.match(
        echoedSecret?.message ?? "",
        /Invalid email address: x \[REDACTED\]/,
        echoedSecret?.message,
      );
      const echoedToken = await failing(
        provider.client.users.create(
          { email: "echo@example.com", name: "Echo", role: token as "Admin" },
          { sendInvite: false },
        ),
      );
      assert.match(echoedToken?.message ?? "", /Invalid role: \[REDACTED\]/, echoedToken?.message);

      await run(provider.delete(created.id, updated.outs));

      const secrets = [secret, wrongSecret, ...capture.tokens];
      reliability.notes.push(
        `Secrets scan (in process): looked for the client secret, a wrong secret that was tried, and the ` +
          `${capture.tokens.size} tokens the emulator issued during the run (captured on the wire), whole or ` +
          `as any 24-character fragment; ${capture.logs.length} debug log lines scanned.`,
      );
      assert.ok(capture.tokens.size >= 3, `tokens issued and captured: ${capture.tokens.size}`);
      assert.ok(
        capture.logs.some((l) => /POST \/oauth\/token -> 200/.test(l)),
        "debug log is on",
      );
      scanned(
        "provider outputs / state (UserProviderRuntime)",
        outputs.map((o) => JSON.stringify(o)),
        secrets,
      );
      scanned(
        "error messages, stacks and causes (incl. Domo echoing the secret and a token)",
        errors.flatMap(errorTexts),
        secrets,
      );
      scanned("debug log (debug: true, logSink)", capture.logs, secrets);
      scanned(
        "provider objects as printed (util.inspect, console.log, toString, toJSON)",
        [
          util.inspect(provider, { depth: 10 }),
          util.inspect(provider.client, { depth: 10 }),
          String(provider.client),
          JSON.stringify(provider.client),
          util.inspect(wrong, { depth: 10 }),
        ],
        secrets,
      );
    });
  });

  describe("through the real gRPC server (domo:debug on)", () => {
    let emu: RunningEmulator;
    let engine: EngineHarness;
    let providerText: string;
    before(async () => {
      providerText = await serializedProviderText();
      emu = await startEmulator();
      engine = await startConfiguredProvider(emu, {
        "domo:debug": "true",
        "domo:maxRetries": "1",
        "domo:requestsPerSecond": "200",
      });
    });
    after(async () => {
      await engine?.stop();
      await emu?.close();
    });

    it("state, __provider, error details, and the server's stderr and stdout", async () => {
      const secret = emu.credentials.clientSecret;
      const props = (p: PropertyMap) => ({ ...p, __provider: providerText });
      const outputs: unknown[] = [];
      const errors: string[] = [];
      const checkedInputs = (await engine.check(props({ email: "g@example.com", name: "G", role: "Editor" })))
        .inputs;
      emu.faults.add({ route: "POST /v1/users", kind: "lostResponse", count: 1 });
      const created = await engine.create(checkedInputs);
      outputs.push(created);
      emu.faults.add({ route: "GET /v1/users/{id}", kind: "status", status: 503, retryAfter: 0, count: 1 });
      emu.faults.add({ route: "GET /v1/users", kind: "status", status: 503, retryAfter: 0, count: 1 });
      const read = await engine.read(created.id, created.properties);
      outputs.push(read);
      emu.expireTokens();
      const news = (
        await engine.check(props({ email: "g@example.com", name: "G", role: "Editor", title: "T" }))
      ).inputs;
      const updated = await engine.update(created.id, read.properties, news);
      outputs.push(updated);
      emu.faults.add({ route: "PUT /v1/users/{id}", kind: "status", status: 500, retryAfter: 0 });
      try {
        await engine.update(created.id, updated, { ...news, title: "U" });
        assert.fail("expected the update to fail");
      } catch (e) {
        const g = e as GrpcError;
        errors.push(g.message, g.details ?? "", g.stack ?? "");
      }
      emu.faults.clear();
      const refused = await engine.check(props({ email: "bad", name: "", role: "admin" }));
      outputs.push(refused);
      await engine.delete(created.id, updated);

      const stderr = engine.stderr.join("");
      assert.match(
        stderr,
        /\[pulumi-domo\] POST \/oauth\/token -> 200/,
        "the provider's debug log reached stderr",
      );
      assert.match(stderr, /Access token expired|-> 401/, "the token refresh was logged");
      scanned(
        "gRPC outputs / state (incl. __provider)",
        outputs.map((o) => JSON.stringify(o)),
        [secret],
      );
      scanned("gRPC error messages and details", errors, [secret]);
      scanned("gRPC server stderr + stdout (domo:debug true)", [stderr, engine.stdout.join("")], [secret]);
      scanned("serialized __provider text", [providerText], [secret]);
    });
  });
});
