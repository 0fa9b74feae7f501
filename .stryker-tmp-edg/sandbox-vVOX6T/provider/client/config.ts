// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { z } from "zod";
import { DomoError } from "./errors";

/**
 * Client settings. The zod schema is the single source of truth: types are inferred from it,
 * and each setting's error message names the setting so a person can fix it.
 */
export const clientSettingsSchema = z.object(stryMutAct_9fa48("102") ? {} : (stryCov_9fa48("102"), {
  apiHost: z.string().url(stryMutAct_9fa48("103") ? "" : (stryCov_9fa48("103"), "must be a URL such as https://api.domo.com")).transform(stryMutAct_9fa48("104") ? () => undefined : (stryCov_9fa48("104"), s => s.replace(stryMutAct_9fa48("106") ? /\/$/ : stryMutAct_9fa48("105") ? /\/+/ : (stryCov_9fa48("105", "106"), /\/+$/), stryMutAct_9fa48("107") ? "Stryker was here!" : (stryCov_9fa48("107"), "")))).default(stryMutAct_9fa48("108") ? "" : (stryCov_9fa48("108"), "https://api.domo.com")),
  clientId: stryMutAct_9fa48("110") ? z.string().min(1, "is required: the client id of a Domo API client") : stryMutAct_9fa48("109") ? z.string().trim().max(1, "is required: the client id of a Domo API client") : (stryCov_9fa48("109", "110"), z.string().trim().min(1, stryMutAct_9fa48("111") ? "" : (stryCov_9fa48("111"), "is required: the client id of a Domo API client"))),
  clientSecret: stryMutAct_9fa48("112") ? z.string().max(1, "is required: the client secret of a Domo API client (store it as a secret)") : (stryCov_9fa48("112"), z.string().min(1, stryMutAct_9fa48("113") ? "" : (stryCov_9fa48("113"), "is required: the client secret of a Domo API client (store it as a secret)"))),
  scope: stryMutAct_9fa48("115") ? z.string().min(1).default("user") : stryMutAct_9fa48("114") ? z.string().trim().max(1).default("user") : (stryCov_9fa48("114", "115"), z.string().trim().min(1).default(stryMutAct_9fa48("116") ? "" : (stryCov_9fa48("116"), "user"))),
  timeoutMs: stryMutAct_9fa48("118") ? z.number().int().max(100).max(600_000).default(30_000) : stryMutAct_9fa48("117") ? z.number().int().min(100).min(600_000).default(30_000) : (stryCov_9fa48("117", "118"), z.number().int().min(100).max(600_000).default(30_000)),
  maxRetries: stryMutAct_9fa48("120") ? z.number().int().max(0).max(20).default(6) : stryMutAct_9fa48("119") ? z.number().int().min(0).min(20).default(6) : (stryCov_9fa48("119", "120"), z.number().int().min(0).max(20).default(6)),
  deadlineMs: stryMutAct_9fa48("122") ? z.number().int().max(1_000).max(3_600_000).default(180_000) : stryMutAct_9fa48("121") ? z.number().int().min(1_000).min(3_600_000).default(180_000) : (stryCov_9fa48("121", "122"), z.number().int().min(1_000).max(3_600_000).default(180_000)),
  requestsPerSecond: stryMutAct_9fa48("123") ? z.number().positive().min(10_000).default(20) : (stryCov_9fa48("123"), z.number().positive().max(10_000).default(20)),
  maxConcurrency: stryMutAct_9fa48("125") ? z.number().int().max(1).max(256).default(8) : stryMutAct_9fa48("124") ? z.number().int().min(1).min(256).default(8) : (stryCov_9fa48("124", "125"), z.number().int().min(1).max(256).default(8)),
  listingTtlMs: stryMutAct_9fa48("127") ? z.number().int().max(0).max(600_000).default(30_000) : stryMutAct_9fa48("126") ? z.number().int().min(0).min(600_000).default(30_000) : (stryCov_9fa48("126", "127"), z.number().int().min(0).max(600_000).default(30_000)),
  debug: z.boolean().default(stryMutAct_9fa48("128") ? true : (stryCov_9fa48("128"), false)),
  /**
   * At most this many DomoUser deletes in one run of the provider (one `pulumi up` or
   * `destroy`); further deletes are refused. 0, the default, sets no cap.
   */
  maxDeletesPerRun: stryMutAct_9fa48("130") ? z.number().int().max(0).max(1_000_000).default(0) : stryMutAct_9fa48("129") ? z.number().int().min(0).min(1_000_000).default(0) : (stryCov_9fa48("129", "130"), z.number().int().min(0).max(1_000_000).default(0))
}));
export type ClientSettings = z.infer<typeof clientSettingsSchema>;
export type ClientSettingsInput = z.input<typeof clientSettingsSchema>;
type SettingKey = keyof ClientSettings;
const settingKeys = Object.keys(clientSettingsSchema.shape) as SettingKey[];

