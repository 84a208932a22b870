// Random edit histories for the sync tests: devices start from one shared conversation and each
// applies its own edits offline (add a version, continue or rewrite an answer, delete a message,
// switch versions, rename), the way the app itself changes records.
import fc from 'fast-check'
import type { ChatMessage } from '../../../src/core/types'
import type { SyncDoc } from '../../../src/core/sync'

export type Op =
  | { type: 'add'; parent: number; role: 'user' | 'assistant'; text: string; at: number }
  | { type: 'continue'; target: number; text: string; at: number }
  | { type: 'rewrite'; target: number; text: string; at: number }
  | { type: 'delete'; target: number; at: number }
  | { type: 'select'; target: number; at: number }
  | { type: 'rename'; title: string; at: number }

const text = fc.constantFrom('a', 'b', '你好', 'xyz', ' more', '世界', '')
const at = fc.integer({ min: 2000, max: 2040 })

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('add' as const), parent: fc.nat(20), role: fc.constantFrom('user' as const, 'assistant' as const), text, at }),
  fc.record({ type: fc.constant('continue' as const), target: fc.nat(20), text, at }),
  fc.record({ type: fc.constant('rewrite' as const), target: fc.nat(20), text, at }),
  fc.record({ type: fc.constant('delete' as const), target: fc.nat(20), at }),
  fc.record({ type: fc.constant('select' as const), target: fc.nat(20), at }),
  fc.record({ type: fc.constant('rename' as const), title: fc.constantFrom('One', 'Two', '三'), at }),
)

export const historyArb = fc.array(opArb, { maxLength: 12 })

export const CONVERSATION_ID = 'c1'

function msg(id: string, seq: number, parentId: string | null, role: 'user' | 'assistant', content: string, time: number): ChatMessage {
  return { id, conversationId: CONVERSATION_ID, seq, parentId, role, content, reasoning: '', status: 'done', createdAt: time, updatedAt: time }
}

/** The conversation both devices start from: two turns. */
export function baseDoc(): SyncDoc {
  return {
    conversation: { id: CONVERSATION_ID, title: 'Start', createdAt: 1000, updatedAt: 1003 },
    metaAt: 1000,
    messages: [
      msg('q0', 0, null, 'user', 'Question 0', 1000),
      msg('a0', 1, 'q0', 'assistant', 'Answer 0', 1001),
      msg('q1', 2, 'a0', 'user', 'Question 1', 1002),
      msg('a1', 3, 'q1', 'assistant', 'Answer 1', 1003),
    ],
    deleted: {},
  }
}

/** Applies one device's ops to a copy of `start`; new ids are `<device>-<n>`. */
export function applyOps(start: SyncDoc, device: string, ops: readonly Op[]): SyncDoc {
  const doc: SyncDoc = structuredClone(start)
  let n = 0
  const pick = (i: number): ChatMessage | undefined => doc.messages[i % Math.max(1, doc.messages.length)]
  for (const op of ops) {
    const target = 'target' in op ? pick(op.target) : undefined
    switch (op.type) {
      case 'add': {
        const parent = doc.messages.length === 0 ? undefined : pick(op.parent)
        const seq = Math.max(-1, ...doc.messages.map((m) => m.seq)) + 1
        doc.messages.push({ ...msg(`${device}-${n++}`, seq, parent?.id ?? null, op.role, op.text, op.at), selectedAt: op.at })
        break
      }
      case 'continue':
        if (target) Object.assign(target, { content: target.content + op.text, updatedAt: op.at })
        break
      case 'rewrite':
        if (target) Object.assign(target, { content: `${op.text}!${device}`, updatedAt: op.at })
        break
      case 'select':
        if (target) target.selectedAt = op.at
        break
      case 'rename':
        doc.conversation.title = op.title
        doc.metaAt = op.at
        break
      case 'delete':
        if (target) {
          doc.messages = doc.messages.filter((m) => m.id !== target.id).map((m) => (m.parentId === target.id ? { ...m, parentId: target.parentId ?? null } : m))
          doc.deleted[target.id] = { at: op.at, parentId: target.parentId ?? null }
        }
        break
    }
  }
  doc.messages.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1))
  return doc
}
