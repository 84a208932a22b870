import { describe, expect, it } from 'vitest'
import {
  endpointOrigin, forgetSecret, legacyKeyTarget, parseRing, persistenceOf, placeSecret, secretFor, MAX_SCOPES,
} from '../../src/core/keys'

describe('endpointOrigin', () => {
  it('is the scheme, host and port of an http(s) base URL', () => {
    expect(endpointOrigin('https://api.deepseek.com')).toBe('https://api.deepseek.com')
    expect(endpointOrigin(' https://API.DeepSeek.com/v1/chat/completions ')).toBe('https://api.deepseek.com')
    expect(endpointOrigin('http://127.0.0.1:8787/t/x/v1')).toBe('http://127.0.0.1:8787')
    expect(endpointOrigin('https://openrouter.ai:443/api/v1')).toBe('https://openrouter.ai')
  })

  it('is empty for anything a key must not be bound to', () => {
    for (const bad of ['', 'api.deepseek.com', 'https://', 'javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'ftp://h/', 'https://u:p@h.example/v1', 'https://u@h.example/']) {
      expect(endpointOrigin(bad), bad).toBe('')
    }
  })

  it('tells hosts apart that only look alike', () => {
    expect(endpointOrigin('https://api.openai.com.evil.example/v1')).not.toBe(endpointOrigin('https://api.openai.com/v1'))
    expect(endpointOrigin('http://api.openai.com/v1')).not.toBe(endpointOrigin('https://api.openai.com/v1'))
    expect(endpointOrigin('http://127.0.0.1:8801/v1')).not.toBe(endpointOrigin('http://127.0.0.1:8811/v1'))
  })
})

describe('secret rings', () => {
  const A = 'https://a.example'
  const B = 'https://b.example'

  it('keep one key per origin, and a key is found only under its own origin', () => {
    let rings = { remembered: {}, session: {} }
    rings = placeSecret(rings, A, 'sk-a', 'remember')
    rings = placeSecret(rings, B, 'sk-b', 'session')
    expect(secretFor(rings, A)).toBe('sk-a')
    expect(secretFor(rings, B)).toBe('sk-b')
    expect(secretFor(rings, 'https://c.example')).toBe('')
    expect(secretFor(rings, '')).toBe('')
    expect(rings).toEqual({ remembered: { [A]: 'sk-a' }, session: { [B]: 'sk-b' } })
  })

  it('keep a key in exactly one place: moving it to the session removes the remembered copy, and back', () => {
    let rings = placeSecret({ remembered: {}, session: {} }, A, 'sk-a', 'remember')
    rings = placeSecret(rings, A, 'sk-a', 'session')
    expect(rings).toEqual({ remembered: {}, session: { [A]: 'sk-a' } })
    expect(persistenceOf(rings, A)).toBe('session')
    rings = placeSecret(rings, A, 'sk-a', 'remember')
    expect(rings).toEqual({ remembered: { [A]: 'sk-a' }, session: {} })
    expect(persistenceOf(rings, A)).toBe('remember')
  })

  it('forget removes a key from both places, and an empty key is no key', () => {
    let rings = placeSecret({ remembered: { [A]: 'old' }, session: {} }, B, 'sk-b', 'session')
    rings = forgetSecret(rings, A)
    expect(rings).toEqual({ remembered: {}, session: { [B]: 'sk-b' } })
    rings = placeSecret(rings, B, '', 'session')
    expect(rings).toEqual({ remembered: {}, session: {} })
    expect(persistenceOf(rings, B)).toBeUndefined()
  })

  it('never bind a key to the empty origin of a half-typed URL', () => {
    const rings = placeSecret({ remembered: {}, session: {} }, '', 'sk-x', 'remember')
    expect(rings).toEqual({ remembered: {}, session: {} })
  })

  it('read from storage keep only well-formed entries, and at most MAX_SCOPES of them', () => {
    expect(parseRing(null)).toEqual({})
    expect(parseRing(['sk'])).toEqual({})
    expect(parseRing({ [A]: 'sk-a', [B]: 42, '': 'x', 'https://c.example': '' })).toEqual({ [A]: 'sk-a' })
    const many = Object.fromEntries(Array.from({ length: MAX_SCOPES + 50 }, (_, i) => [`https://h${i}.example`, `k${i}`]))
    expect(Object.keys(parseRing(many))).toHaveLength(MAX_SCOPES)
  })
})

describe('legacyKeyTarget', () => {
  it('moves the one old key to the origin of the base URL it was used with', () => {
    expect(legacyKeyTarget({ apiKey: 'sk-old', baseUrl: 'https://api.siliconflow.cn/v1' })).toEqual({ origin: 'https://api.siliconflow.cn', key: 'sk-old' })
  })

  it('does nothing without a key, or when the base URL has no origin to bind it to', () => {
    expect(legacyKeyTarget(undefined)).toBeNull()
    expect(legacyKeyTarget({ apiKey: '', baseUrl: 'https://a.example' })).toBeNull()
    expect(legacyKeyTarget({ apiKey: '  ', baseUrl: 'https://a.example' })).toBeNull()
    expect(legacyKeyTarget({ apiKey: 'sk-old', baseUrl: 'not a url' })).toBeNull()
    expect(legacyKeyTarget({ apiKey: 7, baseUrl: 'https://a.example' })).toBeNull()
  })
})
