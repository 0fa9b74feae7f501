// @ts-nocheck
import { z } from "zod";

export const RequestLogEntrySchema = z.object({
  /** Epoch milliseconds when the request arrived. */
  at: z.number(),
  method: z.string(),
  /** Route key as in counters, e.g. "GET /v1/users/{id}". */
  route: z.string(),
  path: z.string(),
  /** Status decided for the request; 0 when the connection was reset without one. */
  status: z.int(),
  /** Labels of the injected faults, comma-separated, e.g. "status:503" or "rateLimit". */
  fault: z.string().optional(),
});
export type RequestLogEntry = z.infer<typeof RequestLogEntrySchema>;

/** Per-route request counts and a bounded log of recent requests; /__admin traffic is never recorded. */
export class Metrics {
  private counts = new Map<string, number>();
  private log: RequestLogEntry[] = [];

  constructor(private readonly logLimit: number) {}

  count(route: string): void {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    // Trim in chunks so a long-running emulator does not shift the array on every request.
    if (this.log.length > this.logLimit * 1.1) this.log = this.log.slice(-this.logLimit);
  }

  counters(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetCounters(): void {
    this.counts.clear();
  }

  clearLog(): void {
    this.log = [];
  }

  requestLog(): RequestLogEntry[] {
    return this.log.slice(-this.logLimit).map((e) => ({ ...e }));
  }
}
