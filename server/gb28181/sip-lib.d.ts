// Types for the parts of the `sip` package (kirm/sip.js, CommonJS, untyped) the GB/T 28181 endpoint uses.
// Everything it returns is checked with zod in sip-message.ts before use.

declare module 'sip' {
  /** A message as the library parses and writes it: headers by lower-case name, content as a binary (latin1) string. */
  export interface LibMessage {
    method?: string;
    uri?: string;
    version?: string;
    status?: number;
    reason?: string;
    headers: Record<string, unknown>;
    content?: string;
  }
  export interface LibUri {
    schema?: string;
    user?: string;
    host?: string;
    port?: number;
    params?: Record<string, string | null | undefined>;
  }
  const sip: {
    parse(data: Buffer | string): LibMessage | undefined;
    stringify(message: LibMessage): string;
    parseUri(uri: string): LibUri | undefined;
    generateBranch(): string;
  };
  export default sip;
}

declare module 'sip/digest.js' {
  const digest: {
    calculateUserRealmPasswordHash(user: string, realm: string, password: string): string;
    calculateDigest(ctx: { ha1: string; method: string; nonce: string; nc?: string; cnonce?: string; qop?: string; uri: string; entity?: string }): string;
  };
  export default digest;
}
