/**
 * The sync merge: one conversation's document (its record, every version of every message, and
 * tombstones of deleted messages) merged with another copy of itself. The merge is a pure function
 * of the two documents and is commutative, associative and idempotent, so devices that sync in any
 * order end with the same result, and nothing either device wrote is lost:
 *
 * - messages are matched by id; the copy edited last (`updatedAt`) wins, and the version shown
 *   (`selectedAt`) is the latest choice either device made;
 * - when both devices changed the same message's text offline (neither is a continuation of the
 *   other), the losing text is kept as another version beside it (`<id>~<hash>`), so ‹ 1/2 › shows both;
 * - a deleted message stays deleted unless it was edited after the delete; what followed it moves
 *   up to the message before it, as deleting on one device did (`planDelete`);
 * - the conversation's title, pin and own settings come from the copy changed last (`metaAt`).
 */
import type { ChatMessage, Conversation } from '../types'

/** A deleted message: when, and the message it followed (its children move there). */
export interface DeletedMessage {
  at: number
  parentId: string | null
}

/** One conversation as it travels (encrypted) to the storage. */
export interface SyncDoc {
  conversation: Conversation
  /** When the title, pin, settings or context breaks last changed (as far as sync can tell). */
  metaAt: number
  /** Every version of every message, in `seq` then id order. */
  messages: ChatMessage[]
  /** Tombstones of deleted messages, by id. */
  deleted: Record<string, DeletedMessage>
}

/** JSON with object keys sorted at every level (and `undefined` fields dropped): equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) out[key] = sortKeys(v)
  }
  return out
}

/** The conversation fields that `metaAt` dates: everything but its id and times. */
export function metaKey(conversation: Conversation): string {
  const { id: _id, createdAt: _c, updatedAt: _u, ...meta } = conversation
  return canonicalJson(meta)
}

/** The latest time anything in the document was written: a delete older than this loses. */
export function lastEdit(doc: SyncDoc): number {
  let at = Math.max(doc.conversation.updatedAt, doc.metaAt)
  for (const m of doc.messages) if (m.updatedAt > at) at = m.updatedAt
  return at
}

