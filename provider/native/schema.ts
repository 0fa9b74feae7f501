import { z } from "zod";
import { clientSettingsSchema, settingSource } from "../client/config";
import {
  deletionPolicies,
  groupDeclarationSchema,
  groupMembersDeclarationSchema,
  groupMembershipDeclarationSchema,
  groupMembershipStateSchema,
  groupMembersStateSchema,
  groupStateSchema,
  membershipModes,
  storedGroupSettingFields,
  storedSettingFields,
  systemRoles,
  userDeclarationSchema,
  userProfileShape,
  userStateSchema,
} from "../model";
import type { DomoUserDirectoryArgs } from "../resources/directory/component";
import {
  batchSizeSchema,
  directoryModeSchema,
  directoryModes,
  entryFields,
  userGroupsSchema,
  usersFileDefaultsSchema,
  usersFileEntrySchema,
  usersFileGroupSchema,
} from "../usersfile/schema";
import {
  deletionGuardShape,
  getGroupInputShape,
  getUserInputShape,
  userBatchInputShape,
  userBatchOutputShape,
  userDirectoryOutputShape,
} from "./schema-internal";
import {
  type ComplexTypeSpec,
  descriptionsOf,
  type ObjectSpec,
  objectSpec,
  type PropertySpec,
  shapeOf,
  TypeRegistry,
} from "./schema-zod";
import { nativeComponentTypes, nativeFunctionTokens, nativeResourceTypes, packageName } from "./tokens";

/**
 * The `domo` package schema, derived from the zod model: every resource's inputs come from its
 * declaration schema, its outputs from its state schema, the provider's configuration from the
 * client settings, descriptions from the schemas' `.describe()`. Nothing here lists a field:
 * a field added to the model appears in the schema (and, after `npm run gen:sdks`, in every
 * SDK) with no other edit. The server's GetSchema answers `schemaJson(version)`.
 */

/** The names the generated SDKs are published under (docs/native-schema.md). */
export const sdkNames = {
  nodejs: "@pulumi-domo/domo",
  python: "pulumi_domo",
  go: "github.com/pulumi-domo/pulumi-domo/sdk/go/domo",
  dotnet: "PulumiDomo.Domo",
  java: "com.pulumidomo.domo",
} as const;

/** The lowest `pulumi` Python SDK the generated Python SDK asks for (PyPI serves up to 3.272.0 here). */
export const pythonPulumiRequirement = ">=3.200.0,<4.0.0";

type Shape = Record<string, z.ZodType>;

/** A Pulumi resource spec (pulumi.json `resourceSpec`), as far as this package uses it. */
export interface ResourceSpec {
  description: string;
  isComponent?: boolean;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  properties: Record<string, PropertySpec>;
  required: string[];
}

export interface FunctionSpec {
  description: string;
  inputs: { properties: Record<string, PropertySpec>; required?: string[] };
  outputs: { properties: Record<string, PropertySpec>; required: string[] };
}

export interface PackageSchema {
  name: string;
  version: string;
  displayName: string;
  description: string;
  keywords: string[];
  homepage: string;
  repository: string;
  license: string;
  publisher: string;
  config: { variables: Record<string, PropertySpec> };
  provider: {
    description: string;
    inputProperties: Record<string, PropertySpec>;
    properties: Record<string, PropertySpec>;
  };
  types: Record<string, ComplexTypeSpec>;
  resources: Record<string, ResourceSpec>;
  functions: Record<string, FunctionSpec>;
  language: Record<string, unknown>;
}

const managedByDirectory =
  "Managed by a UserDirectory: it makes, updates and deletes this resource; do not declare one yourself.";

