// @ts-nocheck
import assert from "node:assert/strict";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { UserProviderRuntime } from "../../provider/resources/user/runtime";
import { parseUsersFile, UsersFileError } from "../../provider/usersfile";
import type { EngineHarness } from "../support/engine-harness";
import { serializedProviderText, startConfiguredProvider } from "../support/grpc-provider";
import { runtimeFor } from "../support/reliability-kit";
import { reliability, useReliabilityReport } from "../support/reliability-report";

useReliabilityReport();

type Json = Record<string, unknown>;

interface BadCase {
  inputClass: string;
  label: string;
  /** The property the failure must be reported on (and named in its reason). */
  field: string;
  input: Json;
  /** Whether the case can travel through gRPC's Struct unchanged (see below). */
  grpc: boolean;
}

const base: Json = { email: "ok@example.com", name: "Ok", role: "Editor" };

const corpus: BadCase[] = [];

function bad(inputClass: string, label: string, field: string, patch: Json, grpc = true): void {
  const input: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete input[k];
    else Object.defineProperty(input, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  corpus.push({ inputClass, label, field, input, grpc });
}

// ---- wrong types ----
const wrongTypes: Array<[string, unknown]> = [
  ["email", 42],
  ["email", ["a@example.com"]],
  ["email", { address: "a@example.com" }],
  ["name", true],
  ["name", 7],
  ["role", 3],
  ["role", ["Admin"]],
  ["roleId", "6"],
  ["title", []],
  ["phone", 5551234],
  ["location", false],
  ["timezone", 5],
  ["locale", {}],
  ["alternateEmail", 1],
  ["employeeNumber", "12"],
  ["sendInvite", "yes"],
  ["adoptExisting", 1],
  ["deletionPolicy", true],
  ["allowUnsafeAdminChanges", "true"],
];
for (const [field, value] of wrongTypes) {
  const patch: Json = { [field]: value };
  if (field === "roleId") patch.role = undefined;
  bad("wrong types", `${field}: ${JSON.stringify(value)}`, field, patch);
}
bad("wrong types", "employeeNumber: NaN", "employeeNumber", { employeeNumber: Number.NaN }, false);
bad(
  "wrong types",
  "employeeNumber: Infinity",
  "employeeNumber",
  { employeeNumber: Number.POSITIVE_INFINITY },
  false,
);

// ---- empty and whitespace-only strings ----
for (const [field, value] of [
  ["email", ""],
  ["email", "   "],
  ["name", ""],
  ["name", " \t "],
  ["title", ""],
  ["phone", ""],
  ["location", "  "],
  ["timezone", ""],
  ["locale", ""],
  ["alternateEmail", ""],
] as const) {
  bad("empty strings", `${field}: ${JSON.stringify(value)}`, field, { [field]: value });
}

// ---- huge strings ----
const x = (n: number) => "x".repeat(n);
bad("huge strings", "name of 256 characters", "name", { name: x(256) });
bad("huge strings", "name of 1,000,000 characters", "name", { name: x(1_000_000) });
bad("huge strings", "title of 256 characters", "title", { title: x(256) });
bad("huge strings", "location of 256 characters", "location", { location: x(256) });
bad("huge strings", "email of 262 characters", "email", { email: `${x(250)}@example.com` });
bad("huge strings", "alternateEmail of 100,011 characters", "alternateEmail", {
  alternateEmail: `${x(100_000)}@x.com`,
});
bad("huge strings", "phone of 41 digits", "phone", { phone: "1".repeat(41) });
bad("huge strings", "timezone of 65 characters", "timezone", { timezone: `Etc/${x(61)}` });
bad("huge strings", "locale of 43 characters", "locale", { locale: `en-${"a".repeat(40)}` });

// ---- control characters ----
for (const [field, value, what] of [
  ["name", "Ada\u0000", "NUL"],
  ["name", "Ada\nLovelace", "newline"],
  ["name", "\u0007bell", "BEL"],
  ["name", "del\u007f", "DEL"],
  ["name", "c1\u009bcsi", "C1 CSI"],
  ["title", "Eng\r\nLead", "CR LF"],
  ["title", "tab\tseparated", "tab"],
  ["location", "\u001b[31mred", "ANSI escape"],
] as const) {
  bad("control characters", `${field} with ${what}`, field, { [field]: value });
}

// ---- odd Unicode: bidi controls, zero-width and other invisible characters ----
for (const [field, value, what] of [
  ["name", "\u202eevil", "right-to-left override U+202E"],
  ["name", "a\u202dLRO", "left-to-right override U+202D"],
  ["name", "\u2066isolate\u2069", "bidi isolates U+2066/U+2069"],
  ["name", "a\u061cb", "Arabic letter mark U+061C"],
  ["title", "rlm\u200f", "right-to-left mark U+200F"],
  ["name", "zero\u200bwidth", "zero-width space U+200B"],
  ["name", "zw\u200dj", "zero-width joiner U+200D"],
  // A leading BOM is trimmed like whitespace; inside a value it is refused.
  ["name", "b\ufeffom", "byte-order mark U+FEFF"],
  ["name", "word\u2060joiner", "word joiner U+2060"],
  ["name", "soft\u00adhyphen", "soft hyphen U+00AD"],
  ["location", "line\u2028separator", "line separator U+2028"],
  ["title", "para\u2029separator", "paragraph separator U+2029"],
  ["name", "tag\u{E0041}char", "tag character U+E0041"],
  ["name", "a\u206ab", "deprecated format U+206A"],
] as const) {
  bad("odd Unicode", `${field} with ${what}`, field, { [field]: value });
}
// Lone surrogates cannot cross gRPC (protobuf strings are UTF-8): runtime only.
bad("odd Unicode", "name with a lone surrogate U+D800", "name", { name: "bad\ud800" }, false);
bad("odd Unicode", "email with a zero-width space", "email", { email: "ad\u200bmin@example.com" });
bad("odd Unicode", "email with a Cyrillic homograph", "email", { email: "\u0430dmin@example.com" });

// ---- invalid emails ----
for (const value of [
  "plainaddress",
  "@example.com",
  "a@",
  "a@b",
  "a b@example.com",
  "a@@example.com",
  "a@example..com",
  "<a@example.com>",
  "a@example.com,b@example.com",
  "mailto:a@example.com",
  ".a@example.com",
  "a@-example.com",
]) {
  bad("invalid emails", `email ${JSON.stringify(value)}`, "email", { email: value });
}
bad("invalid emails", "alternateEmail not an address", "alternateEmail", { alternateEmail: "nobody" });

// ---- unknown or wrongly cased roles ----
for (const value of ["admin", "ADMIN", "editor", "Editor ", "Administrator", "Owner", "", "Editor\u200b"]) {
  bad("unknown or wrongly cased roles", `role ${JSON.stringify(value)}`, "role", { role: value });
}
for (const value of [0, -1, 1.5]) {
  bad("unknown or wrongly cased roles", `roleId ${value}`, "roleId", { role: undefined, roleId: value });
}
bad("unknown or wrongly cased roles", "no role and no roleId", "role", { role: undefined });

// ---- conflicting options ----
bad("conflicting options", "role and roleId together", "roleId", { role: "Admin", roleId: 6 });
bad("conflicting options", "alternateEmail equal to email (other case)", "alternateEmail", {
  alternateEmail: "OK@Example.com",
});
bad("conflicting options", 'deletionPolicy "destroy"', "deletionPolicy", { deletionPolicy: "destroy" });
bad("conflicting options", 'deletionPolicy "Retain" (wrong case)', "deletionPolicy", {
  deletionPolicy: "Retain",
});

// ---- unknown properties ----
for (const key of ["nickname", "Email", "password", "firstName", "constructor", "userName"]) {
  bad("unknown properties", key, key, { [key]: "x" });
}
// gRPC's Struct (google-protobuf) assigns keys, so "__proto__" never arrives as a key: runtime only.
bad("unknown properties", "__proto__ (own key)", "__proto__", { ["__proto__"]: { role: "Admin" } }, false);

// ---- other malformed values ----
bad("malformed values", "timezone Mars/Base", "timezone", { timezone: "Mars/Base" });
bad("malformed values", "timezone PST", "timezone", { timezone: "PST" });
bad("malformed values", "timezone Etc/GMT+99", "timezone", { timezone: "Etc/GMT+99" });
bad("malformed values", "locale english", "locale", { locale: "english" });
bad("malformed values", "locale en_US", "locale", { locale: "en_US" });
bad("malformed values", "phone 555-CALL", "phone", { phone: "555-CALL" });
bad("malformed values", "employeeNumber -1", "employeeNumber", { employeeNumber: -1 });
bad("malformed values", "employeeNumber 1.5", "employeeNumber", { employeeNumber: 1.5 });
bad("malformed values", "employeeNumber 2^60", "employeeNumber", { employeeNumber: 2 ** 60 });

// ---- users files ----

interface FileCase {
  inputClass: string;
  label: string;
  text: string;
  /** The problem path the error must carry ("" for the file as a whole). */
  path: string;
  message: RegExp;
  /** The line the problem must point at, when the source allows one. */
  line?: number;
}

const entry = (email: string, extra = "") => `  - {email: ${email}, name: N, role: Editor${extra}}`;
const billionLaughs = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "users: [*e]",
].join("\n");

