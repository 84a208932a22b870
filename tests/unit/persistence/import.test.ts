import { afterEach, describe, expect, it, vi } from 'vitest'
import { QUOTA, conversation, message, openTestRepository, settings } from './fixtures'
import type { ConversationRecords, Repository } from '../../../src/core/persistence'
import type { ChatMessage } from '../../../src/core/types'

afterEach(() => {
  vi.restoreAllMocks()
})

function item(id: string, count: number, updatedAt = 1_700_000_000_000): ConversationRecords {
  return { conversation: conversation(id, updatedAt), messages: Array.from({ length: count }, (_, seq) => message(id, seq)) }
}

/** Everything stored, in a canonical order, to compare a database before and after. */
async function dump(repo: Repository): Promise<unknown> {
  const all = await repo.exportConversations()
  return [...all].sort((a, b) => (a.conversation.id < b.conversation.id ? -1 : 1))
}

describe('exportConversations', () => {
  it('reads every conversation with its messages in seq order', async () => {
    const repo = await openTestRepository()
    expect(await repo.exportConversations()).toEqual([])
    await repo.putTurn(conversation('a'), [message('a', 1), message('a', 0)])
    await repo.putTurn(conversation('b'), [message('b', 0)])
    await repo.putConversation(conversation('empty'))
    expect(await dump(repo)).toEqual([
      { conversation: conversation('a'), messages: [message('a', 0), message('a', 1)] },
      { conversation: conversation('b'), messages: [message('b', 0)] },
      { conversation: conversation('empty'), messages: [] },
    ])
    repo.close()
  })
})

