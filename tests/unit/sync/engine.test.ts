import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { conversation, message } from '../persistence/fixtures'
import { MANIFEST_NAME, SyncError, openSyncDatabase, repositoryLocal, runSync, type SyncDatabase, type SyncTarget } from '../../../src/core/sync'
import { createRepository, type Repository } from '../../../src/core/persistence'

const databases = new WeakMap<Repository, SyncDatabase>()

/** One device: the history repository and sync's own connection to the same database. */
async function openTestRepository(): Promise<Repository> {
  const idbFactory = new IDBFactory()
  const repository = await createRepository({ idbFactory })
  databases.set(repository, await openSyncDatabase({ idbFactory }))
  return repository
}

/** An in-memory storage that logs every call and can be told to die after some writes. */
function memoryTarget(): SyncTarget & { objects: Map<string, Uint8Array>; log: string[]; failAfterPuts?: number } {
  const objects = new Map<string, Uint8Array>()
  const log: string[] = []
  const target = {
    id: 'memory:test',
    objects,
    log,
    failAfterPuts: undefined as number | undefined,
    async get(name: string) {
      log.push(`GET ${name}`)
      return objects.get(name)?.slice() ?? null
    },
    async put(name: string, body: Uint8Array) {
      if (target.failAfterPuts !== undefined && target.failAfterPuts-- <= 0) throw new SyncError('network', 'server killed')
      log.push(`PUT ${name}`)
      objects.set(name, body.slice())
    },
    async remove(name: string) {
      log.push(`DELETE ${name}`)
      objects.delete(name)
    },
  }
  return target
}

const FAST = { iterations: 1000, minIterations: 1000 }

function sync(repository: Repository, target: SyncTarget, passphrase = 'correct horse battery') {
  return runSync({ target, local: repositoryLocal(repository, databases.get(repository)!), passphrase, ...FAST })
}

async function contents(repository: Repository): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const item of await repository.exportConversations()) out[item.conversation.title] = item.messages.map((m) => m.content)
  return out
}

describe('runSync', () => {
  it('two devices that edited offline both end with the union, and the storage sees no plain text', async () => {
    const target = memoryTarget()
    const a = await openTestRepository()
    const b = await openTestRepository()
    await a.putTurn(conversation('shared', 1000, 'Shared chat'), [message('shared', 0), message('shared', 1)])
    await sync(a, target)
    await sync(b, target)
    expect(await contents(b)).toEqual({ 'Shared chat': ['问题 0', '回答 1'] })

    // Offline: each device adds a turn to the shared chat and a chat of its own.
    await a.saveMessage(message('shared', 2, { id: 'from-a', content: 'A question', parentId: 'shared-m1', updatedAt: 5000 }))
    await b.saveMessage(message('shared', 2, { id: 'from-b', content: 'B question', parentId: 'shared-m1', updatedAt: 5001 }))
    await a.putTurn(conversation('only-a', 2000, 'Secret title A'), [message('only-a', 0, { content: 'private words' })])
    await b.putTurn(conversation('only-b', 2000, 'Title B'), [message('only-b', 0)])

    await sync(a, target)
    await sync(b, target)
    await sync(a, target)
    const expected = { 'Shared chat': ['问题 0', '回答 1', 'A question', 'B question'], 'Secret title A': ['private words'], 'Title B': ['问题 0'] }
    expect(await contents(a)).toEqual(expected)
    expect(await contents(b)).toEqual(expected)

    const stored = [...target.objects.values()].map((bytes) => new TextDecoder('latin1').decode(bytes)).join('\n')
    for (const secret of ['Secret title A', 'private words', 'Shared chat', 'only-a', 'shared']) expect(stored).not.toContain(secret)
    // A quiet run reads the manifest and writes nothing.
    target.log.length = 0
    await sync(a, target)
    expect(target.log).toEqual([`GET ${MANIFEST_NAME}`])
  })

  it('propagates a deleted conversation and a deleted message', async () => {
    const target = memoryTarget()
    const a = await openTestRepository()
    const b = await openTestRepository()
    await a.putTurn(conversation('x', 1000, 'Doomed'), [message('x', 0)])
    await a.putTurn(conversation('y', 1000, 'Kept'), [message('y', 0), message('y', 1), message('y', 2)])
    await sync(a, target)
    await sync(b, target)
    await a.deleteConversation('x')
    await a.deleteMessage('y-m1', [{ ...(await a.getMessage('y-m2'))!, parentId: 'y-m0' }])
    await sync(a, target)
    await sync(b, target)
    expect(await contents(b)).toEqual({ Kept: ['问题 0', '问题 2'] })
    expect((await b.getMessage('y-m2'))?.parentId).toBe('y-m0')
    expect(await b.isDeleted('x')).toBe(true)
    // Its object is gone from the storage too: only the manifest and one conversation remain.
    expect(target.objects.size).toBe(2)
  })

  it('with a wrong passphrase reads nothing but the manifest and writes nothing', async () => {
    const target = memoryTarget()
    const a = await openTestRepository()
    await a.putTurn(conversation('x', 1000, 'Mine'), [message('x', 0)])
    await sync(a, target)
    const b = await openTestRepository()
    await b.putTurn(conversation('z', 1000, 'Other'), [message('z', 0)])
    const before = new Map(target.objects)
    target.log.length = 0
    await expect(sync(b, target, 'wrong passphrase!')).rejects.toMatchObject({ kind: 'passphrase' })
    expect(target.log).toEqual([`GET ${MANIFEST_NAME}`])
    expect(target.objects).toEqual(before)
    expect(await contents(b)).toEqual({ Other: ['问题 0'] })
  })

  it('a server killed mid-sync loses nothing, and the next sync completes', async () => {
    const target = memoryTarget()
    const a = await openTestRepository()
    const b = await openTestRepository()
    await a.putTurn(conversation('p', 1000, 'P'), [message('p', 0)])
    await sync(a, target)
    for (const id of ['q', 'r', 's']) await a.putTurn(conversation(id, 2000, id.toUpperCase()), [message(id, 0)])
    target.failAfterPuts = 1
    await expect(sync(a, target)).rejects.toMatchObject({ kind: 'network' })
    // The old manifest still holds: another device reads what was there before.
    await sync(b, target)
    expect(await contents(b)).toEqual({ P: ['问题 0'] })
    target.failAfterPuts = undefined
    await sync(a, target)
    await sync(b, target)
    expect(Object.keys(await contents(b)).sort()).toEqual(['P', 'Q', 'R', 'S'])
    expect(Object.keys(await contents(a)).sort()).toEqual(['P', 'Q', 'R', 'S'])
  })

  it('keeps a rename made on one device and a turn added on the other', async () => {
    const target = memoryTarget()
    const a = await openTestRepository()
    const b = await openTestRepository()
    await a.putTurn(conversation('x', 1000, 'Old'), [message('x', 0)])
    await sync(a, target)
    await sync(b, target)
    await a.updateConversation('x', { title: 'Renamed on A' })
    await b.saveMessage(message('x', 1, { content: 'answer from B', updatedAt: 9000 }))
    await sync(b, target)
    await sync(a, target)
    await sync(b, target)
    expect(await contents(a)).toEqual({ 'Renamed on A': ['问题 0', 'answer from B'] })
    expect(await contents(b)).toEqual({ 'Renamed on A': ['问题 0', 'answer from B'] })
  })
})
