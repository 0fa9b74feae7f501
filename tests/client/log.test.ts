import assert from "node:assert/strict";
import sinon from "sinon";
import { DebugLog, Redactor } from "../../provider/client/log";

// Debug lines never show a credential.

describe("debug log redaction (client/log.ts)", () => {
  it("masks every occurrence of a known secret of 4 characters or more", () => {
    const r = new Redactor();
    r.add("s3cr3t-value");
    r.add("abcd");
    r.add("xyz");
    r.add("");
    r.add(undefined);
    assert.equal(r.redact("s3cr3t-value and s3cr3t-value"), "[REDACTED] and [REDACTED]");
    assert.equal(r.redact("abcd xyz"), "[REDACTED] xyz");
  });

  it("masks bearer and basic credentials, any case, after any run of spaces", () => {
    const r = new Redactor();
    assert.equal(r.redact("Authorization: Bearer eyJ.a-b_c~d+e/f=="), "Authorization: Bearer [REDACTED]");
    assert.equal(r.redact("authorization: basic   dXNlcjpwYXNz"), "authorization: basic [REDACTED]");
    assert.equal(r.redact("BEARER t1 then Basic t2"), "BEARER [REDACTED] then Basic [REDACTED]");
    assert.equal(r.redact("Bearer tok, next"), "Bearer [REDACTED], next");
    assert.equal(r.redact("unbearer tok"), "unbearer tok");
    assert.equal(r.redact("bearer"), "bearer");
  });

  it("masks token-looking fields in JSON and form bodies up to their end", () => {
    const r = new Redactor();
    assert.equal(
      r.redact('{"access_token":"eyJhbGci","token_type":"x"}'),
      '{"access_token":"[REDACTED]","token_type":"x"}',
    );
    assert.equal(
      r.redact("grant=1&client_secret=abc&scope=user"),
      "grant=1&client_secret=[REDACTED]&scope=user",
    );
    assert.equal(r.redact('{"clientSecret" : "p4ss"}'), '{"clientSecret" : "[REDACTED]"}');
    assert.equal(r.redact("{access_token:tok}"), "{access_token:[REDACTED]}");
    assert.equal(r.redact("access_token=tok,x"), "access_token=[REDACTED],x");
    assert.equal(r.redact("access_token=tok rest"), "access_token=[REDACTED] rest");
    assert.equal(
      r.redact("access_token=a client_secret=b"),
      "access_token=[REDACTED] client_secret=[REDACTED]",
    );
    assert.equal(r.redact("token=plain"), "token=plain");
  });

  it("writes prefixed, redacted lines only when enabled", () => {
    const r = new Redactor();
    r.add("hunter22");
    const lines: string[] = [];
    const on = new DebugLog(true, r, (l) => lines.push(l));
    assert.equal(on.on, true);
    on.write("secret is hunter22");
    assert.deepEqual(lines, ["[pulumi-domo] secret is [REDACTED]"]);
    const off = new DebugLog(false, r, (l) => lines.push(l));
    assert.equal(off.on, false);
    off.write("ignored");
    assert.equal(lines.length, 1);
  });

  it("writes to stderr, one line each, by default", () => {
    const write = sinon.stub(process.stderr, "write").returns(true);
    try {
      new DebugLog(true, new Redactor()).write("hello");
    } finally {
      write.restore();
    }
    assert.equal(write.callCount, 1);
    assert.equal(write.firstCall.args[0], "[pulumi-domo] hello\n");
  });
});
