import assert from "node:assert/strict";

import { escapeName, groupResourceNames, userResourceName } from "../../provider/resources/directory/naming";

describe("directory logical names (directory/naming.ts)", () => {
  it("keeps [a-z0-9._@-] and escapes everything else per UTF-8 byte, upper-case hex", () => {
    assert.equal(escapeName("az09._@-"), "az09._@-");
    assert.equal(escapeName("!#$"), "%21%23%24");
    assert.equal(escapeName("a+b"), "a%2Bb");
    assert.equal(escapeName("a_b"), "a_b");
    assert.equal(escapeName("%"), "%25");
    assert.equal(escapeName(" "), "%20");
    assert.equal(escapeName("\n"), "%0A");
    assert.equal(escapeName("A"), "%41");
    assert.equal(escapeName("é"), "%C3%A9");
    assert.equal(escapeName("😀"), "%F0%9F%98%80");
    assert.equal(escapeName("/:"), "%2F%3A");
    assert.equal(escapeName(""), "");
  });

  it("names a user by the normalised email, so case and spaces never rename", () => {
    assert.equal(userResourceName("  Ann.Lee+x@Example.COM "), "user-ann.lee%2Bx@example.com");
    assert.notEqual(userResourceName("a+b@x.io"), userResourceName("a_b@x.io"));
  });

  it("names a group by its id with the name-based alias, or by its name without one", () => {
    const byId = groupResourceNames(" Sales Team ", 42);
    assert.equal(byId.group, "group-id-42");
    assert.deepEqual(byId.groupAliases, [{ name: "group-sales%20team" }]);
    assert.equal(byId.members, "group-id-42-members");
    assert.deepEqual(byId.membersAliases, [{ name: "group-sales%20team-members" }]);
    assert.equal(byId.member(" Bo@X.io"), "group-id-42-member-bo@x.io");
    assert.deepEqual(byId.memberAliases("Bo@X.io"), [{ name: "group-sales%20team-member-bo@x.io" }]);

    const byName = groupResourceNames("Sales Team", undefined);
    assert.equal(byName.group, "group-sales%20team");
    assert.deepEqual(byName.groupAliases, []);
    assert.equal(byName.members, "group-sales%20team-members");
    assert.deepEqual(byName.membersAliases, []);
    assert.equal(byName.member("a@b.c"), "group-sales%20team-member-a@b.c");
    assert.deepEqual(byName.memberAliases("a@b.c"), []);
    assert.equal(groupResourceNames("x", 0).group, "group-id-0");
  });
});
