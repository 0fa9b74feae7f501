// @ts-nocheck
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { parseDeclaration } from "../../provider/model/user";
import {
  declareUsers,
  loadUsersFile,
  parseUsersFile,
  UsersFileError,
  type UsersFileProblem,
} from "../../provider/usersfile";
import { makeTempDir } from "../support/temp";

/** Parses text expected to fail; returns its problems. */
function problems(text: string, file = "users.yaml"): UsersFileProblem[] {
  try {
    parseUsersFile(text, file);
  } catch (e) {
    assert.ok(e instanceof UsersFileError, `expected UsersFileError, got ${String(e)}`);
    return [...e.problems];
  }
  assert.fail("expected the file to be refused");
}

function onlyProblem(text: string): UsersFileProblem {
  const found = problems(text);
  assert.equal(found.length, 1, `expected one problem, got:\n${found.map((p) => p.message).join("\n")}`);
  return found[0]!;
}

const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("users file: parsing", () => {
  it("parses entries, applies defaults and normalises like the resource", () => {
    const file = parseUsersFile(
      lines(
        "defaults:",
        "  role: Participant",
        "  timezone: Europe/Paris",
        "  deletionPolicy: retain",
        "users:",
        "  - email: '  Ada@Example.COM '",
        "    name: ' Ada Lovelace '",
        "    role: Admin",
        "    id: 1000000002",
        "  - email: bob@example.com",
        "    name: Bob",
        "    roleId: 6",
        "    timezone: UTC",
        "    deletionPolicy: delete",
      ),
      "users.yaml",
    );
    assert.equal(file.file, "users.yaml");
    assert.deepEqual(file.defaults, {
      role: "Participant",
      timezone: "Europe/Paris",
      deletionPolicy: "retain",
    });
    assert.equal(file.users.length, 2);
    const [ada, bob] = file.users;
    assert.equal(ada?.id, 1000000002);
    assert.equal(ada?.line, 6);
    assert.equal(ada?.index, 0);
    assert.deepEqual(ada?.declaration, {
      email: "ada@example.com",
      name: "Ada Lovelace",
      role: "Admin",
      timezone: "Europe/Paris",
      sendInvite: false,
      adoptExisting: false,
      deletionPolicy: "retain",
      allowUnsafeAdminChanges: false,
      // The entry's id is the declaration's takeover (so the identity check applies to it).
      importId: "1000000002",
      allowEmailChange: false,
    });
    // An entry's own role choice replaces the default role: roleId never meets role.
    assert.equal(bob?.declaration.role, undefined);
    assert.equal(bob?.declaration.roleId, 6);
    assert.equal(bob?.declaration.timezone, "UTC");
    assert.equal(bob?.declaration.deletionPolicy, "delete");
    assert.equal(bob?.id, undefined);
  });

  it("gives the same declaration as the DomoUser resource for the same fields", () => {
    const fields = {
      email: "Grace@Example.com",
      name: "Grace Hopper",
      role: "Editor",
      title: "Rear Admiral",
      phone: "+1 (555) 010-2000",
      locale: "en-US",
      employeeNumber: 1906,
    };
    const file = parseUsersFile(JSON.stringify({ users: [fields] }), "users.json");
    const resource = parseDeclaration(fields);
    assert.ok(resource.ok);
    assert.deepEqual(file.users[0]?.declaration, resource.value);
  });

  it("accepts JSON, an empty users list and ids written as strings", () => {
    const file = parseUsersFile(
      JSON.stringify({ users: [{ id: "42", email: "a@x.com", name: "A", role: "Social" }] }, null, "\t"),
      "users.json",
    );
    assert.equal(file.users[0]?.id, 42);
    assert.deepEqual(parseUsersFile("users: []\n", "u.yaml").users, []);
  });

  it("treats an empty value as not declared, and lets it opt out of a default", () => {
    const file = parseUsersFile(
      lines(
        "defaults:",
        "  timezone: UTC",
        "users:",
        "  - {email: a@x.com, name: A, role: Editor, timezone: , title: }",
      ),
      "u.yaml",
    );
    assert.equal(file.users[0]?.declaration.timezone, undefined);
    assert.equal(file.users[0]?.declaration.title, undefined);
  });

  it("points a field's problem at its line, with the resource's message", () => {
    const p = onlyProblem(
      lines(
        "users:",
        "  - email: a@example.com",
        "    name: A",
        "    role: Admin",
        "  - email: b@example.com",
        "    name: B",
        "    role: admin",
      ),
    );
    assert.deepEqual(
      { file: p.file, line: p.line, path: p.path },
      { file: "users.yaml", line: 7, path: "users[1].role" },
    );
    const resource = parseDeclaration({ email: "b@example.com", name: "B", role: "admin" });
    assert.ok(!resource.ok);
    assert.equal(p.message, resource.failures[0]?.reason);
    assert.match(
      p.message,
      /role "admin" is not a Domo system role; role names are case-sensitive: use "Admin"/,
    );
  });

  it("formats problems as file:line: path: message, one per line", () => {
    try {
      parseUsersFile(
        lines("users:", "  - email: not-an-email", "    name: X", "    role: Admin"),
        "team/users.yaml",
      );
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof UsersFileError);
      assert.equal(
        e.message,
        "team/users.yaml:2: users[0].email: email is not a valid email address (expected name@example.com)",
      );
    }
  });

  it("reports every problem of every entry at once, in file order", () => {
    const found = problems(
      lines(
        "users:",
        "  - email: a@example.com",
        "    name: A",
        "    role: Admin",
        "    roleId: 6",
        "  - email: b@example.com",
        "    name: ''",
        "    role: Editor",
        "    timezone: Mars/Olympus_Mons",
        "    phone: call me",
        "  - email: c@example.com",
        "    name: C",
      ),
    );
    assert.deepEqual(
      found.map((p) => [p.line, p.path]),
      [
        [5, "users[0].roleId"],
        [7, "users[1].name"],
        [9, "users[1].timezone"],
        [10, "users[1].phone"],
        [11, "users[2].role"],
      ],
    );
    assert.match(found[0]!.message, /either role .* or roleId .* not both/);
    assert.match(found[4]!.message, /role is required/);
  });

  it("refuses duplicate emails in any case, naming both lines", () => {
    const p = onlyProblem(
      lines(
        "users:",
        "  - email: ada@example.com",
        "    name: Ada",
        "    role: Admin",
        "  - email: bob@example.com",
        "    name: Bob",
        "    role: Editor",
        "  - email: ' ADA@Example.com'",
        "    name: Ada again",
        "    role: Editor",
      ),
    );
    assert.equal(p.line, 8);
    assert.equal(p.path, "users[2].email");
    assert.match(
      p.message,
      /duplicate email ada@example\.com: also declared at users\.yaml:2 \(users\[0\]\)/,
    );
  });

  it("refuses two entries for the same id", () => {
    const p = onlyProblem(
      lines(
        "users:",
        "  - {id: 7, email: a@x.com, name: A, role: Admin}",
        "  - {id: '7', email: b@x.com, name: B, role: Admin}",
      ),
    );
    assert.equal(p.line, 3);
    assert.match(p.message, /duplicate id 7: also declared at users\.yaml:2/);
  });

  it("names unknown and read-only properties, with a suggestion for near misses", () => {
    const found = problems(
      lines(
        "users:",
        "  - email: a@x.com",
        "    name: A",
        "    Role: Admin",
        "    userId: 5",
        "    groups: [Default]",
        "    favouriteColour: blue",
      ),
    );
    const byPath = new Map(found.map((p) => [p.path, p]));
    assert.match(byPath.get("users[0].Role")!.message, /unknown property "Role" \(did you mean role\?\)/);
    assert.equal(byPath.get("users[0].Role")!.line, 4);
    assert.match(byPath.get("users[0].userId")!.message, /write id: <its id>/);
    // groups is declarable now, but the Default group is Domo's own.
    assert.match(byPath.get("users[0].groups[0]")!.message, /Default group is Domo's own/);
    assert.match(byPath.get("users[0].favouriteColour")!.message, /an entry accepts id, email, name/);
  });

  it("takes an account over by id or by email, not both", () => {
    const p = onlyProblem(
      lines("users:", "  - {id: 5, email: a@x.com, name: A, role: Admin, adoptExisting: true}"),
    );
    assert.equal(p.path, "users[0].adoptExisting");
    assert.match(p.message, /either id .* or adoptExisting .* not both/);
    // A default adoptExisting applies to entries without an id only.
    const file = parseUsersFile(
      lines(
        "defaults: {adoptExisting: true}",
        "users:",
        "  - {id: 5, email: a@x.com, name: A, role: Admin}",
        "  - {email: b@x.com, name: B, role: Admin}",
      ),
      "u.yaml",
    );
    assert.deepEqual(
      file.users.map((u) => u.declaration.adoptExisting),
      [false, true],
    );
    const spelled = onlyProblem(lines("users:", "  - {importId: '5', email: a@x.com, name: A, role: Admin}"));
    assert.equal(spelled.path, "users[0].importId");
    assert.match(spelled.message, /written id in a users file/);
  });

  it("refuses bad ids", () => {
    for (const bad of ["-3", "0", "1.5", "abc", "[1]", "99999999999999999999"]) {
      const p = onlyProblem(
        lines("users:", "  - email: a@x.com", "    name: A", "    role: Admin", `    id: ${bad}`),
      );
      assert.equal(p.path, "users[0].id", bad);
      assert.equal(p.line, 5, bad);
      assert.match(p.message, /id must be a Domo user id/, bad);
    }
  });

  it("refuses Pulumi's unknown-value placeholder as a value", () => {
    const p = onlyProblem(
      lines(
        "users:",
        "  - {email: a@x.com, name: A, role: Admin, title: 04da6b54-80e4-46f7-96ec-b56ff0331ba9}",
      ),
    );
    assert.equal(p.path, "users[0].title");
    assert.match(p.message, /placeholder/);
  });

  it("validates defaults, with their lines, and keeps the valid ones", () => {
    const found = problems(
      lines(
        "defaults:",
        "  role: Participant",
        "  timezone: Nowhere/Special",
        "  email: everyone@x.com",
        "users:",
        "  - {email: a@x.com, name: A}",
      ),
    );
    assert.deepEqual(
      found.map((p) => [p.line, p.path]),
      [
        [3, "defaults.timezone"],
        [4, "defaults.email"],
      ],
    );
    assert.match(found[1]!.message, /unknown default "email"; defaults accepts role, roleId/);
  });

  it("refuses a default role and roleId together", () => {
    const p = onlyProblem(lines("defaults: {role: Editor, roleId: 6}", "users: []"));
    assert.equal(p.path, "defaults.roleId");
    assert.equal(p.line, 1);
  });

  it("explains structural mistakes", () => {
    const cases: [string, RegExp, number | undefined, string][] = [
      ["", /the file is empty/, undefined, ""],
      ["# only a comment\n", /the file is empty/, undefined, ""],
      ["- email: a@x.com\n", /must be a mapping with a users: list, got a list/, 1, ""],
      ["users:\n", /users must be a list .* got null .*users: \[\]/, 1, "users"],
      ["defaults: {}\n", /users is required/, 1, "users"],
      ["users: 3\n", /users must be a list/, 1, "users"],
      ["users: []\nuser: []\n", /unknown top-level key/, 2, "user"],
      ["users:\n  - just text\n", /each entry must be a mapping/, 2, "users[0]"],
      ["users: []\ndefaults: [role]\n", /defaults must be a mapping, got a list/, 2, "defaults"],
      ["users: [\n", /not valid YAML/, 2, ""],
      ["users: []\nusers: []\n", /not valid YAML: Map keys must be unique/, 2, ""],
      ["\tusers: []\n", /not valid YAML/, 1, ""],
    ];
    for (const [text, message, line, path] of cases) {
      const found = problems(text);
      const p = found[0]!;
      assert.match(p.message, message, JSON.stringify(text));
      assert.equal(p.line, line, JSON.stringify(text));
      assert.equal(p.path, path, JSON.stringify(text));
    }
  });

  it("throws only UsersFileError, whatever the input", () => {
    const nasty = [
      "a: &a [*a, *a]\nusers: *a\n",
      "users: [{email: {a: 1}, name: [1], role: {}}]\n",
      "users:\n  - __proto__: {role: Admin}\n    email: a@x.com\n    name: A\n",
      "users:\n  - constructor: 1\n    toString: 2\n    email: a@x.com\n    name: A\n    role: Admin\n",
      "users: !!binary aGVsbG8=\n",
      "users: [!!binary aGVsbG8=]\n",
      "? [a, b]\n: c\nusers: []\n",
      "users: [{email: a@x.com, name: A, role: Admin, employeeNumber: 1e400}]\n",
      `x: &a [${"a,".repeat(50)}]\ny: &b [${"*a,".repeat(50)}]\nz: [${"*b,".repeat(50)}]\n`,
      "\u0000\u0001",
      "users: [{email: 'a@x.com\u202e', name: A, role: Admin}]",
    ];
    for (const text of nasty) {
      try {
        parseUsersFile(text, "users.yaml");
      } catch (e) {
        assert.ok(e instanceof UsersFileError, `${JSON.stringify(text)} threw ${String(e)}`);
        for (const p of e.problems) assert.equal(p.file, "users.yaml");
      }
    }
    // Not even for inputs that break the type contract.
    assert.throws(() => parseUsersFile(undefined as unknown as string, "x.yaml"), UsersFileError);
  });

  it("loads files from disk and reports unreadable ones as UsersFileError", () => {
    const dir = makeTempDir();
    const file = path.join(dir, "users.yaml");
    fs.writeFileSync(file, "users:\n  - {email: a@x.com, name: A, role: Admin}\n");
    assert.equal(loadUsersFile(file).users[0]?.declaration.email, "a@x.com");
    assert.equal(loadUsersFile(file, { displayName: "users.yaml" }).file, "users.yaml");
    assert.throws(
      () => loadUsersFile(path.join(dir, "missing.yaml")),
      (e: unknown) =>
        e instanceof UsersFileError &&
        /missing\.yaml: cannot read the users file: no such file/.test(e.message),
    );
    assert.throws(
      () => loadUsersFile(dir),
      (e: unknown) => e instanceof UsersFileError && /it is a directory/.test(e.message),
    );
  });

  it("validates declarations from a program with the same rules, paths and no lines", () => {
    assert.throws(
      () =>
        declareUsers(
          [
            { email: "a@x.com", name: "A", role: "Admin" },
            { email: "A@X.com", name: "A2", role: "Admin" },
          ],
          {},
          "program",
        ),
      (e: unknown) =>
        e instanceof UsersFileError &&
        e.problems.length === 1 &&
        e.problems[0]?.line === undefined &&
        e.message ===
          "program: users[1].email: duplicate email a@x.com: also declared at users[0]; emails are compared without case, one entry per person",
    );
    const ok = declareUsers([{ email: "a@x.com", name: "A" }], { role: "Editor" });
    assert.equal(ok.users[0]?.declaration.role, "Editor");
  });
});