/** The UserDirectory component's inputs: DomoUserDirectoryArgs minus TypeScript-only resource options. */
function userDirectoryInputShape(directoryUser: z.ZodType) {
  return {
    file: z
      .string()
      .optional()
      .describe(
        "A users file (YAML or JSON), relative to the working directory (for `pulumi up`, the project directory). Read at program start, so mistakes fail the preview.",
      ),
    users: z.array(directoryUser).optional().describe("The users, declared inline instead of in a file."),
    groups: z
      .array(usersFileGroupSchema)
      .optional()
      .describe("With `users`: the groups they name (as a users file's `groups:`)."),
    defaults: usersFileDefaultsSchema
      .optional()
      .describe(
        "Defaults for every entry. A file's own `defaults:` win over these; an entry's own values win over both. Use `{ deletionPolicy: \"retain\" }` to leave removed users in Domo.",
      ),
    allowMassDeletion: z
      .boolean()
      .optional()
      .describe(
        "Let this run delete more of the directory's accounts than the mass-deletion guard allows (every account of two or more, or more than 5 and more than 10%). Meant for one run: an emptied or truncated users file otherwise fails the preview, before any call to Domo.",
      ),
    maxDeletes: z
      .number()
      .int()
      .optional()
      .describe("Replace the guard's default threshold: refuse a run that would delete more than this many."),
    mode: directoryModeSchema
      .optional()
      .describe(
        '"perUser" (default): one User per entry. "bulk": the entries in UserBatch resources of up to about `batchSize` users each. A users file\'s top-level `mode:` wins. Switching modes makes no call that writes to Domo and deletes no one.',
      ),
    batchSize: batchSizeSchema
      .optional()
      .describe("Bulk mode: users per batch, at most (default 500). A users file's `batchSize:` wins."),
  } satisfies Record<Exclude<keyof DomoUserDirectoryArgs, "userOptions">, z.ZodType>;
}

/** One users-file entry: a User declaration (without importId), its `id`, and its `groups`. */
function directoryUserSchema(): z.ZodObject {
  const entry = shapeOf(usersFileEntrySchema);
  const shape: Shape = {};
  for (const key of entryFields) {
    shape[key] =
      key === "groups"
        ? userGroupsSchema
            .optional()
            .describe("Names of groups (declared under `groups`) the user belongs to.")
        : (entry[key] as z.ZodType);
  }
  return z.object(shape);
}

