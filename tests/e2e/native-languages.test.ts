import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { ensureLanguageHosts, languageHostEnv } from "../../scripts/lib/language-hosts";
import { LocalStack, repoRoot } from "../../scripts/lib/pulumi-cli";
import { nativePath } from "../native/native-stack";
import { makeTempDir } from "../support/temp";

/**
 * The native provider from Python, Go and YAML programs, through the real CLI and each
 * language's host (tools/language-hosts), with the SDKs generated from the schema (sdk/):
 * a user, a group and its members created, previewed with no call to Domo, updated in place
 * (the `title` config), converged, and destroyed.
 */
const programs: Record<string, { files: Record<string, string>; runtime: string }> = {
  yaml: {
    runtime: "yaml",
    files: {
      "Main.yaml": `config:
  title:
    type: string
    default: Engineer
resources:
  ada:
    type: domo:index:User
    properties:
      email: ada@example.com
      name: Ada Lovelace
      role: Editor
      title: \${title}
  eng:
    type: domo:index:Group
    properties:
      name: Engineering
      allowDeleteWithMembers: true
  members:
    type: domo:index:GroupMembers
    properties:
      groupId: \${eng.id}
      userIds:
        - \${ada.id}
outputs:
  adaId: \${ada.userId}
  groupId: \${eng.groupId}
`,
    },
  },
  python: {
    runtime: "python",
    files: {
      "__main__.py": `import pulumi
import pulumi_domo as domo

title = pulumi.Config().get("title") or None
ada = domo.User("ada", email="ada@example.com", name="Ada Lovelace", role=domo.SystemRole.EDITOR, title=title)
eng = domo.Group("eng", name="Engineering", allow_delete_with_members=True)
domo.GroupMembers("members", group_id=eng.id, user_ids=[ada.id])
pulumi.export("adaId", ada.user_id)
pulumi.export("groupId", eng.group_id)
# User.get reads an account by id (here the one just declared), changing nothing.
read = domo.User.get("ada-read", ada.id)
pulumi.export("readEmail", read.email)
`,
    },
  },
  go: {
    runtime: "go",
    files: {
      "main.go": `package main

import (
	"github.com/pulumi-domo/pulumi-domo/sdk/go/domo"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		args := &domo.UserArgs{Email: pulumi.String("ada@example.com"), Name: pulumi.String("Ada Lovelace"), Role: domo.SystemRoleEditor}
		if t := config.Get(ctx, "title"); t != "" {
			args.Title = pulumi.String(t)
		}
		ada, err := domo.NewUser(ctx, "ada", args)
		if err != nil {
			return err
		}
		eng, err := domo.NewGroup(ctx, "eng", &domo.GroupArgs{Name: pulumi.String("Engineering"), AllowDeleteWithMembers: pulumi.Bool(true)})
		if err != nil {
			return err
		}
		if _, err := domo.NewGroupMembers(ctx, "members", &domo.GroupMembersArgs{GroupId: eng.ID(), UserIds: pulumi.Array{ada.ID()}}); err != nil {
			return err
		}
		ctx.Export("adaId", ada.UserId)
		ctx.Export("groupId", eng.GroupId)
		return nil
	})
}
`,
    },
  },
};

/** The Go program's module: the example's pins, and the generated SDK from this repository. */
function goModule(): Record<string, string> {
  const example = path.join(repoRoot, "tools", "language-hosts", "examples", "go");
  const gomod = fs
    .readFileSync(path.join(example, "go.mod"), "utf8")
    .replace(/^module .*$/m, "module pulumidomo.local/native-go")
    .concat(
      `\nrequire github.com/pulumi-domo/pulumi-domo/sdk/go/domo v0.0.0\n\nreplace github.com/pulumi-domo/pulumi-domo/sdk/go/domo => ${path.join(repoRoot, "sdk", "go", "domo")}\n`,
    );
  return { "go.mod": gomod, "go.sum": fs.readFileSync(path.join(example, "go.sum"), "utf8") };
}

