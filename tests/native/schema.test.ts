import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { z } from "zod";
import { clientSettingsSchema } from "../../provider/client/config";
import {
  deletionPolicies,
  groupMembershipOutputKeys,
  groupMembershipShape,
  groupMembersOutputKeys,
  groupMembersShape,
  groupOutputKeys,
  groupSettingFields,
  groupWriteFields,
  settingFields,
  systemRoles,
  userDeclarationSchema,
  userOutputKeys,
  userWriteFields,
} from "../../provider/model";
import { packageSchema, schemaJson } from "../../provider/native/schema";
import { objectSpec, type PropertySpec, TypeRegistry } from "../../provider/native/schema-zod";
import {
  nativeComponentTypes,
  nativeFunctionTokens,
  nativeResourceTypes,
  packageName,
} from "../../provider/native/tokens";
import { entryFields } from "../../provider/usersfile/schema";

const schema = packageSchema("0.1.0");
const res = (kind: keyof typeof nativeResourceTypes) => schema.resources[nativeResourceTypes[kind]]!;
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("native provider: the domo package schema (provider/native/schema.ts)", () => {
  it("is package domo and names every token of tokens.ts, and no other", () => {
    assert.equal(schema.name, packageName);
    assert.deepEqual(
      sorted(Object.keys(schema.resources)),
      sorted([...Object.values(nativeResourceTypes), ...Object.values(nativeComponentTypes)]),
    );
    assert.deepEqual(sorted(Object.keys(schema.functions)), sorted(Object.values(nativeFunctionTokens)));
    assert.equal(schema.resources[nativeComponentTypes.UserDirectory]!.isComponent, true);
    for (const kind of Object.keys(nativeResourceTypes) as (keyof typeof nativeResourceTypes)[]) {
      assert.notEqual(res(kind).isComponent, true, kind);
    }
  });

  it("is valid against the Pulumi package metaschema (pulumi.json of pulumi v3.276.0)", () => {
    const meta = JSON.parse(
      fs.readFileSync(path.join(__dirname, "fixtures", "pulumi-metaschema.json"), "utf8"),
    );
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(meta);
    const ok = validate(JSON.parse(schemaJson("0.1.0")));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // And a broken one is refused (the validation is real).
    assert.equal(validate({ ...schema, name: "1domo" }), false);
  });

  it("User: inputs are the declaration's fields, outputs the state's keys (computed from the model)", () => {
    assert.deepEqual(
      sorted(Object.keys(res("User").inputProperties)),
      sorted([...userWriteFields, ...settingFields]),
    );
    assert.deepEqual(sorted(Object.keys(res("User").properties)), sorted(userOutputKeys));
    assert.deepEqual(sorted(res("User").requiredInputs), ["email", "name"]);
    assert.ok(res("User").required.includes("userId"));
    assert.ok(!res("User").required.includes("title"), "an optional state field is not a required output");
  });

  it("Group, GroupMembers, GroupMembership: inputs and outputs from their shapes and state schemas", () => {
    assert.deepEqual(
      sorted(Object.keys(res("Group").inputProperties)),
      sorted([...groupWriteFields, ...groupSettingFields]),
    );
    assert.deepEqual(sorted(Object.keys(res("Group").properties)), sorted(groupOutputKeys));
    assert.deepEqual(res("Group").requiredInputs, ["name"]);
    assert.deepEqual(
      sorted(Object.keys(res("GroupMembers").inputProperties)),
      sorted(Object.keys(groupMembersShape)),
    );
    assert.deepEqual(sorted(Object.keys(res("GroupMembers").properties)), sorted(groupMembersOutputKeys));
    assert.deepEqual(res("GroupMembers").requiredInputs, ["groupId"]);
    assert.deepEqual(
      sorted(Object.keys(res("GroupMembership").inputProperties)),
      sorted(Object.keys(groupMembershipShape)),
    );
    assert.deepEqual(
      sorted(Object.keys(res("GroupMembership").properties)),
      sorted(groupMembershipOutputKeys),
    );
    assert.deepEqual(res("GroupMembership").requiredInputs, ["groupId"]);
  });

  it("the provider's configuration: every client setting, clientSecret secret, defaults and environment", () => {
    const keys = sorted(Object.keys(clientSettingsSchema.shape));
    assert.deepEqual(sorted(Object.keys(schema.config.variables)), keys);
    assert.deepEqual(sorted(Object.keys(schema.provider.inputProperties)), keys);
    assert.equal(schema.config.variables.clientSecret!.secret, true);
    assert.equal(schema.provider.inputProperties.clientSecret!.secret, true);
    assert.equal(schema.provider.properties.clientSecret!.secret, true);
    for (const [k, p] of Object.entries(schema.config.variables)) {
      if (k !== "clientSecret") assert.notEqual(p.secret, true, k);
    }
    assert.equal(schema.config.variables.apiHost!.default, "https://api.domo.com");
    assert.equal(schema.config.variables.timeoutMs!.type, "integer");
    assert.equal(schema.config.variables.requestsPerSecond!.type, "number");
    assert.deepEqual(schema.config.variables.clientId!.defaultInfo, { environment: ["DOMO_CLIENT_ID"] });
    // The provider applies defaults itself (after stack config and the environment): SDKs fill none in.
    for (const p of Object.values(schema.provider.inputProperties)) assert.equal(p.default, undefined);
  });

  it("resource inputs carry no `default` (a setting at its default stays out of inputs), only its description", () => {
    for (const r of Object.values(schema.resources)) {
      for (const p of Object.values(r.inputProperties)) assert.equal(p.default, undefined);
    }
    assert.match(res("User").inputProperties.deletionPolicy!.description!, /Default: `"delete"`/);
  });

  it("enums: role is a SystemRole, deletionPolicy a DeletionPolicy, with the model's values", () => {
    const values = (name: string) => schema.types[`domo:index:${name}`]!.enum!.map((e) => e.value);
    assert.deepEqual(values("SystemRole"), [...systemRoles]);
    assert.deepEqual(values("DeletionPolicy"), [...deletionPolicies]);
    assert.equal(res("User").inputProperties.role!.$ref, "#/types/domo:index:SystemRole");
    for (const kind of ["User", "Group", "GroupMembers", "GroupMembership"] as const) {
      assert.equal(res(kind).inputProperties.deletionPolicy!.$ref, "#/types/domo:index:DeletionPolicy", kind);
    }
  });

  it("UserDirectory takes the users-file entry's fields (with id and groups) and exposes userIds and groupIds", () => {
    const dir = schema.resources[nativeComponentTypes.UserDirectory]!;
    assert.deepEqual(sorted(Object.keys(dir.inputProperties)), [
      "allowMassDeletion",
      "batchSize",
      "defaults",
      "file",
      "groups",
      "maxDeletes",
      "mode",
      "users",
    ]);
    assert.equal(dir.inputProperties.users!.items!.$ref, "#/types/domo:index:DirectoryUser");
    assert.deepEqual(
      sorted(Object.keys(schema.types["domo:index:DirectoryUser"]!.properties!)),
      sorted(entryFields),
    );
    assert.deepEqual(sorted(dir.required), ["groupIds", "userIds"]);
  });

  it("every property, type and resource has a description that says more than its default", () => {
    const check = (where: string, props: Record<string, PropertySpec>) => {
      for (const [k, p] of Object.entries(props)) {
        assert.ok(p.description && !p.description.startsWith("Default:"), `${where}.${k} has no description`);
      }
    };
    for (const [t, r] of Object.entries(schema.resources)) {
      assert.ok(r.description, t);
      check(`${t} inputs`, r.inputProperties);
      check(`${t} outputs`, r.properties);
    }
    for (const [t, f] of Object.entries(schema.functions)) {
      check(`${t} inputs`, f.inputs.properties);
      check(`${t} outputs`, f.outputs.properties);
    }
    for (const [t, ty] of Object.entries(schema.types)) if (ty.properties) check(t, ty.properties);
    check("config", schema.config.variables);
  });

  it("schemaJson is stable: same text each time, keys sorted", () => {
    const a = schemaJson("1.2.3");
    assert.equal(a, schemaJson("1.2.3"));
    const parsed = JSON.parse(a);
    assert.deepEqual(Object.keys(parsed), [...Object.keys(parsed)].sort());
    assert.equal(parsed.version, "1.2.3");
  });

  it("drift: a field added to a zod shape appears in the schema with no other edit", () => {
    const registry = new TypeRegistry("domo");
    registry.nameEnum("DeletionPolicy", deletionPolicies, "d");
    registry.override(userDeclarationSchema.shape.role.unwrap(), registry.refTo("SystemRole"));
    const extended = {
      ...userDeclarationSchema.shape,
      department: z.string().optional().describe("The person's department."),
      badge: z.number().int().describe("A badge number."),
    };
    const spec = objectSpec(extended, registry, { side: "input", required: "input", where: "test" });
    assert.deepEqual(spec.properties.department, { type: "string", description: "The person's department." });
    assert.equal(spec.properties.badge!.type, "integer");
    assert.ok(spec.required.includes("badge") && !spec.required.includes("department"));
    // And a zod type the walk cannot express fails loudly rather than turning into Any.
    assert.throws(
      () => objectSpec({ when: z.date() }, registry, { side: "input", required: "input", where: "test" }),
      /zod type "date"/,
    );
  });
});
