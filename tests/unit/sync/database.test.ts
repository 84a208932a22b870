import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { conversation, message } from '../persistence/fixtures'
import { createRepository } from '../../../src/core/persistence'
import { openSyncDatabase } from '../../../src/core/sync'

async function open() {
  const idbFactory = new IDBFactory()
  const repository = await createRepository({ idbFactory })
  return { repository, database: await openSyncDatabase({ idbFactory }) }
}

describe('applySynced', () => {
  it('never undoes what was written here while the sync ran', async () => {
    const { repository, database } = await open()
    const base = conversation('x', 1000, 'Old title')
    await repository.putTurn(base, [message('x', 0), message('x', 1, { content: 'short', updatedAt: 2000 })])
    // During the run: a rename, and the answer continued.
    await repository.updateConversation('x', { title: 'Renamed meanwhile' })
    await repository.saveMessage(message('x', 1, { content: 'short and longer', updatedAt: 3000 }))
    await database.applySynced({
      put: [{ conversation: { ...base, title: 'From the storage' }, messages: [message('x', 1, { content: 'short', updatedAt: 2000, selectedAt: 2500 }), message('x', 2, { content: 'new from elsewhere' })], deleted: {}, base }],
      remove: [],
    })
    expect((await repository.getConversation('x'))?.title).toBe('Renamed meanwhile')
    const messages = await repository.listMessages('x')
    expect(messages.map((m) => m.content)).toEqual(['问题 0', 'short and longer', 'new from elsewhere'])
    // The version chosen elsewhere still counts.
    expect(messages[1]?.selectedAt).toBe(2500)
  })

  it('keeps a conversation deleted here during the run deleted', async () => {
    const { repository, database } = await open()
    const base = conversation('x')
    await repository.putTurn(base, [message('x', 0)])
    await repository.deleteConversation('x')
    await database.applySynced({ put: [{ conversation: base, messages: [message('x', 0), message('x', 1)], deleted: {}, base }], remove: [] })
    expect(await repository.getConversation('x')).toBeUndefined()
    expect(await repository.isDeleted('x')).toBe(true)
  })

  it('deletes tombstoned messages unless edited after the delete, and remembers the tombstones', async () => {
    const { repository, database } = await open()
    const base = conversation('x')
    await repository.putTurn(base, [message('x', 0), message('x', 1, { updatedAt: 100 }), message('x', 2, { updatedAt: 9000 })])
    await database.applySynced({
      put: [{ conversation: base, messages: [message('x', 0)], deleted: { 'x-m1': { at: 500, parentId: 'x-m0' }, 'x-m2': { at: 500, parentId: 'x-m1' } }, base }],
      remove: [],
    })
    expect((await repository.listMessages('x')).map((m) => m.id)).toEqual(['x-m0', 'x-m2'])
    expect(Object.keys((await database.listTombstones()).messages).sort()).toEqual(['x-m1', 'x-m2'])
  })

  it('removes conversations deleted elsewhere with their delete time, and a deleted message here leaves a tombstone', async () => {
    const { repository, database } = await open()
    await repository.putTurn(conversation('x'), [message('x', 0)])
    await repository.putTurn(conversation('y'), [message('y', 0), message('y', 1)])
    await repository.deleteMessage('y-m1', [])
    await database.applySynced({ put: [], remove: [{ id: 'x', at: 4242 }] })
    const tombstones = await database.listTombstones()
    expect(tombstones.conversations).toEqual({ x: 4242 })
    expect(tombstones.messages['y-m1']).toMatchObject({ conversationId: 'y', parentId: 'y-m0' })
    expect(await repository.listMessages('x')).toEqual([])
  })
})
