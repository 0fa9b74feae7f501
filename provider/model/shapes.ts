import type { z } from "zod";

// Small helpers the model's zod shapes share.

/** A shape's field names, in declaration order. */
export function fieldsOf<T extends object>(shape: T): (keyof T & string)[] {
  return Object.keys(shape) as (keyof T & string)[];
}

/** A refinement's failure on one field. */
export function failOn(ctx: z.RefinementCtx, field: string, message: string): void {
  ctx.addIssue({ code: "custom", path: [field], message });
}
