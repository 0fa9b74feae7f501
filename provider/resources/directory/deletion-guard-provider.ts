import type { CheckResult, CreateResult, DiffResult, PropertyMap, UpdateResult } from "../user/runtime";

type Rules = typeof import("../../model/deletion-guard");
type UserRuntimeModule = typeof import("../user/runtime");

/**
 * The provider of a directory's deletion guard: a resource that remembers which accounts the
 * directory would delete if their entries went, and whose `check` (so `pulumi preview`, with
 * no call to Domo) fails when a run would delete too many of them. It never talks to Domo.
 *
 * Like the DomoUser provider, this module's whole exports is the object Pulumi serializes:
 * installed from npm it is one `require` of this file; the rules load by package path.
 */
const deletionGuardProvider = {
  rules(): Rules {
    return require("pulumi-domo/dist/model/deletion-guard.js") as Rules;
  },
  /**
   * Tells the process's user ledger what the directory declares in this run (so no resource
   * of the run deletes those accounts, whichever resource held them before) and, when the
   * directory's layout changed (perUser <-> bulk, the batch count), which accounts it hands
   * over from the resources that held them to those that declare them now (adopted by email,
   * no write when their fields match). Registered before the directory's users, so its check
   * runs before their creates.
   */
  handOver(olds: PropertyMap, news: PropertyMap): void {
    const declared = emails(news.held);
    const before = emails(olds.held);
    const layoutBefore = typeof olds.layout === "string" ? olds.layout : "perUser";
    const changed = olds.held !== undefined && layoutBefore !== news.layout;
    const now = new Set(declared);
    const mod = require("pulumi-domo/dist/resources/user/runtime.js") as UserRuntimeModule;
    mod.sharedUserLedger().declareDirectory(declared, changed ? before.filter((e) => now.has(e)) : []);
  },
  async check(olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    this.handOver(olds, news);
    const previous = emails(olds.accounts);
    const next = emails(news.accounts);
    const policy = {
      allowMassDeletion: news.allowMassDeletion === true,
      maxDeletes: typeof news.maxDeletes === "number" ? news.maxDeletes : undefined,
    };
    const verdict = this.rules().judgeRemovals(previous, next, policy);
    if (!verdict.refused) return { inputs: news };
    const directory = typeof news.directory === "string" ? news.directory : "The users directory";
    return {
      failures: [
        {
          property: "allowMassDeletion",
          reason: this.rules().massDeletionMessage(directory, previous.length, verdict.removed),
        },
      ],
    };
  },
  // `held` and `layout` never cause an update: the engine stores the new inputs anyway.
  async diff(_id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const same = ["accounts", "allowMassDeletion", "maxDeletes", "directory"].every(
      (k) => JSON.stringify(olds[k]) === JSON.stringify(news[k]),
    );
    return { changes: !same, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: PropertyMap): Promise<CreateResult> {
    return this.rules().createdGuard(inputs);
  },
  async update(_id: string, _olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    return { outs: news };
  },
  async delete(): Promise<void> {},
};

function emails(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export = deletionGuardProvider;
