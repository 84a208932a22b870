import { ProviderError } from './errors'

/** What a request that the browser rejected ran into. */
export type Rejection = 'redirect' | 'cors' | 'unreachable'

const PROBE: RequestInit = { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' }

/**
 * A fetch that rejected tells nothing by itself; provider requests use `redirect: 'error'`, so a
 * redirect rejects too. Two key-free, body-free probes to the same URL tell the causes apart:
 * 1. a CORS request with `redirect: 'manual'`: an opaque-redirect answer means the endpoint
 *    redirected, and the redirect was not followed (neither by the request nor by this probe);
 * 2. only if that fails too, a `no-cors` request: it succeeds when the server is there but sends
 *    no CORS headers, and fails when the host cannot be reached (closed port, DNS, offline).
 *    (`no-cors` can only follow redirects; it runs only for a server whose answers the page could
 *    never read anyway, and carries no key, cookie, body or referrer.)
 */
export async function diagnoseRejection(url: string, method: string, fetchImpl: typeof fetch, full = true): Promise<Rejection> {
  try {
    const response = await fetchImpl(url, { ...PROBE, method, mode: 'cors', redirect: 'manual' })
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) return 'redirect'
    // The server answers simple requests with CORS headers: the preflight is what failed.
    return 'cors'
  } catch {
    if (!full) return 'unreachable'
  }
  try {
    await fetchImpl(url, { ...PROBE, method: 'GET', mode: 'no-cors', redirect: 'follow' })
    return 'cors'
  } catch {
    return 'unreachable'
  }
}

/** The error for a rejected request, once diagnosed; `providerId` picks the CORS fix to suggest. */
export function rejectionError(rejection: Rejection, url: string, providerId: string, cause: unknown): ProviderError {
  if (rejection === 'redirect') return new ProviderError('network', 'redirect refused', { url, cause, redirected: true })
  if (rejection === 'cors') return new ProviderError('network', 'blocked by CORS', { url, cause, providerId, cors: true })
  return new ProviderError('network', 'fetch rejected', { url, cause, providerId })
}
