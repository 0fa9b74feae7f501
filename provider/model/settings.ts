import type { z } from "zod";

/**
 * The one defaults convention of every resource kind's settings (the properties that steer the
 * provider and never reach Domo: deletionPolicy, adoptExisting, allowDeleteWithMembers, ...):
 *
 * - **Inputs leave a setting at its default out.** check returns the inputs without them, and
 *   so does read (the inputs a refresh or an import records), so a preview shows what was
 *   declared and nothing more, for DomoUser, DomoUserBatch's users, DomoGroup,
 *   DomoGroupMembers and DomoGroupMembership alike.
 * - **Absent means the default, in inputs and in state.** diff compares `value`s (never raw
 *   keys), and create, update and delete parse inputs and state through the kind's zod schema,
 *   whose defaults fill what is absent.
 * - Hence inputs written before this rule, with every default spelled out (pulumi-domo 0.1.0's
 *   DomoUsers; the group kinds until the defaults convention became one), diff clean against
 *   inputs without them: an unchanged program previews "no changes" on an existing stack, and
 *   the next update records the shorter inputs.
 *
 * What a kind's outputs keep is the kind's: DomoUser's state leaves defaults out too (about
 * 100 bytes a user in a checkpoint rewritten after every step; its class derives those outputs
 * from the declaration), the group kinds' state spells its stored settings out (their outputs
 * are typed from the state). Either way a state is read with absent = default.
 */
export interface SettingsConvention<F extends string> {
  /** The settings, in declaration order. */
  readonly fields: readonly F[];
  /** Each setting's default (a setting without one, such as importId, is absent here). */
  readonly defaults: Readonly<Partial<Record<F, unknown>>>;
  /** Settings that only steer create: changing them later never causes an update. */
  readonly createTime: ReadonlySet<F>;
  /** A setting's value in inputs or state: its default where absent. */
  value(field: F, from: Readonly<Record<string, unknown>>): unknown;
  /** The properties without the settings that merely repeat their default. */
  withoutDefaults<T extends Record<string, unknown>>(props: T): T;
  /** The settings kept in state (not create-time) whose value differs between state and inputs. */
  changed(olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): F[];
}

/** The convention over a kind's settings shape: the defaults are the shape's own zod defaults. */
export function settingsConvention<S extends Record<string, z.ZodType>>(
  shape: S,
  createTime: Iterable<keyof S & string> = [],
): SettingsConvention<keyof S & string> {
  type F = keyof S & string;
  const fields = Object.keys(shape) as F[];
  const defaults: Partial<Record<F, unknown>> = Object.fromEntries(
    fields.flatMap((f) => {
      const parsed = shape[f]?.safeParse(undefined);
      return parsed?.success && parsed.data !== undefined ? [[f, parsed.data]] : [];
    }),
  ) as Partial<Record<F, unknown>>;
  const onlyAtCreate: ReadonlySet<F> = new Set(createTime);
  const value = (field: F, from: Readonly<Record<string, unknown>>): unknown =>
    from[field] ?? defaults[field];
  return {
    fields,
    defaults,
    createTime: onlyAtCreate,
    value,
    withoutDefaults<T extends Record<string, unknown>>(props: T): T {
      const out: Record<string, unknown> = { ...props };
      for (const f of fields) {
        if (defaults[f] !== undefined && out[f] === defaults[f]) delete out[f];
      }
      return out as T;
    },
    changed(olds, news) {
      return fields.filter((f) => !onlyAtCreate.has(f) && value(f, news) !== value(f, olds));
    },
  };
}
