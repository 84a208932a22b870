/**
 * Storage targets: an S3-compatible bucket (SigV4 by aws4fetch, path- or virtual-host style) and a
 * WebDAV folder (Basic auth). Both read and write whole objects by name; every failure becomes a
 * SyncError whose kind says what is wrong (CORS, credentials, bucket or folder, clock, quota).
 */
import { AwsClient } from 'aws4fetch'
import { SyncError, type SyncErrorKind } from './errors'
import type { SyncTargetConfig } from './config'
import type { SyncTarget } from './engine'

/** `fetch` as the targets call it (tests pass their own). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

/** A target plus what the connection test needs. */
export interface StorageTarget extends SyncTarget {
  /** The URL of an object (no credentials in it). */
  urlOf(name: string): string
}

/** Opens the target a configuration describes. */
export function openTarget(config: SyncTargetConfig, fetchFn: FetchLike = (input, init) => fetch(input, init)): StorageTarget {
  return config.kind === 's3' ? s3Target(config, fetchFn) : webdavTarget(config, fetchFn)
}

/** The URL of an S3 object, path-style (`endpoint/bucket/key`) or virtual-host style (`bucket.endpoint/key`). */
export function s3ObjectUrl(config: Pick<SyncTargetConfig, 'endpoint' | 'bucket' | 'prefix' | 'pathStyle'>, name: string): string {
  const endpoint = new URL(config.endpoint.trim())
  const base = endpoint.pathname.replace(/\/+$/, '')
  const key = `${normalPrefix(config.prefix)}${name}`.split('/').map(encodeRfc3986).join('/')
  if (config.pathStyle) return `${endpoint.origin}${base}/${config.bucket}/${key}`
  return `${endpoint.protocol}//${config.bucket}.${endpoint.host}${base}/${key}`
}

function normalPrefix(prefix: string): string {
  const p = prefix.trim().replace(/^\/+/, '').replace(/\/+$/, '')
  return p === '' ? '' : `${p}/`
}

