/**
 * One sync run against a storage target: the backup merge made incremental.
 *
 * The storage holds one plaintext manifest (`inkstream-sync.json`: format, KDF salt and parameters,
 * a check value, and the encrypted index) and one encrypted object per conversation, named by an
 * HMAC of its id. The index lists each conversation's object and the SHA-256 of its document, and
 * the tombstones of deleted conversations. A run:
 *
 * 1. reads the manifest; a wrong passphrase stops here, having read nothing else and written nothing;
 * 2. downloads only the conversations whose index entry changed since this device last merged it;
 * 3. merges (`merge.ts`) and writes the result into this browser first, so nothing can be lost
 *    whatever the network does next;
 * 4. uploads changed objects, then the manifest last: a run killed half-way leaves the old manifest,
 *    whose objects are all still readable, and the next run simply does its work again;
 * 5. removes the objects of deleted conversations only after the manifest no longer names them.
 */
import type { ChatMessage, Conversation } from '../types'
import { SyncError } from './errors'
import {
  DEFAULT_ITERATIONS,
  deriveKeys,
  digest,
  fromBase64,
  makeCheck,
  newKdfParams,
  objectNameFor,
  openJson,
  sealJson,
  toBase64,
  verifyCheck,
  type KdfParams,
  type SyncKeys,
} from './crypto'
import { canonicalJson, lastEdit, mergeDocs, metaKey, orderMessages, type DeletedMessage, type SyncDoc } from './merge'

/** The plaintext object every target holds; the only one not encrypted. */
export const MANIFEST_NAME = 'inkstream-sync.json'
/** The `format` of the manifest. */
export const SYNC_FORMAT = 'inkstream-sync'
/** The manifest version this build writes and the newest it reads. */
export const SYNC_VERSION = 1

/** What an engine needs from a storage target: whole objects by name. */
export interface SyncTarget {
  /** Identifies the target (kind and location, never a secret), so sync state is kept per target. */
  readonly id: string
  /** The object's bytes, or `null` if there is none. */
  get(name: string): Promise<Uint8Array | null>
  put(name: string, body: Uint8Array, contentType: string): Promise<void>
  /** Removes an object; one that is already gone is fine. */
  remove(name: string): Promise<void>
}

/** The manifest as stored. */
export interface SyncManifest {
  format: typeof SYNC_FORMAT
  version: number
  kdf: KdfParams
  check: string
  /** Base64 of the sealed index; absent until the first run finishes. */
  index?: string
}

/** The decrypted index. */
export interface SyncIndex {
  conversations: Record<string, { object: string; hash: string }>
  /** Deleted conversations: epoch ms of the delete. Kept, so a copy from a device that slept long loses. */
  deleted: Record<string, number>
}

/** One conversation as this browser holds it. */
export interface LocalConversation {
  conversation: Conversation
  messages: ChatMessage[]
  deleted: Record<string, DeletedMessage>
}

/** What this browser holds, read in one go. */
export interface LocalSnapshot {
  conversations: LocalConversation[]
  /** Tombstones of conversations deleted here (epoch ms). */
  deleted: Record<string, number>
}

/** What a run writes into this browser. */
export interface LocalChanges {
  /** Merged conversations; `base` is the record the snapshot held (a rename during the run wins). */
  put: { doc: SyncDoc; base?: Conversation }[]
  /** Conversations deleted elsewhere. */
  remove: { id: string; at: number }[]
}

/** Per-target memory of the last run: the index hash each conversation was merged at, and its meta clock. */
export interface SyncState {
  conversations: Record<string, { hash: string; meta: string; metaAt: number }>
}

/** This browser's side of a run (implemented over the repository by `local.ts`). */
export interface SyncLocal {
  read(): Promise<LocalSnapshot>
  apply(changes: LocalChanges): Promise<void>
  loadState(key: string): Promise<SyncState | undefined>
  saveState(key: string, state: SyncState): Promise<void>
}

/** Options of `runSync`. */
export interface SyncOptions {
  target: SyncTarget
  local: SyncLocal
  passphrase: string
  now?: () => number
  /** PBKDF2 iterations for a target that has no manifest yet. */
  iterations?: number
  /** The fewest iterations a manifest may ask for (a weaker one is refused as corrupt). */
  minIterations?: number
  /** Derived keys by salt, kept by the caller across runs so the slow derivation runs once. */
  keyCache?: Map<string, Promise<SyncKeys>>
}

/** What a run did. */
export interface SyncResult {
  /** Conversations written to the storage. */
  uploaded: number
  /** Conversations read from the storage. */
  downloaded: number
  /** Conversations changed (or deleted) in this browser. */
  applied: number
  /** Whether this run created the storage's manifest (the passphrase is now set). */
  created: boolean
  at: number
}

