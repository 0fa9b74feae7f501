import assert from "node:assert/strict";
import { type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { PropertyMap } from "../../provider/resources/user/runtime";
import type { EngineHarness } from "../support/engine-harness";
import { serializedProviderText, startConfiguredProvider } from "../support/grpc-provider";
import { checked, runtimeFor, totalCalls } from "../support/reliability-kit";
import { reliability, useReliabilityReport } from "../support/reliability-report";

useReliabilityReport();

const credentialsUser = 1_000_000_101;
const firstAdmin = 1_000_000_102;

/**
 * An instance whose API client acts as a non-Admin (credentialsUser, an Editor), with `admins`
 * Admins besides. The emulator's own last-Admin refusal is off unless asked for, so only the
 * provider's guard stands between a run and an instance without an Admin.
 */
async function instance(admins: number, domoRefusesLastAdmin = false): Promise<RunningEmulator> {
  const users = [
    { id: credentialsUser, email: "robot@example.com", name: "Robot", role: "Editor" },
    ...Array.from({ length: admins }, (_, i) => ({
      id: firstAdmin + i,
      email: `admin${i}@example.com`,
      name: `Admin ${i}`,
      role: "Admin",
    })),
  ];
  const emu = await startEmulator({
    seed: { users },
    clients: [
      {
        clientId: "guard-client",
        clientSecret: "guard-secret-0123456789",
        scopes: ["user"],
        userId: credentialsUser,
      },
    ],
    behaviour: { deleteLastAdmin: domoRefusesLastAdmin ? "refuse" : "allow" },
  });
  assert.equal(emu.adminUserId, credentialsUser);
  return emu;
}

/** The state Pulumi holds for a managed Admin (as create or import left it). */
function adminState(emu: RunningEmulator, id: number, extra: PropertyMap = {}): PropertyMap {
  const u = emu.store.getUser(id);
  assert.ok(u);
  return {
    userId: id,
    email: u.email,
    name: u.name,
    role: "Admin",
    managedFields: ["email", "name", "role"],
    ...extra,
  };
}

function liveAdmins(emu: RunningEmulator): number {
  return emu.store.listUsers().filter((u) => !u.deleted && u.roleId === 1).length;
}

interface Settled {
  ok: number;
  refused: string[];
}

async function settle(work: Array<Promise<unknown>>): Promise<Settled> {
  const results = await Promise.allSettled(work);
  return {
    ok: results.filter((r) => r.status === "fulfilled").length,
    refused: results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : [])),
  };
}

