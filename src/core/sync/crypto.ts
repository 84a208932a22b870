/**
 * The encryption of sync data, all in WebCrypto: a passphrase becomes two keys through PBKDF2-SHA256
 * (AES-GCM-256 for content, HMAC-SHA256 for object names), every object is `iv ‖ ciphertext` with
 * the object's name as additional data (so one object cannot be passed off as another), and a check
 * value in the plaintext manifest tells a wrong passphrase before anything else is read or written.
 */
import { SyncError } from './errors'

/** Key-derivation parameters, stored in the manifest in plain text. */
export interface KdfParams {
  name: 'PBKDF2'
  hash: 'SHA-256'
  iterations: number
  /** Base64 of 16 random bytes. */
  salt: string
}

/** The iterations a new target gets (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
export const DEFAULT_ITERATIONS = 600_000

/** The two keys derived from a passphrase. */
export interface SyncKeys {
  content: CryptoKey
  names: CryptoKey
}

const CHECK_TEXT = 'inkstream-sync-check-v1'
const CHECK_AAD = 'manifest-check'
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function subtle(): SubtleCrypto {
  const value = (globalThis.crypto as Crypto | undefined)?.subtle
  if (!value) throw new SyncError('insecure', 'WebCrypto is not available: open the page over https or from localhost')
  return value
}

/** Fresh KDF parameters with a random salt. */
export function newKdfParams(iterations = DEFAULT_ITERATIONS): KdfParams {
  return { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(crypto.getRandomValues(new Uint8Array(16))) }
}

/** Derives the content and name keys from a passphrase (slow on purpose: hundreds of milliseconds). */
export async function deriveKeys(passphrase: string, params: KdfParams): Promise<SyncKeys> {
  const s = subtle()
  const base = await s.importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits'])
  const bits = new Uint8Array(
    await s.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64(params.salt), iterations: params.iterations }, base, 512),
  )
  const [content, names] = await Promise.all([
    s.importKey('raw', bits.slice(0, 32), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']),
    s.importKey('raw', bits.slice(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  ])
  return { content, names }
}

/** Encrypts `plain` for the object called `name`: a random 96-bit IV, then the AES-GCM ciphertext. */
export async function seal(keys: SyncKeys, name: string, plain: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = new Uint8Array(
    await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(name) }, keys.content, plain as Uint8Array<ArrayBuffer>),
  )
  const out = new Uint8Array(12 + sealed.length)
  out.set(iv)
  out.set(sealed, 12)
  return out
}

/** Decrypts what `seal` wrote for `name`; a wrong key, a wrong name or any changed byte throws `corrupt`. */
export async function open(keys: SyncKeys, name: string, data: Uint8Array): Promise<Uint8Array> {
  if (data.length < 12 + 16) throw new SyncError('corrupt', `Sync object ${name} is too short to be Inkstream data`)
  try {
    return new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: data.slice(0, 12), additionalData: encoder.encode(name) },
        keys.content,
        data.slice(12),
      ),
    )
  } catch {
    throw new SyncError('corrupt', `Sync object ${name} could not be decrypted`)
  }
}

/** Encrypts a JSON value. */
export async function sealJson(keys: SyncKeys, name: string, value: unknown): Promise<Uint8Array> {
  return seal(keys, name, encoder.encode(JSON.stringify(value)))
}

/** Decrypts and parses a JSON value. */
export async function openJson<T>(keys: SyncKeys, name: string, data: Uint8Array): Promise<T> {
  const plain = await open(keys, name, data)
  try {
    return JSON.parse(decoder.decode(plain)) as T
  } catch {
    throw new SyncError('corrupt', `Sync object ${name} is not valid JSON`)
  }
}

/** The manifest's check value: a known text sealed with the content key, base64. */
export async function makeCheck(keys: SyncKeys): Promise<string> {
  return toBase64(await seal(keys, CHECK_AAD, encoder.encode(CHECK_TEXT)))
}

/** Whether the keys open the manifest's check value, i.e. the passphrase is the right one. */
export async function verifyCheck(keys: SyncKeys, check: string): Promise<boolean> {
  try {
    const plain = await open(keys, CHECK_AAD, fromBase64(check))
    return decoder.decode(plain) === CHECK_TEXT
  } catch {
    return false
  }
}

/** An opaque, stable object name for a conversation id: HMAC-SHA256 under the name key, 32 hex digits. */
export async function objectNameFor(keys: SyncKeys, conversationId: string): Promise<string> {
  const mac = new Uint8Array(await subtle().sign('HMAC', keys.names, encoder.encode(`conversation:${conversationId}`)))
  return `c-${toHex(mac.slice(0, 16))}`
}

/** SHA-256 of a text, hex: how the index tells whether an object changed. */
export async function digest(text: string): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest('SHA-256', encoder.encode(text))))
}

/** Base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Bytes of a base64 text; anything else throws `corrupt`. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    throw new SyncError('corrupt', 'The sync manifest holds a value that is not base64')
  }
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
