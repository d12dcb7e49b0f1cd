/** A small fetch wrapper for integration tests: JSON in, status + JSON out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function apiClient(baseUrl: string, key?: string) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return async function request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        // The suite reads English problem details; tests of the language itself pass their own Accept-Language.
        'accept-language': 'en',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: tests that expect HTML or plain text read it as a string
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
}

export function testApi(key: string | undefined = process.env.PASBAN_TEST_ADMIN_KEY) {
  return apiClient(process.env.PASBAN_TEST_API_URL!, key);
}
