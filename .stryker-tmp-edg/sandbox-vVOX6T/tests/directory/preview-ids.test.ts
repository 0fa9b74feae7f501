// @ts-nocheck
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DomoUserDirectory } from "../../provider/resources/directory";
import { DomoUser, domoUserType } from "../../provider/resources/user";

/** What an Output holds without waiting for apply callbacks that preview never runs. */
interface OutputInternals<T> {
  isKnown: Promise<boolean>;
  promise(): Promise<T>;
}
async function inspect<T>(output: pulumi.Output<T>): Promise<{ known: boolean; value: T }> {
  const o = output as unknown as OutputInternals<T>;
  return { known: await o.isKnown, value: await o.promise() };
}

/**
 * In a preview of an update the engine knows a dynamic resource's id but none of its outputs
 * (dynamic providers cannot mark outputs stable). Mocks in preview mode that return an id and
 * no state stand for that: userIds and userId must stay known, read from the id.
 */
describe("ids stay known in a preview of an update", () => {
  const ids: Record<string, string> = {
    "ada@example.com": "1000000011",
    "bob@example.com": "1000000012",
    "loose@example.com": "1000000013",
  };

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          const email = typeof args.inputs.email === "string" ? args.inputs.email : "";
          // An id, and no outputs at all: as the engine answers for an updated dynamic resource.
          return { id: args.type === domoUserType ? (ids[email] ?? "1") : `${args.name}-id`, state: {} };
        },
        call: () => ({}),
      },
      "domo-users",
      "preview",
      true,
    );
  });

  it("DomoUserDirectory.userIds is known, from each user's id", async () => {
    const directory = new DomoUserDirectory("people", {
      users: [
        { email: "Ada@Example.com", name: "Ada", role: "Admin" },
        { email: "bob@example.com", name: "Bob", role: "Editor", title: "T" },
      ],
    });
    const userIds = await inspect(directory.userIds);
    assert.equal(userIds.known, true);
    assert.deepEqual(userIds.value, { "ada@example.com": 1000000011, "bob@example.com": 1000000012 });
    // The outputs themselves are unknown here, as in the engine's preview.
    const title = await inspect(directory.users["bob@example.com"]!.title);
    assert.equal(title.known, false);
  });

  it("DomoUser.userId is known and numeric, from the id", async () => {
    const user = new DomoUser("loose", { email: "loose@example.com", name: "Loose", role: "Social" });
    const userId = await inspect(user.userId);
    assert.equal(userId.known, true);
    assert.equal(userId.value, 1000000013);
  });
});
