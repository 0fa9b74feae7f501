/**
 * Custom roles. Domo addresses the five system roles (Admin, Privileged, Editor, Participant,
 * Social) by name, and custom roles by id only: find the id under Admin > Roles, or in
 * `pulumi-domo export`, which writes roleId for users with a custom role.
 *
 * An entry sets role or roleId, never both; switching between them updates the user in place.
 */
// @ts-nocheck

import * as pulumi from "@pulumi/pulumi";
import { DomoUserDirectory } from "pulumi-domo";

const config = new pulumi.Config();
// Role ids differ between Domo instances: keep them in stack config, not in code.
const dataStewardRoleId = config.getNumber("dataStewardRoleId") ?? 6;

const stewards = new DomoUserDirectory("stewards", {
  // Every entry gets the custom role unless it chooses its own role or roleId.
  defaults: { roleId: dataStewardRoleId },
  users: [
    { email: "rosalind.franklin@example.com", name: "Rosalind Franklin", title: "Data steward" },
    { email: "barbara.mcclintock@example.com", name: "Barbara McClintock", title: "Data steward" },
    // A system role by name replaces the default custom role for this entry.
    { email: "dorothy.hodgkin@example.com", name: "Dorothy Hodgkin", role: "Admin", title: "Steward lead" },
  ],
});

export const userIds = stewards.userIds;
