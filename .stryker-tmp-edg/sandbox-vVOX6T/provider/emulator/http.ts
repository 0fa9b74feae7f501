// @ts-nocheck
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./errors";

/** What a handler decides; the server writes it, or withholds it when a fault says so. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Domo's gateway is Spring; its JSON content type carries the charset this way. */
export const JSON_CONTENT_TYPE = "application/json;charset=UTF-8";

const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining rather than destroying, so the client still gets the 413.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () =>
      size > MAX_BODY_BYTES
        ? reject(new ApiError(413, "Request body too large"))
        : resolve(Buffer.concat(chunks)),
    );
    req.on("error", reject);
    // A connection dropped mid-body (client gone, or close()) must not leave the handler waiting;
    // after a normal end this rejection is a no-op.
    req.on("close", () => reject(new Error("Connection closed before the request body was read")));
  });
}

/** Parses a JSON request body, answering 400 the way Spring does for missing or malformed bodies. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString("utf8");
  if (text.trim() === "") throw new ApiError(400, "Required request body is missing");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      400,
      `Malformed JSON request: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function writeResponse(res: ServerResponse, response: ApiResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(response.body);
  headers["Content-Type"] = JSON_CONTENT_TYPE;
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}
