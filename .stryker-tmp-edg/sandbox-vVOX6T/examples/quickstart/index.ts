/**
 * Quickstart: three Domo users, each a DomoUser declared in TypeScript.
 *
 *   pulumi stack init dev
 *   pulumi config set domo:clientId <your API client id>
 *   pulumi config set --secret domo:clientSecret <its secret>
 *   pulumi preview --diff && pulumi up
 *
 * Change a title and run `pulumi up` again: the account is updated in place. Remove a user
 * and the account is deleted (or left alone, with deletionPolicy: "retain").
 */
// @ts-nocheck

import { DomoUser } from "pulumi-domo";

const euler = new DomoUser("leonhard-euler", {
  email: "leonhard.euler@example.com",
  name: "Leonhard Euler",
  role: "Admin",
  title: "Software Engineer",
  phone: "888-361-1352",
  location: "American Fork",
  timezone: "America/Denver",
  locale: "en-US",
  employeeNumber: 1707,
});

const noether = new DomoUser("emmy-noether", {
  email: "emmy.noether@example.com",
  name: "Emmy Noether",
  role: "Editor",
  title: "Data Analyst",
});

const gauss = new DomoUser("carl-gauss", {
  email: "carl.gauss@example.com",
  name: "Carl Friedrich Gauss",
  role: "Participant",
  // Domo e-mails an invitation when the account is created (off unless asked for).
  sendInvite: true,
});

/** Domo user id per email. */
export const userIds = {
  "leonhard.euler@example.com": euler.userId,
  "emmy.noether@example.com": noether.userId,
  "carl.gauss@example.com": gauss.userId,
};
/** Euler's id, e.g. for other resources that need it. */
export const eulerId = euler.userId;
