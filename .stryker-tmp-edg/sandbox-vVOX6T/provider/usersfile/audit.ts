// @ts-nocheck
import { z } from "zod";
import type { DomoGroupRecord, DomoUserRecord } from "../client/schemas";
import { groupNameKey } from "../model/group";

import { declaredWriteFields, normaliseEmail, sameField } from "../model/user";
import type { DeclaredGroup, DeclaredUser } from "./parse";

const fieldValue = z.union([z.string(), z.number()]).optional();

/** The audit's findings; the schema is the contract of `pulumi-domo audit --json`. */
export const auditReportSchema = z.object({
  inSync: z.boolean(),
  declared: z.number().int(),
  live: z.number().int(),
  /** Accounts in Domo that no entry declares. */
  undeclared: z.array(
    z.object({
      id: z.number(),
      email: z.string().optional(),
      name: z.string().optional(),
      role: z.string().optional(),
    }),
  ),
  /** Declared accounts whose live fields differ, field by field. */
  drifted: z.array(
    z.object({
      email: z.string(),
      id: z.number(),
      line: z.number().optional(),
      fields: z.array(z.object({ field: z.string(), declared: fieldValue, live: fieldValue })),
    }),
  ),
  /** Declared, but no such account in Domo. */
  missing: z.array(z.object({ email: z.string(), id: z.number().optional(), line: z.number().optional() })),
  /**
   * Declared groups whose membership differs in Domo: members Domo has that the file does not
   * list (only for authoritative groups), and declared members Domo lacks. A declared group
   * Domo does not have at all is `missingGroup`.
   */
  groups: z
    .array(
      z.object({
        name: z.string(),
        id: z.number().optional(),
        line: z.number().optional(),
        missingGroup: z.boolean(),
        extraMembers: z.array(z.string()),
        missingMembers: z.array(z.string()),
      }),
    )
    .default([]),
});
export type AuditReport = z.infer<typeof auditReportSchema>;

/**
 * Compares declarations with live users the way the provider would: only declared fields
 * count, emails without case, numbers and numeric strings alike. Entries with an id match
 * that account; others match by email. Pure: it changes nothing and calls nothing.
 */
/** Live groups with their members' ids, for the membership part of an audit. */
export interface LiveGroups {
  groups: readonly DomoGroupRecord[];
  members: ReadonlyMap<number, readonly number[]>;
}

export function auditUsers(
  declared: readonly DeclaredUser[],
  live: readonly DomoUserRecord[],
  declaredGroups: readonly DeclaredGroup[] = [],
  liveGroups: LiveGroups = { groups: [], members: new Map() },
): AuditReport {
  const active = live.filter((u) => !u.deleted);
  const byId = new Map(active.map((u) => [u.id, u]));
  const byEmail = new Map<string, DomoUserRecord>();
  for (const u of active) if (u.email) byEmail.set(normaliseEmail(u.email), u);
  const matched = new Set<number>();
  const drifted: AuditReport["drifted"] = [];
  const missing: AuditReport["missing"] = [];

  for (const entry of declared) {
    const decl = entry.declaration;
    const byItsId = entry.id === undefined ? undefined : byId.get(entry.id);
    const found = byItsId ?? byEmail.get(decl.email);
    if (!found) {
      missing.push(strip({ email: decl.email, id: entry.id, line: entry.line }));
      continue;
    }
    matched.add(found.id);
    const fields: AuditReport["drifted"][number]["fields"] = [];
    if (entry.id !== undefined && found.id !== entry.id) {
      // The id names no live account, yet the email belongs to another one.
      fields.push({ field: "id", declared: entry.id, live: found.id });
    }
    for (const field of declaredWriteFields(decl)) {
      const want = decl[field];
      const have = found[field];
      if (!sameField(field, have, want)) fields.push(strip({ field, declared: want, live: have }));
    }
    if (fields.length > 0) drifted.push(strip({ email: decl.email, id: found.id, line: entry.line, fields }));
  }
  const undeclared = active
    .filter((u) => !matched.has(u.id))
    .sort((a, b) => a.id - b.id)
    .map((u) => strip({ id: u.id, email: u.email, name: u.name, role: u.role }));
  const groups = auditGroups(declared, active, declaredGroups, liveGroups);
  return {
    inSync: undeclared.length === 0 && drifted.length === 0 && missing.length === 0 && groups.length === 0,
    declared: declared.length,
    live: active.length,
    undeclared,
    drifted,
    missing,
    groups,
  };
}

