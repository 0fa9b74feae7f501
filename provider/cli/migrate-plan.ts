import { nativeResourceTypes, packageName, providerType } from "../native/tokens";
import {
  type ExportedStack,
  isRecord,
  providerUrn,
  type ResourceState,
} from "../resources/recovery/deployment";
import { type DynamicKind, dynamicKinds, dynamicType } from "../resources/type-tokens";

/**
 * The pure rewrite behind `pulumi-domo migrate`: a stack's deployment (`pulumi stack export`)
 * with every dynamic resource of this package moved to the native provider's kind of the same
 * name. The kinds are the same runtime kinds, so ids, inputs and outputs stay as they are,
 * less the dynamic provider's `__provider` text. What changes:
 *
 * - the type token (`pulumi-nodejs:dynamic/domo:User` -> `domo:index:User`) and so the URN's type
 *   segment, also inside every parent-type chain (`A$B`) that names one, for every resource;
 * - every reference to a renamed URN: parent, dependencies, property dependencies, deletedWith,
 *   aliases, resource references and URN strings in inputs and outputs;
 * - the provider reference: the default provider the engine makes for the package at this
 *   version, `pulumi:providers:domo::default_<major>_<minor>_<patch>`, added to the state
 *   (reused when already there) with the stack's `domo:*` settings the old default provider
 *   recorded, so the engine's next DiffConfig sees no change.
 *
 * Nothing else changes; resources of other packages pass through. The old `pulumi-nodejs`
 * provider is dropped when nothing refers to it any more (kept otherwise).
 */

export class MigrationRefused extends Error {}

export interface MigrationOptions {
  /** The package version (package.json): the native default provider's version input and name. */
  version: string;
  /** The id of the provider resource added to the state (a uuid, as the engine makes them). */
  newProviderId: () => string;
}

export interface NativeMigration {
  /** The deployment to import. */
  exported: ExportedStack;
  /** Resources moved, by kind (kinds with none are left out). */
  counts: Partial<Record<DynamicKind, number>>;
  /** Every URN that changed: old -> new (the moved resources and their descendants). */
  renamed: ReadonlyMap<string, string>;
  /** The native default provider the moved resources now name. */
  provider: { urn: string; id: string; added: boolean; settings: string[] };
  /** The dynamic providers the moved resources named, dropped from the state (nothing else used them). */
  droppedProviders: string[];
}

const dynamicKindByType = new Map<string, DynamicKind>(
  (Object.keys(dynamicKinds) as DynamicKind[]).map((kind) => [dynamicType(kind), kind]),
);

const nodejsProviderType = "pulumi:providers:pulumi-nodejs";

/** The engine's name for a default provider of a version (pkg/resource/deploy/providers, DefaultName). */
export function defaultProviderName(version: string): string {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version.trim());
  if (!m) throw new MigrationRefused(`the package version "${version}" is not a semantic version`);
  const [, major, minor, patch, pre, build] = m;
  let name = `default_${Number(major)}_${Number(minor)}_${Number(patch)}`;
  // semver prints a numeric pre-release part as a number; build parts as they are.
  for (const part of pre?.split(".") ?? []) name += `_${/^\d+$/.test(part) ? String(Number(part)) : part}`;
  for (const part of build?.split(".") ?? []) name += `_${part}`;
  return name;
}

