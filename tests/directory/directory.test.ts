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
import { domoUserType } from "../../provider/resources/user";
import { declareUsers, type UsersFileEntryInput } from "../../provider/usersfile";
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
