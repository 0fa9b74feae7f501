import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import {
  DomoUserDirectory,
  domoUserDirectoryType,
  planDirectoryUsers,
  readDirectory,
  UserDirectoryError,
  userResourceName,
} from "../../provider/resources/directory";
import { deletionGuardType } from "../../provider/resources/directory/component";
import {
  domoGroupMembershipType,
  domoGroupMembersType,
  domoGroupType,
} from "../../provider/resources/group/resource";
import { domoUserType } from "../../provider/resources/user";
import { type DeclaredUser, declareUsers, type UsersFileEntryInput } from "../../provider/usersfile";
import { makeTempDir } from "../support/temp";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  importId: string | undefined;
}

interface Seen {
  name: string;
  type: string;
  opts: pulumi.ResourceOptions;
}

const registered: Registered[] = [];

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Builds a directory and records what each child was registered with (name, inputs, options). */
async function build(
  args: ConstructorParameters<typeof DomoUserDirectory>[1],
  opts: pulumi.ComponentResourceOptions = {},
  name = "people",
) {
  const seen: Seen[] = [];
  registered.length = 0;
  const directory = new DomoUserDirectory(name, args, {
    ...opts,
    // Parent transformations run for every child, client-side: they see the options it got.
    transformations: [
      (t) => {
        seen.push({ name: t.name, type: t.type, opts: t.opts });
        return undefined;
      },
    ],
  });
  const ids = await value(directory.userIds);
  // Registration order is the engine's business: compare in name order.
  const users = registered
    .filter((r) => r.type === domoUserType)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { directory, ids, seen: seen.filter((s) => s.type === domoUserType), users };
}

const team: UsersFileEntryInput[] = [
  { email: "Ada@Example.com", name: "Ada", role: "Admin" },
  { email: "bob+domo@example.com", name: "Bob", role: "Editor", id: 1000000042 },
  { email: "cy@example.com", name: "Cy", roleId: 6, title: "Steward" },
];

