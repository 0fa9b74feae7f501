import * as pulumi from "@pulumi/pulumi";
import type { SystemRole, UserDeclarationInput } from "./declaration";
import { serializedUserProvider } from "./serialized-provider";

/** Inputs of a DomoUser: every field may come from another resource's output. */
export type DomoUserArgs = {
  [K in Exclude<keyof UserDeclarationInput, "role">]: K extends "email" | "name"
    ? pulumi.Input<NonNullable<UserDeclarationInput[K]>>
    : pulumi.Input<NonNullable<UserDeclarationInput[K]>> | undefined;
} & {
  /** A system role (case-sensitive). Use roleId for a custom role. */
  role?: pulumi.Input<SystemRole>;
};

/** The Pulumi type token. Changing it would replace every user in every stack: never do. */
export const domoUserType = "pulumi-nodejs:dynamic/domo:User";

const outputKeys = [
  "userId",
  "role",
  "roleId",
  "title",
  "alternateEmail",
  "phone",
  "location",
  "timezone",
  "locale",
  "employeeNumber",
  "groups",
  "image",
  "createdAt",
  "updatedAt",
  "managedFields",
  "deletionPolicy",
] as const;

/**
 * A Domo user account, converged to its declaration by `pulumi up`: created (or adopted),
 * updated in place, and deleted (or retained) when removed from the program.
 */
export class DomoUser extends pulumi.dynamic.Resource {
  /** Domo's numeric id of the user (also the resource id). */
  declare readonly userId: pulumi.Output<number>;
  declare readonly email: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly role: pulumi.Output<string | undefined>;
  declare readonly roleId: pulumi.Output<number | undefined>;
  declare readonly title: pulumi.Output<string | undefined>;
  declare readonly alternateEmail: pulumi.Output<string | undefined>;
  declare readonly phone: pulumi.Output<string | undefined>;
  declare readonly location: pulumi.Output<string | undefined>;
  declare readonly timezone: pulumi.Output<string | undefined>;
  declare readonly locale: pulumi.Output<string | undefined>;
  declare readonly employeeNumber: pulumi.Output<number | string | undefined>;
  /** Names of the groups the user belongs to, as Domo reports them. */
  declare readonly groups: pulumi.Output<string[] | undefined>;
  declare readonly image: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<string | undefined>;
  declare readonly updatedAt: pulumi.Output<string | undefined>;
  /** Fields this declaration manages: removing one from the declaration clears it in Domo. */
  declare readonly managedFields: pulumi.Output<string[]>;
  declare readonly deletionPolicy: pulumi.Output<"delete" | "retain">;

  constructor(name: string, args: DomoUserArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = { ...args };
    // Keys listed as undefined become outputs of the resource.
    for (const key of outputKeys) if (!(key in props)) props[key] = undefined;
    super(serializedUserProvider, name, props, opts, "domo", "User");
  }
}
