import assert from "node:assert/strict";
import { parseUsersFile, UsersFileError } from "../../provider/usersfile";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

function problems(text: string): { line?: number | undefined; path: string; message: string }[] {
  try {
    parseUsersFile(text, "u.yaml");
  } catch (e) {
    if (e instanceof UsersFileError) return [...e.problems];
    throw e;
  }
  assert.fail("expected problems");
}

describe("users file: groups", () => {
  it("declares groups, each user's groups, and the membership mode", () => {
    const file = parseUsersFile(
      lines(
        "groups:",
        "  - name: Analysts",
        "  - {name: ' Engineers ', id: 42, members: additive, deletionPolicy: retain}",
        "users:",
        "  - {email: a@x.com, name: A, role: Editor, groups: [analysts, Engineers]}",
        "  - {email: b@x.com, name: B, role: Editor, groups: [Analysts]}",
        "  - {email: c@x.com, name: C, role: Editor}",
      ),
      "u.yaml",
    );
    assert.deepEqual(
      file.groups.map((g) => [g.name, g.id, g.members, g.deletionPolicy, g.line]),
      [
        ["Analysts", undefined, "authoritative", undefined, 2],
        ["Engineers", 42, "additive", "retain", 3],
      ],
    );
    // A user's group names resolve to the declared spelling, compared without case.
    assert.deepEqual(
      file.users.map((u) => u.groups),
      [["Analysts", "Engineers"], ["Analysts"], []],
    );
  });

  it("refuses undeclared, duplicate and Default groups with their lines", () => {
    const found = problems(
      lines(
        "groups:",
        "  - name: Analysts",
        "  - name: ANALYSTS",
        "  - name: Default",
        "  - {name: Ops, color: red}",
        "users:",
        "  - {email: a@x.com, name: A, role: Editor, groups: [Analyst]}",
      ),
    );
    const byPath = Object.fromEntries(found.map((p) => [p.path, p]));
    assert.match(
      byPath["groups[1].name"]?.message ?? "",
      /duplicate group "ANALYSTS": also declared at u.yaml:2/,
    );
    assert.match(byPath["groups[2].name"]?.message ?? "", /Default group is Domo's own/);
    assert.match(
      byPath["groups[3].color"]?.message ?? "",
      /unknown property "color"; a group accepts name, id, formerNames, members/,
    );
    assert.equal(byPath["users[0].groups[0]"]?.line, 7);
    assert.match(
      byPath["users[0].groups[0]"]?.message ?? "",
      /group "Analyst" is not declared under groups: \(did you mean Analysts\?\)/,
    );
  });

  it("validates group names with the group model's rules", () => {
    const found = problems(lines("groups:", '  - name: "bad\\u0007name"', "users: []"));
    assert.match(found[0]?.message ?? "", /control or invisible characters/);
  });
});
