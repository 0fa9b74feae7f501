import { DomoError } from "../client/errors";
import {
  type CheckFailure,
  definedOnly,
  hasInvisible,
  type ParseResult,
  type SettingsConvention,
} from "../model";
import type { CheckResult, EngineHandler, PropertyMap } from "../runtime/kind";

// The shapes every kind exchanges with a transport are the runtime's kind contract.
export type {
  CheckResult,
  CreateResult,
  DiffResult,
  EngineHandler,
  PropertyMap,
  ReadResult,
  ResourceKind,
  UpdateResult,
} from "../runtime/kind";
export { inPlace } from "../runtime/kind";

/**
 * What every dynamic resource of this package shares with the Pulumi engine: the shapes it
 * exchanges (kept free of `any`), the in-place diff answer, the declaration-at-apply rule, and
 * the factory of the objects Pulumi serializes into `__provider`.
 */

/**
 * check's answer, one rule for every kind: failures safe to print, or the parsed inputs with the
 * settings at their default left out (the defaults convention, model/settings.ts), Pulumi's
 * unknown placeholders put back as the engine sent them (apply sees the real value), and the
 * `__provider` text kept.
 */
export function checkedInputs<T extends object>(
  result: ParseResult<T>,
  news: PropertyMap,
  settings?: SettingsConvention<string>,
): CheckResult {
  if (!result.ok) return { failures: result.failures.map((f) => safeFailure(f, news)) };
  const parsed: PropertyMap = definedOnly({ ...result.value });
  const inputs = settings ? settings.withoutDefaults(parsed) : parsed;
  for (const key of result.unknowns) inputs[key] = news[key];
  if (news.__provider !== undefined) inputs.__provider = news.__provider;
  return { inputs };
}

/** The declaration at apply: every value known and valid, or an invalid_input error. */
export function declared<T>(result: ParseResult<T>): T {
  if (!result.ok) {
    throw new DomoError({
      kind: "invalid_input",
      field: result.failures[0]?.property,
      message: result.failures.map((f) => `${f.property}: ${f.reason}`).join("; "),
    });
  }
  if (result.unknowns.length > 0) {
    throw new DomoError({
      kind: "invalid_input",
      field: result.unknowns[0],
      message: `values still unknown at apply: ${result.unknowns.join(", ")}`,
    });
  }
  return result.value;
}

export type { ConfigGet } from "../runtime/run";

import type { ConfigGet } from "../runtime/run";

export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/**
 * The object Pulumi serializes into a resource's `__provider`. Each serialized-*-provider
 * module's whole `module.exports` is one of these, so installed from npm the closure
 * serializer captures it as one `require("pulumi-domo/dist/...")` of that module (a few
 * hundred bytes per resource in the state); serialized by value (this repository) it holds
 * only `load`, which requires the runtime by package path at run time, and methods that
 * delegate to it: no client, no credential. Credentials arrive through `configure` (stack
 * config, decrypted by the engine) or the environment. `load` returns the process's shared
 * runtime, so every resource of a run shares one client and one record of claims. Those
 * module paths are written into users' state files: they must stay loadable forever.
 */
export function serializedProviderFor<H extends EngineHandler>(load: (configGet?: ConfigGet) => H) {
  return {
    load,
    handler: undefined as H | undefined,

    // Synchronous on purpose: the engine may call other methods before a returned promise settles.
    configure(req: ConfigureRequest): Promise<void> {
      this.handler = this.load((key) => req.config.get(key));
      return Promise.resolve();
    },
    impl(): H {
      if (!this.handler) this.handler = this.load();
      return this.handler;
    },
    check(olds: PropertyMap, news: PropertyMap) {
      return this.impl().check(olds, news);
    },
    diff(id: string, olds: PropertyMap, news: PropertyMap) {
      return this.impl().diff(id, olds, news);
    },
    create(inputs: PropertyMap) {
      return this.impl().create(inputs);
    },
    read(id: string, props: PropertyMap) {
      return this.impl().read(id, props);
    },
    update(id: string, olds: PropertyMap, news: PropertyMap) {
      return this.impl().update(id, olds, news);
    },
    delete(id: string, props: PropertyMap) {
      return this.impl().delete(id, props);
    },
  };
}

/**
 * The engine prints a failure as "property <name> value {<raw value>} has a problem: ...",
 * echoing the raw value. A value holding control or invisible characters must not reach a
 * terminal raw: such a failure names its property in the reason (where the value is shown
 * escaped) and leaves the engine's property empty, so it prints the reason alone.
 */
export function safeFailure(failure: CheckFailure, news: PropertyMap): CheckFailure {
  if (!holdsInvisible(news[failure.property])) return failure;
  return { property: "", reason: `${failure.property}: ${failure.reason}` };
}

function holdsInvisible(value: unknown): boolean {
  if (typeof value === "string") return hasInvisible(value);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsInvisible);
  return false;
}

/** The error of a takeover by id whose object Domo does not have. */
export function noSuchObject(what: "user" | "group", id: string, advice: string): DomoError {
  return new DomoError({
    kind: "not_found",
    field: "importId",
    message: `Cannot take over Domo ${what} ${id}: ${advice}`,
  });
}

/**
 * The object a takeover by id (importId, the `import` option, a users-file `id:`) names, once
 * checked: Domo has it (else `noSuchObject` with `advice`), and `refusal` finds nothing wrong
 * with taking it over (a mistyped id must not turn someone else's object into this one).
 */
export async function takeoverById<T>(
  what: "user" | "group",
  id: string,
  api: { get(id: number): Promise<T | undefined> },
  advice: string,
  refusal: (found: T) => string | undefined,
): Promise<T> {
  const found = await api.get(Number(id));
  if (found === undefined) throw noSuchObject(what, id, advice);
  const refused = refusal(found);
  if (refused !== undefined) throw new DomoError({ kind: "refused", field: "importId", message: refused });
  return found;
}