describe('importConversations', () => {
  it('adds new conversations whole and reports what it wrote', async () => {
    const repo = await openTestRepository()
    const items = [item('a', 4), item('b', 2)]
    expect(await repo.importConversations(items)).toEqual({
      addedConversations: 2,
      mergedConversations: 0,
      unchangedConversations: 0,
      addedMessages: 6,
      updatedMessages: 0,
      settingsRestored: false,
    })
    expect(await dump(repo)).toEqual(items)
    repo.close()
  })

  it('is idempotent: importing the same records twice changes nothing and duplicates nothing', async () => {
    const repo = await openTestRepository()
    const items = [item('a', 4), item('b', 2)]
    await repo.importConversations(items)
    const before = await dump(repo)
    expect(await repo.importConversations(items)).toMatchObject({ addedConversations: 0, unchangedConversations: 2, addedMessages: 0, updatedMessages: 0 })
    expect(await dump(repo)).toEqual(before)
    repo.close()
  })

  it('merges into an existing conversation: newer copies win, nothing stored is lost', async () => {
    const repo = await openTestRepository()
    const stored = conversation('c', 5000, 'Stored title')
    const kept = message('c', 3, { content: 'only in storage', updatedAt: 10 })
    await repo.putTurn(stored, [
      message('c', 0, { content: 'old', updatedAt: 100 }),
      message('c', 1, { content: 'stored is newer', updatedAt: 300 }),
      message('c', 2, { content: 'same', updatedAt: 50 }),
      kept,
    ])
    const incoming: ConversationRecords = {
      conversation: { ...conversation('c', 9000, 'Imported title'), createdAt: 10 },
      messages: [
        message('c', 0, { content: 'new', updatedAt: 200 }),
        message('c', 1, { content: 'import is older', updatedAt: 250 }),
        message('c', 2, { content: 'same', updatedAt: 50 }),
        message('c', 4, { id: 'c-fresh', content: 'only in the import' }),
      ],
    }
    expect(await repo.importConversations([incoming])).toMatchObject({ mergedConversations: 1, addedMessages: 1, updatedMessages: 1 })
    expect(await repo.getConversation('c')).toEqual({ id: 'c', title: 'Imported title', createdAt: 10, updatedAt: 9000 })
    expect((await repo.listMessages('c')).map((m) => [m.id, m.seq, m.content])).toEqual([
      ['c-m0', 0, 'new'],
      ['c-m1', 1, 'stored is newer'],
      ['c-m2', 2, 'same'],
      ['c-m3', 3, 'only in storage'],
      ['c-fresh', 4, 'only in the import'],
    ])
    repo.close()
  })

  it('keeps the stored title when the stored conversation is newer', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('c', 9000, 'Renamed here'), [message('c', 0)])
    await repo.importConversations([{ conversation: conversation('c', 5000, 'From the backup'), messages: [message('c', 0)] }])
    expect((await repo.getConversation('c'))?.title).toBe('Renamed here')
    repo.close()
  })

  it('appends turns of a history that diverged after the backup instead of mixing them', async () => {
    const repo = await openTestRepository()
    const base = [message('c', 0), message('c', 1)]
    await repo.putTurn(conversation('c'), [...base, message('c', 2, { id: 'here-q' }), message('c', 3, { id: 'here-a' })])
    await repo.importConversations([
      { conversation: conversation('c'), messages: [...base, message('c', 2, { id: 'there-q' }), message('c', 3, { id: 'there-a' })] },
    ])
    expect((await repo.listMessages('c')).map((m) => [m.seq, m.id])).toEqual([
      [0, 'c-m0'], [1, 'c-m1'], [2, 'here-q'], [3, 'here-a'], [4, 'there-q'], [5, 'there-a'],
    ])
    // And importing it again finds them by id: still no duplicates.
    await repo.importConversations([
      { conversation: conversation('c'), messages: [...base, message('c', 2, { id: 'there-q' }), message('c', 3, { id: 'there-a' })] },
    ])
    expect(await repo.listMessages('c')).toHaveLength(6)
    repo.close()
  })

  it('writes nothing when one record of a later conversation is invalid', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('x'), [message('x', 0)])
    const before = await dump(repo)
    const bad = item('c', 2)
    bad.messages[1] = { ...bad.messages[1]!, seq: -1 }
    await expect(repo.importConversations([item('a', 2), item('b', 2), bad])).rejects.toThrow('non-negative integer seq')
    const stray: ChatMessage = { ...message('a', 0), conversationId: 'b' }
    await expect(repo.importConversations([{ conversation: conversation('a'), messages: [stray] }])).rejects.toThrow('belongs to b')
    expect(await dump(repo)).toEqual(before)
    repo.close()
  })

  it('writes nothing when the engine fails on a late write (quota)', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('x', 1000, 'before'), [message('x', 0)])
    const before = await dump(repo)
    const originalPut = IDBObjectStore.prototype.put
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if ((value as { id?: string }).id === 'c-m1') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      return originalPut.call(this, value, key)
    })
    const changedX = { conversation: conversation('x', 2000, 'after'), messages: [message('x', 0, { content: 'changed', updatedAt: Date.now() })] }
    await expect(repo.importConversations([item('a', 3), changedX, item('c', 3)])).rejects.toMatchObject(QUOTA)
    vi.restoreAllMocks()
    expect(await dump(repo)).toEqual(before)
    repo.close()
  })

  it('refuses, writing nothing, a message id already stored under another conversation', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('a'), [message('a', 0)])
    const before = await dump(repo)
    const thief = { conversation: conversation('b'), messages: [{ ...message('a', 0), conversationId: 'b' }] }
    await expect(repo.importConversations([item('c', 2), thief])).rejects.toMatchObject({ name: 'PersistenceError', kind: 'conflict' })
    expect(await dump(repo)).toEqual(before)
    repo.close()
  })

  it('refuses a conversation listed twice', async () => {
    const repo = await openTestRepository()
    await expect(repo.importConversations([item('a', 1), item('a', 1)])).rejects.toThrow('appears twice')
    expect(await repo.exportConversations()).toEqual([])
    repo.close()
  })

  it('writes settings only into a browser that has none, and never an API key', async () => {
    const repo = await openTestRepository()
    const { apiKey: _drop, ...withoutKey } = settings()
    const restored = await repo.importConversations([item('a', 1)], { settings: { ...withoutKey, apiKey: 'sk-smuggled' } as never })
    expect(restored.settingsRestored).toBe(true)
    expect(await repo.getSettings()).toEqual(withoutKey)

    const mine = { ...settings(), model: 'my-model' }
    await repo.putSettings(mine)
    const again = await repo.importConversations([item('a', 1)], { settings: withoutKey })
    expect(again.settingsRestored).toBe(false)
    expect(await repo.getSettings()).toEqual(mine)
    repo.close()
  })
})
