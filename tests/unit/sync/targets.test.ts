import { describe, expect, it } from 'vitest'
import { checkTarget, defaultTargetSettings, emptySecrets, openTarget, s3CorsRule, s3ObjectUrl, testConnection, type FetchLike, type SyncTargetConfig } from '../../../src/core/sync'

function s3(extra: Partial<SyncTargetConfig> = {}): SyncTargetConfig {
  return {
    ...defaultTargetSettings(),
    ...emptySecrets(),
    endpoint: 'https://s3.example.com',
    bucket: 'my-bucket',
    region: 'us-east-1',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret-key-value',
    passphrase: 'a long passphrase',
    ...extra,
  }
}

function dav(extra: Partial<SyncTargetConfig> = {}): SyncTargetConfig {
  return { ...defaultTargetSettings(), ...emptySecrets(), kind: 'webdav', url: 'https://dav.example.com/remote.php/dav/files/me/inkstream', username: 'me', password: 'pw', passphrase: 'a long passphrase', ...extra }
}

/** A fetch that answers from a list of responses in order and records what was asked. */
function scripted(responses: Array<Response | Error>): FetchLike & { calls: Array<{ url: string; init?: RequestInit }> } {
  const calls: Array<{ url: string; init?: RequestInit }> = []
  const fn = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init })
    const next = responses.shift()
    if (!next) throw new Error('no more responses')
    if (next instanceof Error) throw next
    return next
  }) as FetchLike & { calls: typeof calls }
  fn.calls = calls
  return fn
}

const xml = (code: string, extra = '') => `<?xml version="1.0"?><Error><Code>${code}</Code><Message>msg</Message>${extra}</Error>`

describe('S3 target', () => {
  it('builds path-style and virtual-host URLs under the prefix', () => {
    expect(s3ObjectUrl({ endpoint: 'https://s3.example.com/', bucket: 'b1', prefix: '/chats/', pathStyle: true }, 'c-ab')).toBe('https://s3.example.com/b1/chats/c-ab')
    expect(s3ObjectUrl({ endpoint: 'https://s3.example.com', bucket: 'b1', prefix: '', pathStyle: false }, 'inkstream-sync.json')).toBe('https://b1.s3.example.com/inkstream-sync.json')
  })

  it('signs requests with SigV4 and never puts the secret in the URL', async () => {
    const fetchFn = scripted([new Response('', { status: 200 })])
    await openTarget(s3(), fetchFn).put('c-1', new Uint8Array([1, 2, 3]), 'application/octet-stream')
    const call = fetchFn.calls[0]!
    expect(call.url).toBe('https://s3.example.com/my-bucket/inkstream/c-1')
    expect(call.url).not.toContain('secret-key-value')
    const headers = new Headers(call.init?.headers)
    expect(headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request/)
    expect(headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD')
  })

  it('reads a missing object as null, but a missing bucket as not-found', async () => {
    expect(await openTarget(s3(), scripted([new Response(xml('NoSuchKey'), { status: 404 })])).get('x')).toBeNull()
    await expect(openTarget(s3(), scripted([new Response(xml('NoSuchBucket'), { status: 404 })])).get('x')).rejects.toMatchObject({ kind: 'not-found', details: { code: 'NoSuchBucket' } })
  })

  it.each([
    [403, xml('SignatureDoesNotMatch'), 'auth'],
    [403, xml('InvalidAccessKeyId'), 'auth'],
    [403, xml('RequestTimeTooSkewed', '<RequestTime>20261203T080000Z</RequestTime><ServerTime>2026-12-03T07:50:00Z</ServerTime>'), 'clock-skew'],
    [403, xml('QuotaExceeded'), 'quota'],
    [507, '', 'quota'],
    [500, xml('InternalError'), 'http'],
  ])('classifies HTTP %i %s as %s', async (status, body, kind) => {
    await expect(openTarget(s3(), scripted([new Response(body, { status })])).put('x', new Uint8Array(1), 'a/b')).rejects.toMatchObject({ kind })
  })

  it('tells CORS (the server answers a no-cors request) from a network failure', async () => {
    await expect(openTarget(s3(), scripted([new TypeError('Failed to fetch'), new Response(null, { status: 200 })])).get('x')).rejects.toMatchObject({ kind: 'cors' })
    await expect(openTarget(s3(), scripted([new TypeError('Failed to fetch'), new TypeError('Failed to fetch')])).get('x')).rejects.toMatchObject({ kind: 'network' })
  })

  it('gives the exact CORS rule for this page', () => {
    expect(JSON.parse(s3CorsRule('https://chat.example.com'))).toEqual([
      { AllowedOrigins: ['https://chat.example.com'], AllowedMethods: ['GET', 'PUT', 'DELETE', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3600 },
    ])
  })
})

describe('WebDAV target', () => {
  it('sends Basic auth and makes the folder when a PUT finds it missing', async () => {
    const fetchFn = scripted([new Response('', { status: 409 }), new Response('', { status: 201 }), new Response('', { status: 201 })])
    await openTarget(dav(), fetchFn).put('c-1', new Uint8Array([1]), 'application/octet-stream')
    expect(fetchFn.calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual([
      'PUT https://dav.example.com/remote.php/dav/files/me/inkstream/c-1',
      'MKCOL https://dav.example.com/remote.php/dav/files/me/inkstream/',
      'PUT https://dav.example.com/remote.php/dav/files/me/inkstream/c-1',
    ])
    expect(new Headers(fetchFn.calls[0]!.init?.headers).get('authorization')).toBe(`Basic ${btoa('me:pw')}`)
  })

  it('names a missing parent folder, refused credentials and a full disk', async () => {
    await expect(openTarget(dav(), scripted([new Response('', { status: 409 }), new Response('', { status: 409 })])).put('c', new Uint8Array(1), 'a/b')).rejects.toMatchObject({ kind: 'not-found', details: { code: 'parent' } })
    await expect(openTarget(dav(), scripted([new Response('', { status: 401 })])).get('c')).rejects.toMatchObject({ kind: 'auth' })
    await expect(openTarget(dav(), scripted([new Response('', { status: 507 })])).put('c', new Uint8Array(1), 'a/b')).rejects.toMatchObject({ kind: 'quota' })
  })

  it('connection test writes, reads back and deletes a probe', async () => {
    let stored: Uint8Array | null = null
    const fetchFn: FetchLike = async (url, init) => {
      if (init?.mode === 'no-cors') throw new TypeError('unexpected')
      if (init?.method === 'PUT') {
        stored = new Uint8Array(init.body as Uint8Array)
        return new Response('', { status: 201 })
      }
      if (init?.method === 'DELETE') return new Response(null, { status: 204 })
      if (url.endsWith('.inkstream-probe') && stored) return new Response(stored as Uint8Array<ArrayBuffer>)
      return new Response('', { status: 404 })
    }
    expect(await testConnection(openTarget(dav(), fetchFn), 'inkstream-sync.json')).toMatchObject({ hasData: false })
  })
})

describe('checkTarget', () => {
  it('names the field that is wrong', () => {
    expect(() => checkTarget(s3({ bucket: 'Bad_Bucket' }))).toThrow(expect.objectContaining({ kind: 'config', details: { field: 'bucket' } }))
    expect(() => checkTarget(dav({ url: 'https://me:pw@dav.example.com/' }))).toThrow(expect.objectContaining({ details: { field: 'url' } }))
    expect(() => checkTarget(s3({ passphrase: 'short' }))).toThrow(expect.objectContaining({ details: { field: 'passphrase' } }))
    expect(() => checkTarget(s3())).not.toThrow()
  })
})
