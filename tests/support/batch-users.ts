import type { PropertyMap } from "../../provider/resources/user/runtime";

/** A numbered person's declaration, as the batch specs write them. */
export const person = (n: number, extra: PropertyMap = {}): PropertyMap => ({
  email: `user${n}@example.com`,
  name: `User ${n}`,
  role: "Participant",
  ...extra,
});

/** A DomoUserBatch's `users` input: declarations keyed by normalised email. */
export const usersOf = (list: PropertyMap[]): PropertyMap =>
  Object.fromEntries(list.map((u) => [String(u.email).toLowerCase(), u]));