const JSON_TYPE = 'application/json'
const BINARY_TYPE = 'application/octet-stream'
const INDEX_NAME = 'index'
const MAX_ATTEMPTS = 3
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The key under which this browser keeps its memory of a target (its id and salt). */
export function stateKey(targetId: string, salt: string): string {
  return `${targetId}#${salt}`
}

/** Runs one sync. Throws a SyncError (or the repository's own error) and leaves everything consistent. */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(options)
    } catch (error) {
      // Another device wrote the manifest while this run worked: do it again on top of theirs.
      if (!(error instanceof RaceLost) || attempt >= MAX_ATTEMPTS) throw error instanceof RaceLost ? error.cause : error
    }
  }
}

class RaceLost extends Error {
  constructor(readonly cause: SyncError) {
    super(cause.message)
  }
}

async function runOnce(options: SyncOptions): Promise<SyncResult> {
  const { target, local } = options
  const now = options.now ?? Date.now
  const raw = await target.get(MANIFEST_NAME)
  let manifest: SyncManifest
  let keys: SyncKeys
  const created = raw === null
  if (raw === null) {
    const kdf = newKdfParams(options.iterations ?? DEFAULT_ITERATIONS)
    keys = await cachedKeys(options, kdf)
    manifest = { format: SYNC_FORMAT, version: SYNC_VERSION, kdf, check: await makeCheck(keys) }
  } else {
    manifest = parseManifest(raw, options.minIterations ?? DEFAULT_ITERATIONS)
    keys = await cachedKeys(options, manifest.kdf)
    if (!(await verifyCheck(keys, manifest.check))) {
      options.keyCache?.delete(cacheKey(options.passphrase, manifest.kdf))
      throw new SyncError('passphrase', 'The passphrase does not open the data on this storage')
    }
  }
  const index = manifest.index === undefined ? emptyIndex() : checkIndex(await openJson<unknown>(keys, INDEX_NAME, fromBase64(manifest.index)))

  const key = stateKey(target.id, manifest.kdf.salt)
  const [snapshot, state] = await Promise.all([local.read(), local.loadState(key)])
  const memory = state?.conversations ?? {}
  const at = now()
  const localById = new Map(snapshot.conversations.map((c) => [c.conversation.id, c]))
  const ids = new Set([...localById.keys(), ...Object.keys(index.conversations), ...Object.keys(index.deleted), ...Object.keys(snapshot.deleted)])

  const next: SyncIndex = { conversations: { ...index.conversations }, deleted: { ...index.deleted } }
  const nextState: SyncState = { conversations: {} }
  const uploads: { object: string; doc: SyncDoc }[] = []
  const changes: LocalChanges = { put: [], remove: [] }
  const orphans: string[] = []
  let downloaded = 0

  for (const id of [...ids].sort()) {
    const mine = localById.get(id)
    const remembered = memory[id]
    const localDoc = mine ? toDoc(mine, remembered, at) : undefined
    const localHash = localDoc ? await digest(canonicalJson(localDoc)) : undefined
    const entry = index.conversations[id]
    let remoteDoc: SyncDoc | undefined
    if (entry && entry.hash !== localHash && (!localDoc || entry.hash !== remembered?.hash)) {
      const data = await target.get(entry.object)
      // A manifest naming a missing object (removed by hand): what this browser has goes up again.
      if (data !== null) {
        remoteDoc = checkDoc(await openJson<unknown>(keys, entry.object, data), id)
        downloaded++
      }
    }
    const merged = localDoc && remoteDoc ? mergeDocs(localDoc, remoteDoc) : (localDoc ?? remoteDoc)
    const deletedAt = maxDefined(snapshot.deleted[id], index.deleted[id])
    if (deletedAt !== undefined) next.deleted[id] = deletedAt
    if (deletedAt !== undefined && (!merged || lastEdit(merged) <= deletedAt)) {
      if (entry) {
        delete next.conversations[id]
        orphans.push(entry.object)
      }
      if (mine) changes.remove.push({ id, at: deletedAt })
      continue
    }
    if (!merged) continue
    const mergedHash = merged === localDoc && localHash !== undefined ? localHash : await digest(canonicalJson(merged))
    if (!entry || entry.hash !== mergedHash) {
      const object = entry?.object ?? (await objectNameFor(keys, id))
      uploads.push({ object, doc: merged })
      next.conversations[id] = { object, hash: mergedHash }
    }
    if (mergedHash !== localHash) changes.put.push({ doc: merged, ...(mine ? { base: mine.conversation } : {}) })
    nextState.conversations[id] = { hash: mergedHash, meta: metaKey(merged.conversation), metaAt: merged.metaAt }
  }

  // 1. This browser first: from here on everything merged is safe whatever the network does.
  if (changes.put.length > 0 || changes.remove.length > 0) await local.apply(changes)
  // 2. Objects, then the manifest that names them.
  for (const upload of uploads) await target.put(upload.object, await sealJson(keys, upload.object, upload.doc), BINARY_TYPE)
  const indexChanged = created || canonicalJson(next) !== canonicalJson(index)
  if (indexChanged) {
    const latest = await target.get(MANIFEST_NAME)
    if (!sameBytes(latest, raw)) throw new RaceLost(new SyncError('http', 'Another device changed the storage during this sync', { code: 'race' }))
    const written: SyncManifest = { ...manifest, index: toBase64(await sealJson(keys, INDEX_NAME, next)) }
    await target.put(MANIFEST_NAME, encoder.encode(`${JSON.stringify(written, null, 2)}\n`), JSON_TYPE)
  }
  await local.saveState(key, nextState)
  // 3. Objects no manifest names any more; a failure here only leaves an unreadable leftover.
  for (const object of orphans) await target.remove(object).catch(() => undefined)

  return { uploaded: uploads.length, downloaded, applied: changes.put.length + changes.remove.length, created, at }
}

