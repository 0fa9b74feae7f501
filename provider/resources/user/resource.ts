import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import {
  type StoredSettings,
  type SystemRole,
  type UserDeclarationInput,
  type UserState,
  userOutputKeys,
  userSettingsShape,
} from "../../model";
import { DeclaredOnce } from "../../model/declared-once";

type StoredSettingField = keyof StoredSettings;

import { DomoDynamicResource, type OutputsOf } from "../dynamic-resource";

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

export { domoUserType } from "./resource-type";

/**
 * What this program has declared so far, per stack resource (so programs run one after another
 * in one process, as in tests, do not see each other's).
 */
const declaredByStack = new WeakMap<object, DeclaredOnce>();
const outsideAnyStack = {};

/**
 * One account, one resource (model/declared-once.ts): a second DomoUser with the same email
 * fails the program, so preview stops before anything reaches Domo. Emails known only at
 * apply are checked when they resolve.
 */
function claimEmail(resourceName: string, email: string): void {
  const scope = pulumi.runtime.getStackResource() ?? outsideAnyStack;
  let declared = declaredByStack.get(scope);
  if (!declared) {
    declared = new DeclaredOnce({ user: "DomoUser", group: "DomoGroup" });
    declaredByStack.set(scope, declared);
  }
  const refused = declared.email(resourceName, email);
  if (refused !== undefined) throw new pulumi.RunError(refused);
}

/**
 * A Domo user account, converged to its declaration by `pulumi up`: created (or adopted),
 * updated in place, and deleted (or retained) when removed from the program.
 */
export interface DomoUser extends OutputsOf<UserState, "userId" | StoredSettingField> {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the outputs the engine sets on the instance
export class DomoUser extends DomoDynamicResource {
  /**
   * Domo's numeric id of the user, read from the resource id: it stays known in a preview of an
   * update (where a dynamic resource's outputs are all unknown, its id is not).
   */
  declare readonly userId: pulumi.Output<number>;
  // The settings' outputs are the declared value or its default (the state leaves defaults out).
  declare readonly deletionPolicy: pulumi.Output<"delete" | "retain">;
  declare readonly sendInvite: pulumi.Output<boolean>;
  declare readonly adoptExisting: pulumi.Output<boolean>;
  declare readonly allowUnsafeAdminChanges: pulumi.Output<boolean>;

  constructor(name: string, args: DomoUserArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = { ...args };
    // Keys listed as undefined become outputs of the resource.
    for (const key of userOutputKeys) if (!(key in props)) props[key] = undefined;
    if (typeof args.email === "string") claimEmail(name, args.email);
    else if (args.email !== undefined)
      pulumi.output(args.email).apply((email) => {
        if (typeof email === "string") claimEmail(name, email);
      });
    // The engine's import step reads with neither inputs nor state, so a dynamic provider
    // cannot serve it (its code lives in the state it is not given). Honour the `import`
    // option by turning it into importId: create then takes over that account, changing
    // only what the declaration says differently.
    const { import: importOption, ...rest } = opts ?? {};
    if (importOption !== undefined && props.importId === undefined) props.importId = importOption;
    super("User", name, props, rest);
    // The state's userId output equals the id; the id is what a preview of an update still knows.
    this.userId = userIdOf(this.id);
    // The state leaves settings at their default out (see stateOutputs in runtime.ts): these
    // outputs are the declared setting, or its default.
    this.sendInvite = settingOutput(args.sendInvite, userSettingsShape.sendInvite);
    this.adoptExisting = settingOutput(args.adoptExisting, userSettingsShape.adoptExisting);
    this.deletionPolicy = settingOutput(args.deletionPolicy, userSettingsShape.deletionPolicy);
    this.allowUnsafeAdminChanges = settingOutput(
      args.allowUnsafeAdminChanges,
      userSettingsShape.allowUnsafeAdminChanges,
    );
  }
}

/** A setting's output: its declared value, or the default its schema gives (also for a bad value, which check refuses). */
function settingOutput<S extends z.ZodType>(
  given: pulumi.Input<z.input<S>> | undefined,
  shape: S,
): pulumi.Output<z.output<S>> {
  return pulumi.output(given).apply((value): z.output<S> => {
    const parsed = shape.safeParse(value);
    return parsed.success ? parsed.data : shape.parse(undefined);
  });
}

/** A DomoUser's resource id (Domo's user id as digits) as the number Domo uses. */
export function userIdOf(id: pulumi.Input<string>): pulumi.Output<number> {
  return pulumi.output(id).apply((value) => Number(value));
}
