/**
 * The contract of a resource kind: what every kind of this package implements once, and what
 * each transport calls. The dynamic providers (resources/engine.ts `serializedProviderFor`)
 * are one transport; a native provider will be the next. Nothing here depends on
 * `pulumi.dynamic`: plain async methods over plain property maps, as the engine sends them.
 */
import type { CheckFailure } from "../model";

export type PropertyMap = Record<string, unknown>;
export interface CheckResult {
  inputs?: PropertyMap;
  failures?: CheckFailure[];
}
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface CreateResult {
  id: string;
  outs: PropertyMap;
}
export interface ReadResult {
  id?: string;
  props?: PropertyMap;
  inputs?: PropertyMap;
}
export interface UpdateResult {
  outs: PropertyMap;
}

/** Nothing here is ever replaced: Domo changes every field in place. */
export function inPlace(changes: boolean): DiffResult {
  return { changes, replaces: [], deleteBeforeReplace: false };
}

/** What a provider object delegates each engine call to. */
export interface EngineHandler {
  check(olds: PropertyMap, news: PropertyMap): Promise<CheckResult>;
  diff(id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult>;
  create(inputs: PropertyMap): Promise<CreateResult>;
  read(id: string, props: PropertyMap): Promise<ReadResult>;
  update(id: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult>;
  delete(id: string, props: PropertyMap): Promise<void>;
}

/**
 * A resource kind: the engine calls (check parses the inputs, unknowns included, with
 * model/inputs.ts; diff; create; read; update; delete) plus what a transport needs to handle
 * state and ids by itself (import, recovery, a native provider's Read): its type token, its
 * state parsed, its id parsed, and its outputs. A partial failure (the object exists in Domo,
 * a later step failed) is thrown as an error carrying `id` and `properties` (PartialFailure),
 * which the transport records instead of forgetting the object.
 */
export interface ResourceKind<State> extends EngineHandler {
  /** The type token the kind's resources carry in state. */
  readonly type: string;
  /** The kind's state, parsed (an invalid_state error names `pulumi refresh`). */
  parseState(props: PropertyMap): State;
  /** The kind's resource id, parsed (an invalid_state error names the expected shape). */
  parseId(id: string): unknown;
  /** The state as the outputs the engine records. */
  outputs(state: State): PropertyMap;
}

/** What a partial failure carries, whatever the kind. */
export interface PartialFailure {
  readonly id: string;
  readonly properties: PropertyMap;
  readonly reasons: readonly string[];
}

export type { CheckFailure };
