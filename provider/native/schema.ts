// TEMPORARY local stand-in until the derived schema lands (not committed).
export function schemaJson(version: string): string {
  return JSON.stringify({ name: "domo", version, resources: {} });
}
