/**
 * Debug logging that can never print a credential: every line passes through a redactor that
 * knows the client secret and every token issued in this process, and masks bearer/basic
 * headers and token-looking JSON fields as a second line of defence.
 */
// @ts-nocheck

export type LogSink = (line: string) => void;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join("[REDACTED]");
    return out
      .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [REDACTED]")
      .replace(/("?(access_token|client_secret|clientSecret)"?\s*[:=]\s*"?)[^",&\s}]+/g, "$1[REDACTED]");
  }
}

export class DebugLog {
  constructor(
    private readonly enabled: boolean,
    private readonly redactor: Redactor,
    private readonly sink: LogSink = (line) => process.stderr.write(`${line}\n`),
  ) {}

  get on(): boolean {
    return this.enabled;
  }

  write(message: string): void {
    if (this.enabled) this.sink(this.redactor.redact(`[pulumi-domo] ${message}`));
  }
}
