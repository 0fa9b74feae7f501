// @ts-nocheck
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { startEmulator } from "../../provider/emulator";
import { Api, as, cleanup, start, stop, tempDir, token } from "./harness";

const JANE = { name: "Jane Doe", email: "jane@example.com", role: "Editor" };

describe("emulator: durable state", () => {
  afterEach(cleanup);

  it("keeps users, tombstones, credentials, tokens and the id counter across a restart", async () => {
    const dataFile = path.join(await tempDir(), "nested", "state.json");
    const first = await start({ dataFile });
    const api = await Api.connect(first);
    const kept = await api.create(JANE);
    const gone = await api.create({ ...JANE, email: "gone@example.com" });
    await api.delete(`/v1/users/${gone.id}`);
    const { credentials, adminUserId } = first;
    await stop(first);

    const second = await start({ dataFile });
    assert.deepEqual(second.credentials, credentials);
    assert.equal(second.adminUserId, adminUserId);
    const again = new Api(second, api.accessToken);
    assert.deepEqual(as.user(await again.get(`/v1/users/${kept.id}`)), kept, "the old token still works");
    assert.equal(as.tombstone(await again.get(`/v1/users/${gone.id}`)).deleted, true);
    const next = await again.create({ ...JANE, email: "next@example.com" });
    assert.equal(next.id, gone.id + 1, "ids continue where they stopped");
    assert.equal((await again.post("/v1/users", JANE)).status, 409);
  });

  it("writes the file atomically: valid JSON after every write and no temp file left", async () => {
    const dir = await tempDir();
    const dataFile = path.join(dir, "state.json");
    const emulator = await start({ dataFile });
    const api = await Api.connect(emulator);
    for (let i = 0; i < 5; i++) {
      const user = await api.create({ ...JANE, email: `u${i}@example.com` });
      const onDisk = JSON.parse(await readFile(dataFile, "utf8"));
      assert.ok(
        onDisk.users.some((u: { id: number }) => u.id === user.id),
        "persisted before the response",
      );
    }
    assert.deepEqual(await readdir(dir), ["state.json"]);
  });

  it("keeps tokens expired across a restart", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const first = await start({ dataFile });
    const accessToken = await token(first);
    first.expireTokens();
    await stop(first);
    const second = await start({ dataFile });
    assert.equal((await new Api(second, accessToken).get("/v1/users")).status, 401);
  });

  it("adds clients from the options to a restored state without dropping the stored one", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const first = await start({ dataFile });
    const { credentials } = first;
    await stop(first);
    const second = await start({
      dataFile,
      clients: [{ clientId: "ci", clientSecret: "ci-secret", scopes: ["user"] }],
    });
    assert.deepEqual(second.credentials, credentials);
    assert.ok(await token(second, { clientId: "ci", clientSecret: "ci-secret" }));
  });

  it("refuses to start on a corrupt data file and leaves it untouched", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    await writeFile(dataFile, "{ half a file");
    await assert.rejects(startEmulator({ dataFile }), /not readable JSON/);
    assert.equal(await readFile(dataFile, "utf8"), "{ half a file");
  });

  it("answers 500 and rolls the change back when the state cannot be written", async () => {
    const dataFile = path.join(await tempDir(), "state.json");
    const emulator = await start({ dataFile });
    const api = await Api.connect(emulator);
    // A directory where the temp file must go makes the atomic write fail.
    await mkdir(`${dataFile}.tmp`);
    const failed = await api.post("/v1/users", JANE);
    assert.equal(failed.status, 500);
    assert.equal(as.gateway(failed).statusReason, "Internal Server Error");
    assert.equal(emulator.store.listUsers().length, 1, "rolled back to what is on disk");
    await rmdir(`${dataFile}.tmp`);
    assert.equal((await api.post("/v1/users", JANE)).status, 200);
  });

  it("seeds users and roles from a seed file on a fresh start only", async () => {
    const dir = await tempDir();
    const seedFile = path.join(dir, "seed.json");
    await writeFile(
      seedFile,
      JSON.stringify({
        roles: [{ id: 10, name: "Auditor" }],
        users: [
          { id: 1234567890, name: "Boss", email: "boss@example.com", role: "Admin" },
          { name: "Audra", email: "audra@example.com", roleId: "10", employeeNumber: "12" },
        ],
      }),
    );
    const dataFile = path.join(dir, "state.json");
    const emulator = await start({ seedFile, dataFile });
    assert.equal(
      emulator.adminUserId,
      1234567890,
      "a seeded Admin owns the credentials; no Domo Admin added",
    );
    const users = emulator.store.listUsers();
    assert.deepEqual(
      users.map((u) => [u.id, u.name, u.roleId, u.employeeNumber]),
      [
        [1234567890, "Boss", 1, undefined],
        [1234567891, "Audra", 10, 12],
      ],
    );
    const api = await Api.connect(emulator);
    assert.equal(as.user(await api.get("/v1/users/1234567891")).role, "Auditor");
    await api.create(JANE);
    await stop(emulator);
    const restarted = await start({ seedFile, dataFile });
    assert.equal(restarted.store.listUsers().length, 3, "the seed is not applied again");
  });

  it("refuses invalid options and seeds with a readable error", async () => {
    await assert.rejects(startEmulator({ port: -1 }), /Invalid emulator options/);
    await assert.rejects(
      startEmulator({ seed: { roles: [{ id: 2, name: "Clash" }] } }),
      /clashes with a system role/,
    );
    await assert.rejects(startEmulator({ seed: { users: [{ name: "X", role: "Nope" }] } }), /Unknown role/);
  });
});

describe("emulator: concurrent writes", () => {
  afterEach(cleanup);

  for (const durable of [false, true]) {
    const label = durable ? "with a data file" : "in memory";

    it(`creates 100 users from 100 parallel POSTs with distinct emails (${label})`, async () => {
      const dataFile = durable ? path.join(await tempDir(), "state.json") : undefined;
      const emulator = await start(dataFile === undefined ? {} : { dataFile });
      const api = await Api.connect(emulator);
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => api.post("/v1/users", { ...JANE, email: `p${i}@example.com` })),
      );
      assert.ok(replies.every((r) => r.status === 200));
      const ids = replies.map((r) => as.user(r).id);
      assert.equal(new Set(ids).size, 100);
      assert.equal(as.users(await api.get("/v1/users?limit=500")).length, 101);
      if (dataFile !== undefined) {
        const onDisk = JSON.parse(await readFile(dataFile, "utf8"));
        assert.equal(onDisk.users.length, 101);
      }
    });

    it(`creates exactly one user from 100 parallel POSTs with one email (${label})`, async () => {
      const dataFile = durable ? path.join(await tempDir(), "state.json") : undefined;
      const emulator = await start(dataFile === undefined ? {} : { dataFile });
      const api = await Api.connect(emulator);
      const replies = await Promise.all(Array.from({ length: 100 }, () => api.post("/v1/users", JANE)));
      const statuses = replies.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1);
      assert.equal(statuses.filter((s) => s === 409).length, 99);
      assert.equal(emulator.store.listUsers().length, 2);
    });
  }
});
