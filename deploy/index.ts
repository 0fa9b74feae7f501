/**
 * The repository's own Pulumi program: Domo's users are whatever users.yaml says.
 *
 *   npm run build                               # the program imports the built package
 *   pulumi config set domo:apiHost https://api.domo.com
 *   pulumi config set domo:clientId <id>
 *   pulumi config set --secret domo:clientSecret <secret>
 *   pulumi preview --diff && pulumi up
 */
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DomoUserDirectory } from "pulumi-domo";

const config = new pulumi.Config();
// Pulumi runs a program in the directory of `main` (deploy/), not beside Pulumi.yaml: resolve
// the users file against the project directory, where people keep and name it.
const projectDir = path.resolve(__dirname, "..");
const usersFile = path.resolve(projectDir, config.get("usersFile") ?? "users.yaml");

// Read and validated now, while the program runs: a mistake in the file fails the preview
// with file, line and field, before anything reaches Domo.
// The mass-deletion guard refuses a run that would delete most of the file's accounts (an
// emptied or truncated file); `pulumi config set allowMassDeletion true` says it is meant (for one run).
const directory = new DomoUserDirectory("users", {
  file: usersFile,
  allowMassDeletion: config.getBoolean("allowMassDeletion") ?? false,
});

/** Domo user id per email. */
export const userIds = directory.userIds;
/** Domo group id per group name. */
export const groupIds = directory.groupIds;
/** How many users the file declares, and how many of them take over an existing account by id. */
export const declared = {
  users: directory.declarations.length,
  takenOverById: directory.declarations.filter((u) => u.id !== undefined).length,
};
