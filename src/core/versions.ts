/**
 * A conversation's messages as a tree of versions. Each message names the one it follows
 * (`parentId`, `null` for the first question); messages with the same parent are versions of one
 * another (a regenerated answer, an edited question). The branch on screen starts at the root and
 * takes, at every step, the version chosen last (`selectedAt`; none chosen: the newest, see `bySeq`).
 * `seq` is a per-conversation creation counter, so a parent always sorts before its children and a
 * branch in `seq` order is a linear history, the shape every other module already reads.
 */
import type { AnswerAttempt, ChatMessage } from './types'

/** Position of one message among its versions, for the `‹ 2/3 ›` control. */
export interface VersionInfo {
  /** 1-based. */
  index: number
  count: number
  prevId?: string
  nextId?: string
}

const ROOT = '\u0000root'

/**
 * Creation order. Two devices that each added a message offline give both the same `seq`; the one
 * created later then counts as newer (a text kept from a conflict shares its message's creation
 * time and loses by its older edit), and the id settles the rest, so every device numbers and
 * picks versions the same way.
 */
function bySeq(a: ChatMessage, b: ChatMessage): number {
  return a.seq - b.seq || a.createdAt - b.createdAt || a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * Gives records written before versions existed (no `parentId` field) the parent they had in a
 * linear history: the message before them by `seq`. Mutates and returns `messages`, so objects the
 * store already shares (a streaming answer) stay the same objects.
 */
export function linkLegacy<T extends ChatMessage[]>(messages: T): T {
  if (messages.every((m) => m.parentId !== undefined)) return messages
  let previous: ChatMessage | undefined
  for (const message of [...messages].sort(bySeq)) {
    if (message.parentId === undefined) message.parentId = previous?.id ?? null
    previous = message
  }
  return messages
}

/** Children of every parent (`ROOT` for the first level), each list in `seq` order. */
function childrenByParent(messages: readonly ChatMessage[]): Map<string, ChatMessage[]> {
  const ids = new Set(messages.map((m) => m.id))
  const map = new Map<string, ChatMessage[]>()
  for (const message of [...messages].sort(bySeq)) {
    // A parent that is gone (deleted in another tab mid-way) must not hide its children.
    const key = message.parentId && ids.has(message.parentId) ? message.parentId : ROOT
    const list = map.get(key)
    if (list) list.push(message)
    else map.set(key, [message])
  }
  return map
}

function chosen(versions: readonly ChatMessage[]): ChatMessage | undefined {
  let best: ChatMessage | undefined
  for (const v of versions) {
    if (!best || (v.selectedAt ?? 0) > (best.selectedAt ?? 0) || ((v.selectedAt ?? 0) === (best.selectedAt ?? 0) && bySeq(v, best) > 0)) best = v
  }
  return best
}

/** The branch on screen, first message first: what is shown, sent as history and exported. */
export function visibleBranch(messages: readonly ChatMessage[]): ChatMessage[] {
  const children = childrenByParent(messages)
  const branch: ChatMessage[] = []
  const seen = new Set<string>()
  let next = chosen(children.get(ROOT) ?? [])
  while (next && !seen.has(next.id)) {
    seen.add(next.id)
    branch.push(next)
    next = chosen(children.get(next.id) ?? [])
  }
  return branch
}

/** The versions of every message on the branch that has more than one, by id. */
export function versionsOf(messages: readonly ChatMessage[], branch: readonly ChatMessage[]): Map<string, VersionInfo> {
  const children = childrenByParent(messages)
  const ids = new Set(messages.map((m) => m.id))
  const out = new Map<string, VersionInfo>()
  for (const message of branch) {
    const key = message.parentId && ids.has(message.parentId) ? message.parentId : ROOT
    const siblings = children.get(key) ?? []
    if (siblings.length < 2) continue
    const i = siblings.findIndex((s) => s.id === message.id)
    out.set(message.id, { index: i + 1, count: siblings.length, prevId: siblings[i - 1]?.id, nextId: siblings[i + 1]?.id })
  }
  return out
}

/** The `seq` a new message of this conversation gets. */
export function nextSeq(messages: readonly ChatMessage[]): number {
  let max = -1
  for (const m of messages) if (m.seq > max) max = m.seq
  return max + 1
}

/**
 * The history a request carries from a branch: an answer whose question was deleted is left out
 * (two answers in a row are refused by some providers, and without its question it says nothing).
 * Unanswered questions are left to `toChatTurns`, which drops them.
 */
export function sendableHistory(branch: readonly ChatMessage[]): ChatMessage[] {
  return branch.filter((m, i) => m.role === 'user' || branch[i - 1]?.role === 'user')
}

/**
 * What deleting one message writes: its children move up to its parent (so nothing below it is
 * lost), and if it was on screen the child that was shown after it stays shown. Returns copies of
 * the records that change; the message itself is the caller's to delete.
 */
export function planDelete(messages: readonly ChatMessage[], id: string, now: number): ChatMessage[] {
  const target = messages.find((m) => m.id === id)
  if (!target) return []
  const onScreen = visibleBranch(messages).some((m) => m.id === id)
  const kids = messages.filter((m) => m.parentId === id)
  const shownKid = chosen(kids)
  return kids.map((kid) => ({
    ...kid,
    parentId: target.parentId ?? null,
    ...(onScreen && kid === shownKid ? { selectedAt: now } : {}),
  }))
}

/**
 * One conversation's records from before versions: linked into a tree, and each answer's earlier
 * Retry attempts turned into older versions of it (ids `<answer id>.v<n>`, so converting the same
 * records twice, in the database and from an old backup, gives the same ids). `seq` is renumbered
 * so that attempts sort before the answer that replaced them. Returns new records.
 */
export function attemptsToVersions(messages: readonly ChatMessage[]): ChatMessage[] {
  const ordered = [...messages].sort(bySeq).map((m) => ({ ...m }))
  linkLegacy(ordered)
  const out: ChatMessage[] = []
  let seq = 0
  for (const message of ordered) {
    const { attempts, ...rest } = message
    ;(attempts ?? []).forEach((attempt: AnswerAttempt, i) => {
      out.push(attemptRecord(rest, attempt, i, seq++))
    })
    out.push({ ...rest, seq: seq++ })
  }
  return out
}

function attemptRecord(answer: ChatMessage, attempt: AnswerAttempt, i: number, seq: number): ChatMessage {
  const record: ChatMessage = {
    id: `${answer.id}.v${i + 1}`,
    conversationId: answer.conversationId,
    seq,
    parentId: answer.parentId ?? null,
    role: answer.role,
    content: attempt.content,
    reasoning: attempt.reasoning,
    status: attempt.status === 'streaming' ? 'interrupted' : attempt.status,
    createdAt: answer.createdAt,
    updatedAt: attempt.updatedAt,
  }
  if (attempt.error) record.error = attempt.error
  if (attempt.finishReason) record.finishReason = attempt.finishReason
  return record
}

/** Whether records still need `attemptsToVersions` (written by a build before versions). */
export function needsConversion(messages: readonly ChatMessage[]): boolean {
  return messages.some((m) => m.parentId === undefined || (m.attempts?.length ?? 0) > 0)
}
