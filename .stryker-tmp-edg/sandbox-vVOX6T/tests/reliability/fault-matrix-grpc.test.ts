// @ts-nocheck
import assert from "node:assert/strict";
import { type FaultInput, type RouteKey, type RunningEmulator, startEmulator } from "../../provider/emulator";
import type { EngineHarness, GrpcError } from "../support/engine-harness";
import { serializedProviderText, startConfiguredProvider } from "../support/grpc-provider";
import { firstLine, liveAccounts } from "../support/reliability-kit";
import { type FaultCellRecord, reliability, useReliabilityReport } from "../support/reliability-report";

useReliabilityReport();

type Json = Record<string, unknown>;
type Op = "create" | "read" | "update" | "delete";

const opRoute: Record<Op, RouteKey> = {
  create: "POST /v1/users",
  // With domo:listingTtlMs 0 every refresh reads through a fresh listing.
  read: "GET /v1/users",
  update: "PUT /v1/users/{id}",
  delete: "DELETE /v1/users/{id}",
};

interface GrpcCell {
  op: Op;
  fault: string;
  faults: FaultInput[];
  expireAllBefore?: boolean;
  expect: "converge" | "fail";
}

const cells: readonly GrpcCell[] = [
  {
    op: "create",
    fault: "response lost after commit x1",
    faults: [{ route: "POST /v1/users", kind: "lostResponse", count: 1 }],
    expect: "converge",
  },
  {
    op: "create",
    fault: "connection reset x2",
    faults: [{ route: "POST /v1/users", kind: "reset", count: 2 }],
    expect: "converge",
  },
  {
    op: "create",
    fault: "500 until cleared",
    faults: [{ route: "POST /v1/users", kind: "status", status: 500 }],
    expect: "fail",
  },
  {
    op: "read",
    fault: "5xx burst (503 x2, Retry-After: 0)",
    faults: [{ route: "GET /v1/users", kind: "status", status: 503, retryAfter: 0, count: 2 }],
    expect: "converge",
  },
  {
    op: "read",
    fault: "connection reset until cleared",
    faults: [{ route: "GET /v1/users", kind: "reset" }],
    expect: "fail",
  },
  {
    op: "update",
    fault: "token expired mid-run (all tokens revoked)",
    faults: [],
    expireAllBefore: true,
    expect: "converge",
  },
  {
    op: "update",
    fault: "429 x2 with Retry-After: 0",
    faults: [{ route: "PUT /v1/users/{id}", kind: "status", status: 429, retryAfter: 0, count: 2 }],
    expect: "converge",
  },
  {
    op: "delete",
    fault: "response lost after commit x1",
    faults: [{ route: "DELETE /v1/users/{id}", kind: "lostResponse", count: 1 }],
    expect: "converge",
  },
  {
    op: "delete",
    fault: "token revoked by the call (expireToken x1)",
    faults: [{ route: "DELETE /v1/users/{id}", kind: "expireToken", count: 1 }],
    expect: "converge",
  },
];

interface EngineState {
  id: string;
  outs: Json;
}

/**
 * A few cells of the fault matrix through the real `@pulumi/pulumi/cmd/dynamic-provider` gRPC
 * server started from the packed tarball: the errors cross gRPC, the provider object is loaded
 * from its `__provider` text, and retries run in the provider's own process.
 */
