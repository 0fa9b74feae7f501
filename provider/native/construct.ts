import * as pulumi from "@pulumi/pulumi";
import type * as pulumiProvider from "@pulumi/pulumi/provider";
import type { DirectoryChildren } from "../resources/directory/children";
import {
  type DomoUserDirectoryArgs,
  declareDirectory,
  directoryOutputs,
} from "../resources/directory/component";
import type { DomoUserBatchArgs } from "../resources/user/batch-resource";
import { releaseConstructInputs } from "./memory";
import { type NativeResourceKind, nativeComponentTypes, nativeResourceTypes } from "./tokens";

/**
 * Construct: the component `domo:index:UserDirectory` for programs in any language, built by
 * the TypeScript component's own planning (declareDirectory in resources/directory/component.ts:
 * the same child names, aliases, inputs, dependsOn order and deletion guard) with the native
 * provider's resources as its children (`domo:index:User`, `UserBatch`, `Group`, `GroupMembers`,
 * `GroupMembership`, `DirectoryDeletionGuard`), which this same provider then serves.
 *
 * Inputs: those of DomoUserDirectoryArgs but `userOptions` (TypeScript only: resource options
 * on the component apply instead). `file` is read by this provider process, whose working
 * directory is the program's (the engine starts both in the project directory, or in `main`
 * when that is a directory): a relative path means the same as it does to the program.
 */
export const constructInputs = [
  "file",
  "users",
  "groups",
  "defaults",
  "allowMassDeletion",
  "maxDeletes",
  "mode",
  "batchSize",
] as const satisfies readonly (keyof DomoUserDirectoryArgs)[];

export async function constructComponent(
  name: string,
  type: string,
  inputs: pulumi.Inputs,
  options: pulumi.ComponentResourceOptions,
): Promise<pulumiProvider.ConstructResult> {
  if (type !== nativeComponentTypes.UserDirectory) {
    throw new pulumi.RunError(`the domo provider has no component ${type}`);
  }
  // The SDK has read the request's inputs into `inputs`: its Struct (every user) can go.
  releaseConstructInputs();
  const args = await directoryArgs(name, inputs);
  const opts = componentOptions(options);
  const component = new NativeUserDirectory(name, opts);
  const built = declareDirectory(component, name, args, opts, nativeDirectoryChildren);
  const outputs = directoryOutputs(built);
  component.complete(outputs);
  return { urn: component.urn, state: outputs };
}

/** The component itself: registered by Construct under the URN the program asked for. */
class NativeUserDirectory extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super(nativeComponentTypes.UserDirectory, name, {}, opts);
  }

  complete(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

/**
 * The SDK's server rebuilds the component's options from the request, where an unset `protect`
 * or `retainOnDelete` arrives as false: unset, as the TypeScript component sees them.
 */
function componentOptions(options: pulumi.ComponentResourceOptions): pulumi.ComponentResourceOptions {
  const { protect, retainOnDelete, ...rest } = options;
  return {
    ...rest,
    ...(protect ? { protect } : {}),
    ...(retainOnDelete ? { retainOnDelete } : {}),
  };
}

/** The Node SDK's Output, with the members it keeps internal: its value and whether it is known. */
interface ResolvableOutput {
  promise(withUnknowns?: boolean): Promise<unknown>;
  isKnown: Promise<boolean>;
}

/**
 * The component's args as plain values. The SDK hands inputs over as they came (plain, or as
 * Outputs when secret or from another resource): the directory plans from plain values, read
 * when the program runs, so an input not known yet (another resource's output at preview) is
 * refused, naming it.
 */
async function directoryArgs(name: string, inputs: pulumi.Inputs): Promise<DomoUserDirectoryArgs> {
  const errors: { propertyPath: string; reason: string }[] = [];
  const args: Record<string, unknown> = {};
  for (const [key, input] of Object.entries(inputs ?? {})) {
    if (!(constructInputs as readonly string[]).includes(key)) {
      errors.push({
        propertyPath: key,
        reason:
          key === "userOptions"
            ? "userOptions is for TypeScript programs only: give resource options (protect, retainOnDelete…) to the UserDirectory itself"
            : `UserDirectory has no input ${key} (it takes ${constructInputs.join(", ")})`,
      });
      continue;
    }
    const output = pulumi.output(input) as unknown as ResolvableOutput;
    const [value, known] = await Promise.all([output.promise(), output.isKnown]);
    if (!known) {
      errors.push({
        propertyPath: key,
        reason: `${key} is not known yet (it comes from another resource's output): the directory's declarations must be known when the program runs`,
      });
      continue;
    }
    if (value !== undefined && value !== null) args[key] = value;
  }
  if (errors.length > 0) {
    throw new pulumi.InputPropertiesError({
      message: `UserDirectory "${name}": invalid inputs`,
      errors,
    });
  }
  return args as DomoUserDirectoryArgs;
}

function custom(
  kind: NativeResourceKind,
  name: string,
  props: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  return new NativeResource(nativeResourceTypes[kind], name, props, opts);
}

/** A native resource: its type token, inputs and options as given. */
class NativeResource extends pulumi.CustomResource {}

/**
 * The `import` option as the dynamic resources honour it: the `importId` input, so the create
 * takes the account over (changing only what differs) and the inputs recorded are the same as
 * the TypeScript component's.
 */
function importing(
  args: object,
  opts: pulumi.CustomResourceOptions,
): [Record<string, unknown>, pulumi.CustomResourceOptions] {
  const { import: importOption, ...rest } = opts;
  const props: Record<string, unknown> = { ...args };
  if (importOption !== undefined && props.importId === undefined) props.importId = importOption;
  return [props, rest];
}

/** A `domo:index:UserBatch`: its `userIds` output is what the directory reads. */
class NativeUserBatch extends pulumi.CustomResource {
  declare readonly userIds: pulumi.Output<Record<string, number>>;
  constructor(name: string, args: DomoUserBatchArgs, opts: pulumi.CustomResourceOptions) {
    // The same inputs DomoUserBatch registers (its `batch` is its name).
    super(nativeResourceTypes.UserBatch, name, { users: args.users, batch: name, userIds: undefined }, opts);
  }
}

/** The directory's children as the native provider's resources. */
export const nativeDirectoryChildren: DirectoryChildren<
  pulumi.CustomResource,
  NativeUserBatch,
  pulumi.CustomResource
> = {
  guard: (name, inputs, opts) => custom("DirectoryDeletionGuard", name, inputs, opts),
  user: (name, args, opts) => custom("User", name, ...importing(args, opts)),
  userBatch: (name, args, opts) => new NativeUserBatch(name, args, opts),
  group: (name, args, opts) => custom("Group", name, ...importing(args, opts)),
  groupMembers: (name, args, opts) => custom("GroupMembers", name, { ...args }, opts),
  groupMembership: (name, args, opts) => custom("GroupMembership", name, { ...args }, opts),
};
