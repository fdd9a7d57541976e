// The API under test, spoken to over real HTTP with JSON; `as` names the user whose token is sent.

export interface JsonAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** `baseUrl` is read at call time: servers in tests learn their port in beforeAll. */
export function jsonClient(baseUrl: () => string, tokens: Record<string, string>) {
  return async (method: string, path: string, body?: unknown, as?: string, headers: Record<string, string> = {}): Promise<JsonAnswer> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}
