import { z } from "zod";

/**
 * Zod (v4) to Pulumi package schema: the walk that turns the model's zod schemas into Pulumi
 * type references and property specs. It reads each schema's definition (`_zod.def`), so a
 * field added to a zod shape appears in the package schema with no other edit, and a kind of
 * zod schema it cannot express fails loudly (never a silent `Any`).
 */

/** A Pulumi type reference (pulumi.json `typeSpec`). */
export interface TypeSpec {
  type?: "boolean" | "integer" | "number" | "string" | "array" | "object";
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  $ref?: string;
  oneOf?: TypeSpec[];
}

/** A Pulumi property (pulumi.json `propertySpec`). */
export interface PropertySpec extends TypeSpec {
  description?: string;
  default?: boolean | number | string;
  defaultInfo?: { environment: string[] };
  secret?: boolean;
  replaceOnChanges?: boolean;
}

/** A Pulumi object type or enum type (pulumi.json `complexTypeSpec`). */
export interface ComplexTypeSpec {
  type: "object" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Record<string, PropertySpec>;
  required?: string[];
  enum?: { value: string | number | boolean; name?: string; description?: string }[];
}

/** Which side of a transform a schema is read from: what a program passes, or what is stored. */
export type Side = "input" | "output";

/** A property found by the walk, before its caller decides what is required. */
export interface WalkedProperty {
  spec: TypeSpec;
  /** `.optional()` somewhere around it: may be absent. */
  optional: boolean;
  /** `.default(v)` around it: absent means `v`. */
  defaultValue?: unknown;
  hasDefault: boolean;
  /** The outermost description found (`.describe()` / `.meta({ description })`). */
  description?: string;
}

/**
 * Named types the walk may meet: enums by their set of values, nested objects by schema
 * identity, and schemas to be given a fixed type reference (a string checked against a list,
 * such as a system role, becomes an enum this way).
 */
export class TypeRegistry {
  /** The package's named types, filled as the walk meets them. */
  readonly types: Record<string, ComplexTypeSpec> = {};
  private readonly enumNames = new Map<string, string>();
  private readonly overrides = new Map<z.ZodType, TypeSpec>();
  private readonly objects = new Map<z.ZodType, { token: string; build: () => ComplexTypeSpec }>();

  constructor(readonly pkg: string) {}

  tokenOf(name: string): string {
    return `${this.pkg}:index:${name}`;
  }

  refTo(name: string): TypeSpec {
    return { $ref: `#/types/${this.tokenOf(name)}` };
  }

  /** A zod enum with exactly these values becomes the named enum type `name`. */
  nameEnum(name: string, values: readonly string[], description: string): void {
    this.enumNames.set(enumKey(values), name);
    this.types[this.tokenOf(name)] = {
      type: "string",
      description,
      enum: values.map((value) => ({ value })),
    };
  }

  /** The schema (by identity, at any wrapper layer) has this type reference. */
  override(schema: z.ZodType, spec: TypeSpec): void {
    this.overrides.set(schema, spec);
  }

  /** A nested object schema (by identity) is the named object type `name`, built on first use. */
  nameObject(schema: z.ZodType, name: string, build: () => ComplexTypeSpec): void {
    this.objects.set(schema, { token: this.tokenOf(name), build });
  }

  overrideFor(schema: z.ZodType): TypeSpec | undefined {
    return this.overrides.get(schema);
  }

  enumRef(values: readonly string[], where: string): TypeSpec {
    const name = this.enumNames.get(enumKey(values));
    if (name === undefined) {
      throw new Error(
        `${where}: the zod enum [${values.join(", ")}] has no Pulumi type name; name it in provider/native/schema.ts (registry.nameEnum)`,
      );
    }
    return this.refTo(name);
  }