const fileCases: FileCase[] = [
  {
    inputClass: "duplicate emails",
    label: "the same email twice",
    text: ["users:", entry("a@example.com"), entry("a@example.com")].join("\n"),
    path: "users[1].email",
    message: /duplicate email a@example.com: also declared at people.yaml:2/,
    line: 3,
  },
  {
    inputClass: "duplicate emails",
    label: "emails differing only in case",
    text: ["users:", entry("Ann@Example.com"), entry("x@example.com"), entry("ann@example.COM")].join("\n"),
    path: "users[2].email",
    message: /duplicate email ann@example.com/,
    line: 4,
  },
  {
    inputClass: "duplicate emails",
    label: "emails differing only in surrounding spaces",
    text: ["users:", entry("'b@example.com'"), entry("' b@example.com '")].join("\n"),
    path: "users[1].email",
    message: /duplicate email b@example.com/,
  },
  {
    inputClass: "duplicate emails",
    label: "the same id twice",
    text: [
      "users:",
      entry("c@example.com", ", id: 1000000005"),
      entry("d@example.com", ", id: 1000000005"),
    ].join("\n"),
    path: "users[1].id",
    message: /duplicate id 1000000005/,
  },
  {
    inputClass: "malformed files",
    label: "unclosed quote",
    text: 'users:\n  - email: "a@example.com\n    name: A\n',
    path: "",
    message: /not valid YAML/,
  },
  {
    inputClass: "malformed files",
    label: "unclosed flow sequence",
    text: "users: [\n  {email: a@example.com, name: A, role: Editor}\n",
    path: "",
    message: /not valid YAML/,
  },
  {
    inputClass: "malformed files",
    label: "duplicate key in an entry",
    text: "users:\n  - email: a@example.com\n    email: b@example.com\n    name: A\n    role: Editor\n",
    path: "",
    message: /not valid YAML.*[Uu]nique|not valid YAML/,
    line: 3,
  },
  {
    inputClass: "malformed files",
    label: "tab indentation",
    text: "users:\n\t- email: a@example.com\n",
    path: "",
    message: /not valid YAML/,
  },
  {
    inputClass: "malformed files",
    label: "malformed JSON",
    text: '{"users": [{"email": "a@example.com",}',
    path: "",
    message: /not valid YAML/,
  },
  { inputClass: "malformed files", label: "empty file", text: "", path: "", message: /the file is empty/ },
  {
    inputClass: "malformed files",
    label: "only comments",
    text: "# nobody yet\n",
    path: "",
    message: /the file is empty/,
  },
  {
    inputClass: "malformed files",
    label: "binary garbage",
    text: "\u0000\u0001\u0002\u00ff\ufffd",
    path: "",
    message: /./,
  },
  {
    inputClass: "malformed files",
    label: "a list at the top level",
    text: "- email: a@example.com\n",
    path: "",
    message: /must be a mapping with a users: list/,
  },
  {
    inputClass: "malformed files",
    label: "users is not a list",
    text: "users: alice\n",
    path: "users",
    message: /users must be a list/,
  },
  {
    inputClass: "malformed files",
    label: "an entry that is a string",
    text: "users:\n  - alice@example.com\n",
    path: "users[0]",
    message: /each entry must be a mapping/,
    line: 2,
  },
  {
    inputClass: "malformed files",
    label: "unknown top-level key",
    text: "users: []\nteams: []\n",
    path: "teams",
    message: /unknown top-level key/,
    line: 2,
  },
  {
    inputClass: "malformed files",
    label: "alias expansion bomb",
    text: billionLaughs,
    path: "",
    message: /alias|could not read/i,
  },
  {
    inputClass: "bad entries",
    label: "invalid email in an entry",
    text: ["users:", entry("not-an-email")].join("\n"),
    path: "users[0].email",
    message: /email is not a valid email address/,
    line: 2,
  },
  {
    inputClass: "bad entries",
    label: "wrongly cased role in an entry",
    text: "users:\n  - {email: a@example.com, name: A, role: admin}\n",
    path: "users[0].role",
    message: /use "Admin"/,
  },
  {
    inputClass: "bad entries",
    label: "read-only userId in an entry",
    text: ["users:", entry("a@example.com", ", userId: 5")].join("\n"),
    path: "users[0].userId",
    message: /userId is Domo's id/,
  },
  {
    inputClass: "bad entries",
    label: "__proto__ key in an entry",
    text: ["users:", entry("a@example.com", ", __proto__: {role: Admin}")].join("\n"),
    path: "users[0].__proto__",
    message: /unknown property/,
  },
  {
    inputClass: "bad entries",
    label: "bidi override in a name",
    text: 'users:\n  - {email: a@example.com, name: "\u202eevil", role: Editor}\n',
    path: "users[0].name",
    message: /control or invisible characters/,
  },
  {
    inputClass: "bad defaults",
    label: "unknown default",
    text: "defaults: {team: x}\nusers: []\n",
    path: "defaults.team",
    message: /unknown default/,
  },
  {
    inputClass: "bad defaults",
    label: "default role and roleId together",
    text: "defaults: {role: Editor, roleId: 6}\nusers: []\n",
    path: "defaults.roleId",
    message: /not both/,
  },
];

