import { z } from "zod";
import type { ApiResponse } from "./http";
import type { GroupsRoutes } from "./routes/groups";
import type { TokenRequest } from "./routes/oauth";
import type { UsersRequest, UsersRoutes } from "./routes/users";

/** What the route table's handlers call into; the server builds it once per emulator. */
export interface RouteApis {
  users: UsersRoutes;
  groups: GroupsRoutes;
  token: (request: TokenRequest) => ApiResponse;
}

/** Everything a handler may read from a request; each handler takes the part it needs. */
export type RouteRequest = UsersRequest & TokenRequest;

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

interface RouteSpec {
  /**
   * "METHOD /path", written once here: the method and the path pattern are read from it, and
   * counters, the request log and fault targets name the route by it. `{id}` and `{userId}`
   * capture one path segment each.
   */
  key: `${HttpMethod} /${string}`;
  /**
   * "client": the handler checks the client credentials itself (the token endpoint answers
   * before any bearer token exists); "user": a bearer token with the `user` scope first.
   */
  auth: "client" | "user";
  handle: (apis: RouteApis, request: RouteRequest) => ApiResponse | Promise<ApiResponse>;
}

/**
 * Every API route, in one table: the route keys, the matching and the dispatch all derive
 * from it, so a route added here is counted, faultable, matched and served at once.
 */
const ROUTES = [
  { key: "POST /oauth/token", auth: "client", handle: (a, r) => a.token(r) },
  { key: "GET /oauth/token", auth: "client", handle: (a, r) => a.token(r) },
  { key: "POST /v1/users", auth: "user", handle: (a, r) => a.users.create(r) },
  { key: "GET /v1/users", auth: "user", handle: (a, r) => a.users.list(r) },
  { key: "GET /v1/users/{id}", auth: "user", handle: (a, r) => a.users.get(r) },
  { key: "PUT /v1/users/{id}", auth: "user", handle: (a, r) => a.users.update(r) },
  { key: "DELETE /v1/users/{id}", auth: "user", handle: (a, r) => a.users.remove(r) },
  { key: "POST /v1/users/bulk/emails", auth: "user", handle: (a, r) => a.users.bulkEmails(r) },
  { key: "POST /v1/groups", auth: "user", handle: (a, r) => a.groups.create(r) },
  { key: "GET /v1/groups", auth: "user", handle: (a, r) => a.groups.list(r) },
  { key: "GET /v1/groups/{id}", auth: "user", handle: (a, r) => a.groups.get(r) },
  { key: "PUT /v1/groups/{id}", auth: "user", handle: (a, r) => a.groups.update(r) },
  { key: "DELETE /v1/groups/{id}", auth: "user", handle: (a, r) => a.groups.remove(r) },
  { key: "GET /v1/groups/{id}/users", auth: "user", handle: (a, r) => a.groups.listUsers(r) },
  { key: "PUT /v1/groups/{id}/users/{userId}", auth: "user", handle: (a, r) => a.groups.addUser(r) },
  { key: "DELETE /v1/groups/{id}/users/{userId}", auth: "user", handle: (a, r) => a.groups.removeUser(r) },
] as const satisfies readonly RouteSpec[];

/** Every API route, named as counters, logs and fault targets name them (in the table's order). */
export type RouteKey = (typeof ROUTES)[number]["key"];
export const ROUTE_KEYS: readonly RouteKey[] = ROUTES.map((r) => r.key);
export const RouteKeySchema = z.enum(ROUTE_KEYS);

export function isRouteKey(value: string): value is RouteKey {
  return (ROUTE_KEYS as readonly string[]).includes(value);
}

/** One row of the table, with its key's method and pattern read out. */
export interface Route extends RouteSpec {
  key: RouteKey;
  method: HttpMethod;
  pattern: string;
}

const TABLE: readonly Route[] = ROUTES.map((spec) => {
  const space = spec.key.indexOf(" ");
  return { ...spec, method: spec.key.slice(0, space) as HttpMethod, pattern: spec.key.slice(space + 1) };
});

/** The order Allow lists methods in, whatever order the table gives them. */
const METHOD_ORDER: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE"];

/** The table by path pattern: each pattern's regex and the routes (one per method) it serves. */
const PATHS = [...new Set(TABLE.map((r) => r.pattern))].map((pattern) => {
  const routes = TABLE.filter((r) => r.pattern === pattern);
  return {
    pattern,
    regex: new RegExp(`^${pattern.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`),
    routes,
    allow: METHOD_ORDER.filter((m) => routes.some((r) => r.method === m)),
  };
});

export const ADMIN_PREFIX = "/__admin";

export type RouteMatch =
  | { kind: "route"; key: RouteKey; route: Route; id?: string; userId?: string }
  | { kind: "admin"; path: string }
  /** A known path with a method it does not serve; `key` still names it for the counters. */
  | { kind: "methodNotAllowed"; key: string; allow: string[] }
  | { kind: "notFound"; key: string };

/** Domo serves every route with and without one trailing slash (pydomo posts to `/v1/users/`). */
export function normalisePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** Paths are matched case-sensitively, as Domo's gateway does. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const path = normalisePath(rawPath);
  if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) return { kind: "admin", path };
  for (const { pattern, regex, routes, allow } of PATHS) {
    const captured = regex.exec(path);
    if (captured === null) continue;
    const route = routes.find((r) => r.method === method);
    if (route === undefined)
      return { kind: "methodNotAllowed", key: `${method} ${pattern}`, allow: [...allow] };
    const match: RouteMatch = { kind: "route", key: route.key, route };
    const { id, userId } = captured.groups ?? {};
    if (id !== undefined) match.id = id;
    if (userId !== undefined) match.userId = userId;
    return match;
  }
  return { kind: "notFound", key: `${method} (unmatched)` };
}
