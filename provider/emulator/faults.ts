import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type RouteKey, RouteKeySchema } from "./routing";

const targeting = {
  /** Absent: every API route (never /__admin). */
  route: RouteKeySchema.optional(),
  /** The next `count` matching requests; absent: every matching request until cleared. */
  count: z.int().positive().optional(),
};

export const FaultSchema = z.discriminatedUnion("kind", [
  z.object({
    ...targeting,
    kind: z.literal("status"),
    status: z.union([z.literal(429), z.int().min(500).max(599)]),
    /** Seconds, or an HTTP-date; absent: no Retry-After header at all. */
    retryAfter: z.union([z.number().nonnegative(), z.string().min(1)]).optional(),
  }),
  z.object({ ...targeting, kind: z.literal("latency"), ms: z.number().nonnegative() }),
  /**
   * Do the work and commit it, then wait `ms` before answering: a client killed (or timed out)
   * meanwhile never learns it succeeded. `latency` waits before the work instead.
   */
  z.object({ ...targeting, kind: z.literal("slowAnswer"), ms: z.number().nonnegative() }),
  /** Destroy the socket before anything is done or answered. */
  z.object({ ...targeting, kind: z.literal("reset") }),
  /** Do the work and commit it, then destroy the socket: the client never learns it succeeded. */
  z.object({ ...targeting, kind: z.literal("lostResponse") }),
  /** Revoke the bearer token the request carries, so it and every later use of it get 401. */
  z.object({ ...targeting, kind: z.literal("expireToken") }),
]);
export type Fault = z.infer<typeof FaultSchema>;
export type FaultInput = z.input<typeof FaultSchema>;

export type ActiveFault = Fault & {
  id: string;
  /** How many more requests it will hit; absent for faults without a count. */
  remaining?: number;
  /** How many requests it has hit so far. */
  hits: number;
};

export interface FaultControls {
  add(fault: FaultInput): ActiveFault;
  remove(id: string): boolean;
  clear(): void;
  list(): ActiveFault[];
}

export type TerminalFault = Extract<Fault, { kind: "status" | "reset" | "lostResponse" | "expireToken" }>;

export interface FaultDecision {
  /** Sum of every matching latency fault: waited before the work. */
  latencyMs: number;
  /** Sum of every matching slowAnswer fault: waited after the work, before the answer. */
  answerDelayMs: number;
  /** The first matching fault that changes the outcome; later ones are left for later requests. */
  terminal?: TerminalFault;
  /** Labels of every fault applied, for the request log. */
  labels: string[];
}

export function faultLabel(fault: Fault): string {
  switch (fault.kind) {
    case "status":
      return `status:${fault.status}`;
    case "latency":
      return `latency:${fault.ms}`;
    case "slowAnswer":
      return `slowAnswer:${fault.ms}`;
    default:
      return fault.kind;
  }
}

export class FaultRegistry implements FaultControls {
  private faults: ActiveFault[] = [];

  add(input: FaultInput): ActiveFault {
    const fault = FaultSchema.parse(input);
    const active: ActiveFault = { ...fault, id: randomUUID(), hits: 0 };
    if (fault.count !== undefined) active.remaining = fault.count;
    this.faults.push(active);
    return { ...active };
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * Picks and consumes the faults for one request, in the order they were added. `hasBearer`
   * keeps expireToken faults from being used up by requests that carry no token to expire.
   */
  take(route: RouteKey, hasBearer: boolean): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, answerDelayMs: 0, labels: [] };
    if (this.faults.length === 0) return decision;
    for (const fault of this.faults) {
      if (fault.route !== undefined && fault.route !== route) continue;
      if (fault.kind === "latency") {
        decision.latencyMs += fault.ms;
      } else if (fault.kind === "slowAnswer") {
        decision.answerDelayMs += fault.ms;
      } else {
        if (decision.terminal !== undefined) continue;
        if (fault.kind === "expireToken" && !hasBearer) continue;
        decision.terminal = fault;
      }
      fault.hits += 1;
      if (fault.remaining !== undefined) fault.remaining -= 1;
      decision.labels.push(faultLabel(fault));
    }
    this.faults = this.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
    return decision;
  }
}
