// @ts-nocheck
import assert from "node:assert/strict";
import fc from "fast-check";
import type { DomoUserRecord } from "../../provider/client/schemas";
import { parseDeclaration, systemRoles } from "../../provider/model/user";
import {
  auditUsers,
  entriesFromLive,
  entryOf,
  formatAuditReport,
  parseUsersFile,
  renderUsersFile,
  type UsersFileEntryInput,
  UsersFileError,
} from "../../provider/usersfile";

const reparse = (text: string) => parseUsersFile(text, "exported.yaml");
const asEntries = (text: string): UsersFileEntryInput[] => reparse(text).users.map(entryOf);

describe("users file: rendering", () => {
  const users: UsersFileEntryInput[] = [
    { email: "Zed@Example.com", name: "Zed", role: "Editor", id: 3 },
    { email: "amy@example.com", name: "Amy: the first", role: "Admin", phone: "5550100", employeeNumber: 7 },
    { email: "mo@example.com", name: "Mo", roleId: 6, title: "yes", id: "12" },
  ];

  it("sorts by email, lowercases emails and writes keys in a fixed order", () => {
    const text = renderUsersFile(users);
    const emails = [...text.matchAll(/email: (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(emails, ["amy@example.com", "mo@example.com", "zed@example.com"]);
    assert.match(text, /- id: 12\n {4}email: mo@example\.com\n {4}name: Mo\n {4}roleId: 6\n {4}title: yes\n/);
    // Strings that YAML would read as something else are quoted.
    assert.match(text, /phone: "5550100"/);
    assert.equal(renderUsersFile([...users].reverse()), text, "order of input does not matter");
  });

  it("re-parses to the same declarations", () => {
    const text = renderUsersFile(users);
    const parsed = reparse(text);
    assert.deepEqual(
      parsed.users.map((u) => [
        u.id,
        u.declaration.email,
        u.declaration.name,
        u.declaration.phone,
        u.declaration.title,
      ]),
      [
        [undefined, "amy@example.com", "Amy: the first", "5550100", undefined],
        [12, "mo@example.com", "Mo", undefined, "yes"],
        [3, "zed@example.com", "Zed", undefined, undefined],
      ],
    );
    assert.equal(renderUsersFile(asEntries(text)), text, "render(parse(render(x))) is render(x)");
  });

  it("factors values out into defaults and keeps the meaning on re-parse", () => {
    const defaults = { role: "Participant" as const, timezone: "UTC", deletionPolicy: "retain" as const };
    const input: UsersFileEntryInput[] = [
      { email: "a@x.com", name: "A", role: "Participant", timezone: "UTC", deletionPolicy: "retain" },
      { email: "b@x.com", name: "B", roleId: 9, deletionPolicy: "delete" },
      { email: "c@x.com", name: "C", role: "Admin", timezone: "Asia/Tokyo" },
    ];
    const text = renderUsersFile(input, defaults);
    assert.match(text, /^defaults:\n {2}role: Participant\n {2}timezone: UTC\n {2}deletionPolicy: retain\n/);
    assert.match(text, /- email: a@x\.com\n {4}name: A\n\n/, "a only needs email and name");
    assert.match(text, /timezone: null/, "b opts out of the default timezone");
    const parsed = reparse(text).users.map((u) => u.declaration);
    assert.deepEqual(
      parsed.map((d) => [d.email, d.role, d.roleId, d.timezone, d.deletionPolicy]),
      [
        ["a@x.com", "Participant", undefined, "UTC", "retain"],
        ["b@x.com", undefined, 9, undefined, "delete"],
        ["c@x.com", "Admin", undefined, "Asia/Tokyo", "retain"],
      ],
    );
  });

  it("writes header and per-entry notes as comments", () => {
    const text = renderUsersFile(users, undefined, {
      header: "exported\nby a test",
      notes: new Map([["zed@example.com", ["phone left out: bad\u0007 value"]]]),
    });
    assert.match(text, /^# exported\n# by a test\n/);
    assert.match(text, /\n {2}# phone left out: bad value\n {2}- id: 3\n/);
    reparse(text);
  });

  it("round-trips any valid declarations (property)", () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    const entry = fc.record(
      {
        local: word,
        // Any name the resource accepts (so control and invisible characters are filtered out).
        name: fc
          .string({ minLength: 1, maxLength: 30, unit: "binary" })
          .filter((name) => parseDeclaration({ email: "a@x.com", name, role: "Admin" }).ok),
        role: fc.constantFrom(...systemRoles),
        title: fc.option(
          fc.constantFrom("yes", "null", "123", "- dash", "a: b", "#hash", "'quoted'", "true"),
          { nil: undefined },
        ),
        employeeNumber: fc.option(fc.nat(), { nil: undefined }),
        id: fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: undefined }),
      },
      { requiredKeys: ["local", "name", "role"] },
    );
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.local, maxLength: 8 }), (list) => {
        const input: UsersFileEntryInput[] = list.map(({ local, ...rest }) => ({
          ...rest,
          email: `${local}@Example.com`,
        }));
        const ids = list.map((e) => e.id).filter((id) => id !== undefined);
        fc.pre(new Set(ids).size === ids.length);
        const text = renderUsersFile(input);
        const parsed = reparse(text);
        assert.equal(parsed.users.length, input.length);
        for (const u of parsed.users) {
          const original = input.find((i) => i.email.toLowerCase() === u.declaration.email);
          assert.ok(original);
          assert.equal(u.declaration.name, original.name.normalize("NFC").trim());
          assert.equal(u.declaration.title, original.title);
          assert.equal(u.id, original.id);
        }
        // Once normalised by a parse, rendering is a fixed point.
        const once = renderUsersFile(asEntries(text));
        assert.equal(renderUsersFile(asEntries(once)), once);
      }),
      { numRuns: 150 },
    );
  });

  it("parsing arbitrary text ends in a result or a UsersFileError (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseUsersFile(text, "fuzz.yaml");
        } catch (e) {
          assert.ok(e instanceof UsersFileError, String(e));
        }
      }),
      { numRuns: 300 },
    );
  });
});

