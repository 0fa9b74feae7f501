/**
 * Users kept in users.yaml: people edit the file in pull requests, `pulumi preview --diff`
 * shows what will change, `pulumi up` makes Domo match it.
 *
 * The file is validated when the program starts, so a typo fails the preview with its line:
 *   users.yaml:14: users[3].role: role "admin" is not a Domo system role; ... use "Admin"
 */
// @ts-nocheck

import * as pulumi from "@pulumi/pulumi";
import { DomoUserDirectory } from "pulumi-domo";

const config = new pulumi.Config();

const directory = new DomoUserDirectory(
  "people",
  {
    file: config.get("usersFile") ?? "users.yaml",
    // Under the file's own defaults: the program's policy for every entry.
    defaults: { deletionPolicy: "retain" },
  },
  // Pulumi refuses to delete protected resources: removing someone then takes two steps.
  { protect: config.getBoolean("protectUsers") ?? false },
);

export const userIds = directory.userIds;
