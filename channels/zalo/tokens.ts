/**
 * Where the OA's tokens live. A Zalo refresh token is single-use: every refresh returns a new one,
 * which must be saved before the new access token is used. The in-memory store serves now; a later
 * issue keeps the tokens in PostgreSQL behind the same interface.
 */

export interface ZaloTokens {
  accessToken: string;
  /** Absent when the deployment gave no ZALO_REFRESH_TOKEN: an expired token then cannot be renewed. */
  refreshToken?: string;
  /** Epoch milliseconds; known only after a refresh (the configured token's lifetime is unknown). */
  expiresAt?: number;
}

export interface ZaloTokenStore {
  load(): Promise<ZaloTokens>;
  /** Replaces the tokens atomically (access and refresh token together). */
  save(tokens: ZaloTokens): Promise<void>;
}

export class MemoryZaloTokenStore implements ZaloTokenStore {
  private tokens: ZaloTokens;

  constructor(initial: ZaloTokens) {
    this.tokens = { ...initial };
  }

  async load(): Promise<ZaloTokens> {
    return { ...this.tokens };
  }

  async save(tokens: ZaloTokens): Promise<void> {
    this.tokens = { ...tokens };
  }
}
