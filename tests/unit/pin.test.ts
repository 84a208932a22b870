import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { readBackup } from '../../src/core/importers/inkstream'
import type { Json } from '../../src/core/importers/common'
import { backupText, restore } from './backupFixtures'
import { conversation, message, openTestRepository } from './persistence/fixtures'
import { importError } from './importers/helpers'

describe('pinning in the repository', () => {
  it('pins and unpins by read-modify-write, keeping another writer’s rename and the time', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('c1', 5000, 'First'), [message('c1', 0)])
    await repo.updateConversation('c1', { title: 'Renamed elsewhere' })
    expect(await repo.updateConversation('c1', { pinned: true })).toMatchObject({ title: 'Renamed elsewhere', pinned: true, updatedAt: 5000 })
    // A turn written from a stale copy without the pin keeps it.
    await repo.putTurn(conversation('c1', 6000, 'First'), [message('c1', 1)])
    expect(await repo.getConversation('c1')).toMatchObject({ pinned: true, updatedAt: 6000 })
    const unpinned = await repo.updateConversation('c1', { pinned: false })
    expect(unpinned).not.toHaveProperty('pinned')
    expect(await repo.getConversation('c1')).not.toHaveProperty('pinned')
    repo.close()
  })
})

describe('pinning in backups', () => {
  it('a backup carries the pin and restoring it brings the pin back', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('p', 1000), [message('p', 0)])
    await repo.putTurn(conversation('u', 2000), [message('u', 0)])
    await repo.updateConversation('p', { pinned: true })
    const text = await backupText(repo)
    const parsed = JSON.parse(text) as { conversations: Record<string, unknown>[] }
    expect(parsed.conversations.map((c) => [c.id, c.pinned])).toEqual([['p', true], ['u', undefined]])
    // Pinned is a named field: it comes right after updatedAt, not among a later build's extras.
    expect(Object.keys(parsed.conversations[0]!)).toEqual(['id', 'title', 'createdAt', 'updatedAt', 'pinned', 'messages'])
    repo.close()

    const fresh = await openTestRepository()
    await restore(fresh, text)
    expect((await fresh.listConversations()).map((c) => [c.id, c.pinned])).toEqual([['u', undefined], ['p', true]])
    fresh.close()
  })

  it('rejects a pin that is not true or false, naming its path', () => {
    const backup = {
      format: 'inkstream-backup',
      version: 1,
      exportedAt: '2024-01-01T00:00:00.000Z',
      conversations: [{ id: 'c', title: 't', createdAt: 1, updatedAt: 1, pinned: 'yes', messages: [] }],
    } as unknown as Json
    const error = importError(() => readBackup(backup))
    expect(error.problem).toMatchObject({ problem: 'expected', path: 'conversations[0].pinned', expected: { type: 'boolean' }, got: 'yes' })
    const unpinned = readBackup({ ...(backup as object), conversations: [{ id: 'c', title: 't', createdAt: 1, updatedAt: 1, pinned: false, messages: [] }] } as Json)
    expect(unpinned.conversations[0]!.conversation).not.toHaveProperty('pinned')
  })
})

describe('the model-written title in storage and backups', () => {
  it('updateConversation with ifTitle changes the title only while the stored one is still that', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('c1', 5000, 'From the question'), [message('c1', 0)])
    expect(await repo.updateConversation('c1', { title: 'Model title', ifTitle: 'From the question' })).toMatchObject({ title: 'Model title' })
    await repo.updateConversation('c1', { title: 'Mine' })
    expect(await repo.updateConversation('c1', { title: 'Late model title', ifTitle: 'Model title' })).toMatchObject({ title: 'Mine' })
    repo.close()
  })

  it('a backup carries the setting, and a restore rejects one that is not true or false', () => {
    const backup = (autoTitle: unknown) =>
      ({ format: 'inkstream-backup', version: 1, exportedAt: '2024-01-01T00:00:00.000Z', settings: { autoTitle }, conversations: [] }) as unknown as Json
    expect(readBackup(backup(true)).settings).toEqual({ autoTitle: true })
    expect(importError(() => readBackup(backup('on'))).problem).toMatchObject({ path: 'settings.autoTitle', expected: { type: 'boolean' } })
  })
})
