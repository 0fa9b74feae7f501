// @ts-nocheck
import assert from "node:assert/strict";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { EngineHarness, type GrpcError } from "../support/engine-harness";
import { serializedProviderText } from "../support/grpc-provider";
import { packedProject } from "../support/packed-project";

const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The real `@pulumi/pulumi/cmd/dynamic-provider` server, started from a scratch project that
 * installed the packed tarball, driven over gRPC the way the engine drives it.
 */
describe("DomoUser through the real dynamic-provider gRPC server", function () {
  this.timeout(180_000);
  let project: string;
  let providerText: string;
  let emu: RunningEmulator;
  let engine: EngineHarness;

  const props = (p: Record<string, unknown>) => ({ ...p, __provider: providerText });

  async function configured(): Promise<EngineHarness> {
    const h = await EngineHarness.start(project, {
      DOMO_CLIENT_SECRET: undefined,
      DOMO_CLIENT_ID: undefined,
    });
    await h.configure(
      {
        "domo:apiHost": emu.url,
        "domo:clientId": emu.credentials.clientId,
        "domo:clientSecret": emu.credentials.clientSecret,
        "domo:requestsPerSecond": "200",
      },
      ["domo:clientSecret"],
    );
    return h;
  }

  before(async () => {
    project = (await packedProject()).dir;
    providerText = await serializedProviderText();
  });

  beforeEach(async () => {
    emu = await startEmulator();
    engine = await configured();
  });
  afterEach(async () => {
    await engine.stop();
    await emu.close();
  });

  it("runs the whole lifecycle: check, diff, create, read, update, delete", async () => {
    const checked = await engine.check(
      props({ email: " Life@Example.com ", name: "Life", role: "Editor", title: "A" }),
    );
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs.email, "life@example.com");
    const created = await engine.create(checked.inputs);
    assert.match(created.id, /^\d{9,10}$/);
    assert.equal(created.properties.userId, Number(created.id));
    assert.equal(created.properties.__provider, providerText);

    const same = await engine.diff(created.id, created.properties, checked.inputs);
    assert.equal(same.changes, "none");

    const edited = await engine.check(
      props({ email: "life@example.com", name: "Life", role: "Editor", title: "B" }),
    );
    const d = await engine.diff(created.id, created.properties, edited.inputs);
    assert.equal(d.changes, "some");
    assert.deepEqual(d.replaces, []);
    const updated = await engine.update(created.id, created.properties, edited.inputs);
    assert.equal(emu.store.getUser(Number(created.id))?.title, "B");

    const read = await engine.read(created.id, updated);
    assert.equal(read.id, created.id);
    assert.equal(read.inputs.title, "B");
    assert.equal((await engine.diff(created.id, read.properties, edited.inputs)).changes, "none");

    // Removing it is a later run: a new provider process, which did not see this one's claims.
    await engine.stop();
    engine = await configured();
    await engine.delete(created.id, read.properties);
    assert.equal(emu.store.getUser(Number(created.id))?.deleted, true);
    const gone = await engine.read(created.id, read.properties);
    assert.equal(gone.id, "");
  });

  it("rejects bad input at check, naming the field, with no call to Domo", async () => {
    emu.resetCounters();
    const checked = await engine.check(props({ email: "nope", name: "", role: "admin" }));
    const byField = Object.fromEntries(checked.failures.map((f) => [f.property, f.reason]));
    assert.match(byField.email ?? "", /valid email/);
    assert.match(byField.name ?? "", /must not be empty/);
    assert.match(byField.role ?? "", /use "Admin"/);
    assert.deepEqual(emu.counters(), {});
  });

  it("previews unknown values without failing or calling Domo", async () => {
    emu.resetCounters();
    const checked = await engine.check(props({ email: unknown, name: "Pre", role: "Editor" }));
    assert.deepEqual(checked.failures, []);
    const created = await engine.create(props({ email: "known@example.com", name: "Pre", role: "Editor" }));
    emu.resetCounters();
    const d = await engine.diff(created.id, created.properties, checked.inputs);
    assert.equal(d.changes, "some");
    assert.deepEqual(emu.counters(), {});
  });

  it("reports a partial create failure with the id, so the engine keeps the account", async () => {
    const existing = await emu.store.createUser({
      email: "half@example.com",
      name: "Old",
      role: "Participant",
    });
    emu.faults.add({ route: "PUT /v1/users/{id}", kind: "status", status: 503 });
    const h = await EngineHarness.start(project);
    try {
      await h.configure(
        {
          "domo:apiHost": emu.url,
          "domo:clientId": emu.credentials.clientId,
          "domo:clientSecret": emu.credentials.clientSecret,
          "domo:maxRetries": "1",
        },
        ["domo:clientSecret"],
      );
      const checked = await h.check(
        props({ email: "half@example.com", name: "New", role: "Editor", adoptExisting: true }),
      );
      await assert.rejects(h.create(checked.inputs), (e: GrpcError) => {
        assert.match(e.message, new RegExp(`Domo user ${existing.id} exists`));
        const details = e.metadata?.get("grpc-status-details-bin") ?? [];
        assert.equal(details.length, 1, "ErrorResourceInitFailed details carry the id");
        return true;
      });
    } finally {
      await h.stop();
    }
  });

  it("serves 25 concurrent calls right after Configure on one token", async () => {
    const fresh = await configured();
    try {
      const results = await Promise.all(
        Array.from({ length: 25 }, async (_, i) => {
          const c = await fresh.check(
            props({ email: `c${i}@example.com`, name: `C${i}`, role: "Participant" }),
          );
          return fresh.create(c.inputs);
        }),
      );
      assert.equal(new Set(results.map((r) => r.id)).size, 25);
      assert.equal(emu.store.listUsers().filter((u) => /^c\d+@/.test(u.email)).length, 25);
      const tokens = (emu.counters()["POST /oauth/token"] ?? 0) + (emu.counters()["GET /oauth/token"] ?? 0);
      assert.equal(tokens, 1, "one token request for all 25 calls");
    } finally {
      await fresh.stop();
    }
  });

  it("keeps the client secret and tokens out of outputs and logs", async () => {
    const c = await engine.check(props({ email: "sec@example.com", name: "Sec", role: "Editor" }));
    const created = await engine.create(c.inputs);
    await engine.check(props({ email: "bad", name: "x", role: "Editor" }));
    const everything = JSON.stringify(created) + engine.stderr.join("") + engine.stdout.join("");
    assert.ok(!everything.includes(emu.credentials.clientSecret));
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(everything), "no JWT-shaped token");
  });
});
