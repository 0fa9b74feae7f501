// @ts-nocheck
import { z } from "zod";

/** Every API route, named as counters, logs and fault targets name them. */
export const ROUTE_KEYS = [
  "POST /oauth/token",
  "GET /oauth/token",
  "POST /v1/users",
  "GET /v1/users",
  "GET /v1/users/{id}",
  "PUT /v1/users/{id}",
  "DELETE /v1/users/{id}",
  "POST /v1/users/bulk/emails",
  "POST /v1/groups",
  "GET /v1/groups",
  "GET /v1/groups/{id}",
  "PUT /v1/groups/{id}",
  "DELETE /v1/groups/{id}",
  "GET /v1/groups/{id}/users",
  "PUT /v1/groups/{id}/users/{userId}",
  "DELETE /v1/groups/{id}/users/{userId}",
] as const;
export const RouteKeySchema = z.enum(ROUTE_KEYS);
export type RouteKey = z.infer<typeof RouteKeySchema>;

export function isRouteKey(value: string): value is RouteKey {
  return (ROUTE_KEYS as readonly string[]).includes(value);
}

export const ADMIN_PREFIX = "/__admin";

export type RouteMatch =
  | { kind: "route"; key: RouteKey; id?: string; userId?: string }
  | { kind: "admin"; path: string }
  /** A known path with a method it does not serve; `key` still names it for the counters. */
  | { kind: "methodNotAllowed"; key: string; allow: string[] }
  | { kind: "notFound"; key: string };

/** Domo serves every route with and without one trailing slash (pydomo posts to `/v1/users/`). */
export function normalisePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** Path patterns; `{id}` and `{userId}` capture one path segment each. */
const PATTERNS: ReadonlyArray<{ pattern: string; regex: RegExp; methods: string[] }> = [
  { pattern: "/oauth/token", methods: ["GET", "POST"] },
  { pattern: "/v1/users", methods: ["GET", "POST"] },
  { pattern: "/v1/users/bulk/emails", methods: ["POST"] },
  { pattern: "/v1/users/{id}", methods: ["GET", "PUT", "DELETE"] },
  { pattern: "/v1/groups", methods: ["GET", "POST"] },
  { pattern: "/v1/groups/{id}", methods: ["GET", "PUT", "DELETE"] },
  { pattern: "/v1/groups/{id}/users", methods: ["GET"] },
  { pattern: "/v1/groups/{id}/users/{userId}", methods: ["PUT", "DELETE"] },
].map((p) => ({ ...p, regex: new RegExp(`^${p.pattern.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`) }));

/** Paths are matched case-sensitively, as Domo's gateway does. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const path = normalisePath(rawPath);
  if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) return { kind: "admin", path };
  for (const { pattern, regex, methods } of PATTERNS) {
    const captured = regex.exec(path);
    if (captured === null) continue;
    const key = `${method} ${pattern}`;
    if (!methods.includes(method)) return { kind: "methodNotAllowed", key, allow: methods };
    if (!isRouteKey(key)) return { kind: "notFound", key };
    const match: RouteMatch = { kind: "route", key };
    const { id, userId } = captured.groups ?? {};
    if (id !== undefined) match.id = id;
    if (userId !== undefined) match.userId = userId;
    return match;
  }
  return { kind: "notFound", key: `${method} (unmatched)` };
}
