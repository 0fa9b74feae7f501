/**
 * Bringing accounts that already exist in Domo under Pulumi, two ways.
 *
 * 1. By id: the entry names the account (`pulumi-domo export` writes such entries for a
 *    whole instance). The directory gives the user Pulumi's `import` option, which DomoUser
 *    carries out itself: the first `pulumi up` takes that account over, writing nothing when
 *    Domo already matches the entry and updating only what the entry says differently. The
 *    id matters only then: keeping it in the file afterwards changes nothing.
 *
 * 2. By email (adoptExisting): when `pulumi up` would create the user and Domo already has
 *    that email, the account is taken over and converged to the entry instead of failing
 *    with "user already exists"; if there is no such account, it is created.
 *
 * Either way, an account taken over is Pulumi's from then on: removing its entry deletes it,
 * unless its deletionPolicy is "retain" (the default below), which leaves it in Domo.
 * `pulumi-domo audit` lists what differs before you run `pulumi up`.
 */
// @ts-nocheck

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