  objectRef(schema: z.ZodType, where: string): TypeSpec {
    const named = this.objects.get(schema);
    if (!named) {
      throw new Error(
        `${where}: a nested zod object has no Pulumi type name; name it in provider/native/schema.ts (registry.nameObject)`,
      );
    }
    if (!this.types[named.token]) {
      // Reserve the token first: a type that refers to itself stops here.
      this.types[named.token] = { type: "object" };
      this.types[named.token] = named.build();
    }
    return { $ref: `#/types/${named.token}` };
  }
}

function enumKey(values: readonly string[]): string {
  return [...values].sort().join("\u0000");
}

/** The description zod keeps for this very schema instance, if any. */
export function descriptionOf(schema: z.ZodType): string | undefined {
  const meta = z.globalRegistry.get(schema) as { description?: unknown } | undefined;
  return typeof meta?.description === "string" ? meta.description : undefined;
}

/** The wrappers the walk looks through, and the layer they wrap (for a pipe: the side's end). */
function unwrapOnce(schema: z.ZodType, side: Side): z.ZodType | undefined {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return def.innerType as z.ZodType;
    case "pipe": {
      const input = def.in as z.ZodType;
      const output = def.out as z.ZodType;
      // A transform has no shape of its own: read the side that has one.
      if (side === "input" || output._zod.def.type === "transform") return input;
      return output;
    }
    case "lazy":
      return (def.getter as () => z.ZodType)();
    default:
      return undefined;
  }
}

/** Walks one property's schema: its type reference, whether it may be absent, its default and description. */
export function walkProperty(
  schema: z.ZodType,
  side: Side,
  registry: TypeRegistry,
  where: string,
): WalkedProperty {
  let optional = false;
  let hasDefault = false;
  let defaultValue: unknown;
  let description: string | undefined;
  let current: z.ZodType = schema;
  for (;;) {
    description ??= descriptionOf(current);
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "optional") optional = true;
    if ((def.type === "default" || def.type === "prefault") && !hasDefault) {
      hasDefault = true;
      const value = def.defaultValue;
      defaultValue = typeof value === "function" ? (value as () => unknown)() : value;
    }
    const fixed = registry.overrideFor(current);
    if (fixed) return { spec: fixed, optional, hasDefault, defaultValue, description };
    const inner = unwrapOnce(current, side);
    if (!inner) break;
    current = inner;
  }
  return { spec: leafType(current, side, registry, where), optional, hasDefault, defaultValue, description };
}

/** The type reference of a schema with no wrapper left. */
function leafType(schema: z.ZodType, side: Side, registry: TypeRegistry, where: string): TypeSpec {
  const fixed = registry.overrideFor(schema);
  if (fixed) return fixed;
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "string":
      return { type: "string" };
    case "number":
      return { type: (schema as z.ZodNumber).isInt ? "integer" : "number" };
    case "int":
      return { type: "integer" };
    case "boolean":
      return { type: "boolean" };
    case "enum": {
      const values = Object.values(def.entries as Record<string, string | number>);
      if (!values.every((v) => typeof v === "string"))
        throw new Error(`${where}: only string enums are supported`);
      return registry.enumRef(values as string[], where);
    }
    case "literal": {
      const values = def.values as unknown[];
      const kinds = new Set(values.map((v) => typeof v));
      if (kinds.size === 1 && kinds.has("string")) return { type: "string" };
      if (kinds.size === 1 && kinds.has("boolean")) return { type: "boolean" };
      if (kinds.size === 1 && kinds.has("number")) return { type: "number" };
      throw new Error(`${where}: a literal of mixed or unsupported types`);
    }
    case "array":
      return {
        type: "array",
        items: walkProperty(def.element as z.ZodType, side, registry, `${where}[]`).spec,
      };
    case "record":
      return {
        type: "object",
        additionalProperties: walkProperty(def.valueType as z.ZodType, side, registry, `${where}{}`).spec,
      };
    case "union": {
      const options = (def.options as z.ZodType[]).map(
        (o, i) => walkProperty(o, side, registry, `${where}|${i}`).spec,
      );
      const distinct = dedupe(options);
      if (distinct.length === 1) return distinct[0]!;
      return { oneOf: distinct };
    }
    case "object":
      return registry.objectRef(schema, where);
    case "unknown":
    case "any":
      return { $ref: "pulumi.json#/Any" };
    default:
      throw new Error(
        `${where}: zod type "${def.type}" has no Pulumi schema equivalent; extend provider/native/schema-zod.ts`,
      );
  }
}

