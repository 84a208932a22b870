import { describe, it, expect } from 'vitest'
import { ProviderError, describeError, errorTexts, extractServerMessage, redactSecret, streamChat, toMessageError } from '../../../src/core/provider'
import { renderText } from '../../../src/locales'
import { collect, respond, settingsFor, stubFetch } from './helpers'

const URL_ = 'https://api.example.com/v1/chat/completions'

describe('extractServerMessage', () => {
  it.each([
    ['error.message first', '{"error":{"message":"nested","code":"x"},"message":"outer"}', 'nested'],
    ['then error as a string', '{"code":5,"error":"url.not_found","message":"没找到对象"}', 'url.not_found'],
    ['then message', '{"code":20012,"message":"Model does not exist.","data":null}', 'Model does not exist.'],
    ['Azure: string code, no type', '{"error":{"code":"401","message":"Access denied due to invalid subscription key."}}', 'Access denied due to invalid subscription key.'],
    ['bare JSON string', '"Invalid token"', 'Invalid token'],
    ['short raw text', '404 page not found\n', '404 page not found'],
    ['whitespace collapsed', '{"error":{"message":"line one\\n\\n   line two"}}', 'line one line two'],
  ])('%s', (_name, body, expected) => {
    expect(extractServerMessage(body, 'application/json')).toBe(expected)
  })

  it('returns undefined for empty, HTML and long unknown bodies', () => {
    expect(extractServerMessage('')).toBeUndefined()
    expect(extractServerMessage('   \r\n')).toBeUndefined()
    expect(extractServerMessage('<html><body>502</body></html>', 'text/html')).toBeUndefined()
    expect(extractServerMessage('Bad gateway <b>oops</b>', null)).toBeUndefined()
    expect(extractServerMessage('short but labelled html', 'text/html; charset=utf-8')).toBeUndefined()
    expect(extractServerMessage('x'.repeat(300), 'text/plain')).toBeUndefined()
    expect(extractServerMessage('{"error":{"code":502}}')).toBe('{"error":{"code":502}}')
  })

  it('caps long server text at 500 characters', () => {
    const text = extractServerMessage(JSON.stringify({ error: { message: 'y'.repeat(2000) } }))
    expect(text).toHaveLength(500)
    expect(text?.endsWith('…')).toBe(true)
  })
})

describe('redactSecret', () => {
  it('replaces the exact key and masks anything shaped like a key', () => {
    expect(redactSecret('key sk-abcdefgh1234 and sk-short', '')).toBe('key sk-…1234 and sk-short')
    expect(redactSecret('bad: sk-or-v1-0123456789abcdefXYZ9.', 'sk-or-v1-0123456789abcdefXYZ9')).toBe('bad: sk-…XYZ9.')
    expect(redactSecret('token=myVeryOwnSecret0042 twice myVeryOwnSecret0042', 'myVeryOwnSecret0042')).toBe('token=…0042 twice …0042')
    expect(redactSecret('k=abc123xyz', 'abc123xyz')).toBe('k=[API key]')
    expect(redactSecret('nothing here', '')).toBe('nothing here')
  })
})