const live = (over: Partial<DomoUserRecord> & { id: number }): DomoUserRecord =>
  ({ ...over }) as DomoUserRecord;

describe("users file: export and audit (pure)", () => {
  const instance: DomoUserRecord[] = [
    live({ id: 1, email: "Root@Example.com", name: "Root", role: "Admin", roleId: 1 }),
    live({
      id: 2,
      email: "cs@example.com",
      name: "Custom",
      role: "Data Steward",
      roleId: 6,
      timezone: "UTC",
    }),
    live({
      id: 3,
      email: "odd@example.com",
      name: "Odd",
      role: "Editor",
      phone: "call me",
      locale: "not a locale!",
    }),
    live({ id: 4, name: "No email", role: "Editor" }),
    live({ id: 5, email: "ROOT@example.com", name: "Root twin", role: "Editor" }),
    live({ id: 6, email: "gone@example.com", name: "Gone", role: "Editor", deleted: true }),
    live({ id: 7, email: "num@example.com", name: "Num", role: "Social", employeeNumber: 12 }),
  ];

  it("exports every declarable account with its id, leaving out values a declaration refuses", () => {
    const { entries, notes, skipped } = entriesFromLive(instance);
    assert.deepEqual(
      entries.map((e) => [e.id, e.email, e.role, e.roleId]),
      [
        [1, "root@example.com", "Admin", undefined],
        [2, "cs@example.com", undefined, 6],
        [3, "odd@example.com", "Editor", undefined],
        [7, "num@example.com", "Social", undefined],
      ],
    );
    assert.equal(entries[2]?.phone, undefined);
    assert.equal(entries[2]?.locale, undefined);
    assert.equal(notes.get("odd@example.com")?.length, 2);
    assert.deepEqual(
      skipped.map((s) => s.id),
      [4, 5],
    );
    assert.match(skipped[1]!.reason, /also user 1's/);
  });

  it("finds no drift between an export and the instance it came from", () => {
    const { entries, notes } = entriesFromLive(instance);
    const file = parseUsersFile(renderUsersFile(entries, undefined, { notes }), "users.yaml");
    const report = auditUsers(
      file.users,
      instance.filter((u) => u.id !== 4 && u.id !== 5),
    );
    assert.deepEqual(report.drifted, []);
    assert.deepEqual(report.missing, []);
    assert.deepEqual(report.undeclared, []);
    assert.equal(report.inSync, true);
    assert.match(
      formatAuditReport(report, "users.yaml"),
      /^In sync: 4 declared users match Domo \(4 accounts\)\.\n$/,
    );
  });

  it("reports undeclared, drifted (field by field) and missing accounts", () => {
    const file = parseUsersFile(
      [
        "users:",
        "  - {id: 1, email: root@example.com, name: Root, role: Admin}",
        "  - {email: CS@example.com, name: Custom, roleId: 6, timezone: Europe/Paris}",
        "  - {id: 7, email: renamed@example.com, name: Num, role: Editor, employeeNumber: 12}",
        "  - {email: new@example.com, name: New, role: Editor}",
        "  - {id: 99, email: odd@example.com, name: Odd, role: Editor}",
      ].join("\n"),
      "users.yaml",
    );
    const report = auditUsers(file.users, instance);
    assert.equal(report.inSync, false);
    assert.deepEqual(
      report.undeclared.map((u) => u.id),
      [4, 5],
    );
    assert.deepEqual(report.missing, [{ email: "new@example.com", line: 5 }]);
    assert.deepEqual(report.drifted, [
      {
        email: "cs@example.com",
        id: 2,
        line: 3,
        fields: [{ field: "timezone", declared: "Europe/Paris", live: "UTC" }],
      },
      {
        email: "renamed@example.com",
        id: 7,
        line: 4,
        fields: [
          { field: "email", declared: "renamed@example.com", live: "num@example.com" },
          { field: "role", declared: "Editor", live: "Social" },
        ],
      },
      { email: "odd@example.com", id: 3, line: 6, fields: [{ field: "id", declared: 99, live: 3 }] },
    ]);
    const text = formatAuditReport(report, "users.yaml");
    assert.match(text, /In Domo but not declared \(2\):\n {2}4 {2}\(no email\) {2}No email {2}\[Editor\]\n/);
    assert.match(
      text,
      /cs@example\.com \(id 2, users\.yaml:3\)\n {4}timezone: declared "Europe\/Paris", in Domo "UTC"/,
    );
    assert.match(text, /Declared, but not in Domo \(1\):\n {2}new@example\.com, users\.yaml:5\n/);
    assert.match(text, /Drift: 6 accounts differ/);
  });
});
