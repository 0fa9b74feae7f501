// @ts-nocheck
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

type AdminRoute = (deps: AdminDeps, body: Buffer) => ApiResponse | Promise<ApiResponse>;

const ok = (body: unknown): ApiResponse => ({ status: 200, body });
function noContent(action: () => void): ApiResponse {
  action();
  return { status: 204 };
}

/** The admin routes by "METHOD /path" (the path after /__admin). */
const ADMIN_ROUTES: Readonly<Record<string, AdminRoute>> = {
  "GET /counters": (deps) => ok(deps.metrics.counters()),
  "POST /counters/reset": (deps) => noContent(() => deps.metrics.resetCounters()),
  "GET /log": (deps) => ok(deps.metrics.requestLog()),
  "DELETE /log": (deps) => noContent(() => deps.metrics.clearLog()),
  "GET /faults": (deps) => ok(deps.faults.list()),
  "POST /faults": (deps, body) => {
    const fault = parseBody(FaultSchema, body);
    return fault.ok ? { status: 201, body: deps.faults.add(fault.value) } : fault.response;
  },
  "DELETE /faults": (deps) => noContent(() => deps.faults.clear()),
  "GET /users": (deps) => ok(deps.store.listUsers()),
  "GET /groups": (deps) => ok(deps.store.listGroups()),
  "GET /behaviour": (deps) => ok(deps.behaviour()),
  "POST /behaviour": (deps, body) => {
    const patch = parseBody(BehaviourPatchSchema, body);
    if (!patch.ok) return patch.response;
    deps.setBehaviour(patch.value);
    return ok(deps.behaviour());
  },
  "POST /expire-tokens": async (deps) => {
    await deps.expireTokens();
    return { status: 204 };
  },
};

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
  const handler = Object.hasOwn(ADMIN_ROUTES, route) ? ADMIN_ROUTES[route] : undefined;
  if (handler) return handler(deps, body);
  if (method === "DELETE" && route.startsWith("DELETE /faults/")) {
    const removed = deps.faults.remove(route.slice("DELETE /faults/".length));
    return removed ? { status: 204 } : adminError(404, "No such fault");
  }
  return adminError(404, `No admin route ${route}`);
}