/** A local conversation as a document; its meta clock moves on when its title, pin or settings changed since the last run. */
export function toDoc(item: LocalConversation, remembered: { meta: string; metaAt: number } | undefined, now: number): SyncDoc {
  const meta = metaKey(item.conversation)
  const metaAt = remembered === undefined ? item.conversation.updatedAt : remembered.meta === meta ? remembered.metaAt : now
  return {
    conversation: item.conversation,
    metaAt,
    // An answer still streaming goes up once it has ended.
    messages: orderMessages(item.messages.filter((m) => m.status !== 'streaming')),
    deleted: item.deleted,
  }
}

function cacheKey(passphrase: string, kdf: KdfParams): string {
  return `${kdf.salt}:${kdf.iterations}:${passphrase}`
}

function cachedKeys(options: SyncOptions, kdf: KdfParams): Promise<SyncKeys> {
  const cache = options.keyCache
  const k = cacheKey(options.passphrase, kdf)
  const hit = cache?.get(k)
  if (hit) return hit
  const derived = deriveKeys(options.passphrase, kdf)
  cache?.set(k, derived)
  derived.catch(() => cache?.delete(k))
  return derived
}

function emptyIndex(): SyncIndex {
  return { conversations: {}, deleted: {} }
}

/** Reads and checks the manifest; anything else found under its name is `corrupt`. */
export function parseManifest(raw: Uint8Array, minIterations: number): SyncManifest {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(raw))
  } catch {
    throw new SyncError('corrupt', `${MANIFEST_NAME} on the storage is not JSON`, { code: 'manifest' })
  }
  const m = value as Partial<SyncManifest> | null
  if (!m || typeof m !== 'object' || m.format !== SYNC_FORMAT) {
    throw new SyncError('corrupt', `${MANIFEST_NAME} on the storage is not an Inkstream sync manifest`, { code: 'manifest' })
  }
  if (typeof m.version !== 'number' || m.version > SYNC_VERSION) {
    throw new SyncError('corrupt', `The storage was written by a newer Inkstream (sync version ${String(m.version)}); update this page`, { code: 'newer' })
  }
  const kdf = m.kdf
  if (
    !kdf || kdf.name !== 'PBKDF2' || kdf.hash !== 'SHA-256' || typeof kdf.salt !== 'string' ||
    !Number.isSafeInteger(kdf.iterations) || kdf.iterations < minIterations || typeof m.check !== 'string' ||
    (m.index !== undefined && typeof m.index !== 'string')
  ) {
    throw new SyncError('corrupt', `${MANIFEST_NAME} on the storage has missing or weak key parameters`, { code: 'manifest' })
  }
  return m as SyncManifest
}

function checkIndex(value: unknown): SyncIndex {
  const v = value as Partial<SyncIndex> | null
  if (!v || typeof v.conversations !== 'object' || v.conversations === null || typeof v.deleted !== 'object' || v.deleted === null) {
    throw new SyncError('corrupt', 'The sync index on the storage is not readable', { code: 'index' })
  }
  for (const entry of Object.values(v.conversations)) {
    if (typeof entry?.object !== 'string' || typeof entry.hash !== 'string') throw new SyncError('corrupt', 'The sync index on the storage is not readable', { code: 'index' })
  }
  return v as SyncIndex
}

function checkDoc(value: unknown, id: string): SyncDoc {
  const d = value as Partial<SyncDoc> | null
  if (!d || d.conversation?.id !== id || !Array.isArray(d.messages) || typeof d.metaAt !== 'number' || typeof d.deleted !== 'object' || d.deleted === null) {
    throw new SyncError('corrupt', 'A conversation on the storage is not readable', { code: 'object' })
  }
  for (const m of d.messages) {
    if (typeof m?.id !== 'string' || m.conversationId !== id || !Number.isSafeInteger(m.seq) || typeof m.content !== 'string' || typeof m.updatedAt !== 'number') {
      throw new SyncError('corrupt', 'A conversation on the storage is not readable', { code: 'object' })
    }
  }
  return d as SyncDoc
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.max(a, b)
}
