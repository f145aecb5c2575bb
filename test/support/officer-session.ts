/**
 * A logged-in officer (agent, supervisor, editor, admin) for API tests: POST /agent/login with JSON,
 * then requests carrying the session cookie and, on unsafe methods, the CSRF header.
 */
export type Json = ReturnType<typeof JSON.parse>;

export class OfficerSession {
  constructor(
    readonly baseUrl: string,
    readonly cookie: string,
    readonly csrf: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<OfficerSession> {
    const res = await fetch(`${baseUrl}/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status}`);
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    const body: Json = await res.json();
    return new OfficerSession(baseUrl, cookie, body.csrfToken);
  }

  /**
   * The same login (cookie and CSRF token) with paths taken from `baseUrl` instead: another process on
   * the same database, or an API's root, e.g. `at(`${url}/agent/api/`).json('GET', 'queue')`.
   */
  at(baseUrl: string): OfficerSession {
    return new OfficerSession(baseUrl, this.cookie, this.csrf);
  }

  /** `path` from the server root (or from what `at` gave), e.g. /editor/api/files. */
  request(method: string, path: string, body?: unknown, csrf = true): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        ...(csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** The JSON answer; fails the test when the status is not `status`. */
  async json(method: string, path: string, body?: unknown, status = 200): Promise<Json> {
    const res = await this.request(method, path, body);
    const data: Json = await res.json();
    expect({ status: res.status, data }).toMatchObject({ status });
    return data;
  }
}