describe('describeError', () => {
  const http = (status: number, serverMessage?: string, extra: object = {}) =>
    describeError(new ProviderError('http', `HTTP ${status}`, { status, url: URL_, model: 'm-1', serverMessage, ...extra }))

  it('words each HTTP status by what to do', () => {
    expect(http(401)).toBe('The API key was rejected (HTTP 401). Check it in Settings.')
    expect(http(403, 'Forbidden')).toBe('The API key was rejected (HTTP 403). Check it in Settings. The server said: “Forbidden”')
    expect(http(402)).toBe('Insufficient balance (HTTP 402). Top up your account with the provider.')
    expect(http(404)).toBe(`Not found (HTTP 404): ${URL_} with model “m-1”. Check the base URL and the model in Settings.`)
    expect(http(422, 'temperature must be <= 2')).toBe(
      'The provider rejected the request (HTTP 422). Check the model and parameters in Settings. The server said: “temperature must be <= 2”',
    )
    expect(http(429, undefined, { retryAfterSeconds: 7 })).toBe('Rate limited by the provider (HTTP 429). Retry in 7 s.')
    expect(http(500)).toBe('The provider is unavailable (HTTP 500). Try again later.')
    expect(http(408)).toBe('The request failed (HTTP 408).')
  })

  it('adds the Ollama hint for a 403 from localhost', () => {
    const text = describeError(new ProviderError('http', 'HTTP 403', { status: 403, url: 'http://127.0.0.1:11434/v1/chat/completions' }))
    expect(text).toContain('OLLAMA_ORIGINS')
  })

  it('masks key-shaped text even without knowing the key', () => {
    const text = http(401, 'Incorrect API key provided: sk-live-ABCDEFGHIJKL9876')
    expect(text).toBe('The API key was rejected (HTTP 401). Check it in Settings. The server said: “Incorrect API key provided: sk-…9876”')
  })

  it('words the other kinds', () => {
    expect(describeError(new ProviderError('timeout', 't', { url: URL_, timeoutSeconds: 60 }))).toBe(
      `No data from ${URL_} for 60 s. The provider may be overloaded: retry, or raise the idle timeout in Settings.`,
    )
    expect(describeError(new ProviderError('network', 'n', { url: 'http://[::1]:8080/v1/chat/completions' }))).toContain('OLLAMA_ORIGINS')
    expect(describeError(new ProviderError('stream', 's', { midStream: false }))).toBe('The provider reported an error.')
    expect(describeError(new ProviderError('aborted', 'a'))).toBe('Stopped.')
  })
})

describe('toMessageError', () => {
  it('stores the text, kind and status', () => {
    const error = new ProviderError('http', 'HTTP 401', { status: 401, url: URL_, serverMessage: 'key is not valid' })
    expect(toMessageError(error)).toEqual({
      kind: 'http',
      status: 401,
      message: 'The API key was rejected (HTTP 401). Check it in Settings. The server said: “key is not valid”',
      facts: { kind: 'http', status: 401, url: URL_, serverMessage: 'key is not valid' },
    })
    expect(toMessageError(new ProviderError('aborted', 'a'))).toEqual({ kind: 'aborted', message: 'Stopped.', facts: { kind: 'aborted' } })
  })

  it('needs no key: the client already redacted what a server echoed back', async () => {
    const secret = 'plainsecretvalue-0001'
    const settings = settingsFor('custom', { apiKey: secret })
    const { fetch } = stubFetch(
      respond(JSON.stringify({ error: { message: `key ${secret} is not valid` } }), {
        status: 401,
        headers: { 'Content-Type': 'application/json' },
      }),
    )
    const events = await collect(streamChat(settings, [{ role: 'user', content: 'hi' }], { fetch }))
    const last = events.at(-1)!
    if (last.type !== 'error') throw new Error(`expected an error, got ${last.type}`)
    const stored = toMessageError(last.error)
    expect(stored).toMatchObject({
      kind: 'http',
      status: 401,
      message: 'The API key was rejected (HTTP 401). Check it in Settings. The server said: “key …0001 is not valid”',
      facts: { kind: 'http', status: 401, serverMessage: 'key …0001 is not valid' },
    })
    expect(JSON.stringify(stored)).not.toContain(secret)
  })
})

describe('errorTexts in both languages', () => {
  it('words the same facts in Chinese, keeping the server’s words and numbers', () => {
    const error = new ProviderError('http', 'HTTP 429', { status: 429, url: URL_, retryAfterSeconds: 7, serverMessage: 'slow down' })
    const zh = errorTexts(error).map((t) => renderText('zh-CN', t)).join('')
    expect(zh).toBe('请求过于频繁，被服务商限流（HTTP 429）。请在 7 秒后重试。服务器返回：“slow down”')
    expect(describeError(error)).toBe('Rate limited by the provider (HTTP 429). Retry in 7 s. The server said: “slow down”')
  })

  it('names CORS in the Chinese network text too, and masks a key-like token the server echoed', () => {
    const network = new ProviderError('network', 'n', { url: 'https://api.example.com/v1/chat/completions' })
    expect(errorTexts(network).map((t) => renderText('zh-CN', t)).join('')).toContain('CORS 跨域')
    const echoed = new ProviderError('stream', 's', { serverMessage: 'bad key sk-abcdefghijklmnop' })
    for (const locale of ['en', 'zh-CN'] as const) {
      expect(errorTexts(echoed).map((t) => renderText(locale, t)).join('')).not.toContain('sk-abcdefghijklmnop')
    }
  })
})

