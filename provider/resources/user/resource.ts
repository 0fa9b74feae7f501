import * as pulumi from "@pulumi/pulumi";
import type { SystemRole, UserDeclarationInput } from "./declaration";

import serializedUserProvider = require("./serialized-provider");

import { userStateSchema } from "./state";

/** Inputs of a DomoUser: every field may come from another resource's output. */
export type DomoUserArgs = {
  /** The user's email: their identity in Domo, compared without case. */
  email: pulumi.Input<string>;
  name: pulumi.Input<string>;
  /** A system role (case-sensitive). Use roleId for a custom role. */
  role?: pulumi.Input<SystemRole>;
} & {
  [K in Exclude<keyof UserDeclarationInput, "role" | "email" | "name">]?: pulumi.Input<
    NonNullable<UserDeclarationInput[K]>
  >;
};

/** The Pulumi type token. Changing it would replace every user in every stack: never do. */
export const domoUserType = "pulumi-nodejs:dynamic/domo:User";

/** Every key the state holds becomes an output: the state schema is their single source of truth. */
const outputKeys = Object.keys(userStateSchema.shape);

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
    // The engine's import step reads with neither inputs nor state, so a dynamic provider
    // cannot serve it (its code lives in the state it is not given). Honour the `import`
    // option by turning it into importId: create then takes over that account, changing
    // only what the declaration says differently.
    const { import: importOption, ...rest } = opts ?? {};
    if (importOption !== undefined && props.importId === undefined) props.importId = importOption;
    super(serializedUserProvider, name, props, rest, "domo", "User");
  }
}
