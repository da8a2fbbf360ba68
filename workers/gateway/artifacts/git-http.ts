import type { GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";

export type GitFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * isomorphic-git's HTTP client over any fetch, sending the repository token as a bearer. Bodies are
 * buffered both ways (packs of one scope's artifacts are small); redirects are not followed, so the
 * token only ever goes where `doFetch` allows.
 */
export function gitHttp(doFetch: GitFetch, token: string): HttpClient {
  return {
    async request({ url, method = "GET", headers = {}, body }: GitHttpRequest): Promise<GitHttpResponse> {
      const sent = new Headers(headers);
      sent.set("authorization", `Bearer ${token}`);
      const res = await doFetch(url, {
        method,
        headers: sent,
        body: body ? await collect(body as AsyncIterable<Uint8Array> | Iterable<Uint8Array>) : undefined,
        redirect: "manual",
      });
      const answer = new Uint8Array(await res.arrayBuffer());
      return {
        url,
        method,
        statusCode: res.status,
        statusMessage: res.statusText,
        headers: Object.fromEntries(res.headers),
        body: once(answer),
      };
    },
  };
}

/** isomorphic-git hands request bodies over as arrays of chunks or as async iterators. */
async function collect(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

async function* once(bytes: Uint8Array): AsyncIterableIterator<Uint8Array> {
  yield bytes;
}
