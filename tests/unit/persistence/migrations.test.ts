import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { createRepository } from '../../../src/core/persistence'
import type { ChatMessage, Conversation } from '../../../src/core/types'
import { conversation, message } from './fixtures'

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

describe('migrations from every released schema', () => {
  const conversations = [conversation('a', 2000, '第一个 🎉'), conversation('b', 1000)]
  const messages = [
    message('a', 0),
    message('a', 1, { status: 'streaming', content: 'cut off mid-answer' }),
    message('b', 0),
    // A field a later build might have added: kept as it is.
    message('b', 1, { reasoning: 'thought', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }),
  ]

  it('schema 1 → current: every record kept, and left-over streams are found through the new index', async () => {
    const factory = new IDBFactory()
    await schema1Fixture(factory, { conversations, messages, kv: [['activeConversationId', 'a']] })

    const repo = await createRepository({ idbFactory: factory })
    expect(await repo.listConversations()).toEqual(conversations)
    expect(await repo.listMessages('a')).toEqual(messages.slice(0, 2))
    expect(await repo.listMessages('b')).toEqual(messages.slice(2))
    expect(await repo.getValue('activeConversationId')).toBe('a')

    expect(await repo.recoverInterrupted()).toBe(1)
    expect(await repo.getMessage('a-m1')).toMatchObject({ status: 'interrupted', content: 'cut off mid-answer' })
    expect(await repo.recoverInterrupted()).toBe(0)
    repo.close()

    // Opening again runs no step twice and changes nothing.
    const again = await createRepository({ idbFactory: factory })
    expect(await again.listMessages('b')).toEqual(messages.slice(2))
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
