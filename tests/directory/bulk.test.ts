import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DomoUserDirectory, readDirectory } from "../../provider/resources/directory";
import { batchCount, batchIndex } from "../../provider/resources/directory/naming";
import { domoUserBatchType, domoUserType } from "../../provider/resources/user";
import type { UsersFileEntryInput } from "../../provider/usersfile";
import { makeTempDir } from "../support/temp";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
const guardType = "pulumi-nodejs:dynamic/domo:DirectoryDeletionGuard";

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const people = (n: number, from = 0): UsersFileEntryInput[] =>
  Array.from({ length: n }, (_, i) => ({
    email: `p${from + i}@example.com`,
    name: `P ${from + i}`,
    role: "Editor",
  }));

async function build(args: ConstructorParameters<typeof DomoUserDirectory>[1]) {
  registered.length = 0;
  const directory = new DomoUserDirectory("people", args);
  const ids = await value(directory.userIds);
  const of = (type: string) => registered.filter((r) => r.type === type);
  return { directory, ids, batches: of(domoUserBatchType), users: of(domoUserType), guard: of(guardType)[0] };
}

/** Where each email went: email -> batch name. */
function placement(batches: Registered[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of batches) for (const email of Object.keys(b.inputs.users as object)) out.set(email, b.name);
  return out;
}

describe("DomoUserDirectory in bulk mode", () => {
  before(async () => {
    let next = 1000000100;
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          if (args.type === domoUserBatchType) {
            const users = args.inputs.users as Record<string, Record<string, unknown>>;
            const userIds = Object.fromEntries(Object.keys(users).map((e) => [e, next++]));
            return { id: args.name, state: { ...args.inputs, userIds } };
          }
          return { id: String(next++), state: args.inputs };
        },
        call: () => ({}),
      },
      "domo-users",
      "test",
      false,
    );
  });

  it("registers batches of users keyed by normalised email, no DomoUser, and ids for every user", async () => {
    const { batches, users, ids, guard, directory } = await build({
      users: [...people(25), { email: "Zed@Example.COM", name: "Zed", role: "Admin", id: 1000000042 }],
      mode: "bulk",
      batchSize: 10,
    });
    assert.equal(directory.mode, "bulk");
    assert.equal(users.length, 0);
    assert.equal(batches.length, 4, "ceil(26/10) = 3, rounded up to a power of two");
    assert.deepEqual(batches.map((b) => b.name).sort(), [
      "people-users-0",
      "people-users-1",
      "people-users-2",
      "people-users-3",
    ]);
    const all = batches.flatMap((b) => Object.keys(b.inputs.users as object));
    assert.equal(all.length, 26);
    const zed = batches
      .map((b) => (b.inputs.users as Record<string, Record<string, unknown>>)["zed@example.com"])
      .find(Boolean);
    assert.equal(zed?.importId, "1000000042", "an entry's id becomes the user's importId");
    assert.equal(Object.keys(ids).length, 26);
    assert.ok(Object.values(ids).every((id) => Number.isInteger(id) && id > 0));
    // The mass-deletion guard sees every deletable account of the batches, and the layout.
    assert.ok(guard);
    assert.equal((guard.inputs.accounts as string[]).length, 26);
    assert.equal(guard.inputs.layout, "bulk:4");
    assert.equal((guard.inputs.held as string[]).length, 26);
  });

  it("adding or removing a user never moves anyone else between batches", async () => {
    const before = placement((await build({ users: people(30), mode: "bulk", batchSize: 10 })).batches);
    const added = placement((await build({ users: people(31), mode: "bulk", batchSize: 10 })).batches);
    const removed = placement((await build({ users: people(29, 1), mode: "bulk", batchSize: 10 })).batches);
    for (const [email, batch] of before) {
      if (added.has(email)) assert.equal(added.get(email), batch);
      if (removed.has(email)) assert.equal(removed.get(email), batch);
    }
  });

  it("batch count: powers of two, so a change of count moves a user to one other batch at most", () => {
    assert.deepEqual(
      [0, 1, 500, 501, 1000, 1001, 2000, 2001].map((n) => batchCount(n, 500)),
      [1, 1, 1, 2, 2, 4, 4, 8],
    );
    for (let i = 0; i < 200; i++) {
      const email = `u${i}@example.com`;
      const at4 = batchIndex(email, 4);
      assert.ok([at4, at4 + 4].includes(batchIndex(email, 8)));
    }
  });

  it("perUser (the default) registers DomoUsers after the guard, which records layout perUser", async () => {
    const { users, batches, guard } = await build({ users: people(3) });
    assert.equal(users.length, 3);
    assert.equal(batches.length, 0);
    assert.equal(guard?.inputs.layout, "perUser");
  });

  it("a users file sets mode and batchSize at the top level, and refuses bad values", () => {
    const dir = makeTempDir();
    const file = path.join(dir, "users.yaml");
    fs.writeFileSync(
      file,
      "mode: bulk\nbatchSize: 50\nusers:\n  - {email: a@example.com, name: A, role: Editor}\n",
    );
    const parsed = readDirectory({ file });
    assert.equal(parsed.mode, "bulk");
    assert.equal(parsed.batchSize, 50);
    fs.writeFileSync(file, "mode: batch\nbatchSize: 0\nusers: []\n");
    assert.throws(() => readDirectory({ file }), /users\.yaml:1: mode: mode must be "perUser"/);
    assert.throws(() => readDirectory({ file }), /batchSize must be at least 1/);
  });
});
