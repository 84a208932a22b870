import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { createRepository } from '../../../src/core/persistence'
import type { ChatMessage, Conversation } from '../../../src/core/types'
import { conversation, message } from './fixtures'
import { versionsOf, visibleBranch } from '../../../src/core/versions'

function done(request: IDBRequest | IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    if ('oncomplete' in request) {
      request.oncomplete = () => resolve()
      request.onerror = () => reject(request.error)
    } else {
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error)
    }
  })
}

/**
 * A database exactly as schema 1 (the first released build) created and filled it: built with raw
 * IndexedDB calls, not with today's upgrade code, so a change to that code cannot hide a break.
 */
async function schema1Fixture(
  factory: IDBFactory,
  records: { conversations: Conversation[]; messages: ChatMessage[]; kv: [string, unknown][] },
): Promise<void> {
  const request = factory.open('inkstream', 1)
  request.onupgradeneeded = () => {
    const db = request.result
    db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt')
    db.createObjectStore('messages', { keyPath: 'id' }).createIndex('by-conversation', ['conversationId', 'seq'])
    db.createObjectStore('kv')
  }
  await done(request)
  const db = request.result
  const tx = db.transaction(['conversations', 'messages', 'kv'], 'readwrite')
  for (const c of records.conversations) tx.objectStore('conversations').put(c)
  for (const m of records.messages) tx.objectStore('messages').put(m)
  for (const [key, value] of records.kv) tx.objectStore('kv').put(value, key)
  await done(tx)
  db.close()
}

/**
 * A database exactly as schema 2 created and filled it (the by-status index, Retry attempts on the
 * answers, no parentId anywhere): raw IndexedDB calls again, not today's upgrade code.
 */
async function schema2Fixture(factory: IDBFactory, records: { conversations: Conversation[]; messages: ChatMessage[] }): Promise<void> {
  const request = factory.open('inkstream', 2)
  request.onupgradeneeded = () => {
    const db = request.result
    db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt')
    const messages = db.createObjectStore('messages', { keyPath: 'id' })
    messages.createIndex('by-conversation', ['conversationId', 'seq'])
    messages.createIndex('by-status', 'status')
    db.createObjectStore('kv')
  }
  await done(request)
  const db = request.result
  const tx = db.transaction(['conversations', 'messages'], 'readwrite')
  for (const c of records.conversations) tx.objectStore('conversations').put(c)
  for (const m of records.messages) tx.objectStore('messages').put(m)
  await done(tx)
  db.close()
}

/** A record as schema 1 and 2 wrote it: no `parentId`. */
function legacy(conversationId: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  const { parentId: _none, ...record } = message(conversationId, seq, extra)
  return record
}

describe('migrations from every released schema', () => {
  const conversations = [conversation('a', 2000, '第一个 🎉'), conversation('b', 1000)]
  const messages = [
    legacy('a', 0),
    legacy('a', 1, { status: 'streaming', content: 'cut off mid-answer' }),
    legacy('b', 0),
    // A field a later build might have added: kept as it is.
    legacy('b', 1, { reasoning: 'thought', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }),
  ]
  // What schema 3 makes of them: the same records, each linked to the one before it.
  const linked = messages.map((m) => ({ ...m, parentId: m.seq === 0 ? null : `${m.conversationId}-m${m.seq - 1}` }))

  it('schema 1 → current: every record kept, and left-over streams are found through the new index', async () => {
    const factory = new IDBFactory()
    await schema1Fixture(factory, { conversations, messages, kv: [['activeConversationId', 'a']] })

    const repo = await createRepository({ idbFactory: factory })
    expect(await repo.listConversations()).toEqual(conversations)
    expect(await repo.listMessages('a')).toEqual(linked.slice(0, 2))
    expect(await repo.listMessages('b')).toEqual(linked.slice(2))
    expect(await repo.getValue('activeConversationId')).toBe('a')

    expect(await repo.recoverInterrupted()).toBe(1)
    expect(await repo.getMessage('a-m1')).toMatchObject({ status: 'interrupted', content: 'cut off mid-answer' })
    expect(await repo.recoverInterrupted()).toBe(0)
    repo.close()

    // Opening again runs no step twice and changes nothing.
    const again = await createRepository({ idbFactory: factory })
    expect(await again.listMessages('b')).toEqual(linked.slice(2))
    again.close()
  })

  it('schema 2 → current: Retry attempts become older versions of their answer, nothing lost', async () => {
    const factory = new IDBFactory()
    const attempts = [
      { content: 'first try', reasoning: 'hmm', status: 'interrupted' as const, error: { kind: 'network' as const, message: 'The connection dropped.' }, updatedAt: 5 },
      { content: 'second try', reasoning: '', status: 'done' as const, finishReason: 'length' as const, updatedAt: 6 },
    ]
    const records = [
      legacy('a', 0),
      legacy('a', 1, { content: 'third try', attempts, model: 'm', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }),
      legacy('a', 2),
      legacy('a', 3),
      legacy('b', 0),
      legacy('b', 1, { status: 'streaming', content: 'left streaming' }),
    ]
    await schema2Fixture(factory, { conversations, messages: records })

    const repo = await createRepository({ idbFactory: factory })
    const a = await repo.listMessages('a')
    expect(a.map((m) => [m.id, m.seq, m.parentId, m.content])).toEqual([
      ['a-m0', 0, null, '问题 0'],
      ['a-m1.v1', 1, 'a-m0', 'first try'],
      ['a-m1.v2', 2, 'a-m0', 'second try'],
      ['a-m1', 3, 'a-m0', 'third try'],
      ['a-m2', 4, 'a-m1', '问题 2'],
      ['a-m3', 5, 'a-m2', '回答 3'],
    ])
    expect(a[1]).toMatchObject({ role: 'assistant', reasoning: 'hmm', status: 'interrupted', error: attempts[0]!.error, updatedAt: 5, createdAt: records[1]!.createdAt })
    expect(a[2]).toMatchObject({ status: 'done', finishReason: 'length', updatedAt: 6 })
    const { attempts: _gone, ...answer } = records[1]!
    expect(a[3]).toEqual({ ...answer, seq: 3, parentId: 'a-m0' })
    // The branch shown is the one shown before: the latest try, and the turn after it.
    expect(visibleBranch(a).map((m) => m.id)).toEqual(['a-m0', 'a-m1', 'a-m2', 'a-m3'])
    expect(versionsOf(a, visibleBranch(a)).get('a-m1')).toMatchObject({ index: 3, count: 3 })
    expect(await repo.listMessages('b')).toEqual([
      { ...records[4], parentId: null },
      { ...records[5], parentId: 'b-m0' },
    ])
    expect(await repo.recoverInterrupted()).toBe(1)
    repo.close()

    // An old backup of the same history, restored now, adds nothing: the versions have the same ids.
    const again = await createRepository({ idbFactory: factory })
    const summary = await again.importConversations([{ conversation: conversations[0]!, messages: records.slice(0, 4) }])
    expect(summary).toMatchObject({ addedMessages: 0, updatedMessages: 0 })
    expect(await again.listMessages('a')).toEqual(a)
    again.close()
  })

  it('an empty schema-1 database upgrades cleanly', async () => {
    const factory = new IDBFactory()
    await schema1Fixture(factory, { conversations: [], messages: [], kv: [] })
    const repo = await createRepository({ idbFactory: factory })
    expect(await repo.listConversations()).toEqual([])
    expect(await repo.recoverInterrupted()).toBe(0)
    repo.close()
  })
})
