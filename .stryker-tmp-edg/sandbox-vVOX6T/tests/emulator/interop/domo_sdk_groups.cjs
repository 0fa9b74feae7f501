// @ts-nocheck
// Runs the official Node SDK's group calls (npm `domo-sdk`, unmodified) against the emulator.
//
// domo-sdk always speaks `https://${host}`, so tests/emulator/interop/run.ts puts a TLS front
// with a throw-away self-signed certificate before the emulator and trusts that certificate
// through NODE_EXTRA_CA_CERTS; the SDK is given only a different host.
//
//   DOMO_SDK_DIR=<dir>/node_modules/domo-sdk DOMO_HOST=127.0.0.1:PORT DOMO_CLIENT_ID=… \
//   DOMO_CLIENT_SECRET=… NODE_EXTRA_CA_CERTS=cert.pem node domo_sdk_groups.cjs
//
// Prints one PASS/FAIL line per SDK call and exits 1 if any failed.
"use strict";

const assert = require("node:assert/strict");
const { DomoClient } = require(process.env.DOMO_SDK_DIR || "domo-sdk");

const domo = new DomoClient(
  process.env.DOMO_CLIENT_ID,
  process.env.DOMO_CLIENT_SECRET,
  undefined, // the SDK's default scopes: user and data
  process.env.DOMO_HOST,
);
const state = {};
const failures = [];
let calls = 0;

async function check(call, action) {
  calls += 1;
  try {
    const detail = await action();
    console.log(`PASS domo-sdk ${call}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`);
  } catch (error) {
    failures.push(call);
    console.log(`FAIL domo-sdk ${call}: ${error?.message}`);
  }
}

async function main() {
  await check("users.create (member for the group)", async () => {
    const user = await domo.users.create(
      { name: "Node Member", email: "node.member@example.com", role: "Participant" },
      false,
    );
    state.user = user.id;
    return user.id;
  });
  await check("groups.create", async () => {
    const group = await domo.groups.create({ name: "Node SDK Group", default: false, active: true });
    assert.equal(group.name, "Node SDK Group");
    assert.equal(group.memberCount, 0);
    state.group = group.id;
    return group;
  });
  await check("groups.get", async () => {
    const group = await domo.groups.get(state.group);
    assert.equal(group.id, state.group);
    return group.name;
  });
  await check("groups.list", async () => {
    const page = await domo.groups.list(500, 0);
    assert.ok(page.some((g) => g.id === state.group));
    assert.deepEqual(await domo.groups.list(500, 500), []);
    return `${page.length} groups`;
  });
  await check("groups.update", async () => {
    const group = await domo.groups.update(state.group, { name: "Node SDK Group Renamed", active: true });
    assert.equal(group.name, "Node SDK Group Renamed");
    return group.name;
  });
  await check("groups.addUser", async () => {
    const result = await domo.groups.addUser(state.group, state.user);
    assert.ok(result === undefined || result === "", `no body expected, got ${JSON.stringify(result)}`);
    const user = await domo.users.get(state.user);
    assert.ok(user.groups.some((g) => g.id === state.group && g.name === "Node SDK Group Renamed"));
  });
  await check("groups.listUsers", async () => {
    const ids = await domo.groups.listUsers(state.group, 500, 0);
    assert.deepEqual(ids, [state.user]);
    return ids;
  });
  await check("groups.removeUser", async () => {
    await domo.groups.removeUser(state.group, state.user);
    assert.deepEqual(await domo.groups.listUsers(state.group, 500, 0), []);
  });
  await check("groups.delete", async () => {
    await domo.groups.delete(state.group);
    const gone = await domo.groups.get(state.group).then(
      () => "still there",
      (error) => error,
    );
    assert.notEqual(gone, "still there", "the deleted group is still there");
    return "then get rejects";
  });
  console.log(`domo-sdk: ${calls - failures.length} passed, ${failures.length} failed`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
