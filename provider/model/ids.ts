/**
 * The one rule for a Domo id (a user's or a group's): a positive whole number of at most 16
 * digits that JavaScript holds exactly, written as a number or as a string of digits (a
 * resource's `id` is always a string). Declarations (importId, groupId, a users file's `id:`),
 * resource ids from the engine and recovery all read ids through it.
 */
import { z } from "zod";
import { quote, typeName } from "./text";

/** The id as a number, or undefined when `value` is not a Domo id (exactly: no spaces around). */
export function parseDomoId(value: unknown): number | undefined {
  const digits = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  if (!/^\d{1,16}$/.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * A zod schema for an id field: `field` names it in messages, `what` says whose id it is
 * ("a Domo user id"), `advice` how to find one. Parses to a number.
 */
export function domoIdSchema(
  field: string,
  what: string,
  advice = "use its numeric id (digits only, e.g. 1234567890)",
) {
  return z
    .union([z.number(), z.string()], {
      error: (iss) => `${field} must be ${what} (digits, e.g. 1234567890), got ${typeName(iss.input)}`,
    })
    .transform((value, ctx) => {
      // A declaration is normalised first: spaces around the digits are a typing slip, not an error.
      const id = parseDomoId(typeof value === "string" ? value.trim() : value);
      if (id === undefined) {
        ctx.addIssue({ code: "custom", message: `${field} ${quote(value)} is not ${what}: ${advice}` });
        return z.NEVER;
      }
      return id;
    });
}
