// @ts-nocheck
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the scripted server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { reset: true }
  | { hang: true };

export type Handler = (req: SeenRequest) => Reply | undefined;

export const testSecret = "s3cr3t-client-secret-value";

/**
 * A minimal HTTP server whose answers a test scripts one by one, for exercising the client's
 * transport (retries, timeouts, resets) precisely. The token endpoint answers by default with
 * a token numbered by issue order.
 */
export class ScriptedServer {
  readonly requests: SeenRequest[] = [];
  private readonly queue: Handler[] = [];
  private fallback: Handler = () => ({ status: 404, body: { status: 404, message: "no script" } });
  private server = http.createServer((req, res) => this.handle(req, res));
  private readonly sockets = new Set<import("node:net").Socket>();
  tokensIssued = 0;
  tokenTtlSeconds = 3599;
  url = "";

  async start(): Promise<this> {
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers the next matching API requests in order; the token endpoint is not consumed. */
  next(...handlers: Handler[]): this {
    this.queue.push(...handlers);
    return this;
  }

  otherwise(handler: Handler): this {
    this.fallback = handler;
    return this;
  }

  api(): SeenRequest[] {
    return this.requests.filter((r) => r.path !== "/oauth/token");
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const seen: SeenRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        at: Date.now(),
      };
      this.requests.push(seen);
      let reply: Reply | undefined;
      if (seen.path === "/oauth/token") {
        const auth = Buffer.from(
          String(req.headers.authorization ?? "").replace(/^Basic /, ""),
          "base64",
        ).toString();
        reply = auth.endsWith(`:${testSecret}`)
          ? {
              status: 200,
              body: {
                access_token: `token-${++this.tokensIssued}-abcdef`,
                token_type: "bearer",
                expires_in: this.tokenTtlSeconds,
                userId: 1000000001,
                scope: "user",
              },
            }
          : { status: 401, body: { error: "invalid_client", error_description: "Bad client credentials" } };
      } else {
        reply = (this.queue.shift() ?? this.fallback)(seen);
      }
      if (!reply) reply = this.fallback(seen) ?? { status: 500 };
      if ("reset" in reply) {
        req.socket.destroy();
        return;
      }
      if ("hang" in reply) return;
      res.writeHead(reply.status, { "Content-Type": "application/json", ...(reply.headers ?? {}) });
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
    });
  }
}