/** The external names of a setting: stack config `domo:<key>`, environment `DOMO_<KEY_IN_SNAKE_CASE>`. */
export function settingSource(key: SettingKey): {
  config: string;
  env: string;
} {
  if (stryMutAct_9fa48("131")) {
    {}
  } else {
    stryCov_9fa48("131");
    return stryMutAct_9fa48("132") ? {} : (stryCov_9fa48("132"), {
      config: stryMutAct_9fa48("133") ? `` : (stryCov_9fa48("133"), `domo:${key}`),
      env: stryMutAct_9fa48("134") ? `` : (stryCov_9fa48("134"), `DOMO_${stryMutAct_9fa48("135") ? key.replace(/[A-Z]/g, c => `_${c}`).toLowerCase() : (stryCov_9fa48("135"), key.replace(stryMutAct_9fa48("136") ? /[^A-Z]/g : (stryCov_9fa48("136"), /[A-Z]/g), stryMutAct_9fa48("137") ? () => undefined : (stryCov_9fa48("137"), c => stryMutAct_9fa48("138") ? `` : (stryCov_9fa48("138"), `_${c}`))).toUpperCase())}`)
    });
  }
}

/** Every setting with its external names, derived from the schema. */
export const settingSources = Object.fromEntries(settingKeys.map(k => [k, settingSource(k)])) as Record<SettingKey, {
  config: string;
  env: string;
}>;

/** What a setting's text must be turned into before validation, read off its schema. */
function valueKind(key: SettingKey): "number" | "boolean" | "string" {
  if (stryMutAct_9fa48("139")) {
    {}
  } else {
    stryCov_9fa48("139");
    let schema: z.ZodType = clientSettingsSchema.shape[key];
    while (stryMutAct_9fa48("141") ? (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) && schema instanceof z.ZodPipe : stryMutAct_9fa48("140") ? false : (stryCov_9fa48("140", "141"), (stryMutAct_9fa48("143") ? schema instanceof z.ZodDefault && schema instanceof z.ZodOptional : stryMutAct_9fa48("142") ? false : (stryCov_9fa48("142", "143"), schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)) || schema instanceof z.ZodPipe)) {
      if (stryMutAct_9fa48("144")) {
        {}
      } else {
        stryCov_9fa48("144");
        schema = schema instanceof z.ZodPipe ? schema.def.in as z.ZodType : schema.def.innerType as z.ZodType;
      }
    }
    if (stryMutAct_9fa48("146") ? false : stryMutAct_9fa48("145") ? true : (stryCov_9fa48("145", "146"), schema instanceof z.ZodNumber)) return stryMutAct_9fa48("147") ? "" : (stryCov_9fa48("147"), "number");
    if (stryMutAct_9fa48("149") ? false : stryMutAct_9fa48("148") ? true : (stryCov_9fa48("148", "149"), schema instanceof z.ZodBoolean)) return stryMutAct_9fa48("150") ? "" : (stryCov_9fa48("150"), "boolean");
    return stryMutAct_9fa48("151") ? "" : (stryCov_9fa48("151"), "string");
  }
}