/** Sorts a document's messages into its canonical order (by `seq`, then id). */
export function orderMessages(messages: ChatMessage[]): ChatMessage[] {
  return messages.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Merges two copies of one message: the later edit wins, the later version choice stays. */
export function mergeMessage(a: ChatMessage, b: ChatMessage): ChatMessage {
  const [winner] = ranked(a, b)
  const selectedAt = maxDefined(a.selectedAt, b.selectedAt)
  const out = { ...winner }
  if (selectedAt === undefined) delete out.selectedAt
  else out.selectedAt = selectedAt
  return out
}

/** [newer, older]: by `updatedAt`, then by content so that every device picks the same one. */
function ranked(a: ChatMessage, b: ChatMessage): [ChatMessage, ChatMessage] {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? [a, b] : [b, a]
  const ka = canonicalJson({ ...a, selectedAt: undefined })
  const kb = canonicalJson({ ...b, selectedAt: undefined })
  return ka >= kb ? [a, b] : [b, a]
}

/**
 * The older copy's text, kept as a version beside the newer one, when the two diverged: neither
 * text (or reasoning) carries on from the other. `undefined` when the newer copy already contains it.
 */
export function conflictCopy(newer: ChatMessage, older: ChatMessage): ChatMessage | undefined {
  if (continues(newer, older) || older.id.includes('~')) return undefined
  const { selectedAt: _s, ...rest } = older
  return { ...rest, id: `${older.id}~${hash32(`${older.content}\u0000${older.reasoning}`)}` }
}

/** Merges two copies of one conversation's document (see the module comment). */
export function mergeDocs(a: SyncDoc, b: SyncDoc): SyncDoc {
  const deleted: Record<string, DeletedMessage> = {}
  for (const side of [a.deleted, b.deleted]) {
    for (const [id, tomb] of Object.entries(side)) {
      const seen = deleted[id]
      if (!seen || tomb.at > seen.at || (tomb.at === seen.at && String(tomb.parentId) > String(seen.parentId))) deleted[id] = tomb
    }
  }

  const byId = new Map<string, ChatMessage>()
  const add = (m: ChatMessage): void => {
    const seen = byId.get(m.id)
    if (!seen) {
      byId.set(m.id, m)
      return
    }
    const [newer, older] = ranked(seen, m)
    byId.set(m.id, mergeMessage(seen, m))
    const copy = conflictCopy(newer, older)
    if (copy) add(copy)
  }
  for (const m of a.messages) add(m)
  for (const m of b.messages) add(m)

  // A kept text that another version of the same message carries on from says nothing new.
  const byOrigin = new Map<string, ChatMessage[]>()
  for (const m of byId.values()) {
    const origin = originOf(m.id)
    const list = byOrigin.get(origin)
    if (list) list.push(m)
    else byOrigin.set(origin, [m])
  }
  for (const [origin, versions] of byOrigin) {
    if (versions.length < 2) continue
    for (const copy of versions) {
      if (copy.id === origin) continue
      if (versions.some((other) => other !== copy && continues(other, copy))) byId.delete(copy.id)
    }
  }

  // A delete loses to a later edit; otherwise the message goes, and with it the texts kept from it.
  for (const [id, tomb] of Object.entries(deleted)) {
    // The tombstone stays either way, so the result does not depend on which copies met first.
    const m = byId.get(id)
    if (m && m.updatedAt <= tomb.at) byId.delete(id)
  }
  for (const m of [...byId.values()]) {
    const tomb = m.id.includes('~') ? deleted[originOf(m.id)] : undefined
    if (tomb && m.updatedAt <= tomb.at) byId.delete(m.id)
  }
  // What followed a deleted message follows the message before it (the nearest one still there).
  const liveParent = (parentId: string | null | undefined): string | null | undefined => {
    let p = parentId
    const seen = new Set<string>()
    for (let tomb = p ? deleted[p] : undefined; p && tomb && !byId.has(p) && !seen.has(p); tomb = p ? deleted[p] : undefined) {
      seen.add(p)
      p = tomb.parentId
    }
    return p
  }
  const messages: ChatMessage[] = []
  for (const m of byId.values()) {
    const parentId = liveParent(m.parentId)
    messages.push(parentId === m.parentId ? m : { ...m, parentId: parentId ?? null })
  }

  return { conversation: mergeConversation(a, b), metaAt: Math.max(a.metaAt, b.metaAt), messages: orderMessages(messages), deleted }
}

function mergeConversation(a: SyncDoc, b: SyncDoc): Conversation {
  const pick = (x: SyncDoc, y: SyncDoc): SyncDoc => {
    if (x.metaAt !== y.metaAt) return x.metaAt > y.metaAt ? x : y
    if (x.conversation.updatedAt !== y.conversation.updatedAt) return x.conversation.updatedAt > y.conversation.updatedAt ? x : y
    return canonicalJson(x.conversation) >= canonicalJson(y.conversation) ? x : y
  }
  const winner = pick(a, b).conversation
  return {
    ...winner,
    createdAt: Math.min(a.conversation.createdAt, b.conversation.createdAt),
    updatedAt: Math.max(a.conversation.updatedAt, b.conversation.updatedAt),
  }
}

/** Whether `later`'s text and reasoning carry on from `earlier`'s (a continuation, or the same). */
function continues(later: ChatMessage, earlier: ChatMessage): boolean {
  return later.content.startsWith(earlier.content) && later.reasoning.startsWith(earlier.reasoning)
}

/** The message a kept copy came from (`<id>~<hash>` → `<id>`). */
function originOf(id: string): string {
  const i = id.indexOf('~')
  return i < 0 ? id : id.slice(0, i)
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.max(a, b)
}

/** FNV-1a, 32 bits, 8 hex digits: a short, stable id suffix (not a security measure). */
function hash32(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}