/**
 * The bad-input corpus: every case is refused at check (so at preview) with a message naming
 * the field, and not one request reaches the emulator.
 */
describe("reliability: bad input is refused at check, naming the field, with no call to Domo", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let runtime: UserProviderRuntime;

  before(async () => {
    emu = await startEmulator();
    runtime = runtimeFor(emu);
  });
  after(async () => {
    await emu.close();
  });

  it(`has at least 60 declaration cases (${corpus.length})`, () => {
    assert.ok(corpus.length >= 60);
  });

  describe("through UserProviderRuntime.check", () => {
    for (const c of corpus) {
      it(`${c.inputClass}: ${c.label} -> ${c.field}`, async () => {
        emu.resetCounters();
        const result = await runtime.check({}, c.input);
        const failure = failureFor(result.failures ?? [], c.field);
        const calls = Object.values(emu.counters()).reduce((n, k) => n + k, 0);
        reliability.inputs.push({
          via: "runtime",
          kind: "declaration",
          inputClass: c.inputClass,
          label: c.label,
          field: c.field,
          rejected: (result.failures ?? []).length > 0 && result.inputs === undefined,
          fieldNamed: failure?.reason.includes(c.field) ?? false,
          emulatorCalls: calls,
        });
        assert.ok(failure, `no failure on ${c.field}: ${JSON.stringify(result).slice(0, 300)}`);
        assert.ok(failure.reason.includes(c.field), `the reason does not name ${c.field}: ${failure.reason}`);
        assert.ok(failure.reason.length < 600, "the reason stays readable");
        assert.equal(result.inputs, undefined);
        assert.deepEqual(emu.counters(), {}, "check called Domo");
      });
    }
  });

  describe("through the real gRPC server's Check", () => {
    let engine: EngineHarness;
    let providerText: string;
    before(async () => {
      providerText = await serializedProviderText();
      engine = await startConfiguredProvider(emu);
    });
    after(async () => {
      await engine?.stop();
    });

    it("refuses every JSON-safe case naming the field, with no call to Domo", async () => {
      emu.resetCounters();
      const cases = corpus.filter((c) => c.grpc);
      const misses: string[] = [];
      for (const c of cases) {
        const checked = await engine.check({ ...c.input, __provider: providerText });
        const failure = failureFor(checked.failures, c.field);
        const named = failure?.reason.includes(c.field) ?? false;
        reliability.inputs.push({
          via: "gRPC",
          kind: "declaration",
          inputClass: c.inputClass,
          label: c.label,
          field: c.field,
          rejected: checked.failures.length > 0,
          fieldNamed: named,
          emulatorCalls: 0,
        });
        if (!named) misses.push(`${c.label}: ${JSON.stringify(checked.failures)}`);
      }
      assert.deepEqual(misses, []);
      assert.deepEqual(emu.counters(), {}, "Check called Domo");
      assert.ok(cases.length >= 60, `${cases.length} cases crossed gRPC`);
    });
  });

  describe("users files (parseUsersFile)", () => {
    for (const c of fileCases) {
      it(`${c.inputClass}: ${c.label} -> ${c.path || "(file)"}`, () => {
        emu.resetCounters();
        let error: unknown;
        try {
          parseUsersFile(c.text, "people.yaml");
        } catch (e) {
          error = e;
        }
        assert.ok(error instanceof UsersFileError, `expected a UsersFileError, got ${String(error)}`);
        const problem = error.problems.find((p) => p.path === c.path && c.message.test(p.message));
        reliability.inputs.push({
          via: "runtime",
          kind: "users file",
          inputClass: c.inputClass,
          label: c.label,
          field: c.path || "(file)",
          rejected: true,
          fieldNamed: problem !== undefined && error.message.includes("people.yaml"),
          emulatorCalls: Object.values(emu.counters()).reduce((n, k) => n + k, 0),
        });
        assert.ok(problem, `no problem at ${c.path || "(file)"} matching ${c.message}: ${error.message}`);
        assert.ok(error.message.includes("people.yaml"), "the message names the file");
        if (c.line !== undefined) assert.equal(problem.line, c.line, `line of: ${error.message}`);
        for (const p of error.problems) assert.equal(p.file, "people.yaml");
        assert.deepEqual(emu.counters(), {});
      });
    }
  });
});

/**
 * The failure on `field`: named as its property, or, where the value holds control or
 * invisible characters (which the engine would echo raw next to the property), named at the
 * start of the reason with an empty property.
 */
function failureFor<F extends { property: string; reason: string }>(
  failures: readonly F[],
  field: string,
): F | undefined {
  return failures.find(
    (f) => f.property === field || (f.property === "" && f.reason.startsWith(`${field}:`)),
  );
}