interface ParsedUrn {
  stack: string;
  project: string;
  type: string;
  name: string;
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>`; the name may itself hold `::`. */
export function parseUrn(urn: string): ParsedUrn | undefined {
  const prefix = "urn:pulumi:";
  if (!urn.startsWith(prefix)) return undefined;
  const parts = urn.slice(prefix.length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, type, ...name] = parts as [string, string, string, ...string[]];
  return { stack, project, type, name: name.join("::") };
}

/** The URN with every dynamic domo type of its type chain made native; the same string when none. */
export function nativeUrn(urn: string): string {
  const parsed = parseUrn(urn);
  if (parsed === undefined) return urn;
  const chain = parsed.type.split("$").map((t) => {
    const kind = dynamicKindByType.get(t);
    return kind === undefined ? t : nativeResourceTypes[kind];
  });
  const type = chain.join("$");
  if (type === parsed.type) return urn;
  return `urn:pulumi:${parsed.stack}::${parsed.project}::${type}::${parsed.name}`;
}

export function planNativeMigration(exported: ExportedStack, options: MigrationOptions): NativeMigration {
  const pending = exported.deployment.pending_operations ?? [];
  if (pending.length > 0) {
    throw new MigrationRefused(
      `the stack has ${pending.length} pending operation(s) left by an interrupted run; run \`pulumi-domo recover\` first, then migrate`,
    );
  }
  const resources = exported.deployment.resources ?? [];
  const moved = resources.filter((r) => dynamicKindByType.has(r.type));

  const renamed = new Map<string, string>();
  for (const r of resources) {
    const to = nativeUrn(r.urn);
    if (to !== r.urn) renamed.set(r.urn, to);
  }

  const counts: Partial<Record<DynamicKind, number>> = {};
  for (const r of moved) {
    const kind = dynamicKindByType.get(r.type) as DynamicKind;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }

  if (moved.length === 0) {
    return {
      exported,
      counts,
      renamed,
      provider: { urn: "", id: "", added: false, settings: [] },
      droppedProviders: [],
    };
  }

  // The provider the moved resources named: one pulumi-nodejs provider (the default one).
  const oldProviders = new Set(
    moved.flatMap((r) => (r.provider === undefined ? [] : [providerUrn(r.provider)])),
  );
  if (oldProviders.size > 1) {
    throw new MigrationRefused(
      `the dynamic resources of this stack use ${oldProviders.size} providers (${[...oldProviders].join(", ")}); migrate supports the one default provider only`,
    );
  }
  const oldProviderUrn = [...oldProviders][0];
  const oldProvider = resources.find((r) => r.urn === oldProviderUrn);
  if (
    oldProviderUrn !== undefined &&
    (oldProvider === undefined || oldProvider.type !== nodejsProviderType)
  ) {
    throw new MigrationRefused(
      `the dynamic resources' provider ${oldProviderUrn} is not a pulumi-nodejs provider of this stack's state`,
    );
  }

  const site = parseUrn(moved[0]?.urn ?? "") as ParsedUrn;
  const newProviderUrn = `urn:pulumi:${site.stack}::${site.project}::${providerType}::${defaultProviderName(options.version)}`;
  const existing = resources.find((r) => r.urn === newProviderUrn);
  if (existing !== undefined && existing.id === undefined)
    throw new MigrationRefused(`the state holds ${newProviderUrn} without an id`);
  const settings = providerSettings(oldProvider, options.version);
  const provider: ResourceState = existing ?? {
    urn: newProviderUrn,
    custom: true,
    id: options.newProviderId(),
    type: providerType,
    inputs: settings,
    outputs: structuredClone(settings),
  };
  const newProviderRef = `${newProviderUrn}::${provider.id}`;

  const rewritten: ResourceState[] = resources.map((r) => {
    const kind = dynamicKindByType.get(r.type);
    const next = renameReferences(r, renamed) as ResourceState;
    if (kind === undefined) return next;
    next.type = nativeResourceTypes[kind];
    next.provider = newProviderRef;
    if (next.inputs !== undefined) next.inputs = withoutProviderText(next.inputs);
    if (next.outputs !== undefined) next.outputs = withoutProviderText(next.outputs);
    if (next.propertyDependencies !== undefined)
      next.propertyDependencies = withoutProviderText(next.propertyDependencies) as Record<string, string[]>;
    return next;
  });

  // The old provider goes when nothing names it any more (a provider reference, a dependency).
  const droppedProviders: string[] = [];
  let out = rewritten;
  if (
    oldProvider !== undefined &&
    !rewritten.some((r) => r.urn !== oldProvider.urn && mentions(r, oldProvider.urn))
  ) {
    droppedProviders.push(oldProvider.urn);
  }

  if (existing === undefined) {
    // Before the first resource that names it: where the old provider was, else before the first moved one.
    const oldAt = oldProvider === undefined ? -1 : resources.indexOf(oldProvider);
    const firstMoved = resources.indexOf(moved[0] as ResourceState);
    const at = oldAt >= 0 && oldAt < firstMoved ? oldAt : firstMoved;
    out = [...out.slice(0, at), provider, ...out.slice(at)];
  }
  out = out.filter((r) => !droppedProviders.includes(r.urn));

  return {
    exported: { ...exported, deployment: { ...exported.deployment, resources: out } },
    counts,
    renamed,
    provider: {
      urn: newProviderUrn,
      id: provider.id as string,
      added: existing === undefined,
      settings: Object.keys(settings).filter((k) => k !== "version"),
    },
    droppedProviders,
  };
}

/**
 * The inputs the engine gives the default `domo` provider: the stack's `domo:*` config, keyed
 * without the namespace, and the version. The dynamic default provider recorded the whole
 * stack config with namespaces (secrets as the stack encrypted them, copied as they are).
 */
function providerSettings(oldProvider: ResourceState | undefined, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prefix = `${packageName}:`;
  for (const [key, value] of Object.entries(oldProvider?.inputs ?? {})) {
    if (key.startsWith(prefix) && !key.slice(prefix.length).includes(":"))
      out[key.slice(prefix.length)] = structuredClone(value);
  }
  out.version = version;
  return out;
}

function withoutProviderText<T>(map: Record<string, T>): Record<string, T> {
  const { __provider: _, ...rest } = map;
  return rest;
}

/** A deep copy with every string that is a renamed URN (or a provider reference to one) renamed. */
function renameReferences(value: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") {
    const to = renamed.get(value);
    if (to !== undefined) return to;
    const at = value.lastIndexOf("::");
    if (at > 0) {
      const ref = renamed.get(value.slice(0, at));
      if (ref !== undefined && value.startsWith("urn:pulumi:")) return `${ref}${value.slice(at)}`;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => renameReferences(v, renamed));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renameReferences(v, renamed);
    return out;
  }
  return value;
}

/** Whether the resource names the URN anywhere (its provider, dependencies, properties). */
function mentions(value: unknown, urn: string): boolean {
  if (typeof value === "string") return value === urn || value.startsWith(`${urn}::`);
  if (Array.isArray(value)) return value.some((v) => mentions(v, urn));
  if (isRecord(value)) return Object.values(value).some((v) => mentions(v, urn));
  return false;
}
