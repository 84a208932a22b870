import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { getActivePinia, type Pinia } from 'pinia'
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { createRepository, KV_KEYS, type Repository } from '../../../src/core/persistence'
import { SyncError, openSyncDatabase, repositoryLocal, runSync, type SyncTarget } from '../../../src/core/sync'
import { useSyncStore, useSyncWiring } from '../../../src/stores/sync'
import { openStores } from './harness'
import { conversation, message } from '../persistence/fixtures'

/** Storage as the browser has it: a Map behind the Storage methods the store calls. */
function memoryStorage(): Storage {
  const map = new Map<string, string>()
  return {
    get length() {
      return map.size
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  }
}

function memoryTarget(): SyncTarget & { objects: Map<string, Uint8Array>; down: boolean } {
  const objects = new Map<string, Uint8Array>()
  const target = {
    id: 'memory:store',
    objects,
    down: false,
    async get(name: string) {
      if (target.down) throw new SyncError('network', 'down')
      return objects.get(name)?.slice() ?? null
    },
    async put(name: string, body: Uint8Array) {
      if (target.down) throw new SyncError('network', 'down')
      objects.set(name, body.slice())
    },
    async remove(name: string) {
      objects.delete(name)
    },
  }
  return target
}

const SECRET = 'store-secret-key-1234'
const PASSPHRASE = 'store passphrase 5678'

let target: ReturnType<typeof memoryTarget>
let repository: Repository
// Held from the start: another test's tab, still listening on the change feed, may make its own Pinia the active one.
let stores: Awaited<ReturnType<typeof openStores>>
let pinia: Pinia

beforeEach(async () => {
  vi.stubGlobal('localStorage', memoryStorage())
  vi.stubGlobal('sessionStorage', memoryStorage())
  target = memoryTarget()
  const idbFactory = new IDBFactory()
  repository = await createRepository({ idbFactory })
  useSyncWiring({ target: () => target, database: () => openSyncDatabase({ idbFactory }) })
  stores = await openStores(async () => repository)
  pinia = getActivePinia()!
})

afterEach(() => {
  vi.unstubAllGlobals()
})

function fill(remember: boolean): ReturnType<typeof useSyncStore> {
  const sync = useSyncStore(pinia)
  Object.assign(sync.settings, { kind: 's3', endpoint: 'https://s3.example.com', bucket: 'bucket-one', region: 'auto', accessKeyId: 'AKID', remember })
  Object.assign(sync.secrets, { secretAccessKey: SECRET, passphrase: PASSPHRASE })
  return sync
}

/** Another device: its own database, syncing with the same storage through the engine. */
async function otherDevice() {
  const idbFactory = new IDBFactory()
  const other = await createRepository({ idbFactory })
  const local = repositoryLocal(other, await openSyncDatabase({ idbFactory }))
  return { other, sync: () => runSync({ target, local, passphrase: PASSPHRASE, iterations: 600_000 }) }
}

describe('sync store', () => {
  it('keeps secrets for this tab only unless asked to remember them, and never in a backup', async () => {
    const sync = fill(false)
    expect(await sync.save()).toBe(true)
    await sync.syncNow()
    expect(await repository.getValue(KV_KEYS.syncSecrets)).toBeUndefined()
    expect(sessionStorage.getItem('inkstream-sync-secrets')).toContain(SECRET)
    expect(JSON.stringify(await repository.getValue(KV_KEYS.syncTarget))).not.toContain(SECRET)
    expect(localStorage.getItem('inkstream-sync')).toBe('1')

    sync.settings.remember = true
    await sync.save()
    expect(await repository.getValue(KV_KEYS.syncSecrets)).toMatchObject({ secretAccessKey: SECRET, passphrase: PASSPHRASE })
    expect(sessionStorage.getItem('inkstream-sync-secrets')).toBeNull()

    const file = await stores.data.exportBackup()
    expect(file?.text).not.toContain(SECRET)
    expect(file?.text).not.toContain(PASSPHRASE)

    await sync.forget()
    expect(await repository.getValue(KV_KEYS.syncSecrets)).toBeUndefined()
    expect(localStorage.getItem('inkstream-sync')).toBeNull()
    expect(sync.status).toBe('off')
  })

  it('refuses an incomplete target with the field named, and saves nothing', async () => {
    const sync = fill(false)
    sync.settings.bucket = ''
    expect(await sync.save()).toBe(false)
    expect(sync.errorKind).toBe('config')
    expect(await repository.getValue(KV_KEYS.syncTarget)).toBeUndefined()
  })

  it('syncs now, shows the last sync time, and brings other devices’ conversations into the list', { timeout: 20_000 }, async () => {
    const device = await otherDevice()
    await device.other.putTurn(conversation('remote', 1000, 'From the other device'), [message('remote', 0)])
    await device.sync()
    const sync = fill(true)
    await sync.save()
    await sync.syncNow()
    expect(sync.status).toBe('idle')
    expect(sync.lastSyncAt).not.toBeNull()
    expect(stores.list.conversations.map((c) => c.title)).toContain('From the other device')
  })

  it('says what failed, and the next sync after the storage is back completes', { timeout: 20_000 }, async () => {
    const sync = fill(true)
    target.down = true
    await sync.save()
    await sync.syncNow()
    expect(sync.status).toBe('error')
    expect(sync.errorKind).toBe('network')
    expect(sync.error).toEqual([{ key: 'sync.error.network', params: { detail: 'down' } }])
    target.down = false
    await sync.syncNow()
    expect(sync.status).toBe('idle')
    expect(sync.error).toEqual([])
  })

  it('syncs by itself a moment after a change', { timeout: 20_000 }, async () => {
    const sync = fill(true)
    await sync.save()
    await sync.syncNow()
    const runs = sync.runs
    await repository.putTurn(conversation('new', 5000, 'Written here'), [message('new', 0)])
    stores.tabs.publish({ type: 'conversation', id: 'new' })
    await vi.waitFor(() => expect(sync.runs).toBeGreaterThan(runs), { timeout: 8000, interval: 100 })
    await vi.waitFor(() => expect(sync.status).toBe('idle'), { timeout: 8000 })
    const device = await otherDevice()
    await device.sync()
    expect((await device.other.listConversations()).map((c) => c.title)).toContain('Written here')
  })
})
