import assert from "node:assert/strict";
import { matchRoute, ROUTE_KEYS } from "../../provider/emulator/routing";

// The route table: the keys, the matching and the Allow lists all come from it.

/** The route keys as they stood before the table; counters, faults, bench and docs use them. */
const KEYS_BEFORE_THE_TABLE = [
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
];

describe("emulator: the route table", () => {
  it("derives the same route keys, in the same order", () => {
    assert.deepEqual([...ROUTE_KEYS], KEYS_BEFORE_THE_TABLE);
  });

  it("matches each key's own path to that key, with its captures, trailing slash or not", () => {
    for (const key of ROUTE_KEYS) {
      const [method = "", pattern = ""] = key.split(" ");
      const path = pattern.replace("{id}", "7").replace("{userId}", "9");
      for (const p of [path, `${path}/`]) {
        const match = matchRoute(method, p);
        assert.equal(match.kind, "route", `${method} ${p}`);
        if (match.kind !== "route") continue;
        assert.equal(match.key, key);
        assert.equal(match.route.method, method);
        assert.equal(match.id, pattern.includes("{id}") ? "7" : undefined);
        assert.equal(match.userId, pattern.includes("{userId}") ? "9" : undefined);
      }
    }
  });

  it("answers a known path's other methods with Allow in GET, POST, PUT, DELETE order", () => {
    const allow = (path: string) => {
      const match = matchRoute("PATCH", path);
      assert.equal(match.kind, "methodNotAllowed", path);
      return match.kind === "methodNotAllowed" ? { key: match.key, allow: match.allow } : undefined;
    };
    assert.deepEqual(allow("/oauth/token"), { key: "PATCH /oauth/token", allow: ["GET", "POST"] });
    assert.deepEqual(allow("/v1/users"), { key: "PATCH /v1/users", allow: ["GET", "POST"] });
    assert.deepEqual(allow("/v1/users/bulk/emails"), { key: "PATCH /v1/users/bulk/emails", allow: ["POST"] });
    assert.deepEqual(allow("/v1/users/1"), { key: "PATCH /v1/users/{id}", allow: ["GET", "PUT", "DELETE"] });
    assert.deepEqual(allow("/v1/groups/1/users/2"), {
      key: "PATCH /v1/groups/{id}/users/{userId}",
      allow: ["PUT", "DELETE"],
    });
  });

  it("names an unknown path for the counters, and leaves /__admin to the admin routes", () => {
    assert.deepEqual(matchRoute("GET", "/v1/Users"), { kind: "notFound", key: "GET (unmatched)" });
    assert.deepEqual(matchRoute("GET", "/v1/users/1/x"), { kind: "notFound", key: "GET (unmatched)" });
    assert.deepEqual(matchRoute("POST", "/__admin/faults"), { kind: "admin", path: "/__admin/faults" });
  });
});
