// @ts-nocheck
import type { UsersFileProblem } from "./schema";

/** Stop listing after this many: past it, more lines hide the first (usually causal) ones. */
const maxListed = 50;

/**
 * The one error a users file can produce: every problem found, each with file, line and
 * path, so a person can fix them all in one pass rather than one per run.
 */
export class UsersFileError extends Error {
  readonly problems: readonly UsersFileProblem[];

  constructor(problems: readonly UsersFileProblem[]) {
    super(formatProblems(problems));
    this.name = "UsersFileError";
    this.problems = problems;
  }
}

export function isUsersFileError(e: unknown): e is UsersFileError {
  return e instanceof UsersFileError;
}

/** `users.yaml:14: users[3].role: role "admin" is not ...`, compiler style, one per line. */
export function formatProblem(p: UsersFileProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${where}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

export function formatProblems(problems: readonly UsersFileProblem[]): string {
  if (problems.length === 0) return "users file is invalid";
  const lines = problems.slice(0, maxListed).map(formatProblem);
  if (problems.length > maxListed) lines.push(`… and ${problems.length - maxListed} more problems`);
  if (problems.length === 1) return lines[0] ?? "";
  return `${problems.length} problems in ${problems[0]?.file}:\n${lines.join("\n")}`;
}
