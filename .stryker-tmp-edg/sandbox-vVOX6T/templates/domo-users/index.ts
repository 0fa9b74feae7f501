/**
 * Domo's users are whatever users.yaml says. Edit the file in a pull request, review
 * `pulumi preview --diff`, merge, and `pulumi up` makes Domo match.
 *
 * The file is read and validated when the program starts, so a mistake fails the preview with
 * file, line and field, before anything reaches Domo.
 */
// @ts-nocheck

import * as pulumi from "@pulumi/pulumi";
import { DomoUserDirectory } from "pulumi-domo";

const config = new pulumi.Config();

const directory = new DomoUserDirectory("users", {
  file: "users.yaml",
  // Refuses a run that would delete most of the file's accounts (an emptied or truncated file);
  // `pulumi config set allowMassDeletion true` says it is meant, for one run.
  allowMassDeletion: config.getBoolean("allowMassDeletion") ?? false,
});

/** Domo user id per (lowercased) email. */
export const userIds = directory.userIds;
