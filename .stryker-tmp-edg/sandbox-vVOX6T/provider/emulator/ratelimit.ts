// @ts-nocheck
import { z } from "zod";

export const RateLimitSchema = z.object({
  requestsPerSecond: z.number().positive(),
  /** Bucket size: how many requests may arrive at once after a quiet spell; default one second's worth. */
  burst: z.int().positive().optional(),
  /** Whether 429s carry `Retry-After: 1`; Domo documents neither way, so clients must cope with both. */
  retryAfter: z.enum(["seconds", "none"]).default("seconds"),
});
export type RateLimit = z.infer<typeof RateLimitSchema>;

/** A token bucket over every API request, standing in for Domo's undocumented gateway throttle. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = limit.burst ?? Math.max(1, Math.ceil(limit.requestsPerSecond));
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** Takes one token; false means the request must be refused with 429. */
  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.last) / 1000) * this.limit.requestsPerSecond,
    );
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  retryAfterHeader(): Record<string, string> {
    return this.limit.retryAfter === "seconds" ? { "Retry-After": "1" } : {};
  }
}