function dedupe(specs: TypeSpec[]): TypeSpec[] {
  const seen = new Map<string, TypeSpec>();
  for (const s of specs) seen.set(JSON.stringify(s), s);
  return [...seen.values()];
}

/** The shape of an object schema, looking through wrappers and refinements (a pipe: the side's end). */
export function shapeOf(schema: z.ZodType, side: Side = "input"): Record<string, z.ZodType> {
  let current: z.ZodType | undefined = schema;
  while (current) {
    if (current._zod.def.type === "object") return (current as z.ZodObject).shape;
    current = unwrapOnce(current, side);
  }
  throw new Error("not an object schema");
}

/** A property's description with its default spelled out, for people reading the SDK docs. */
export function describedWithDefault(walked: WalkedProperty, fallback?: string): string | undefined {
  const text = walked.description ?? fallback;
  if (!walked.hasDefault || walked.defaultValue === undefined) return text;
  const shown = JSON.stringify(walked.defaultValue);
  const note = `Default: \`${shown}\`.`;
  if (text?.includes(note)) return text;
  return text ? `${text.replace(/\s*$/, "")} ${note}` : note;
}

export interface ObjectSpec {
  properties: Record<string, PropertySpec>;
  required: string[];
}

export interface ObjectOptions {
  side: Side;
  /**
   * What counts as required: "input" (must be given: neither optional nor defaulted) or
   * "output" (always present: not optional; a default fills it in).
   */
  required: "input" | "output";
  /** Descriptions to use for properties the schema leaves undescribed, by name. */
  fallbackDescriptions?: Record<string, string | undefined>;
  /** Keys to leave out. */
  omit?: readonly string[];
  /** Properties marked secret. */
  secret?: readonly string[];
  /**
   * Write zod's default into the property's `default` (SDKs then fill it into the inputs).
   * Off for resource inputs: the model's convention keeps a setting at its default out of
   * inputs and state, so only the description names it.
   */
  emitDefaults?: boolean;
  /** Each property's environment variables (`defaultInfo`), by name. */
  environment?: Record<string, string[]>;
  where: string;
}

/** The properties and required list of an object's shape. */
export function objectSpec(
  shape: Record<string, z.ZodType>,
  registry: TypeRegistry,
  options: ObjectOptions,
): ObjectSpec {
  const properties: Record<string, PropertySpec> = {};
  const required: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    if (options.omit?.includes(key)) continue;
    const walked = walkProperty(schema, options.side, registry, `${options.where}.${key}`);
    const prop: PropertySpec = { ...walked.spec };
    const description = describedWithDefault(walked, options.fallbackDescriptions?.[key]);
    if (description) prop.description = description;
    if (options.emitDefaults && walked.hasDefault && isPrimitive(walked.defaultValue)) {
      prop.default = walked.defaultValue;
    }
    const env = options.environment?.[key];
    if (env) prop.defaultInfo = { environment: env };
    if (options.secret?.includes(key)) prop.secret = true;
    properties[key] = prop;
    const isRequired =
      options.required === "input" ? !walked.optional && !walked.hasDefault : !walked.optional;
    if (isRequired) required.push(key);
  }
  return { properties, required };
}

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** Each key's description in a shape (for fallbacks), read the way the walk reads it. */
export function descriptionsOf(
  shape: Record<string, z.ZodType>,
  side: Side = "input",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, schema] of Object.entries(shape)) {
    let current: z.ZodType | undefined = schema;
    while (current) {
      const d = descriptionOf(current);
      if (d) {
        out[key] = d;
        break;
      }
      current = unwrapOnce(current, side);
    }
  }
  return out;
}
