/**
 * Bringing accounts that already exist in Domo under Pulumi, two ways.
 *
 * 1. By id (Pulumi's `import`): the entry names the account. The first `pulumi up` reads it
 *    and records it with no change when Domo already matches the entry (`pulumi-domo export`
 *    writes such entries for a whole instance). Leaving `id` in place afterwards is fine:
 *    Pulumi treats an already-imported resource with the same id like any other. Do not
 *    change an id once imported: Pulumi would replace the recorded account with the new one.
 *
 * 2. By email (adoptExisting): when `pulumi up` would create the user and Domo already has
 *    that email, the account is taken over and converged to the entry instead of failing
 *    with "user already exists". Taking over changes nothing when the fields already match.
 *
 * Either way, an account taken over is Pulumi's from then on: removing its entry deletes it,
 * unless its deletionPolicy is "retain" (the default below), which leaves it in Domo.
 */
import { DomoUserDirectory } from "pulumi-domo";

const existing = new DomoUserDirectory("existing", {
  defaults: { deletionPolicy: "retain" },
  users: [
    // Known by id, e.g. from `pulumi-domo export` or Domo's admin pages.
    {
      id: 1000000002,
      email: "jane.doe@example.com",
      name: "Jane Doe",
      role: "Editor",
    },
    // Known by email only: found and taken over on first `pulumi up`, created if absent.
    {
      email: "john.roe@example.com",
      name: "John Roe",
      role: "Participant",
      title: "Sales",
      adoptExisting: true,
    },
  ],
});

export const userIds = existing.userIds;