/** Validates settings; the error names the setting (never its value when it is the secret). */
export function parseClientSettings(input: unknown, naming: "config" | "env" | "plain" = stryMutAct_9fa48("152") ? "" : (stryCov_9fa48("152"), "plain")): ClientSettings {
  if (stryMutAct_9fa48("153")) {
    {}
  } else {
    stryCov_9fa48("153");
    const result = clientSettingsSchema.safeParse(input);
    if (stryMutAct_9fa48("155") ? false : stryMutAct_9fa48("154") ? true : (stryCov_9fa48("154", "155"), result.success)) return result.data;
    const problems = result.error.issues.map(issue => {
      if (stryMutAct_9fa48("156")) {
        {}
      } else {
        stryCov_9fa48("156");
        const key = String(issue.path[0] ?? "settings") as keyof ClientSettings;
        const source = settingSources[key];
        const name = (stryMutAct_9fa48("159") ? naming === "plain" && !source : stryMutAct_9fa48("158") ? false : stryMutAct_9fa48("157") ? true : (stryCov_9fa48("157", "158", "159"), (stryMutAct_9fa48("161") ? naming !== "plain" : stryMutAct_9fa48("160") ? false : (stryCov_9fa48("160", "161"), naming === (stryMutAct_9fa48("162") ? "" : (stryCov_9fa48("162"), "plain")))) || (stryMutAct_9fa48("163") ? source : (stryCov_9fa48("163"), !source)))) ? key : (stryMutAct_9fa48("166") ? naming !== "config" : stryMutAct_9fa48("165") ? false : stryMutAct_9fa48("164") ? true : (stryCov_9fa48("164", "165", "166"), naming === (stryMutAct_9fa48("167") ? "" : (stryCov_9fa48("167"), "config")))) ? source.config : source.env;
        const hint = source ? stryMutAct_9fa48("168") ? `` : (stryCov_9fa48("168"), ` (stack config ${source.config} or env ${source.env})`) : stryMutAct_9fa48("169") ? "Stryker was here!" : (stryCov_9fa48("169"), "");
        return stryMutAct_9fa48("170") ? `` : (stryCov_9fa48("170"), `${name}${hint} ${issue.message}`);
      }
    });
    throw new DomoError(stryMutAct_9fa48("172") ? {} : (stryCov_9fa48("172"), {
      kind: stryMutAct_9fa48("173") ? "" : (stryCov_9fa48("173"), "invalid_settings"),
      field: String(stryMutAct_9fa48("174") ? result.error.issues[0]?.path[0] && "settings" : (stryCov_9fa48("174"), (stryMutAct_9fa48("175") ? result.error.issues[0].path[0] : (stryCov_9fa48("175"), result.error.issues[0]?.path[0])) ?? (stryMutAct_9fa48("176") ? "" : (stryCov_9fa48("176"), "settings")))),
      message: stryMutAct_9fa48("177") ? `` : (stryCov_9fa48("177"), `Invalid Domo client settings: ${problems.join(stryMutAct_9fa48("178") ? "" : (stryCov_9fa48("178"), "; "))}`)
    }));
  }
}

/**
 * Reads settings from a lookup (stack config or environment), converting numbers and booleans.
 * Stack config wins over the environment; values that are not numbers stay strings so that
 * validation reports them by name instead of silently ignoring them.
 */
