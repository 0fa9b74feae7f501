import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { handleAdmin } from "./admin";
import { bearerToken, TokenService } from "./auth";
import { ApiError, gatewayError, OAuthError, RATE_LIMIT_403_MESSAGE } from "./errors";
import { type FaultControls, type FaultDecision, FaultRegistry } from "./faults";
import { type ApiResponse, readBody, writeResponse } from "./http";
import { Metrics, type RequestLogEntry } from "./metrics";
import {
  type Behaviour,
  BehaviourSchema,
  type EmulatorOptions,
  type EmulatorOptionsInput,
  parseOptions,
  type Seed,
  SeedSchema,
} from "./options";
import { TokenBucket } from "./ratelimit";
import { GroupsRoutes } from "./routes/groups";
import { handleToken } from "./routes/oauth";
import { UsersRoutes } from "./routes/users";
import { matchRoute, type RouteApis, type RouteMatch } from "./routing";
import { UserStore } from "./store";

export interface RunningEmulator {
  /** Base URL, e.g. "http://127.0.0.1:41234"; use it as the Domo API host. */
  url: string;
  port: number;
  /** The first OAuth client, whose tokens act as `adminUserId`. */
  credentials: { clientId: string; clientSecret: string };
  adminUserId: number;
  faults: FaultControls;
  /** Requests per route key ("GET /v1/users/{id}"), faulted ones included, /__admin excluded. */
  counters(): Record<string, number>;
  resetCounters(): void;
  requestLog(): RequestLogEntry[];
  /** Out-of-band access to users and groups, bypassing HTTP, auth, faults and validation. */
  store: UserStore;
  behaviour(): Behaviour;
  setBehaviour(patch: Partial<Behaviour>): void;
  /** Every token issued so far now answers 401, as if its hour had run out. */
  expireTokens(): void;
  /** Stops listening, drops every connection and waits until state is on disk. */
  close(): Promise<void>;
}

