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
] as const;
export const RouteKeySchema = z.enum(ROUTE_KEYS);
export type RouteKey = z.infer<typeof RouteKeySchema>;

export function isRouteKey(value: string): value is RouteKey {
  return (ROUTE_KEYS as readonly string[]).includes(value);
}

export const ADMIN_PREFIX = "/__admin";

export type RouteMatch =
  | { kind: "route"; key: RouteKey; id?: string }
  | { kind: "admin"; path: string }
  /** A known path with a method it does not serve; `key` still names it for the counters. */
  | { kind: "methodNotAllowed"; key: string; allow: string[] }
  | { kind: "notFound"; key: string };

/** Domo serves every route with and without one trailing slash (pydomo posts to `/v1/users/`). */
export function normalisePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

const PATTERNS: ReadonlyArray<{ pattern: string; test: (p: string) => string | null; methods: string[] }> = [
  { pattern: "/oauth/token", test: (p) => (p === "/oauth/token" ? "" : null), methods: ["GET", "POST"] },
  { pattern: "/v1/users", test: (p) => (p === "/v1/users" ? "" : null), methods: ["GET", "POST"] },
  {
    pattern: "/v1/users/bulk/emails",
    test: (p) => (p === "/v1/users/bulk/emails" ? "" : null),
    methods: ["POST"],
  },
  {
    pattern: "/v1/users/{id}",
    test: (p) => {
      const m = /^\/v1\/users\/([^/]+)$/.exec(p);
      return m ? (m[1] ?? null) : null;
    },
    methods: ["GET", "PUT", "DELETE"],
  },
];

/** Paths are matched case-sensitively, as Domo's gateway does. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const path = normalisePath(rawPath);
  if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) return { kind: "admin", path };
  for (const { pattern, test, methods } of PATTERNS) {
    const captured = test(path);
    if (captured === null) continue;
    const key = `${method} ${pattern}`;
    if (!methods.includes(method)) return { kind: "methodNotAllowed", key, allow: methods };
    if (!isRouteKey(key)) return { kind: "notFound", key };
    return captured === "" ? { kind: "route", key } : { kind: "route", key, id: captured };
  }
  return { kind: "notFound", key: `${method} (unmatched)` };
}
