import { describe, it, expect, vi, afterEach } from 'vitest'
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb'
import { createRepository, DB_VERSION, PersistenceError } from '../../../src/core/persistence'
import { conversation, message, openTestRepository } from './fixtures'

afterEach(() => {
  vi.restoreAllMocks()
})

function openRaw(factory: IDBFactory, name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
    request.onblocked = () => reject(new Error('blocked: the old connection did not close'))
  })
}

/** A factory that records its open requests, so a test can reach the raw connection like the browser does. */
function recordingFactory(): { factory: IDBFactory; requests: IDBOpenDBRequest[] } {
  const factory = new IDBFactory()
  const requests: IDBOpenDBRequest[] = []
  const open = factory.open.bind(factory)
  factory.open = (name: string, version?: number) => {
    const request = open(name, version)
    requests.push(request)
    return request
  }
  return { factory, requests }
}

describe('opening', () => {
  it('creates the schema at DB_VERSION under the default name', async () => {
    const factory = new IDBFactory()
    const repo = await createRepository({ idbFactory: factory })
    repo.close()
    const raw = await openRaw(factory, 'inkstream', DB_VERSION)
    expect(raw.version).toBe(3)
    expect([...raw.objectStoreNames].sort()).toEqual(['conversations', 'kv', 'messages'])
    const tx = raw.transaction(['conversations', 'messages'])
    expect([...tx.objectStore('conversations').indexNames]).toEqual(['by-updated'])
    expect(tx.objectStore('messages').index('by-conversation').keyPath).toEqual(['conversationId', 'seq'])
    expect(tx.objectStore('messages').index('by-status').keyPath).toBe('status')
    raw.close()
  })

  it('keeps data across reopen, and separate names are separate databases', async () => {
    const factory = new IDBFactory()
    const first = await createRepository({ idbFactory: factory, dbName: 'one' })
    await first.putTurn(conversation('c'), [message('c', 0)])
    first.close()

    const again = await createRepository({ idbFactory: factory, dbName: 'one' })
    expect(await again.listMessages('c')).toEqual([message('c', 0)])
    const other = await createRepository({ idbFactory: factory, dbName: 'two' })
    expect(await other.listConversations()).toEqual([])
    again.close()
    other.close()
  })

  it('rejects clearly when the database belongs to a newer build', async () => {
    const factory = new IDBFactory()
    ;(await openRaw(factory, 'inkstream', DB_VERSION + 1)).close()
    const error = await createRepository({ idbFactory: factory }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PersistenceError)
    expect(error).toMatchObject({ kind: 'version', message: expect.stringContaining('newer version of Inkstream') })
  })

  it('rejects clearly when IndexedDB refuses to open', async () => {
    const factory = {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      },
    } as unknown as IDBFactory
    await expect(createRepository({ idbFactory: factory })).rejects.toMatchObject({
      name: 'PersistenceError',
      kind: 'unavailable',
      message: expect.stringContaining('will not be saved'),
    })
  })

  it('times out instead of waiting forever for an open that never finishes', async () => {
    const stuck = new EventTarget()
    const factory = { open: () => stuck } as unknown as IDBFactory
    await expect(createRepository({ idbFactory: factory, openTimeoutMs: 20 })).rejects.toMatchObject({ kind: 'timeout' })
  })

  it('rolls a failed upgrade back and reports it', async () => {
    const factory = new IDBFactory()
    const originalCreate = IDBDatabase.prototype.createObjectStore
    vi.spyOn(IDBDatabase.prototype, 'createObjectStore').mockImplementation(function (this: IDBDatabase, name, options) {
      if (name === 'messages') throw new Error('injected upgrade failure')
      return originalCreate.call(this, name, options)
    })
    await expect(createRepository({ idbFactory: factory })).rejects.toMatchObject({
      kind: 'upgrade',
      message: expect.stringContaining('injected upgrade failure'),
    })
    vi.restoreAllMocks()

    // Nothing of the half-run upgrade stuck: the next open upgrades from scratch and works.
    const repo = await createRepository({ idbFactory: factory })
    await repo.putTurn(conversation('c'), [message('c', 0)])
    expect(await repo.listMessages('c')).toEqual([message('c', 0)])
    repo.close()
  })
})

describe('connection lifecycle', () => {
  it('closes and calls onVersionChange when another tab opens a newer version', async () => {
    const factory = new IDBFactory()
    const onVersionChange = vi.fn()
    const repo = await createRepository({ idbFactory: factory, onVersionChange })
    await repo.putConversation(conversation('c'))

    // Would reject with "blocked" if the repository held on to its connection.
    const newer = await openRaw(factory, 'inkstream', DB_VERSION + 1)
    expect(onVersionChange).toHaveBeenCalledTimes(1)
    expect(newer.version).toBe(DB_VERSION + 1)

    const error = await repo.putConversation(conversation('d')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PersistenceError)
    expect(error).toMatchObject({ kind: 'closed', message: expect.stringContaining('Reload this tab') })
    newer.close()
  })

  it('calls onTerminated when the browser closes the connection, and later calls reject', async () => {
    const { factory, requests } = recordingFactory()
    const onTerminated = vi.fn()
    const repo = await createRepository({ idbFactory: factory, onTerminated })
    const raw = requests[0]?.result
    expect(raw).toBeDefined()

    // fake-indexeddb's typings ask for the class, but the function takes a connection.
    forceCloseDatabase(raw as unknown as typeof IDBDatabase)
    expect(onTerminated).toHaveBeenCalledTimes(1)
    await expect(repo.listConversations()).rejects.toMatchObject({ kind: 'closed', message: expect.stringContaining('cleared') })
  })

  it('rejects every call after close()', async () => {
    const repo = await openTestRepository()
    repo.close()
    await expect(repo.getSettings()).rejects.toMatchObject({ kind: 'closed' })
    await expect(repo.saveMessage(message('c', 0), conversation('c'))).rejects.toMatchObject({ kind: 'closed' })
  })
})