export function settingsFromSources(configGet: (key: string) => unknown, env: Record<string, string | undefined> = process.env): ClientSettings {
  if (stryMutAct_9fa48("179")) {
    {}
  } else {
    stryCov_9fa48("179");
    const raw: Record<string, unknown> = {};
    for (const key of settingKeys) {
      if (stryMutAct_9fa48("180")) {
        {}
      } else {
        stryCov_9fa48("180");
        const source = settingSource(key);
        // Stack config may hand over typed values (numbers, booleans): compare as text.
        const found = stryMutAct_9fa48("181") ? configGet(source.config) && env[source.env] : (stryCov_9fa48("181"), configGet(source.config) ?? env[source.env]);
        if (stryMutAct_9fa48("184") ? (found === undefined || found === null) && found === "" : stryMutAct_9fa48("183") ? false : stryMutAct_9fa48("182") ? true : (stryCov_9fa48("182", "183", "184"), (stryMutAct_9fa48("186") ? found === undefined && found === null : stryMutAct_9fa48("185") ? false : (stryCov_9fa48("185", "186"), (stryMutAct_9fa48("188") ? found !== undefined : stryMutAct_9fa48("187") ? false : (stryCov_9fa48("187", "188"), found === undefined)) || (stryMutAct_9fa48("190") ? found !== null : stryMutAct_9fa48("189") ? false : (stryCov_9fa48("189", "190"), found === null)))) || (stryMutAct_9fa48("192") ? found !== "" : stryMutAct_9fa48("191") ? false : (stryCov_9fa48("191", "192"), found === (stryMutAct_9fa48("193") ? "Stryker was here!" : (stryCov_9fa48("193"), "")))))) continue;
        const value = String(found);
        const kind = valueKind(key);
        if (stryMutAct_9fa48("196") ? kind !== "number" : stryMutAct_9fa48("195") ? false : stryMutAct_9fa48("194") ? true : (stryCov_9fa48("194", "195", "196"), kind === (stryMutAct_9fa48("197") ? "" : (stryCov_9fa48("197"), "number")))) raw[key] = (stryMutAct_9fa48("205") ? /^-?\d+(\.\D+)?$/ : stryMutAct_9fa48("204") ? /^-?\d+(\.\d)?$/ : stryMutAct_9fa48("203") ? /^-?\d+(\.\d+)$/ : stryMutAct_9fa48("202") ? /^-?\D+(\.\d+)?$/ : stryMutAct_9fa48("201") ? /^-?\d(\.\d+)?$/ : stryMutAct_9fa48("200") ? /^-\d+(\.\d+)?$/ : stryMutAct_9fa48("199") ? /^-?\d+(\.\d+)?/ : stryMutAct_9fa48("198") ? /-?\d+(\.\d+)?$/ : (stryCov_9fa48("198", "199", "200", "201", "202", "203", "204", "205"), /^-?\d+(\.\d+)?$/)).test(stryMutAct_9fa48("206") ? value : (stryCov_9fa48("206"), value.trim())) ? Number(value) : value;else if (stryMutAct_9fa48("209") ? kind !== "boolean" : stryMutAct_9fa48("208") ? false : stryMutAct_9fa48("207") ? true : (stryCov_9fa48("207", "208", "209"), kind === (stryMutAct_9fa48("210") ? "" : (stryCov_9fa48("210"), "boolean")))) raw[key] = stryMutAct_9fa48("213") ? value === "true" && value === "1" : stryMutAct_9fa48("212") ? false : stryMutAct_9fa48("211") ? true : (stryCov_9fa48("211", "212", "213"), (stryMutAct_9fa48("215") ? value !== "true" : stryMutAct_9fa48("214") ? false : (stryCov_9fa48("214", "215"), value === (stryMutAct_9fa48("216") ? "" : (stryCov_9fa48("216"), "true")))) || (stryMutAct_9fa48("218") ? value !== "1" : stryMutAct_9fa48("217") ? false : (stryCov_9fa48("217", "218"), value === (stryMutAct_9fa48("219") ? "" : (stryCov_9fa48("219"), "1")))));else raw[key] = value;
      }
    }
    return parseClientSettings(raw, stryMutAct_9fa48("220") ? "" : (stryCov_9fa48("220"), "config"));
  }
}