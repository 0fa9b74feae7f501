import { groupNameKey } from "./group";
import { normaliseEmail } from "./user";

/**
 * One account, one resource; one group, one resource: a program that declares the same
 * email (any case, stray spaces) or the same group name (without case) twice is refused
 * before anything reaches Domo. The rule and its messages, once, for every transport: the
 * dynamic classes apply it as the program registers resources; the native provider applies it
 * at check, where every resource of its run arrives (a program in any language).
 */
export interface DeclarationNames {
  /** How the user and group resources are called in messages ("DomoUser", or "domo:index:User"). */
  user: string;
  group: string;
}

export class DeclaredOnce {
  /** key -> [identity, name] of the first resource that declared it. */
  private readonly emails = new Map<string, [string, string]>();
  private readonly groups = new Map<string, [string, string]>();

  constructor(private readonly names: DeclarationNames) {}

  /**
   * The refusal when another resource already declares this email, else undefined. `identity`
   * tells resources apart where names repeat (a URN: two directories both name `user-<email>`).
   */
  email(resource: string, email: string, identity = resource): string | undefined {
    const key = normaliseEmail(email);
    const first = this.emails.get(key);
    if (first !== undefined && first[0] !== identity) {
      const { user } = this.names;
      return (
        `${user} "${resource}" declares email ${key}, which ${user} "${first[1]}" already declares: one Domo account, one resource. ` +
        `Remove one of the two declarations (to rename a ${user}, keep one and give it the resource option aliases: [{ name: "<old name>" }])`
      );
    }
    this.emails.set(key, [identity, resource]);
    return undefined;
  }

  /** The refusal when another resource already declares this group name, else undefined. */
  groupName(resource: string, name: string, identity = resource): string | undefined {
    const key = groupNameKey(name);
    const first = this.groups.get(key);
    if (first !== undefined && first[0] !== identity) {
      const { group } = this.names;
      return `${group} "${resource}" declares the group "${name.trim()}", which ${group} "${first[1]}" already declares (names compare without case): one Domo group, one resource. Remove one of the two declarations`;
    }
    this.groups.set(key, [identity, resource]);
    return undefined;
  }
}