function auditGroups(
  declared: readonly DeclaredUser[],
  active: readonly DomoUserRecord[],
  declaredGroups: readonly DeclaredGroup[],
  liveGroups: LiveGroups,
): AuditReport["groups"] {
  const emailOf = new Map(active.map((u) => [u.id, u.email ? normaliseEmail(u.email) : `user ${u.id}`]));
  const out: AuditReport["groups"] = [];
  for (const g of declaredGroups) {
    const found =
      (g.id === undefined ? undefined : liveGroups.groups.find((l) => l.id === g.id)) ??
      liveGroups.groups.find((l) => groupNameKey(l.name) === groupNameKey(g.name));
    const want = declared
      .filter((u) => u.groups.includes(g.name))
      .map((u) => u.declaration.email)
      .sort();
    if (!found) {
      out.push(
        strip({
          name: g.name,
          id: g.id,
          line: g.line,
          missingGroup: true,
          extraMembers: [],
          missingMembers: want,
        }),
      );
      continue;
    }
    const have = (liveGroups.members.get(found.id) ?? []).map((id) => emailOf.get(id) ?? `user ${id}`).sort();
    const missingMembers = want.filter((e) => !have.includes(e));
    const extraMembers = g.members === "authoritative" ? have.filter((e) => !want.includes(e)) : [];
    if (missingMembers.length > 0 || extraMembers.length > 0)
      out.push(
        strip({
          name: g.name,
          id: found.id,
          line: g.line,
          missingGroup: false,
          extraMembers,
          missingMembers,
        }),
      );
  }
  return out;
}

/** The report for a person: one section per kind of drift, then a one-line verdict. */
export function formatAuditReport(report: AuditReport, file: string): string {
  const lines: string[] = [];
  const at = (line: number | undefined) => (line === undefined ? "" : `, ${file}:${line}`);
  if (report.undeclared.length > 0) {
    lines.push(`In Domo but not declared (${report.undeclared.length}):`);
    for (const u of report.undeclared) {
      lines.push(
        `  ${u.id}  ${u.email ?? "(no email)"}${u.name ? `  ${u.name}` : ""}${u.role ? `  [${u.role}]` : ""}`,
      );
    }
  }
  if (report.drifted.length > 0) {
    lines.push(`Declared, but different in Domo (${report.drifted.length}):`);
    for (const d of report.drifted) {
      lines.push(`  ${d.email} (id ${d.id}${at(d.line)})`);
      for (const f of d.fields)
        lines.push(`    ${f.field}: declared ${show(f.declared)}, in Domo ${show(f.live)}`);
    }
  }
  if (report.missing.length > 0) {
    lines.push(`Declared, but not in Domo (${report.missing.length}):`);
    for (const m of report.missing) {
      lines.push(`  ${m.email}${m.id === undefined ? "" : ` (id ${m.id})`}${at(m.line)}`);
    }
  }
  if (report.groups.length > 0) {
    lines.push(`Groups whose members differ in Domo (${report.groups.length}):`);
    for (const g of report.groups) {
      lines.push(
        `  ${g.name}${g.id === undefined ? "" : ` (id ${g.id}${at(g.line)})`}${g.missingGroup ? ": not in Domo" : ""}`,
      );
      for (const e of g.extraMembers) lines.push(`    + ${e} (in Domo, not declared)`);
      for (const e of g.missingMembers) lines.push(`    - ${e} (declared, not in Domo)`);
    }
  }
  const differences =
    report.undeclared.length + report.drifted.length + report.missing.length + report.groups.length;
  lines.push(
    report.inSync
      ? `In sync: ${report.declared} declared users match Domo (${report.live} accounts).`
      : `Drift: ${differences} ${report.groups.length === 0 ? "account" : "account or group"}${differences === 1 ? " differs" : `s${report.groups.length === 0 ? "" : " or groups"} differ`} (${report.declared} declared, ${report.live} in Domo).`,
  );
  return `${lines.join("\n")}\n`;
}

function show(value: unknown): string {
  return value === undefined ? "(unset)" : JSON.stringify(value);
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
