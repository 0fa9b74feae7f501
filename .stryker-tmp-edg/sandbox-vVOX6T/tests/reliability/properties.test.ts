// @ts-nocheck
import assert from "node:assert/strict";
import fc from "fast-check";
import YAML from "yaml";
import { domoUserSchema } from "../../provider/client/schemas";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import { declaredWriteFields, parseDeclaration, systemRoles, writeBody } from "../../provider/model/user";
import type { PropertyMap, UserProviderRuntime } from "../../provider/resources/user/runtime";
import { stateFrom } from "../../provider/resources/user/state-build";
import { parseUsersFile, UsersFileError } from "../../provider/usersfile";
import { runtimeFor } from "../support/reliability-kit";
import { reliability, useReliabilityReport } from "../support/reliability-report";

useReliabilityReport();

/** Fixed so runs are repeatable; set FC_SEED to explore other inputs. */
const seed = Number(process.env.FC_SEED ?? 20240601);

// ---- generators ----

const label = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const local = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));
const domain = fc
  .tuple(
    fc.array(label, { minLength: 1, maxLength: 2 }),
    fc.constantFrom("com", "org", "io", "co.uk", "example"),
  )
  .map(([parts, tld]) => `${parts.join(".")}.${tld}`);

/** Mixes the case of each letter, as people type addresses. */
const recase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((flags) => [...s].map((ch, i) => (flags[i] ? ch.toUpperCase() : ch.toLowerCase())).join(""));

const padding = fc.constantFrom("", " ", "  ", "\t", " \t ");

/** An address as a person might write it: any case, stray surrounding whitespace. */
const typedEmail = fc
  .tuple(local, domain)
  .chain(([l, d]) => fc.tuple(recase(`${l}@${d}`), padding, padding))
  .map(([e, before, after]) => `${before}${e}${after}`);

/** Free text the schema accepts: any printable graphemes, any surrounding whitespace. */
const freeText = (max: number) =>
  fc
    .tuple(padding, fc.string({ unit: "grapheme", minLength: 1, maxLength: max }), padding)
    .map(([a, s, b]) => `${a}${s}${b}`)
    .filter((s) => parseDeclaration({ email: "a@example.com", name: s, role: "Editor" }).ok);

const timezone = fc.constantFrom("America/Los_Angeles", "Europe/Berlin", "UTC", "Asia/Tokyo", "Etc/GMT+5");
const locale = fc.constantFrom("en-US", "de-DE", "fr", "pt-BR", "ja-JP");
const phone = fc.stringMatching(/^\+?[0-9]{3,12}$/);