async function loadSeed(options: EmulatorOptions): Promise<Seed | undefined> {
  if (options.seedFile === undefined) return options.seed;
  const text = await readFile(options.seedFile, "utf8");
  const parsed = SeedSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`Seed file ${options.seedFile} is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

function errorResponse(error: unknown, path: string): ApiResponse {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: gatewayError(error.status, error.message, path),
      headers: error.headers,
    };
  }
  if (error instanceof OAuthError) {
    return { status: error.status, body: error.body(), headers: error.headers };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: gatewayError(500, `Internal emulator error: ${message}`, path) };
}

/**
 * A rate-limit refusal in the shape the behaviour asks for: 429 in the gateway shape with
 * `headers`, or 403 `{"message":"API Rate limit reached."}` with only `headers403`.
 */
function rateLimited(
  behaviour: Behaviour,
  path: string,
  message: string,
  headers: Record<string, string>,
  headers403: Record<string, string>,
): ApiResponse {
  return behaviour.rateLimitStatus === 403
    ? { status: 403, body: { message: RATE_LIMIT_403_MESSAGE }, headers: headers403 }
    : { status: 429, body: gatewayError(429, message, path), headers };
}

export async function startEmulator(input: EmulatorOptionsInput = {}): Promise<RunningEmulator> {
  const options = parseOptions(input);
  const store = await UserStore.open({
    dataFile: options.dataFile,
    clients: options.clients,
    seed: await loadSeed(options),
  });
  let behaviour = options.behaviour;
  const tokens = new TokenService(store, options.tokenTtlSeconds, options.customer);
  const faults = new FaultRegistry();
  for (const fault of options.faults) faults.add(fault);
  const metrics = new Metrics(options.requestLogLimit);
  const bucket = options.rateLimit === undefined ? undefined : new TokenBucket(options.rateLimit);
  const users = new UsersRoutes({ store, behaviour: () => behaviour, customer: options.customer });
  const groups = new GroupsRoutes({ store, behaviour: () => behaviour });
  const closing = new AbortController();

  const setBehaviour = (patch: Partial<Behaviour>): void => {
    behaviour = BehaviourSchema.parse({ ...behaviour, ...patch });
  };
  const adminDeps = {
    metrics,
    faults,
    store,
    behaviour: () => behaviour,
    setBehaviour,
    expireTokens: () => tokens.expireAll(),
  };

  const apis: RouteApis = { users, groups, token: (request) => handleToken({ store, tokens }, request) };

  /** Serves a matched route: its table row says whether a bearer token must come first. */
  async function route(
    match: Extract<RouteMatch, { kind: "route" }>,
    req: IncomingMessage,
    body: Buffer,
    query: URLSearchParams,
    bearer: string | undefined,
  ): Promise<ApiResponse> {
    let actingUserId: number | undefined;
    if (match.route.auth === "user") {
      const claims = tokens.verify(bearer);
      if (!claims.scope.includes("user")) {
        throw new ApiError(403, "The access token does not have the user scope");
      }
      actingUserId = claims.userId;
    }
    const { method } = match.route;
    const authorization = req.headers.authorization;
    const request = { method, id: match.id, userId: match.userId, actingUserId, query, body, authorization };
    return match.route.handle(apis, request);
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : rawUrl.slice(q + 1));
    const match = matchRoute(method, path);

    if (match.kind === "admin") {
      const body = await readBody(req);
      writeResponse(res, await handleAdmin(adminDeps, method, match.path, body));
      return;
    }

    const routeKey = match.key;
    metrics.count(routeKey);
    const labels: string[] = [];
    const record = (status: number): void => {
      const entry: RequestLogEntry = { at, method, route: routeKey, path, status };
      if (labels.length > 0) entry.fault = labels.join(",");
      metrics.record(entry);
    };
    const send = (response: ApiResponse): void => {
      record(response.status);
      if (!res.destroyed) writeResponse(res, response);
    };
    const drop = (status: number): void => {
      record(status);
      req.socket.destroy();
    };

    const body = await readBody(req);
    if (bucket !== undefined && !bucket.tryTake()) {
      labels.push("rateLimit");
      // The 403 shape carries no Retry-After: a 403 is not an answer HTTP attaches one to.
      send(rateLimited(behaviour, path, "Rate limit exceeded", bucket.retryAfterHeader(), {}));
      return;
    }
    if (match.kind === "notFound") {
      send({ status: 404, body: gatewayError(404, "Not Found", path) });
      return;
    }
    if (match.kind === "methodNotAllowed") {
      send({
        status: 405,
        body: gatewayError(405, `Request method '${method}' is not supported`, path),
        headers: { Allow: match.allow.join(", ") },
      });
      return;
    }

    const bearer = bearerToken(req.headers.authorization);
    const decision: FaultDecision = faults.take(match.key, bearer !== undefined);
    labels.push(...decision.labels);
    const delay = options.latencyMs + decision.latencyMs;
    if (delay > 0) await sleep(delay, undefined, { signal: closing.signal });

    const fault = decision.terminal;
    if (fault?.kind === "reset") {
      drop(0);
      return;
    }
    if (fault?.kind === "status") {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
      send(
        fault.status === 429
          ? rateLimited(behaviour, path, "Injected fault", headers, headers)
          : { status: fault.status, body: gatewayError(fault.status, "Injected fault", path), headers },
      );
      return;
    }
    if (fault?.kind === "expireToken" && bearer !== undefined) tokens.revoke(bearer);

    let response: ApiResponse;
    try {
      response = await route(match, req, body, query, bearer);
    } catch (error) {
      response = errorResponse(error, path);
    }
    if (decision.answerDelayMs > 0)
      await sleep(decision.answerDelayMs, undefined, { signal: closing.signal });
    if (fault?.kind === "lostResponse") drop(response.status);
    else send(response);
  }

  const server = createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      // Aborted sleeps and bodies cut off by close() end here; the socket is already gone.
      if (closing.signal.aborted || res.destroyed) {
        req.socket.destroy();
        return;
      }
      if (!res.headersSent) writeResponse(res, errorResponse(error, req.url ?? "/"));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const first = store.clients()[0];
  if (first === undefined) throw new Error("The emulator has no OAuth client");

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    credentials: { clientId: first.clientId, clientSecret: first.clientSecret },
    adminUserId: first.userId,
    faults,
    counters: () => metrics.counters(),
    resetCounters: () => metrics.resetCounters(),
    requestLog: () => metrics.requestLog(),
    store,
    behaviour: () => behaviour,
    setBehaviour,
    expireTokens: () => {
      // The generation moves synchronously; only its persistence is asynchronous.
      tokens.expireAll().catch(() => undefined);
    },
    close: () => {
      closed ??= (async () => {
        closing.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await store.flush();
      })();
      return closed;
    },
  };
}