describe("reliability: admin guards", function () {
  this.timeout(60_000);
  let emu: RunningEmulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  function guard(scenario: string, outcome: string, passed: boolean): void {
    reliability.guards.push({ scenario, outcome, passed });
  }

  it("two concurrent deletes of the last two Admins (credentials user not an Admin): exactly one succeeds", async () => {
    emu = await instance(2);
    const provider = runtimeFor(emu);
    const result = await settle([
      provider.delete(String(firstAdmin), adminState(emu, firstAdmin)),
      provider.delete(String(firstAdmin + 1), adminState(emu, firstAdmin + 1)),
    ]);
    const passed = result.ok === 1 && liveAdmins(emu) === 1;
    guard(
      "2 concurrent deletes of the last 2 Admins, one provider process",
      `${result.ok} succeeded, ${result.refused.length} refused; ${liveAdmins(emu)} Admin left`,
      passed,
    );
    assert.equal(result.ok, 1);
    assert.match(result.refused[0] ?? "", /last Admin of the instance.*allowUnsafeAdminChanges/s);
    assert.equal(liveAdmins(emu), 1);
  });

  it("taking the last Admin over to demote it (adoptExisting) is refused, writes nothing, takes nothing over", async () => {
    emu = await instance(1);
    const provider = runtimeFor(emu);
    const a = emu.store.getUser(firstAdmin);
    assert.ok(a);
    const demoted = { email: a.email, name: a.name, role: "Participant", adoptExisting: true };
    emu.resetCounters();
    const result = await settle([provider.create(await checked(provider, demoted))]);
    guard(
      "adopting the last Admin to demote it",
      `${result.ok} succeeded; ${liveAdmins(emu)} Admin left`,
      result.ok === 0 && liveAdmins(emu) === 1,
    );
    assert.equal(result.ok, 0);
    assert.match(result.refused[0] ?? "", /Refusing to demote.*last Admin.*allowUnsafeAdminChanges: true/s);
    assert.equal(emu.counters()["PUT /v1/users/{id}"] ?? 0, 0, "nothing written");
    assert.equal(liveAdmins(emu), 1);
    // Said so: the same takeover goes ahead, and the same run may take the account over.
    const allowed = await provider.create(
      await checked(provider, { ...demoted, allowUnsafeAdminChanges: true }),
    );
    assert.equal(allowed.id, String(firstAdmin));
    assert.equal(liveAdmins(emu), 0);
  });

  it("two concurrent demotions of the last two Admins: exactly one succeeds", async () => {
    emu = await instance(2);
    const provider = runtimeFor(emu);
    const demote = async (id: number) => {
      const u = emu?.store.getUser(id);
      assert.ok(u);
      const news = await checked(provider, { email: u.email, name: u.name, role: "Editor" });
      return provider.update(String(id), adminState(emu as RunningEmulator, id), news);
    };
    const result = await settle([demote(firstAdmin), demote(firstAdmin + 1)]);
    guard(
      "2 concurrent demotions of the last 2 Admins",
      `${result.ok} succeeded, ${result.refused.length} refused; ${liveAdmins(emu)} Admin left`,
      result.ok === 1 && liveAdmins(emu) === 1,
    );
    assert.equal(result.ok, 1);
    assert.match(result.refused[0] ?? "", /Refusing to demote.*last Admin/);
    assert.equal(liveAdmins(emu), 1);
  });

  it("a delete and a demotion racing over the last two Admins: exactly one succeeds", async () => {
    emu = await instance(2);
    const provider = runtimeFor(emu);
    const b = emu.store.getUser(firstAdmin + 1);
    assert.ok(b);
    const news = await checked(provider, { email: b.email, name: b.name, role: "Participant" });
    const result = await settle([
      provider.update(String(b.id), adminState(emu, b.id), news),
      provider.delete(String(firstAdmin), adminState(emu, firstAdmin)),
    ]);
    guard(
      "a delete racing a demotion over the last 2 Admins",
      `${result.ok} succeeded; ${liveAdmins(emu)} Admin left`,
      result.ok === 1 && liveAdmins(emu) === 1,
    );
    assert.equal(result.ok, 1);
    assert.equal(liveAdmins(emu), 1);
  });

  it("six concurrent deletes of all six Admins: five succeed, the last Admin stays", async () => {
    emu = await instance(6);
    const provider = runtimeFor(emu);
    const result = await settle(
      Array.from({ length: 6 }, (_, i) =>
        provider.delete(String(firstAdmin + i), adminState(emu as RunningEmulator, firstAdmin + i)),
      ),
    );
    guard(
      "6 concurrent deletes of all 6 Admins",
      `${result.ok} succeeded, ${result.refused.length} refused; ${liveAdmins(emu)} Admin left`,
      result.ok === 5 && liveAdmins(emu) === 1,
    );
    assert.equal(result.ok, 5);
    assert.equal(liveAdmins(emu), 1);
  });

  it("concurrent Delete RPCs through the real gRPC server: exactly one succeeds", async () => {
    emu = await instance(2);
    const providerText = await serializedProviderText();
    let engine: EngineHarness | undefined;
    try {
      engine = await startConfiguredProvider(emu);
      const h = engine;
      const result = await settle([
        h.delete(String(firstAdmin), { ...adminState(emu, firstAdmin), __provider: providerText }),
        h.delete(String(firstAdmin + 1), { ...adminState(emu, firstAdmin + 1), __provider: providerText }),
      ]);
      guard(
        "2 concurrent Delete RPCs for the last 2 Admins (gRPC server)",
        `${result.ok} succeeded, ${result.refused.length} refused; ${liveAdmins(emu)} Admin left`,
        result.ok === 1 && liveAdmins(emu) === 1,
      );
      assert.equal(result.ok, 1);
      assert.match(result.refused[0] ?? "", /last Admin/);
      assert.equal(liveAdmins(emu), 1);
    } finally {
      await engine?.stop();
    }
  });

  it("two provider processes deleting the last two Admins: Domo's own refusal stops the second", async () => {
    // The guard's lock is per process (Pulumi runs one per stack). Across processes, each sees
    // two Admins; what stops the second delete is Domo refusing to delete its last Admin.
    emu = await instance(2, true);
    const result = await settle([
      runtimeFor(emu).delete(String(firstAdmin), adminState(emu, firstAdmin)),
      runtimeFor(emu).delete(String(firstAdmin + 1), adminState(emu, firstAdmin + 1)),
    ]);
    guard(
      "2 provider processes deleting the last 2 Admins (Domo refuses its last Admin)",
      `${result.ok} succeeded; ${liveAdmins(emu)} Admin left`,
      result.ok === 1 && liveAdmins(emu) === 1,
    );
    assert.equal(result.ok, 1);
    assert.equal(liveAdmins(emu), 1);
  });

  it("with allowUnsafeAdminChanges on both, both go: the override is explicit", async () => {
    emu = await instance(2);
    const provider = runtimeFor(emu);
    const result = await settle([
      provider.delete(String(firstAdmin), adminState(emu, firstAdmin, { allowUnsafeAdminChanges: true })),
      provider.delete(
        String(firstAdmin + 1),
        adminState(emu, firstAdmin + 1, { allowUnsafeAdminChanges: true }),
      ),
    ]);
    guard(
      "both last Admins deleted with allowUnsafeAdminChanges: true",
      `${result.ok} succeeded; ${liveAdmins(emu)} Admin left`,
      result.ok === 2,
    );
    assert.equal(result.ok, 2);
    assert.equal(liveAdmins(emu), 0);
  });

  it("never deletes or demotes the credentials' own account without the override, even with other Admins", async () => {
    emu = await startEmulator();
    const provider = runtimeFor(emu);
    await emu.store.createUser({ email: "other-admin@example.com", name: "Other", role: "Admin" });
    const self = emu.adminUserId;
    const state = adminState(emu, self);
    const u = emu.store.getUser(self);
    assert.ok(u);
    await assert.rejects(provider.delete(String(self), state), /credentials belong to/);
    const news = await checked(provider, { email: u.email, name: u.name, role: "Editor" });
    await assert.rejects(provider.update(String(self), state, news), /credentials belong to/);
    const intact = emu.store.getUser(self);
    const passed = intact?.deleted === undefined && intact?.roleId === 1;
    guard(
      "delete / demote the credentials' own Admin account (2 Admins)",
      "both refused; account intact",
      passed,
    );
    assert.ok(passed);
  });

  it("the retain deletion policy makes no call at all, even for the last Admin", async () => {
    emu = await instance(1);
    const provider = runtimeFor(emu);
    emu.resetCounters();
    await provider.delete(String(firstAdmin), adminState(emu, firstAdmin, { deletionPolicy: "retain" }));
    const calls = totalCalls(emu);
    guard("delete under deletionPolicy retain", `${calls} requests; account live`, calls === 0);
    assert.equal(calls, 0);
    assert.equal(emu.store.getUser(firstAdmin)?.deleted, undefined);
  });
});
