// @ts-nocheck
import type { z } from "zod";
import type { DomoClient } from "../../client";
import { DomoError } from "../../client/errors";
import {
  type CheckFailure,
  definedOnly,
  hasInvisible,
  type ParseResult,
  quote,
  unknownValue,
} from "../../model";
import type { CheckResult, PropertyMap } from "../user/runtime";
import type { GroupClaims } from "./claims";

export type {
  CheckResult,
  CreateResult,
  DiffResult,
  PropertyMap,
  ReadResult,
  UpdateResult,
} from "../user/runtime";

/** What every group resource's handler shares in one provider process. */
export interface GroupContext {
  readonly client: DomoClient;
  readonly claims: GroupClaims;
  notice(line: string): void;
}

/**
 * Thrown when Domo holds the object but a follow-up step failed: the engine records the id
 * and properties instead of forgetting it (a "partial failure").
 */
export class PartialGroupError extends Error {
  readonly reasons: string[];
  constructor(
    readonly id: string,
    readonly properties: PropertyMap,
    what: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${what} exists, but converging it to the declaration failed: ${reason}`);
    this.name = "PartialGroupError";
    this.reasons = [reason];
  }
}

/** check's answer: normalised inputs with unknowns put back, or failures safe to print. */
export function checked<T extends object>(result: ParseResult<T>, news: PropertyMap): CheckResult {
  if (!result.ok) return { failures: result.failures.map((f) => safeFailure(f, news)) };
  const inputs: PropertyMap = definedOnly({ ...result.value });
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

export function parseState<T>(schema: z.ZodType<T>, props: PropertyMap, kind: string): T {
  const parsed = schema.safeParse(props);
  if (!parsed.success) {
    throw new DomoError({
      kind: "invalid_state",
      message: `The ${kind} state is not in the expected shape (${parsed.error.issues[0]?.path.join(".")}): run \`pulumi refresh\``,
    });
  }
  return parsed.data;
}

export function parseNumericId(id: string, what: string): number {
  if (!/^\d+$/.test(id)) {
    throw new DomoError({
      kind: "invalid_state",
      field: "id",
      message: `${quote(id)} is not a ${what} id (expected digits, e.g. 1234567890)`,
    });
  }
  return Number(id);
}

/** A known group id from raw inputs (for claims at check), or undefined. */
export function knownId(value: unknown): number | undefined {
  if (value === unknownValue || value === undefined || value === null) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export function outputs(state: object, inputs?: PropertyMap): PropertyMap {
  const outs: PropertyMap = definedOnly({ ...state });
  if (inputs?.__provider !== undefined) outs.__provider = inputs.__provider;
  return outs;
}

/**
 * Emails to user ids through the client's shared user listing; an email it does not hold
 * gets one fresh listing (the user may have been created in this run), then fails.
 */
export async function resolveEmails(
  ctx: GroupContext,
  emails: readonly string[],
): Promise<Record<string, number>> {
  const resolved: Record<string, number> = {};
  const missing: string[] = [];
  for (const email of emails) {
    const user = await ctx.client.users.findByEmail(email);
    if (user) resolved[email] = user.id;
    else missing.push(email);
  }
  if (missing.length > 0) {
    let fresh = true;
    for (const email of missing) {
      const user = await ctx.client.users.findByEmail(email, { fresh });
      fresh = false;
      if (user) resolved[email] = user.id;
      else {
        throw new DomoError({
          kind: "not_found",
          field: "emails",
          message: `No Domo user has the email ${email}, so it cannot be made a group member. Fix the email, or declare the person as a DomoUser and pass its id (userIds: [user.id]) so Pulumi creates the account first`,
        });
      }
    }
  }
  return resolved;
}

function safeFailure(failure: CheckFailure, news: PropertyMap): CheckFailure {
  if (!holdsInvisible(news[failure.property])) return failure;
  return { property: "", reason: `${failure.property}: ${failure.reason}` };
}

function holdsInvisible(value: unknown): boolean {
  if (typeof value === "string") return hasInvisible(value);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsInvisible);
  return false;
}