describe("native provider from Python, Go and YAML programs", function () {
  this.timeout(900_000);
  let emu: RunningEmulator;
  let projectDir: string;
  afterEach(async () => {
    await emu?.close();
    if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
  });
  const writes = () =>
    Object.entries(emu.counters())
      .filter(([route]) => /^(POST|PUT|DELETE) \/v1\//.test(route))
      .reduce((n, [, c]) => n + c, 0);
  const calls = () => Object.values(emu.counters()).reduce((n, c) => n + c, 0);

  for (const [language, { runtime, files }] of Object.entries(programs)) {
    it(`${language}: creates, previews with no call, updates in place, converges and destroys`, async () => {
      emu = await startEmulator();
      const hosts = ensureLanguageHosts();
      const tmpRoot = path.join(repoRoot, "tests", ".tmp");
      fs.mkdirSync(tmpRoot, { recursive: true });
      projectDir = fs.mkdtempSync(path.join(tmpRoot, `native-${language}-`));
      fs.writeFileSync(
        path.join(projectDir, "Pulumi.yaml"),
        `name: native-${language}\nruntime: ${runtime}\n`,
      );
      const all = language === "go" ? { ...files, ...goModule() } : files;
      for (const [name, text] of Object.entries(all)) fs.writeFileSync(path.join(projectDir, name), text);
      const env = languageHostEnv(hosts, nativePath());
      // The Python SDK installed as a user would (pip, from the generated package), into a
      // folder of this test's own: the shared virtualenv stays as provisioned.
      const site = makeTempDir("pulumi-domo-pysite-");
      if (language === "python") {
        execFileSync(
          path.join(hosts.pythonVenv, "bin", "pip"),
          ["install", "-q", "--no-deps", "--target", site, path.join(repoRoot, "sdk", "python")],
          { stdio: "ignore" },
        );
      }
      const stack = new LocalStack({
        projectDir,
        workDir: makeTempDir(`pulumi-domo-${language}-`),
        env: { ...env, PYTHONPATH: site, GOSUMDB: "off" },
      });
      await stack.init();
      await stack.configureDomo(emu);

      emu.resetCounters();
      const preview = await stack.preview();
      assert.match(preview.stdout, /\+ 4 to create/, preview.stdout);
      assert.equal(calls(), 0, "preview makes no call to Domo");

      await stack.up();
      const out = JSON.parse((await stack.run(["stack", "output", "--json", "--stack", "dev"])).stdout) as {
        adaId: number;
        groupId: number;
      };
      assert.ok(emu.store.getUser(out.adaId)?.email === "ada@example.com");
      if (language === "python")
        assert.equal((out as { readEmail?: string }).readEmail, "ada@example.com", "User.get");
      assert.deepEqual(emu.store.memberIds(out.groupId), [out.adaId]);

      emu.resetCounters();
      await stack.preview(["--expect-no-changes"]);
      assert.equal(writes(), 0);

      await stack.setConfig("title", "Analyst");
      emu.resetCounters();
      await stack.up();
      assert.deepEqual(
        Object.fromEntries(
          Object.entries(emu.counters()).filter(([r]) => /^(POST|PUT|DELETE) \/v1\//.test(r)),
        ),
        { "PUT /v1/users/{id}": 1 },
        "an update in place, nothing created",
      );
      assert.equal(emu.store.getUser(out.adaId)?.title, "Analyst");
      await stack.preview(["--expect-no-changes"]);

      await stack.destroy();
      assert.ok(emu.store.getUser(out.adaId)?.deleted, "the account is deleted");
      assert.equal(emu.store.listGroups().filter((g) => g.name === "Engineering").length, 0);
    });
  }

  it("yaml: a UserDirectory over a users file, and pulumi import printing YAML", async () => {
    emu = await startEmulator({
      seed: { users: [{ email: "grace@example.com", name: "Grace Hopper", role: "Editor" }] },
    });
    const hosts = ensureLanguageHosts();
    const tmpRoot = path.join(repoRoot, "tests", ".tmp");
    fs.mkdirSync(tmpRoot, { recursive: true });
    projectDir = fs.mkdtempSync(path.join(tmpRoot, "native-yaml-dir-"));
    fs.writeFileSync(
      path.join(projectDir, "Pulumi.yaml"),
      `name: native-yaml-dir
runtime: yaml
resources:
  people:
    type: domo:index:UserDirectory
    properties:
      file: users.yaml
outputs:
  userIds: \${people.userIds}
`,
    );
    const users = (extra: string) => `users:
  - email: ada@example.com
    name: Ada Lovelace
    role: Editor
    groups: [Analysts]
  - email: alan@example.com
    name: Alan Turing
    role: Participant
${extra}groups:
  - name: Analysts
`;
    fs.writeFileSync(path.join(projectDir, "users.yaml"), users(""));
    const stack = new LocalStack({
      projectDir,
      workDir: makeTempDir("pulumi-domo-yaml-dir-"),
      env: languageHostEnv(hosts, nativePath()),
    });
    await stack.init();
    await stack.configureDomo(emu);
    emu.resetCounters();
    await stack.preview();
    assert.equal(calls(), 0, "preview makes no call to Domo");
    await stack.up();
    const declared = ["ada@example.com", "alan@example.com", "grace@example.com"];
    const live = () => emu.store.listUsers().filter((u) => !u.deleted && declared.includes(u.email));
    assert.equal(live().length, 3, "two declared, Grace seeded");
    await stack.preview(["--expect-no-changes"]);

    // An emptied users file: the mass-deletion guard stops the preview, naming the way out.
    fs.writeFileSync(path.join(projectDir, "users.yaml"), "users: []\n");
    emu.resetCounters();
    const emptied = await stack.preview([], { allowFailure: true });
    assert.notEqual(emptied.code, 0);
    assert.match(emptied.stdout, /allowMassDeletion/);
    assert.equal(calls(), 0, "the refused preview makes no call");
    fs.writeFileSync(path.join(projectDir, "users.yaml"), users(""));

    // Someone made outside the program: imported, with its code printed in the project's language.
    const grace = emu.store.listUsers().find((u) => u.email === "grace@example.com");
    assert.ok(grace, "seeded outside any program");
    emu.resetCounters();
    const imported = await stack.run(
      ["import", "domo:index:User", "grace-copy", String(grace.id), "--yes", "--protect=false"],
      {
        allowFailure: true,
      },
    );
    assert.equal(writes(), 0, "an import only reads");
    assert.match(imported.stdout, /type: domo:(index:)?User/, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /email: grace@example\.com/);
    assert.match(imported.stdout, /name: Grace Hopper/);
  });
});
