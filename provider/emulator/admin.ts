import { z } from "zod";
import { type FaultRegistry, FaultSchema } from "./faults";
import type { ApiResponse } from "./http";
import type { Metrics } from "./metrics";
import { type Behaviour, BehaviourPatchSchema } from "./options";
import type { UserStore } from "./store";

export interface AdminDeps {
  metrics: Metrics;
  faults: FaultRegistry;
  store: UserStore;
  behaviour: () => Behaviour;
  setBehaviour: (patch: Partial<Behaviour>) => void;
  expireTokens: () => Promise<void>;
}

function adminError(status: number, message: string): ApiResponse {
  return { status, body: { error: message } };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; response: ApiResponse };

function parseBody<T>(schema: z.ZodType<T>, body: Buffer): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, response: adminError(400, "Body must be JSON") };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, response: adminError(400, z.prettifyError(parsed.error)) };
}

/**
 * The test-control surface under /__admin: no OAuth, no faults, no counting, so test harnesses
 * can inspect and steer the emulator without disturbing what they measure.
 */
export async function handleAdmin(
  deps: AdminDeps,
  method: string,
  path: string,
  body: Buffer,
): Promise<ApiResponse> {
  const route = `${method} ${path.slice("/__admin".length) || "/"}`;
  switch (route) {
    case "GET /counters":
      return { status: 200, body: deps.metrics.counters() };
    case "POST /counters/reset":
      deps.metrics.resetCounters();
      return { status: 204 };
    case "GET /log":
      return { status: 200, body: deps.metrics.requestLog() };
    case "DELETE /log":
      deps.metrics.clearLog();
      return { status: 204 };
    case "GET /faults":
      return { status: 200, body: deps.faults.list() };
    case "POST /faults": {
      const fault = parseBody(FaultSchema, body);
      return fault.ok ? { status: 201, body: deps.faults.add(fault.value) } : fault.response;
    }
    case "DELETE /faults":
      deps.faults.clear();
      return { status: 204 };
    case "GET /users":
      return { status: 200, body: deps.store.listUsers() };
    case "GET /behaviour":
      return { status: 200, body: deps.behaviour() };
    case "POST /behaviour": {
      const patch = parseBody(BehaviourPatchSchema, body);
      if (!patch.ok) return patch.response;
      deps.setBehaviour(patch.value);
      return { status: 200, body: deps.behaviour() };
    }
    case "POST /expire-tokens":
      await deps.expireTokens();
      return { status: 204 };
    default:
      if (method === "DELETE" && route.startsWith("DELETE /faults/")) {
        const removed = deps.faults.remove(route.slice("DELETE /faults/".length));
        return removed ? { status: 204 } : adminError(404, "No such fault");
      }
      return adminError(404, `No admin route ${route}`);
  }
}