describe("DomoUserDirectory", () => {
  before(async () => {
    let next = 1000000100;
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          // DomoUser carries the import option out itself (as its importId input) where it
          // can; otherwise it reaches the engine as the import id.
          const inputImportId = typeof args.inputs.importId === "string" ? args.inputs.importId : undefined;
          const importId = args.id || inputImportId;
          registered.push({ type: args.type, name: args.name, inputs: args.inputs, importId });
          const userId = importId ? Number(importId) : next++;
          return { id: String(userId), state: { ...args.inputs, userId } };
        },
        call: () => ({}),
      },
      "domo-users",
      "test",
      false,
    );
  });

  describe("logical names", () => {
    it("are user- and the normalised email, with unsafe characters escaped", () => {
      assert.equal(userResourceName("Ada@Example.com"), "user-ada@example.com");
      assert.equal(
        userResourceName("  first_last-x.y@sub.example.org "),
        "user-first_last-x.y@sub.example.org",
      );
      assert.equal(userResourceName("a+b@x.com"), "user-a%2Bb@x.com");
      assert.equal(userResourceName("zoë@x.com"), "user-zo%C3%AB@x.com");
    });

    it("never collide for different emails, and ignore case (property)", () => {
      const email = fc
        .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("x.com", "X.com", "ex-ample.org"))
        .map(([local, domain]) => `${local}@${domain}`);
      fc.assert(
        fc.property(email, email, (a, b) => {
          const same = a.trim().toLowerCase() === b.trim().toLowerCase();
          assert.equal(userResourceName(a) === userResourceName(b), same);
          assert.equal(userResourceName(a.toUpperCase()), userResourceName(a.toLowerCase()));
        }),
        { numRuns: 500 },
      );
    });

    it("do not change when entries are reordered or an email changes case", () => {
      const plan = (list: UsersFileEntryInput[]) =>
        new Map(planDirectoryUsers(declareUsers(list).users).map((p) => [p.email, p.name]));
      const reordered = [team[2]!, team[0]!, team[1]!];
      const recased = team.map((u) => ({ ...u, email: u.email.toUpperCase() }));
      assert.deepEqual(plan(reordered), plan(team));
      assert.deepEqual(plan(recased), plan(team));
    });
  });

  it("registers one DomoUser per entry, as children, named from the email (or the id it declares)", async () => {
    const { directory, seen, users } = await build({ users: team });
    assert.deepEqual(
      users.map((u) => u.name),
      ["user-ada@example.com", "user-cy@example.com", "user-id-1000000042"],
    );
    // Named by its id, the entry keeps the name it had by email as an alias: no replacement.
    const bob = seen.find((s) => s.name === "user-id-1000000042");
    assert.deepEqual(bob?.opts.aliases, [{ name: "user-bob%2Bdomo@example.com" }]);
    for (const s of seen) assert.equal(s.opts.parent, directory);
    const urn = await value(directory.users["cy@example.com"]!.urn);
    assert.equal(
      urn,
      `urn:pulumi:test::domo-users::${domoUserDirectoryType}$${domoUserType}::user-cy@example.com`,
    );
    const ada = users[0]!.inputs;
    assert.equal(ada.email, "ada@example.com");
    assert.equal(ada.role, "Admin");
    assert.equal(ada.deletionPolicy, "delete");
    assert.equal(users[1]!.inputs.roleId, 6);
    assert.equal(users[1]!.inputs.role, undefined);
  });

  it("gives the same names in the registered stack after reordering and recasing", async () => {
    const first = (await build({ users: team })).users.map((u) => u.name).sort();
    const shuffled = [team[1]!, team[2]!, team[0]!].map((u) => ({ ...u, email: u.email.toUpperCase() }));
    const second = (await build({ users: shuffled })).users.map((u) => u.name).sort();
    assert.deepEqual(second, first);
  });

  it("takes over entries with an id (the import option), and only those", async () => {
    const { users } = await build({ users: team });
    assert.deepEqual(
      users.map((u) => [u.name, u.importId]),
      [
        ["user-ada@example.com", undefined],
        ["user-cy@example.com", undefined],
        ["user-id-1000000042", "1000000042"],
      ],
    );
    assert.deepEqual(
      planDirectoryUsers(declareUsers(team).users).map((p) => p.importId),
      [undefined, "1000000042", undefined],
    );
    for (const u of users) assert.notEqual(u.inputs.adoptExisting, true, "by id, not by email");
  });

  it("outputs the user id per normalised email", async () => {
    const { ids } = await build({ users: team });
    assert.equal(ids["bob+domo@example.com"], 1000000042);
    assert.deepEqual(Object.keys(ids).sort(), ["ada@example.com", "bob+domo@example.com", "cy@example.com"]);
    for (const id of Object.values(ids)) assert.equal(typeof id, "number");
  });

  it("passes resource options through to every user", async () => {
    const { seen } = await build(
      {
        users: team,
        userOptions: { ignoreChanges: ["title"], customTimeouts: { create: "2m" } },
      },
      { protect: true, retainOnDelete: true },
    );
    assert.equal(seen.length, 3);
    for (const s of seen) {
      const o = s.opts as pulumi.CustomResourceOptions;
      assert.equal(o.retainOnDelete, true);
      assert.deepEqual(o.ignoreChanges, ["title"]);
      assert.deepEqual(o.customTimeouts, { create: "2m" });
    }
    // protect is inherited from the parent by Pulumi itself.
    const { directory } = await build({ users: team }, { protect: true });
    const child = directory.users["ada@example.com"] as unknown as { __protect?: boolean };
    assert.equal(child.__protect, true);
  });

  it("lets per-user options win over the directory's", async () => {
    const { seen } = await build(
      { users: team, userOptions: { retainOnDelete: false } },
      { retainOnDelete: true },
    );
    for (const s of seen) assert.equal((s.opts as pulumi.CustomResourceOptions).retainOnDelete, false);
  });

  it("reads a users file, with program defaults under the file's own", async () => {
    const dir = makeTempDir();
    const file = path.join(dir, "users.yaml");
    fs.writeFileSync(
      file,
      [
        "defaults:",
        "  role: Participant",
        "users:",
        "  - {email: a@x.com, name: A}",
        "  - {email: b@x.com, name: B, deletionPolicy: delete, id: 77}",
      ].join("\n"),
    );
    const { users } = await build({
      file,
      defaults: { deletionPolicy: "retain", role: "Editor", timezone: "UTC" },
    });
    assert.deepEqual(
      users.map((u) => [u.name, u.inputs.role, u.inputs.deletionPolicy, u.inputs.timezone, u.importId]),
      [
        ["user-a@x.com", "Participant", "retain", "UTC", undefined],
        ["user-id-77", "Participant", "delete", "UTC", "77"],
      ],
    );
  });

  it("fails at program start, with file and line, when the file is wrong", () => {
    const dir = makeTempDir();
    const file = path.join(dir, "users.yaml");
    fs.writeFileSync(
      file,
      [
        "users:",
        "  - {email: a@x.com, name: A, role: Admin}",
        "  - {email: A@X.COM, name: A, role: admin}",
      ].join("\n"),
    );
    assert.throws(
      () => new DomoUserDirectory("broken", { file }),
      (e: unknown) => {
        assert.ok(e instanceof UserDirectoryError);
        assert.ok(pulumi.RunError.isInstance(e), "a RunError: Pulumi prints it without a stack");
        assert.deepEqual(
          e.problems.map((p) => [p.line, p.path]),
          [
            [3, "users[1].role"],
            [3, "users[1].email"],
          ],
        );
        assert.match(
          e.message,
          new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: users\\[1\\]\\.role`),
        );
        return true;
      },
    );
  });

  it("refuses ambiguous or missing sources, invalid program defaults, and invalid program entries", () => {
    assert.throws(() => readDirectory({}), /give file \(a users file path\) or users/);
    assert.throws(() => readDirectory({ file: "x.yaml", users: [] }), /either file .* or users/);
    assert.throws(
      () => readDirectory({ users: [], defaults: { role: "boss" as "Admin" } }),
      /defaults\.role: role "boss" is not a Domo system role/,
    );
    assert.throws(
      () => readDirectory({ users: [{ email: "nope", name: "N", role: "Admin" }] }),
      (e: unknown) => e instanceof UserDirectoryError && e.problems[0]?.path === "users[0].email",
    );
    assert.throws(
      () => readDirectory({ file: path.join(makeTempDir(), "absent.yaml") }),
      /absent\.yaml: cannot read the users file: no such file/,
    );
  });
});

// The component under its own Pulumi mocks (ids by kind): what it registers for a users list.

const registrations: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];
let nextId = 1000000900;

async function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

async function waitFor(filter: (r: (typeof registrations)[number]) => boolean, count: number) {
  for (let i = 0; i < 100; i++) {
    const found = registrations.filter(filter);
    if (found.length >= count) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`expected ${count} registrations`);
}

/** Inputs without the serialized provider. */
function plain(inputs: Record<string, unknown> | undefined): Record<string, unknown> {
  const { __provider: _, ...rest } = inputs ?? {};
  return rest;
}

function problemsOf(fn: () => unknown): UserDirectoryError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserDirectoryError, String(e));
    assert.ok(e instanceof pulumi.RunError);
    assert.equal(e.name, "UserDirectoryError");
    return e;
  }
  assert.fail("expected a UserDirectoryError");
}

describe("DomoUserDirectory (directory/component.ts): registrations, input rules, the guard", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
          const id =
            args.type === domoUserType
              ? String(nextId++)
              : args.type === domoGroupType
                ? String(nextId++)
                : `${args.name}-id`;
          return { id, state: args.inputs };
        },
        call: () => ({}),
      },
      "dir-component",
      "dev",
      false,
    );
  });

  it("wants exactly one of file and users", () => {
    const both = problemsOf(() => readDirectory({ file: "x.yaml", users: [] }));
    assert.deepEqual(both.problems, [
      {
        file: "DomoUserDirectory",
        path: "file, users",
        message: "give either file (a users file) or users (a list), not both",
      },
    ]);
    const neither = problemsOf(() => readDirectory({}));
    assert.deepEqual(neither.problems, [
      {
        file: "DomoUserDirectory",
        path: "",
        message: "give file (a users file path) or users (a list of declarations)",
      },
    ]);
    assert.match(neither.message, /give file \(a users file path\) or users/);
  });

  it("names bad program defaults by their path", () => {
    const e = problemsOf(() =>
      readDirectory({ file: "x.yaml", defaults: { deletionPolicy: "keep" as "retain" } }),
    );
    assert.equal(e.problems[0]?.file, "DomoUserDirectory");
    assert.equal(e.problems[0]?.path, "defaults.deletionPolicy");
  });

  it("reads a file with the program's defaults under the file's own", () => {
    const dir = makeTempDir("dir-component");
    const file = path.join(dir, "users.yaml");
    fs.writeFileSync(
      file,
      "defaults: {role: Editor}\nusers:\n  - {email: f1@x.io, name: F1}\n  - {email: f2@x.io, name: F2, role: Admin}\n",
    );
    const read = readDirectory({ file, defaults: { role: "Participant", deletionPolicy: "retain" } });
    assert.deepEqual(
      read.users.map((u) => [u.declaration.email, u.declaration.role, u.declaration.deletionPolicy]),
      [
        ["f1@x.io", "Editor", "retain"],
        ["f2@x.io", "Admin", "retain"],
      ],
    );
    const listed = readDirectory({ users: [{ email: "l@x.io", name: "L" }], defaults: { role: "Editor" } });
    assert.equal(listed.users[0]?.declaration.role, "Editor");
    const bad = problemsOf(() => readDirectory({ users: [{ email: "nope", name: "N" }] }));
    assert.ok(bad.problems.length > 0);
  });

  it("plans users by normalised email, with import ids and deletion", () => {
    const read = readDirectory({
      users: [
        { email: "P1@X.io", name: "P1", role: "Editor", id: 1000000042 },
        { email: "p2@x.io", name: "P2", role: "Editor", deletionPolicy: "retain" },
      ],
    });
    const plans = planDirectoryUsers(read.users);
    assert.deepEqual(
      plans.map((p) => [p.name, p.email, p.importId, p.deletes]),
      [
        ["user-id-1000000042", "p1@x.io", "1000000042", true],
        ["user-p2@x.io", "p2@x.io", undefined, false],
      ],
    );
    assert.equal("importId" in (plans[1] ?? {}), false);
    assert.equal(plans[0]?.args.email, "p1@x.io");
    assert.equal(plans[0]?.args.name, "P1");
    assert.equal(plans[0]?.args.role, "Editor");
    const first = read.users[0] as DeclaredUser;
    assert.throws(
      () => planDirectoryUsers([first, first]),
      (e: Error) =>
        e instanceof pulumi.RunError &&
        e.message === "p1@x.io and p1@x.io map to the same resource name user-id-1000000042",
    );
  });

  it("registers a deletion guard listing the accounts a removal would delete, sorted", async () => {
    new DomoUserDirectory("dm1", {
      users: [
        { email: "dm1-b@x.io", name: "B", role: "Editor" },
        { email: "dm1-a@x.io", name: "A", role: "Editor" },
        { email: "dm1-c@x.io", name: "C", role: "Editor", deletionPolicy: "retain" },
      ],
      maxDeletes: 3,
    });
    const [guard] = await waitFor((r) => r.name === "dm1-deletion-guard", 1);
    assert.equal(guard?.type, deletionGuardType);
    assert.deepEqual(plain(guard?.inputs), {
      directory: 'DomoUserDirectory "dm1"',
      accounts: ["dm1-a@x.io", "dm1-b@x.io"],
      // Every declared person (retained ones too: email and a hash of the name) and the layout:
      // what the next run tells an email change or a move by.
      held: ["dm1-a@x.io ~e40c292c", "dm1-b@x.io ~e70c2de5", "dm1-c@x.io ~e60c2c52"],
      layout: "perUser",
      allowMassDeletion: false,
      maxDeletes: 3,
    });
    new DomoUserDirectory("dm2", {
      users: [{ email: "dm2-a@x.io", name: "A", role: "Editor" }],
      allowMassDeletion: true,
    });
    const [g2] = await waitFor((r) => r.name === "dm2-deletion-guard", 1);
    assert.equal(g2?.inputs.allowMassDeletion, true);
    assert.equal("maxDeletes" in (g2?.inputs ?? {}), false);
  });

  it("names the file in the guard, and lists nothing when every user is retained or protected", async () => {
    const dir = makeTempDir("dir-component");
    const file = path.join(dir, "people.yaml");
    fs.writeFileSync(file, "users:\n  - {email: dm3-a@x.io, name: A, role: Editor}\n");
    new DomoUserDirectory("dm3", { file });
    const [g3] = await waitFor((r) => r.name === "dm3-deletion-guard", 1);
    assert.equal(g3?.inputs.directory, `DomoUserDirectory "dm3" (${file})`);
    assert.deepEqual(g3?.inputs.accounts, ["dm3-a@x.io"]);
    const cases: Array<
      [string, ConstructorParameters<typeof DomoUserDirectory>[1], pulumi.ComponentResourceOptions]
    > = [
      ["dm4", { userOptions: { retainOnDelete: true } }, {}],
      ["dm5", {}, { retainOnDelete: true }],
      ["dm6", { userOptions: { protect: true } }, {}],
    ];
    for (const [name, args, opts] of cases) {
      new DomoUserDirectory(
        name,
        { users: [{ email: `${name}-a@x.io`, name: "A", role: "Editor" }], ...args },
        opts,
      );
      const [g] = await waitFor((r) => r.name === `${name}-deletion-guard`, 1);
      assert.deepEqual(g?.inputs.accounts, [], name);
    }
    new DomoUserDirectory(
      "dm7",
      { users: [{ email: "dm7-a@x.io", name: "A", role: "Editor" }], userOptions: { retainOnDelete: false } },
      { retainOnDelete: true },
    );
    const [g7] = await waitFor((r) => r.name === "dm7-deletion-guard", 1);
    assert.deepEqual(g7?.inputs.accounts, ["dm7-a@x.io"], "the users' own option wins");
  });

  it("registers one DomoUser per entry, with import ids, and outputs their ids", async () => {
    const d = new DomoUserDirectory("dm8", {
      users: [
        { email: "DM8-a@x.io", name: "A", role: "Editor", id: 1000000077 },
        { email: "dm8-b@x.io", name: "B", role: "Editor", title: "T" },
      ],
    });
    const users = await waitFor(
      (r) => r.type === domoUserType && (r.name.startsWith("user-dm8-") || r.name === "user-id-1000000077"),
      2,
    );
    // An entry with an id is named by its id: the id is the person, whatever their email becomes.
    assert.deepEqual(users.map((u) => u.name).sort(), ["user-dm8-b@x.io", "user-id-1000000077"]);
    assert.equal(users.find((u) => u.name === "user-id-1000000077")?.inputs.importId, "1000000077");
    assert.equal(users.find((u) => u.name === "user-dm8-b@x.io")?.inputs.title, "T");
    assert.deepEqual(Object.keys(d.users).sort(), ["dm8-a@x.io", "dm8-b@x.io"]);
    assert.equal(d.declarations.length, 2);
    const ids = await settled(d.userIds);
    assert.deepEqual(Object.keys(ids).sort(), ["dm8-a@x.io", "dm8-b@x.io"]);
    for (const v of Object.values(ids)) assert.equal(typeof v, "number");
    assert.deepEqual(await settled(d.groupIds), {});
  });

  it("declares groups with their settings and authoritative or additive members", async () => {
    const d = new DomoUserDirectory("dm9", {
      groups: [
        {
          name: "DM9 Team",
          id: 4242,
          deletionPolicy: "retain",
          allowDeleteWithMembers: true,
          allowNameChange: true,
          active: false,
        },
        { name: "DM9 Loose", members: "additive" },
        { name: "DM9 Empty" },
      ],
      users: [
        { email: "dm9-b@x.io", name: "B", role: "Editor", groups: ["DM9 Team", "DM9 Loose"] },
        { email: "dm9-a@x.io", name: "A", role: "Editor", groups: ["DM9 Team", "DM9 Loose"] },
        { email: "dm9-c@x.io", name: "C", role: "Editor" },
      ],
    });
    const groups = await waitFor(
      (r) =>
        r.type === domoGroupType && r.name.startsWith("group-") && String(r.inputs.name).startsWith("DM9"),
      3,
    );
    const team = groups.find((g) => g.inputs.name === "DM9 Team");
    assert.equal(team?.name, "group-id-4242");
    assert.deepEqual(plain(team?.inputs), {
      name: "DM9 Team",
      active: false,
      importId: "4242",
      deletionPolicy: "retain",
      allowDeleteWithMembers: true,
      allowNameChange: true,
    });
    const empty = groups.find((g) => g.inputs.name === "DM9 Empty");
    assert.equal(empty?.name, "group-dm9%20empty");
    assert.deepEqual(plain(empty?.inputs), { name: "DM9 Empty", active: true });
    const [members] = await waitFor(
      (r) => r.type === domoGroupMembersType && r.name === "group-id-4242-members",
      1,
    );
    const ids = await settled(d.userIds);
    assert.deepEqual(members?.inputs.userIds, [String(ids["dm9-a@x.io"]), String(ids["dm9-b@x.io"])]);
    const [emptyMembers] = await waitFor((r) => r.name === "group-dm9%20empty-members", 1);
    assert.deepEqual(emptyMembers?.inputs.userIds, []);
    const pairs = await waitFor(
      (r) => r.type === domoGroupMembershipType && r.name.startsWith("group-dm9%20loose-member-"),
      2,
    );
    assert.deepEqual(pairs.map((p) => p.name).sort(), [
      "group-dm9%20loose-member-dm9-a@x.io",
      "group-dm9%20loose-member-dm9-b@x.io",
    ]);
    assert.equal(
      registrations.some((r) => r.name === "group-dm9%20loose-members"),
      false,
      "an additive group has no member list",
    );
    assert.deepEqual(Object.keys(d.groups), ["DM9 Team", "DM9 Loose", "DM9 Empty"]);
    const groupIds = await settled(d.groupIds);
    assert.deepEqual(Object.keys(groupIds), ["DM9 Team", "DM9 Loose", "DM9 Empty"]);
    for (const v of Object.values(groupIds)) assert.equal(typeof v, "number");
  });
});
