import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runCli } from "../../provider/cli";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { auditReportSchema, parseUsersFile } from "../../provider/usersfile";
import { makeTempDir } from "../support/temp";

/** `export` writes groups and memberships; `audit` reports membership drift per group. */
describe("pulumi-domo export and audit with groups", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let dir: string;
  let env: Record<string, string>;
  const run = async (argv: string[]) => {
    let out = "";
    let err = "";
    const code = await runCli(argv, {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
      env,
      cwd: dir,
    });
    return { code, out, err };
  };
  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1/.test(route))
      .reduce((n, [, c]) => n + c, 0);

  beforeEach(async () => {
    emu = await startEmulator();
    dir = makeTempDir("pulumi-domo-cli-groups-");
    env = {
      DOMO_API_HOST: emu.url,
      DOMO_CLIENT_ID: emu.credentials.clientId,
      DOMO_CLIENT_SECRET: emu.credentials.clientSecret,
    };
  });
  afterEach(async () => {
    await emu.close();
  });

  it("exports every group but Default with its id, and each user's groups; the file parses back", async () => {
    const ann = await emu.store.createUser({ email: "ann@example.com", name: "Ann", role: "Editor" });
    const bo = await emu.store.createUser({ email: "bo@example.com", name: "Bo", role: "Editor" });
    const analysts = await emu.store.createGroup({ name: "Analysts", memberIds: [ann.id, bo.id] });
    const ops = await emu.store.createGroup({ name: "Ops", memberIds: [bo.id] });
    emu.resetCounters();
    const r = await run(["export", "--out", "users.yaml", "--quiet"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(writes(), 0, "export changes nothing");
    const file = parseUsersFile(fs.readFileSync(path.join(dir, "users.yaml"), "utf8"), "users.yaml");
    assert.deepEqual(
      file.groups.map((g) => [g.name, g.id, g.members]),
      [
        ["Analysts", analysts.id, "authoritative"],
        ["Ops", ops.id, "authoritative"],
      ],
    );
    const groupsOf = Object.fromEntries(file.users.map((u) => [u.declaration.email, u.groups]));
    assert.deepEqual(groupsOf["ann@example.com"], ["Analysts"]);
    assert.deepEqual(groupsOf["bo@example.com"], ["Analysts", "Ops"]);
    // --deletion-policy retain covers the groups too.
    const kept = await run(["export", "--out", "kept.yaml", "--quiet", "--deletion-policy", "retain"]);
    assert.equal(kept.code, 0, kept.err);
    const keptFile = parseUsersFile(fs.readFileSync(path.join(dir, "kept.yaml"), "utf8"), "kept.yaml");
    assert.deepEqual(
      keptFile.groups.map((g) => g.deletionPolicy),
      ["retain", "retain"],
    );
    // The exported file is in sync with Domo, memberships included.
    const audit = await run(["audit", "--file", "users.yaml", "--json"]);
    assert.equal(audit.code, 0, audit.out);
  });

  it("audit reports extra members of authoritative groups and missing members of any group, exit 2", async () => {
    const ann = await emu.store.createUser({ email: "ann@example.com", name: "Ann", role: "Editor" });
    const bo = await emu.store.createUser({ email: "bo@example.com", name: "Bo", role: "Editor" });
    const analysts = await emu.store.createGroup({ name: "Analysts", memberIds: [ann.id, bo.id] });
    await emu.store.createGroup({ name: "Ops", memberIds: [] });
    fs.writeFileSync(
      path.join(dir, "users.yaml"),
      [
        "groups:",
        `  - {name: Analysts, id: ${analysts.id}}`,
        "  - {name: Ops, members: additive}",
        "  - name: Missing Team",
        "users:",
        `  - {id: ${ann.id}, email: ann@example.com, name: Ann, role: Editor, groups: [Analysts, Ops]}`,
        `  - {id: ${bo.id}, email: bo@example.com, name: Bo, role: Editor, groups: [Missing Team]}`,
        "",
      ].join("\n"),
    );
    const json = await run(["audit", "--file", "users.yaml", "--json"]);
    assert.equal(json.code, 2);
    const report = auditReportSchema.parse(JSON.parse(json.out));
    assert.deepEqual(
      report.groups.map((g) => [g.name, g.missingGroup, g.extraMembers, g.missingMembers]),
      [
        ["Analysts", false, ["bo@example.com"], []],
        ["Ops", false, [], ["ann@example.com"]],
        ["Missing Team", true, [], ["bo@example.com"]],
      ],
    );
    const text = await run(["audit", "--file", "users.yaml"]);
    assert.match(text.out, /Groups whose members differ in Domo \(3\):/);
    assert.match(text.out, /\+ bo@example\.com \(in Domo, not declared\)/);
    assert.match(text.out, /- ann@example\.com \(declared, not in Domo\)/);
  });
});