describe("reliability: fault cells through the real gRPC dynamic-provider server", function () {
  this.timeout(60_000);
  let providerText: string;
  let emu: RunningEmulator;
  let engine: EngineHarness;
  let n = 0;

  const props = (p: Json): Json => ({ ...p, __provider: providerText });

  before(async () => {
    providerText = await serializedProviderText();
    emu = await startEmulator();
    engine = await startConfiguredProvider(emu, {
      "domo:requestsPerSecond": "200",
      "domo:maxRetries": "2",
      "domo:listingTtlMs": "0",
    });
  });
  after(async () => {
    await engine?.stop();
    await emu?.close();
  });
  afterEach(() => emu.faults.clear());

  async function act(op: Op, state: EngineState | undefined, inputs: Json, news: Json) {
    switch (op) {
      case "create": {
        const created = await engine.create(inputs);
        return { id: created.id, outs: created.properties };
      }
      case "read": {
        assert.ok(state);
        const read = await engine.read(state.id, state.outs);
        assert.equal(read.id, state.id, "a failed refresh must not drop the account from state");
        return { id: read.id, outs: read.properties };
      }
      case "update": {
        assert.ok(state);
        return { id: state.id, outs: await engine.update(state.id, state.outs, news) };
      }
      case "delete": {
        assert.ok(state);
        await engine.delete(state.id, state.outs);
        return undefined;
      }
    }
  }

  for (const cell of cells) {
    it(`${cell.op} under ${cell.fault}: ${cell.expect === "converge" ? "converges" : "fails clearly"}, re-run converges`, async () => {
      n++;
      const email = `grpc${n}-${cell.op}@example.com`;
      const decl = { email, name: `Grpc ${n}`, role: "Editor", title: "Before" };
      const inputs = (await engine.check(props(decl))).inputs;
      const news =
        cell.op === "update" ? (await engine.check(props({ ...decl, title: "After" }))).inputs : inputs;
      let state: EngineState | undefined;
      if (cell.op !== "create") {
        // The account comes from an earlier run (its own provider process): a process never
        // deletes an account that one of its own resources created in the same run.
        const earlier = await startConfiguredProvider(emu, { "domo:requestsPerSecond": "200" });
        try {
          const created = await earlier.create(inputs);
          state = { id: created.id, outs: created.properties };
        } finally {
          await earlier.stop();
        }
      }
      const route = opRoute[cell.op];
      const added = cell.faults.map((f) => emu.faults.add(f));
      if (cell.expireAllBefore) emu.expireTokens();
      emu.resetCounters();
      const started = Date.now();
      let error: GrpcError | undefined;
      let after: EngineState | undefined;
      try {
        after = await act(cell.op, state, inputs, news);
      } catch (e) {
        error = e as GrpcError;
        after = state;
      }
      const waitedMs = Date.now() - started;
      const counters = emu.counters();
      const active = emu.faults.list();
      const faultHits = added.reduce(
        (sum, f) => sum + (active.find((a) => a.id === f.id)?.hits ?? f.remaining ?? 0),
        0,
      );
      assert.ok(liveAccounts(emu, email) <= 1, "duplicate account");
      emu.faults.clear();
      if (error) {
        // The message crosses gRPC intact: the call, Domo's answer and what to do about it.
        assert.match(error.message, new RegExp(`\\(${route.split(" ")[0]} /v1/users`));
        assert.match(error.message, /Gave up|try again|check|Check/);
      }

      // Re-run: what the engine does next with what it kept.
      let final = after;
      if (cell.op === "delete") {
        if (final) await engine.delete(final.id, final.outs);
        final = undefined;
        assert.equal(liveAccounts(emu, email), 0);
      } else {
        if (!final) {
          const created = await engine.create(inputs);
          final = { id: created.id, outs: created.properties };
        }
        const read = await engine.read(final.id, final.outs);
        assert.equal(read.id, final.id);
        final = { id: read.id, outs: read.properties };
        if ((await engine.diff(final.id, final.outs, news)).changes === "some") {
          final = { id: final.id, outs: await engine.update(final.id, final.outs, news) };
        }
        assert.equal((await engine.diff(final.id, final.outs, news)).changes, "none");
        assert.equal(liveAccounts(emu, email), 1);
        assert.equal(emu.store.getUser(Number(final.id))?.email, email);
        if (cell.op === "update") assert.equal(emu.store.getUser(Number(final.id))?.title, "After");
      }

      const record: FaultCellRecord = {
        via: "gRPC",
        op: cell.op,
        fault: cell.fault,
        outcome: error ? "failed clearly" : "converged",
        routeRequests: counters[route] ?? 0,
        totalRequests: Object.values(counters).reduce((s, c) => s + c, 0),
        faultHits,
        waitedMs,
        waitKind: "real",
        rerunConverged: true,
        accounts: liveAccounts(emu, email),
        inState: cell.op === "delete" ? final === undefined : final !== undefined,
        ...(error ? { error: firstLine(error.details ?? error.message) } : {}),
      };
      reliability.faults.push(record);
      assert.equal(record.outcome, cell.expect === "converge" ? "converged" : "failed clearly", record.error);
      assert.ok(faultHits > 0 || cell.expireAllBefore, "the fault never fired");
    });
  }
});