/** The package schema for `version` (semver, without a leading v). */
export function packageSchema(version: string): PackageSchema {
  const registry = new TypeRegistry(packageName);
  registry.nameEnum("SystemRole", systemRoles, "A Domo system role (case-sensitive).");
  registry.nameEnum(
    "DeletionPolicy",
    deletionPolicies,
    '"delete": remove it from Domo when the resource goes; "retain": leave it in Domo.',
  );
  registry.nameEnum(
    "DirectoryMode",
    directoryModes,
    '"perUser": one User per entry; "bulk": UserBatch resources holding many users each.',
  );
  registry.nameEnum(
    "MembershipMode",
    membershipModes,
    '"authoritative": the users that list the group are exactly its members; "additive": they are members, others are left alone.',
  );
  // A role is a string checked against the system roles (with a hint for near misses), not a zod enum.
  registry.override(userProfileShape.role.unwrap(), registry.refTo("SystemRole"));

  const userInputs = shapeOf(userDeclarationSchema);
  const userDescriptions = descriptionsOf(userInputs);
  const groupInputs = shapeOf(groupDeclarationSchema);
  const groupDescriptions = descriptionsOf(groupInputs);

  const directoryUser = directoryUserSchema();
  registry.nameObject(directoryUser, "DirectoryUser", () =>
    objectType(
      "One user of a UserDirectory: a User declaration, its `id` and its `groups`.",
      directoryUser.shape,
      {
        fallback: userDescriptions,
      },
    ),
  );
  registry.nameObject(usersFileGroupSchema, "DirectoryGroup", () =>
    objectType("One group of a UserDirectory.", usersFileGroupSchema.shape, { fallback: groupDescriptions }),
  );
  registry.nameObject(usersFileDefaultsSchema, "DirectoryDefaults", () =>
    objectType("Defaults for every entry of a UserDirectory.", shapeOf(usersFileDefaultsSchema), {
      fallback: userDescriptions,
    }),
  );

  function objectType(
    description: string,
    shape: Shape,
    o: { fallback?: Record<string, string> },
  ): ComplexTypeSpec {
    const spec = objectSpec(shape, registry, {
      side: "input",
      required: "input",
      where: description,
      ...(o.fallback ? { fallbackDescriptions: o.fallback } : {}),
    });
    return { type: "object", description, ...spec };
  }

  function inputs(shape: Shape, where: string, fallback?: Record<string, string>): ObjectSpec {
    return objectSpec(shape, registry, {
      side: "input",
      required: "input",
      where,
      ...(fallback ? { fallbackDescriptions: fallback } : {}),
    });
  }

  function outputs(shape: Shape, where: string, fallback?: Record<string, string>): ObjectSpec {
    return objectSpec(shape, registry, {
      side: "output",
      required: "output",
      where,
      ...(fallback ? { fallbackDescriptions: fallback } : {}),
    });
  }

  function resource(description: string, input: ObjectSpec, output: ObjectSpec): ResourceSpec {
    return {
      description,
      inputProperties: input.properties,
      requiredInputs: input.required,
      properties: output.properties,
      required: output.required,
    };
  }

  const resources: Record<string, ResourceSpec> = {};
  {
    const input = inputs(userInputs, "User");
    resources[nativeResourceTypes.User] = resource(
      "A Domo user account, converged to its declaration by `pulumi up`: created (or adopted), updated in place, and deleted (or retained) when removed from the program. Its id is Domo's user id.",
      input,
      outputs(userStateSchema.shape, "User", userDescriptions),
    );
  }
  resources[nativeResourceTypes.Group] = resource(
    "A Domo group, converged to its declaration by `pulumi up`: created (or adopted), renamed in place (same id, never replaced), deleted or retained when removed. Deleting a group that still has members, or Domo's Default group, is refused.",
    inputs(groupInputs, "Group"),
    outputs(groupStateSchema.shape, "Group", groupDescriptions),
  );
  {
    const shape = shapeOf(groupMembersDeclarationSchema);
    resources[nativeResourceTypes.GroupMembers] = resource(
      "A group's complete member list (authoritative): `up` adds the declared members and removes everyone else, and a member added or removed in Domo shows as drift after `refresh`. Never combine it with GroupMembership on the same group: that is refused.",
      inputs(shape, "GroupMembers"),
      outputs(groupMembersStateSchema.shape, "GroupMembers", descriptionsOf(shape)),
    );
  }
  {
    const shape = shapeOf(groupMembershipDeclarationSchema);
    resources[nativeResourceTypes.GroupMembership] = resource(
      "One user in one group (additive): other members are left alone. Its id is `<groupId>|<userId>`. Set exactly one of userId or email. Never combine it with GroupMembers on the same group: that is refused.",
      inputs(shape, "GroupMembership"),
      outputs(groupMembershipStateSchema.shape, "GroupMembership", descriptionsOf(shape)),
    );
  }
  resources[nativeResourceTypes.UserBatch] = resource(
    `Many Domo users in one resource, each converged by User's own per-user logic. ${managedByDirectory}`,
    inputs(userBatchInputShape, "UserBatch"),
    outputs(userBatchOutputShape, "UserBatch"),
  );
  resources[nativeResourceTypes.DirectoryDeletionGuard] = resource(
    `A UserDirectory's deletion guard and identity record: its check fails a preview that would delete too many of the directory's accounts, or that looks like a person or group deleted and made again. It never calls Domo. ${managedByDirectory}`,
    inputs(deletionGuardShape, "DirectoryDeletionGuard"),
    outputs(deletionGuardShape, "DirectoryDeletionGuard"),
  );
  resources[nativeComponentTypes.UserDirectory] = {
    ...resource(
      'A list of Domo users (a users file or an inline list) converged as a whole: one User per entry (or UserBatch resources in bulk mode), its groups and their members, behind a mass-deletion guard. Adding an entry creates (or, with `id`/`adoptExisting`, takes over) an account; removing one deletes it (or leaves it, with deletionPolicy "retain"); editing one updates the account in place.',
      inputs(userDirectoryInputShape(directoryUser), "UserDirectory"),
      outputs(userDirectoryOutputShape, "UserDirectory"),
    ),
    isComponent: true,
  };

  // Functions: the user's (group's) fields as the state keeps them, without the provider settings.
  const userFields = omitKeys(userStateSchema.shape, [...storedSettingFields, "managedFields"]);
  const groupFields = omitKeys(groupStateSchema.shape, storedGroupSettingFields);
  const functions: Record<string, FunctionSpec> = {
    [nativeFunctionTokens.getUser]: {
      description: "Looks a Domo user up by email or by id (set one). Fails when there is no such user.",
      inputs: { properties: inputs(getUserInputShape, "getUser").properties },
      outputs: outputs(userFields, "getUser", userDescriptions),
    },
    [nativeFunctionTokens.getGroup]: {
      description: "Looks a Domo group up by name or by id (set one). Fails when there is no such group.",
      inputs: { properties: inputs(getGroupInputShape, "getGroup").properties },
      outputs: outputs(groupFields, "getGroup", groupDescriptions),
    },
  };

  const settings = clientSettingsSchema.shape as Shape;
  const environment = Object.fromEntries(Object.keys(settings).map((k) => [k, [settingEnv(k)]]));
  const configVariables = objectSpec(settings, registry, {
    side: "input",
    required: "input",
    where: "config",
    secret: ["clientSecret"],
    emitDefaults: true,
    environment,
  }).properties;
  // An explicit provider: the same settings. No `default` here, so an SDK never fills one in
  // (the provider applies the defaults itself, after stack config and the environment).
  const providerInputs = objectSpec(settings, registry, {
    side: "input",
    required: "input",
    where: "provider",
    secret: ["clientSecret"],
  }).properties;

  return {
    name: packageName,
    version,
    displayName: "Domo",
    description:
      "Manage Domo users, groups and group memberships as code: a users file or declarations in any Pulumi language.",
    keywords: ["pulumi", "domo", "users", "groups", "category/utility", "kind/native"],
    homepage: "https://github.com/pulumi-domo/pulumi-domo",
    repository: "https://github.com/pulumi-domo/pulumi-domo",
    license: "Apache-2.0",
    publisher: "pulumi-domo",
    config: { variables: configVariables },
    provider: {
      description:
        "The provider type for the domo package: one Domo instance's API client. Settings not given here come from the environment (DOMO_CLIENT_ID, DOMO_CLIENT_SECRET, …), then their defaults.",
      inputProperties: providerInputs,
      // The provider resource's outputs: its string settings (SDKs keep only string outputs on providers).
      properties: Object.fromEntries(Object.entries(providerInputs).filter(([, p]) => p.type === "string")),
    },
    types: registry.types,
    resources,
    functions,
    language: {
      nodejs: {
        packageName: sdkNames.nodejs,
        packageDescription: "A native Pulumi provider for Domo users, groups and group memberships.",
        respectSchemaVersion: true,
      },
      python: {
        packageName: sdkNames.python,
        requires: { pulumi: pythonPulumiRequirement },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: sdkNames.go,
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
      csharp: {
        rootNamespace: "PulumiDomo",
        namespaces: { [packageName]: "Domo" },
        packageReferences: { Pulumi: "3.*" },
        respectSchemaVersion: true,
      },
      java: {
        basePackage: "com.pulumidomo",
        buildFiles: "gradle",
        dependencies: { "com.pulumi:pulumi": "1.0.0" },
      },
    },
  };
}

function settingEnv(key: string): string {
  return settingSource(key as Parameters<typeof settingSource>[0]).env;
}

function omitKeys(shape: Shape, keys: readonly string[]): Shape {
  return Object.fromEntries(Object.entries(shape).filter(([k]) => !keys.includes(k)));
}

/** Keys of these objects are names in a list whose order means nothing: sorted. */
const sortedLists = new Set(["required", "requiredInputs", "keywords"]);

/** A value with every object's keys sorted and the order-free lists sorted: one text per schema. */
export function canonical(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return sortedLists.has(key) && items.every((v) => typeof v === "string") ? [...items].sort() : items;
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k], k)]),
    );
  }
  return value;
}

/** The schema as GetSchema returns it: stable JSON (sorted keys and order-free lists), 2-space indent. */
export function schemaJson(version: string): string {
  return `${JSON.stringify(canonical(packageSchema(version)), null, 2)}\n`;
}