function encodeRfc3986(part: string): string {
  return encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function s3Target(config: SyncTargetConfig, fetchFn: FetchLike): StorageTarget {
  const client = new AwsClient({
    accessKeyId: config.accessKeyId.trim(),
    secretAccessKey: config.secretAccessKey,
    service: 's3',
    region: config.region.trim(),
    // Retries are the engine's business (the next sync): a dead server must fail now, not in a minute.
    retries: 0,
  })
  const urlOf = (name: string): string => s3ObjectUrl(config, name)
  const send = async (method: string, name: string, body?: Uint8Array, contentType?: string): Promise<Response> => {
    const url = urlOf(name)
    const init: RequestInit = { method, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' }
    if (body) {
      init.body = body as Uint8Array<ArrayBuffer>
      init.headers = { 'content-type': contentType ?? 'application/octet-stream' }
    }
    let signed: Request
    try {
      signed = await client.sign(url, init)
    } catch (error) {
      throw new SyncError('config', `The request could not be signed: ${error instanceof Error ? error.message : String(error)}`, { field: 'endpoint' })
    }
    return request(fetchFn, url, () => fetchFn(signed.url, { method, headers: signed.headers, body: init.body ?? null, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' }))
  }
  return {
    id: `s3:${urlOf('')}`,
    urlOf,
    async get(name) {
      const res = await send('GET', name)
      if (res.ok) return new Uint8Array(await res.arrayBuffer())
      const failure = await s3Failure(res)
      if (res.status === 404 && failure.details.code !== 'NoSuchBucket') return null
      throw failure
    },
    async put(name, body, contentType) {
      const res = await send('PUT', name, body, contentType)
      if (!res.ok) throw await s3Failure(res)
    },
    async remove(name) {
      const res = await send('DELETE', name)
      if (!res.ok && res.status !== 404) throw await s3Failure(res)
    },
  }
}

/** Classifies an S3 error response by its XML `<Code>`. */
export async function s3Failure(res: Response): Promise<SyncError> {
  const text = await res.text().catch(() => '')
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1]
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]
  const detail = `HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message.slice(0, 200)}` : ''}`
  const base = { status: res.status, ...(code ? { code } : {}) }
  if (code === 'RequestTimeTooSkewed' || code === 'RequestExpired') {
    const requestTime = Date.parse(/<RequestTime>([^<]*)<\/RequestTime>/.exec(text)?.[1] ?? '')
    const serverTime = Date.parse(/<ServerTime>([^<]*)<\/ServerTime>/.exec(text)?.[1] ?? '')
    const skew = Number.isFinite(requestTime) && Number.isFinite(serverTime) ? Math.round((requestTime - serverTime) / 1000) : undefined
    return new SyncError('clock-skew', `The storage refused the request because this device's clock is off (${detail})`, { ...base, ...(skew !== undefined ? { skewSeconds: skew } : {}) })
  }
  if (code === 'NoSuchBucket') return new SyncError('not-found', `The bucket does not exist (${detail})`, base)
  if (res.status === 507 || /quota|storagefull|insufficientstorage|storagecap/i.test(code ?? '') || code === 'EntityTooLarge') {
    return new SyncError('quota', `The storage is full or over its quota (${detail})`, base)
  }
  if (res.status === 401 || res.status === 403) return new SyncError('auth', `The storage refused the credentials (${detail})`, base)
  return new SyncError('http', `The storage answered ${detail}`, base)
}

function webdavTarget(config: SyncTargetConfig, fetchFn: FetchLike): StorageTarget {
  const folder = config.url.trim().replace(/\/*$/, '/')
  const urlOf = (name: string): string => `${folder}${encodeURIComponent(name)}`
  const headers = (extra: Record<string, string> = {}): Record<string, string> => {
    const out: Record<string, string> = { ...extra }
    if (config.username !== '' || config.password !== '') out.authorization = `Basic ${basic(config.username, config.password)}`
    return out
  }
  const send = (method: string, url: string, init: RequestInit = {}): Promise<Response> =>
    request(fetchFn, url, () => fetchFn(url, { method, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', ...init }))
  return {
    id: `webdav:${folder}`,
    urlOf,
    async get(name) {
      const res = await send('GET', urlOf(name), { headers: headers() })
      if (res.ok) return new Uint8Array(await res.arrayBuffer())
      if (res.status === 404) return null
      throw await webdavFailure(res, 'folder')
    },
    async put(name, body, contentType) {
      const put = (): Promise<Response> => send('PUT', urlOf(name), { headers: headers({ 'content-type': contentType }), body: body as Uint8Array<ArrayBuffer> })
      let res = await put()
      // 409: the folder does not exist yet. Make it (its parent must exist), then write again.
      if (res.status === 409 || (res.status === 404 && name !== '')) {
        const made = await send('MKCOL', folder, { headers: headers() })
        if (!made.ok && made.status !== 405) throw await webdavFailure(made, 'parent')
        res = await put()
      }
      if (!res.ok) throw await webdavFailure(res, 'folder')
    },
    async remove(name) {
      const res = await send('DELETE', urlOf(name), { headers: headers() })
      if (!res.ok && res.status !== 404) throw await webdavFailure(res, 'folder')
    },
  }
}

/** Classifies a WebDAV error response. */
export async function webdavFailure(res: Response, missing: 'folder' | 'parent'): Promise<SyncError> {
  const text = (await res.text().catch(() => '')).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)
  const detail = `HTTP ${res.status}${text ? `: ${text}` : ''}`
  const kind: SyncErrorKind =
    res.status === 401 || res.status === 403 ? 'auth'
      : res.status === 404 || res.status === 409 ? 'not-found'
        : res.status === 507 || res.status === 413 ? 'quota'
          : 'http'
  const what = kind === 'auth' ? 'The WebDAV server refused the user name or password'
    : kind === 'not-found' ? (missing === 'parent' ? 'The WebDAV folder cannot be created: its parent folder does not exist' : 'The WebDAV folder does not exist')
      : kind === 'quota' ? 'The WebDAV storage is full or over its quota'
        : 'The WebDAV server answered'
  return new SyncError(kind, `${what} (${detail})`, { status: res.status, code: missing })
}

/**
 * Sends one request; a fetch that fails outright is CORS when the server can be reached without
 * CORS (a credential-free `no-cors` request gets through), and network otherwise.
 */
async function request(fetchFn: FetchLike, url: string, send: () => Promise<Response>): Promise<Response> {
  try {
    return await send()
  } catch (error) {
    if (error instanceof SyncError) throw error
    const reachable = await fetchFn(url, { method: 'GET', mode: 'no-cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' }).then(
      () => true,
      () => false,
    )
    const origin = new URL(url).origin
    return Promise.reject(
      reachable
        ? new SyncError('cors', `${origin} answered, but without CORS headers for this page, so the browser blocked the reply`)
        : new SyncError('network', `${origin} could not be reached (offline, a wrong address, or the server is down)`),
    )
  }
}

function basic(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/** What the connection test found. */
export interface ConnectionReport {
  /** Round trip of the write-read-delete probe, ms. */
  ms: number
  /** Whether the storage already holds Inkstream sync data. */
  hasData: boolean
}

/** Writes, reads back and deletes a small probe object, and looks for a manifest. */
export async function testConnection(target: SyncTarget, manifestName: string, now: () => number = Date.now): Promise<ConnectionReport> {
  const started = now()
  const probe = '.inkstream-probe'
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  await target.put(probe, bytes, 'application/octet-stream')
  const back = await target.get(probe)
  if (!back || back.length !== bytes.length || back.some((b, i) => b !== bytes[i])) {
    throw new SyncError('http', 'The storage did not give back what was written to it', { code: 'probe' })
  }
  await target.remove(probe)
  const hasData = (await target.get(manifestName)) !== null
  return { ms: now() - started, hasData }
}
