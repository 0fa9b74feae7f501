import { randomBytes } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { z } from "zod";

/** Domo's API gateway error body; `toe` is the per-request trace id support asks for. */
export const GatewayErrorSchema = z.object({
  status: z.int(),
  statusReason: z.string(),
  message: z.string(),
  path: z.string(),
  toe: z.string(),
});
export type GatewayError = z.infer<typeof GatewayErrorSchema>;

/** The OAuth server's own error body (Spring Security OAuth style), used for token problems. */
export const OAuthErrorBodySchema = z.object({
  error: z.string(),
  error_description: z.string(),
});
export type OAuthErrorBody = z.infer<typeof OAuthErrorBodySchema>;

/**
 * A fresh trace id per error: clients that log it must never see two errors share one, so tests
 * can tell a retried request's error apart from the first.
 */
export function newToe(): string {
  return randomBytes(16).toString("hex").toUpperCase();
}

export function statusReason(status: number): string {
  return STATUS_CODES[status] ?? "Unknown";
}

export function gatewayError(status: number, message: string, path: string): GatewayError {
  return { status, statusReason: statusReason(status), message, path, toe: newToe() };
}

/**
 * Domo's other answer to a rate limit (seen in the wild: openstax/domo#142): 403 with a bare
 * `{"message"}` body, no gateway fields, no trace id.
 */
export const RATE_LIMIT_403_MESSAGE = "API Rate limit reached.";

/** Thrown by route handlers for any API-level refusal; the server renders it as the gateway shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Thrown for token-endpoint and bearer-token failures, which use the OAuth body, not the gateway one. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = "OAuthError";
  }

  body(): OAuthErrorBody {
    return { error: this.error, error_description: this.description };
  }
}