/** A declaration that check accepts (before normalisation): the generator behind every property. */
function declarationArb(options: { roleIds: number[] }) {
  const roleChoice = fc.oneof(
    fc.constantFrom(...systemRoles).map((role) => ({ role }) as Record<string, unknown>),
    fc.constantFrom(...options.roleIds).map((roleId) => ({ roleId }) as Record<string, unknown>),
  );
  const optional = fc.record(
    {
      title: freeText(60),
      location: freeText(60),
      phone,
      timezone,
      locale,
      employeeNumber: fc.nat({ max: 1_000_000_000 }),
      alternateEmail: typedEmail.map((e) => `alt.${e.trim()}`),
      sendInvite: fc.boolean(),
      adoptExisting: fc.boolean(),
      deletionPolicy: fc.constantFrom("delete", "retain"),
      allowUnsafeAdminChanges: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(typedEmail, freeText(60), roleChoice, optional)
    .map(([email, name, role, rest]) => ({ email, name, ...role, ...rest }) as PropertyMap);
}

/** Domo's answer to a create of this declaration (as the emulator shapes it). */
function simulatedCreateState(decl: PropertyMap): PropertyMap {
  const parsed = parseDeclaration(decl);
  assert.ok(parsed.ok);
  const body = writeBody(parsed.value);
  const live = domoUserSchema.parse({ id: 1_000_000_001, ...body });
  return { ...stateFrom(live, parsed.value, declaredWriteFields(parsed.value), body) };
}

function record(name: string, runs: number, check: () => void): void {
  let passed = false;
  try {
    check();
    passed = true;
  } finally {
    reliability.properties.push({ name, runs, passed });
  }
}

async function recordAsync(name: string, runs: number, check: () => Promise<void>): Promise<void> {
  let passed = false;
  try {
    await check();
    passed = true;
  } finally {
    reliability.properties.push({ name, runs, passed });
  }
}

describe("reliability: properties (fast-check)", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let provider: UserProviderRuntime;

  before(async () => {
    emu = await startEmulator();
    provider = runtimeFor(emu);
  });
  after(async () => {
    await emu.close();
  });

  it("check is idempotent: check of check's output equals it", async () => {
    const runs = 300;
    const samples = fc.sample(declarationArb({ roleIds: [6, 7, 42] }), { numRuns: runs, seed });
    await recordAsync("check(check(x)) = check(x) for accepted declarations", runs, async () => {
      for (const decl of samples) {
        const once = await provider.check({}, decl);
        assert.deepEqual(once.failures ?? [], [], JSON.stringify(decl));
        const twice = await provider.check({}, once.inputs ?? {});
        assert.deepEqual(twice.inputs, once.inputs, JSON.stringify(decl));
      }
    });
    // fc.assert (with shrinking) on the synchronous core the runtime's check wraps.
    record("parseDeclaration(parse(x).value) = parse(x).value (with shrinking)", runs, () => {
      fc.assert(
        fc.property(declarationArb({ roleIds: [6, 7, 42] }), (decl) => {
          const once = parseDeclaration(decl);
          if (!once.ok) return false;
          const twice = parseDeclaration({ ...once.value });
          return twice.ok && JSON.stringify(twice.value) === JSON.stringify(once.value);
        }),
        { numRuns: runs, seed },
      );
    });
    assert.deepEqual(emu.counters(), {}, "check never calls Domo");
  });

  it("check never throws, whatever it is given, and refuses or normalises", async () => {
    const runs = 300;
    const junk = fc.dictionary(
      fc.oneof(
        fc.constantFrom("email", "name", "role", "roleId", "title", "timezone", "__proto__"),
        fc.string(),
      ),
      fc.anything({ withNullPrototype: true, withBigInt: false }),
    );
    const samples = fc.sample(junk, { numRuns: runs, seed: seed + 1 });
    await recordAsync(
      "check on arbitrary objects resolves with inputs or failures, never throws",
      runs,
      async () => {
        for (const raw of samples) {
          const result = await provider.check({}, raw as PropertyMap);
          assert.ok(
            (result.failures ?? []).length > 0 !== (result.inputs !== undefined),
            "exactly one outcome",
          );
        }
      },
    );
  });

  it("diff of a declaration with itself, and with its email in another case, is no change", async () => {
    const runs = 300;
    const samples = fc.sample(
      declarationArb({ roleIds: [6, 7, 42] }).chain((decl) =>
        recase(String(decl.email).trim()).map((other) => ({ decl, other })),
      ),
      { numRuns: runs, seed: seed + 2 },
    );
    await recordAsync(
      "diff(state of x, x) and diff(state of x, x with recased email) = no change",
      runs,
      async () => {
        for (const { decl, other } of samples) {
          const inputs = (await provider.check({}, decl)).inputs ?? {};
          const olds = simulatedCreateState(decl);
          const same = await provider.diff("1000000001", olds, inputs);
          assert.equal(same.changes, false, `self-diff of ${JSON.stringify(decl)}`);
          // As the engine passes checked inputs, and with the recased address as it was typed.
          const rechecked = (await provider.check({}, { ...decl, email: other })).inputs ?? {};
          assert.equal((await provider.diff("1000000001", olds, rechecked)).changes, false, other);
          const raw = await provider.diff("1000000001", olds, { ...inputs, email: other });
          assert.equal(raw.changes, false, `recased ${other}`);
          assert.deepEqual(same.replaces, []);
        }
      },
    );
    assert.deepEqual(emu.counters(), {}, "diff never calls Domo");
  });

  it("what read returns, fed back, gives no diff (25 users against the emulator)", async () => {
    const runs = 25;
    let n = 0;
    await recordAsync(
      "read(create(x)) fed back: diff against x and against read's inputs = no change",
      runs,
      () =>
        fc.assert(
          fc.asyncProperty(declarationArb({ roleIds: [6] }), async (decl) => {
            n++;
            const [localPart, at] = String(decl.email).trim().split("@");
            const unique = { ...decl, email: `r${n}.${localPart}@${at}`, adoptExisting: false };
            const inputs = (await provider.check({}, unique)).inputs ?? {};
            const created = await provider.create(inputs);
            assert.equal((await provider.diff(created.id, created.outs, inputs)).changes, false, "create");
            // A refresh in a new process (fresh listing), then `pulumi up` with the same program.
            const fresh = runtimeFor(emu);
            const read = await fresh.read(created.id, created.outs);
            assert.equal(read.id, created.id);
            const props = read.props ?? {};
            assert.equal((await fresh.diff(created.id, props, inputs)).changes, false, "read vs program");
            const readInputs = (await fresh.check({}, read.inputs ?? {})).inputs ?? {};
            assert.equal(
              (await fresh.diff(created.id, props, readInputs)).changes,
              false,
              "read vs its inputs",
            );
            // And reading again changes nothing.
            const again = await runtimeFor(emu).read(created.id, props);
            assert.deepEqual(again.props, props);
          }),
          { numRuns: runs, seed, endOnFailure: true },
        ),
    );
  });

  describe("users-file parser throws nothing but UsersFileError", () => {
    const onlyOwnError = (text: unknown): boolean => {
      try {
        parseUsersFile(text as string, "fuzz.yaml");
        return true;
      } catch (e) {
        if (e instanceof UsersFileError) return true;
        throw e;
      }
    };
    const validFile = [
      "defaults: {role: Editor, timezone: UTC}",
      "users:",
      "  - email: a@example.com",
      "    name: Ann",
      "  - {email: b@example.com, name: Bob, role: Admin, id: 1000000002}",
      "",
    ].join("\n");

    it("on arbitrary text", () => {
      const runs = 500;
      record("parseUsersFile(arbitrary text) throws only UsersFileError", runs, () =>
        fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), onlyOwnError), {
          numRuns: runs,
          seed,
        }),
      );
    });

    it("on arbitrary data rendered as YAML and JSON", () => {
      const runs = 200;
      const value = fc.anything({ withBigInt: false, maxDepth: 2 });
      const data = fc.oneof(
        value,
        fc.record({ users: fc.array(fc.dictionary(fc.string(), value), { maxLength: 5 }) }),
        fc.record({ defaults: value, users: fc.array(value, { maxLength: 5 }) }),
      );
      record("parseUsersFile(YAML or JSON of arbitrary data) throws only UsersFileError", runs, () =>
        fc.assert(
          fc.property(data, fc.boolean(), (value, asJson) => {
            let text: string;
            try {
              text = asJson ? (JSON.stringify(value) ?? "null") : YAML.stringify(value);
            } catch {
              return true; // not representable: nothing to parse
            }
            return onlyOwnError(text);
          }),
          { numRuns: runs, seed },
        ),
      );
    });

    it("on a valid file with random edits", () => {
      const runs = 300;
      const edit = fc.tuple(
        fc.nat({ max: validFile.length }),
        fc.nat({ max: 8 }),
        fc.string({ unit: "binary-ascii", maxLength: 8 }),
      );
      record("parseUsersFile(valid file with random edits) throws only UsersFileError", runs, () =>
        fc.assert(
          fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
            let text = validFile;
            for (const [at, remove, insert] of edits)
              text = text.slice(0, at) + insert + text.slice(at + remove);
            return onlyOwnError(text);
          }),
          { numRuns: runs, seed },
        ),
      );
    });

    it("on values that are not text at all", () => {
      const runs = 200;
      record("parseUsersFile(non-string) throws only UsersFileError", runs, () =>
        fc.assert(fc.property(fc.anything(), onlyOwnError), { numRuns: runs, seed }),
      );
    });
  });
});
