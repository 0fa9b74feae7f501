import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startEmulator } from "../../provider/emulator";
import { upKilledAfter } from "../../scripts/lib/interrupt";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";
import { domoCli, StackFixture } from "./stack-fixture";

/**
 * Ordinary mistakes, through the real Pulumi CLI: none may delete, hijack or orphan a real
 * person's account. Each test builds its own stack, so any one runs alone.
 */

/** A program converging a users directory from directory.json ({ users, allowMassDeletion }). */
const directoryProgram = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { DomoUserDirectory } = require("pulumi-domo");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "directory.json"), "utf8"));
const people = new DomoUserDirectory("people", spec);
exports.userIds = people.userIds;
`;

function useDirectory(f: StackFixture, spec: Record<string, unknown>): void {
  fs.writeFileSync(path.join(f.projectDir, "index.js"), directoryProgram);
  fs.writeFileSync(path.join(f.projectDir, "directory.json"), JSON.stringify(spec));
}

function recordedCount(text: string): number {
  return (text.match(/^recorded /gm) ?? []).length;
}

function total(counters: Record<string, number>): number {
  return Object.values(counters).reduce((a, b) => a + b, 0);
}

const failed = (r: { code: number }) => r.code !== 0;

describe("trust: ordinary mistakes never delete, hijack or orphan an account (real CLI)", function () {
  this.timeout(300_000);
  let f: StackFixture | undefined;
  afterEach(async () => {
    await f?.dispose();
    f = undefined;
  });

  it("1. a rename without an alias: the conflict names aliases and recover; adopting keeps the account", async () => {
    f = await StackFixture.create("trust-rename");
    f.declare([{ key: "ada", email: "ada@example.com", name: "Ada", role: "Editor" }]);
    await f.stack.up();
    const id = f.liveUsers().find((u) => u.email === "ada@example.com")?.id;
    assert.ok(id);

    f.declare([{ key: "ada-lovelace", email: "ada@example.com", name: "Ada", role: "Editor" }]);
    const conflict = await f.stack.up([], { allowFailure: true });
    assert.ok(failed(conflict));
    const said = conflict.stdout + conflict.stderr;
    assert.match(said, /already exists \(id \d+\)/);
    assert.match(said, /renamed this resource.*aliases/s);
    assert.match(said, /pulumi-domo recover/);
    assert.equal(f.emu.store.getUser(id)?.deleted, undefined, "the account survives the failed run");

    // Following the advice to take the account over: the old resource's delete must not take it.
    f.declare([
      { key: "ada-lovelace", email: "ada@example.com", name: "Ada", role: "Editor", adoptExisting: true },
    ]);
    f.emu.resetCounters();
    const adopted = await f.stack.up();
    assert.equal(f.emu.store.getUser(id)?.deleted, undefined, "the account is still live");
    assert.equal(f.calls()["DELETE /v1/users/{id}"] ?? 0, 0, "no DELETE reached Domo");
    assert.match(adopted.stdout + adopted.stderr, /not deleting ada@example\.com .*another DomoUser/s);
    const state = JSON.parse(f.state());
    const users = state.checkpoint.latest.resources.filter((r: { type: string }) =>
      r.type.endsWith("domo:User"),
    );
    assert.deepEqual(
      users.map((r: { urn: string; id: string }) => [r.urn.split("::").pop(), r.id]),
      [["ada-lovelace", String(id)]],
    );
    await f.stack.preview(["--expect-no-changes"]);

    // With an alias a rename is nothing at all.
    f.declare([
      { key: "lovelace", email: "ada@example.com", name: "Ada", role: "Editor", aliases: ["ada-lovelace"] },
    ]);
    fs.writeFileSync(
      path.join(f.projectDir, "index.js"),
      fs
        .readFileSync(path.join(f.projectDir, "index.js"), "utf8")
        .replace(
          "for (const { key, importId, ...args } of declared) {\n  const user = new DomoUser(key, args, importId ? { import: importId } : undefined);",
          "for (const { key, importId, aliases, ...args } of declared) {\n  const user = new DomoUser(key, args, { ...(importId ? { import: importId } : {}), ...(aliases ? { aliases: aliases.map((name) => ({ name })) } : {}) });",
        ),
    );
    f.emu.resetCounters();
    await f.stack.up();
    assert.equal(total(f.calls()), 0, "an aliased rename makes no call");
    assert.equal(f.emu.store.getUser(id)?.deleted, undefined);
  });

  it("2. one email in two resources fails preview naming both, with 0 API calls", async () => {
    f = await StackFixture.create("trust-duplicate");
    f.declare([
      { key: "grace", email: "grace@example.com", name: "Grace", role: "Editor" },
      { key: "grace-again", email: "  Grace@Example.COM ", name: "Grace H", role: "Admin" },
    ]);
    f.emu.resetCounters();
    const preview = await f.stack.preview([], { allowFailure: true });
    assert.ok(failed(preview));
    assert.match(
      preview.stdout + preview.stderr,
      /DomoUser "grace-again" declares email grace@example\.com, which DomoUser "grace" already declares/,
    );
    assert.equal(total(f.calls()), 0);
    // `pulumi up` previews first, so the same mistake stops it before any create.
    const up = await f.stack.run(["up", "--yes"], { allowFailure: true });
    assert.ok(failed(up));
    assert.equal(f.liveUsers().filter((u) => u.email === "grace@example.com").length, 0, up.stdout);
  });

  it("3. taking over the wrong id is refused naming both emails; nobody's account changes", async () => {
    f = await StackFixture.create("trust-wrong-id");
    const bystander = await f.emu.store.createUser({
      email: "mary@example.com",
      name: "Mary Jackson",
      role: "Editor",
    });
    f.declare([
      {
        key: "kath",
        email: "katherine@example.com",
        name: "Katherine Johnson",
        role: "Editor",
        importId: String(bystander.id),
      },
    ]);
    f.emu.resetCounters();
    const up = await f.stack.up([], { allowFailure: true });
    assert.ok(failed(up));
    assert.match(
      up.stdout + up.stderr,
      new RegExp(
        `Refusing to take over Domo user ${bystander.id}: it is the account of mary@example\\.com, not katherine@example\\.com`,
      ),
    );
    // The message names the explicit statement: the account's email among the person's former ones.
    assert.match(up.stdout + up.stderr, /add formerEmails: \[mary@example\.com\]/);
    assert.equal(f.writes(), 0);
    assert.equal(f.emu.store.getUser(bystander.id)?.email, "mary@example.com");
    assert.equal(f.emu.store.getUser(bystander.id)?.name, "Mary Jackson");

    // The same person under a new email: said explicitly, the takeover goes ahead.
    f.declare([
      {
        key: "kath",
        email: "katherine@example.com",
        name: "Katherine Johnson",
        role: "Editor",
        importId: String(bystander.id),
        formerEmails: ["mary@example.com"],
      },
    ]);
    await f.stack.up();
    assert.equal(f.emu.store.getUser(bystander.id)?.email, "katherine@example.com");
  });

  it("4. an emptied users file fails preview with 0 API calls and names the setting; nobody is deleted", async () => {
    f = await StackFixture.create("trust-emptied");
    const users = ["a", "b", "c"].map((n) => ({
      email: `${n}@example.com`,
      name: n.toUpperCase(),
      role: "Editor",
    }));
    useDirectory(f, { users });
    await f.stack.up();
    assert.equal(f.liveUsers().length, 4);

    useDirectory(f, { users: [] });
    f.emu.resetCounters();
    const preview = await f.stack.preview([], { allowFailure: true });
    assert.ok(failed(preview));
    assert.match(preview.stdout + preview.stderr, /would delete 3 of its 3 Domo accounts/);
    assert.match(preview.stdout + preview.stderr, /allowMassDeletion: true/);
    assert.equal(total(f.calls()), 0, "the guard decides at preview, before any call");
    const up = await f.stack.up([], { allowFailure: true });
    assert.ok(failed(up));
    assert.equal(f.liveUsers().length, 4, "everyone is still there");

    // One removal is an ordinary change.
    useDirectory(f, { users: users.slice(1) });
    await f.stack.up();
    assert.equal(f.liveUsers().length, 3);
    // Said explicitly, the rest go.
    useDirectory(f, { users: [], allowMassDeletion: true });
    await f.stack.up();
    assert.deepEqual(
      f.liveUsers().map((u) => u.email),
      ["admin@example.com"],
    );
  });

  it("4b. domo:maxDeletesPerRun caps the deletes of loose DomoUsers in one run", async () => {
    f = await StackFixture.create("trust-delete-cap");
    const team = ["p", "q", "r"].map((n) => ({ key: n, email: `${n}@example.com`, name: n, role: "Editor" }));
    f.declare(team);
    // Set ahead of time, as a team would: the deletes of an emptied program run with the
    // provider config recorded by the last `up` (the program no longer registers the provider).
    await f.stack.setConfig("domo:maxDeletesPerRun", "1");
    await f.stack.up();
    f.declare([]);
    const up = await f.stack.up([], { allowFailure: true });
    assert.ok(failed(up), up.stdout + up.stderr);
    assert.match(up.stdout + up.stderr, /the most domo:maxDeletesPerRun \(1\) allows/);
    assert.equal(f.liveUsers().length, 3, "one delete went through, the others were refused");
  });

  it("4c. the claims that protect renamed accounts never block an explicit destroy, even with --run-program", async () => {
    f = await StackFixture.create("trust-destroy");
    f.declare(["s", "t"].map((n) => ({ key: n, email: `${n}@example.com`, name: n, role: "Editor" })));
    await f.stack.up();
    await f.stack.run(["destroy", "--yes", "--run-program"]);
    assert.deepEqual(
      f.liveUsers().map((u) => u.email),
      ["admin@example.com"],
    );
  });

  it("6. guard and input messages can be followed, and never echo control characters", async () => {
    f = await StackFixture.create("trust-messages");
    // The credentials' own account, taken over and then removed from the program.
    f.declare([
      {
        key: "me",
        email: "admin@example.com",
        name: "Admin",
        role: "Admin",
        importId: String(f.emu.adminUserId),
      },
    ]);
    await f.stack.up();
    f.declare([]);
    const removed = await f.stack.up([], { allowFailure: true });
    assert.ok(failed(removed));
    const said = removed.stdout + removed.stderr;
    assert.match(said, /it is the account these API credentials belong to/);
    assert.match(
      said,
      /put the DomoUser back with deletionPolicy: "retain", run `pulumi up`, then remove it/,
    );
    assert.doesNotMatch(said, /set allowUnsafeAdminChanges: true on this DomoUser and run again/);
    assert.equal(f.emu.store.getUser(f.emu.adminUserId)?.deleted, undefined);
    // Following it works.
    f.declare([
      {
        key: "me",
        email: "admin@example.com",
        name: "Admin",
        role: "Admin",
        importId: String(f.emu.adminUserId),
        deletionPolicy: "retain",
      },
    ]);
    await f.stack.up();
    f.declare([]);
    await f.stack.up();
    assert.equal(f.emu.store.getUser(f.emu.adminUserId)?.deleted, undefined);

    f.declare([
      { key: "bell", email: "bell@example.com", name: "", role: "ad\u0007min\u001b[31m", importId: "12ab" },
    ]);
    f.emu.resetCounters();
    const bad = await f.stack.preview([], { allowFailure: true });
    const text = bad.stdout + bad.stderr;
    assert.ok(failed(bad));
    assert.match(text, /name is required and must not be empty/);
    assert.doesNotMatch(text, /remove the property/);
    assert.match(text, /role "ad\\u0007min\\u001b\[31m" is not a Domo system role/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    assert.doesNotMatch(text, /[\u0007\u001b]/);
    assert.match(text, /importId "12ab" is not a Domo user id/);
    assert.equal(total(f.calls()), 0);
  });
});

describe("trust: an interrupted `pulumi up` is recovered by `pulumi-domo recover`", function () {
  this.timeout(600_000);
  let f: StackFixture | undefined;
  afterEach(async () => {
    await f?.dispose();
    f = undefined;
  });

  it("5. after a SIGKILL mid-up, recover brings every created account in; up converges with each user once", async () => {
    f = await StackFixture.create("trust-killed");
    const team = Array.from({ length: 40 }, (_, i) => ({
      key: `u${i}`,
      email: `u${i}@example.com`,
      name: `User ${i}`,
      role: "Editor",
    }));
    f.declare(team);
    f.emu.faults.add({ kind: "latency", ms: 150, route: "POST /v1/users" });
    const killed = await upKilledAfter(f.stack, f.projectDir, f.emu, 12);
    assert.ok(killed.pending > 0, "the kill left pending creates");
    f.emu.faults.clear();

    // The killed run left its lock: the next up cannot even start.
    const blind = await f.stack.up([], { allowFailure: true });
    assert.ok(failed(blind));
    assert.match(blind.stdout + blind.stderr, /currently locked/);

    f.emu.resetCounters();
    const recovered = await domoCli(
      f.stack,
      ["recover", "--stack", f.stack.stack, "--cwd", f.projectDir],
      f.projectDir,
    );
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.match(recovered.stdout, /clearing the lock with `pulumi cancel`/);
    const recorded = recordedCount(recovered.stdout);
    assert.match(
      recovered.stdout,
      new RegExp(
        `${recorded} resource\\(s\\) recorded${recorded > 0 ? ` \\(${recorded} user account\\(s\\)\\)` : ""}, ${killed.pending - recorded} pending operation\\(s\\) dropped, 0 left`,
      ),
    );
    assert.equal(f.writes(), 0, "recover changes nothing in Domo");
    await f.stack.up();
    await f.stack.preview(["--expect-no-changes"]);
    for (const u of team) {
      assert.equal(
        f.liveUsers().filter((l) => l.email === u.email).length,
        1,
        `${u.email} exists exactly once`,
      );
    }
    const state = JSON.parse(f.state());
    const ids = state.checkpoint.latest.resources
      .filter((r: { type: string }) => r.type.endsWith("domo:User"))
      .map((r: { id: string }) => r.id);
    assert.equal(ids.length, 40);
    assert.equal(new Set(ids).size, 40, "no account is managed twice");
  });
});

/** A project declaring one DomoUser, and where its emulator keeps data (restarted by the tests). */
function oneUserProject(name: string): { dir: string; dataFile: string; projectDir: string } {
  const dir = makeTempDir("pulumi-domo-creds-");
  const projectDir = fs.mkdtempSync(path.join(repoRoot, "tests", ".tmp", `${name}-`));
  fs.writeFileSync(
    path.join(projectDir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
  );
  fs.writeFileSync(
    path.join(projectDir, "index.js"),
    `const { DomoUser } = require("pulumi-domo");\nnew DomoUser("ada", { email: "ada@example.com", name: "Ada", role: "Editor" });\n`,
  );
  return { dir, dataFile: path.join(dir, "domo.json"), projectDir };
}

describe("trust: credentials, truthfully (real CLI)", function () {
  this.timeout(300_000);

  it("7. environment-only credentials keep even the encrypted secret out of the state; a rotated secret and a moved host work", async () => {
    const { dir, dataFile, projectDir } = oneUserProject("trust-creds");
    let emu = await startEmulator({ dataFile });
    try {
      const { clientId, clientSecret } = emu.credentials;
      const envStack = (host: string, secret: string) =>
        new LocalStack({
          projectDir,
          workDir: path.join(dir, "work"),
          env: { DOMO_API_HOST: host, DOMO_CLIENT_ID: clientId, DOMO_CLIENT_SECRET: secret },
        });
      let stack = envStack(emu.url, clientSecret);
      await stack.init();
      await stack.up();
      const state = fs.readFileSync(stack.stateFile(), "utf8");
      assert.ok(!state.includes(clientSecret), "no plaintext secret");
      assert.doesNotMatch(
        state,
        /"secure"|ciphertext|4dabf18193072939515e22adb298388d/,
        "no encrypted value either",
      );
      assert.doesNotMatch(state, /domo:clientSecret/, "the secret's key is not in the state at all");

      // Rotate the secret and move the host: the emulator restarts elsewhere with a new secret.
      await emu.close();
      const rotated = `${clientSecret.slice(0, -4)}beef`;
      emu = await startEmulator({
        dataFile,
        clients: [{ clientId, clientSecret: rotated, scopes: ["user"] }],
      });
      stack = envStack(emu.url, rotated);
      await emu.store.updateUser(emu.store.listUsers().find((u) => u.email === "ada@example.com")?.id ?? 0, {
        name: "Changed by hand",
      });
      const refreshed = await stack.refresh();
      assert.match(refreshed.stdout, /1 updated/, "refresh reached the moved host with the rotated secret");
      await stack.up();
      await stack.preview(["--expect-no-changes"]);
    } finally {
      await emu.close();
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("7b. credentials in stack config: a rotated secret works for up, and for refresh after one up or with --run-program", async () => {
    const { dir, dataFile, projectDir } = oneUserProject("trust-creds-config");
    let emu = await startEmulator({ dataFile });
    try {
      const { clientId, clientSecret } = emu.credentials;
      const stack = new LocalStack({ projectDir, workDir: path.join(dir, "work") });
      await stack.init();
      await stack.setConfig("domo:apiHost", emu.url);
      await stack.setConfig("domo:clientId", clientId);
      await stack.setConfig("domo:clientSecret", clientSecret, { secret: true });
      await stack.up();
      const state = fs.readFileSync(stack.stateFile(), "utf8");
      assert.ok(!state.includes(clientSecret), "never in plaintext");
      assert.match(
        state,
        /"domo:clientSecret":\s*\{\s*"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/,
      );

      await emu.close();
      const rotated = `${clientSecret.slice(0, -4)}cafe`;
      emu = await startEmulator({
        dataFile,
        clients: [{ clientId, clientSecret: rotated, scopes: ["user"] }],
      });
      await stack.setConfig("domo:apiHost", emu.url);
      await stack.setConfig("domo:clientSecret", rotated, { secret: true });
      // Plain refresh runs with the config stored in the state (the old host and secret).
      const stale = await stack.refresh([], { allowFailure: true });
      assert.ok(failed(stale), "a plain refresh still uses the stored host and secret");
      // The documented ways: refresh with the program's current config, or one up first.
      await stack.refresh(["--run-program"]);
      await stack.up();
      await stack.refresh();
      await stack.preview(["--expect-no-changes"]);
    } finally {
      await emu.close();
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });
});
