import assert from "node:assert/strict";
import { type UserState, unknownValue, userStateSchema } from "../../provider/model";
import { diffUser } from "../../provider/resources/user/diff";

// What `pulumi preview` shows for a DomoUser: the fields to set, to clear, and settings.

const state = (extra: Record<string, unknown> = {}): UserState =>
  userStateSchema.parse({
    userId: 1000000001,
    email: "ann@x.io",
    name: "Ann",
    role: "Editor",
    title: "Lead",
    managedFields: ["email", "name", "role", "title"],
    ...extra,
  });
const decl = { email: "ann@x.io", name: "Ann", role: "Editor", title: "Lead" };

describe("DomoUser diff (user/diff.ts)", () => {
  it("no change for the same declaration, emails compared without case", () => {
    assert.deepEqual(diffUser(state(), decl), { changed: [], cleared: [], settings: [] });
    assert.deepEqual(diffUser(state(), { ...decl, email: "ANN@x.io" }).changed, []);
  });

  it("a changed or unknown field changes", () => {
    assert.deepEqual(diffUser(state(), { ...decl, title: "Boss" }).changed, ["title"]);
    assert.deepEqual(diffUser(state(), { ...decl, name: unknownValue }), {
      changed: ["name"],
      cleared: [],
      settings: [],
    });
  });

  it("a managed field no longer declared is cleared; an unmanaged or empty one is not", () => {
    const { title: _, ...noTitle } = decl;
    assert.deepEqual(diffUser(state(), noTitle), { changed: ["title"], cleared: ["title"], settings: [] });
    assert.deepEqual(diffUser(state({ managedFields: ["email", "name", "role"] }), noTitle).changed, []);
    assert.deepEqual(diffUser(state({ title: undefined }), noTitle).changed, []);
  });

  it("switching between role and roleId is no clear", () => {
    const { role: _, ...noRole } = decl;
    const toRoleId = diffUser(state({ managedFields: ["email", "name", "role", "title"] }), {
      ...noRole,
      roleId: 7,
    });
    assert.deepEqual(toRoleId.cleared, []);
    assert.deepEqual(toRoleId.changed, ["roleId"]);
    const toRole = diffUser(
      state({ role: undefined, roleId: 7, managedFields: ["email", "name", "roleId", "title"] }),
      decl,
    );
    assert.deepEqual(toRole.cleared, []);
    assert.deepEqual(toRole.changed, ["role"]);
    assert.deepEqual(diffUser(state(), noRole).cleared, []);
  });

  it("stored settings changed count; create-time settings never; absent means the default", () => {
    assert.deepEqual(diffUser(state(), { ...decl, deletionPolicy: "retain" }).settings, ["deletionPolicy"]);
    assert.deepEqual(diffUser(state({ deletionPolicy: "retain" }), decl).settings, ["deletionPolicy"]);
    assert.deepEqual(diffUser(state(), { ...decl, deletionPolicy: "delete" }).settings, []);
    assert.deepEqual(diffUser(state(), { ...decl, allowUnsafeAdminChanges: true }).settings, [
      "allowUnsafeAdminChanges",
    ]);
    assert.deepEqual(
      diffUser(state(), {
        ...decl,
        sendInvite: true,
        adoptExisting: true,
        importId: "1000000009",
        allowEmailChange: true,
      }).settings,
      [],
    );
  });
});
