/**
 * Quickstart: three Domo users, declared in TypeScript.
 *
 *   pulumi stack init dev
 *   pulumi config set domo:clientId <your API client id>
 *   pulumi config set --secret domo:clientSecret <its secret>
 *   pulumi up
 *
 * Change a title and run `pulumi up` again: the account is updated in place. Remove an entry
 * and the account is deleted (or left alone, with deletionPolicy: "retain").
 */
import { DomoUserDirectory } from "pulumi-domo";

const team = new DomoUserDirectory("quickstart", {
  users: [
    {
      email: "leonhard.euler@example.com",
      name: "Leonhard Euler",
      role: "Admin",
      title: "Software Engineer",
      phone: "888-361-1352",
      location: "American Fork",
      timezone: "America/Denver",
      locale: "en-US",
      employeeNumber: 1707,
    },
    {
      email: "emmy.noether@example.com",
      name: "Emmy Noether",
      role: "Editor",
      title: "Data Analyst",
    },
    {
      email: "carl.gauss@example.com",
      name: "Carl Friedrich Gauss",
      role: "Participant",
      // Domo e-mails an invitation when the account is created (off unless asked for).
      sendInvite: true,
    },
  ],
});

/** Domo user id per email. */
export const userIds = team.userIds;
/** Euler's id, e.g. for other resources that need it. */
export const eulerId = team.users["leonhard.euler@example.com"]?.userId;
