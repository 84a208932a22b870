import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  MANIFEST_NAME,
  checkTarget,
  defaultTargetSettings,
  emptySecrets,
  isSyncError,
  openSyncDatabase,
  openTarget,
  repositoryLocal,
  runSync,
  testConnection,
  type SyncDatabase,
  type SyncTarget,
  type SyncKeys,
  type SyncResult,
  type SyncSecrets,
  type SyncTargetConfig,
  type SyncTargetSettings,
} from '../core/sync'
import { KV_KEYS, toPlainData } from '../core/persistence'
import type { Text } from '../locales'
import { SYNC_FLAG, SYNC_SESSION_KEY } from '../browser/syncFlag'
import { openRepository } from './repository'
import { useChatStore } from './chat'
import { useStreamsStore } from './streams'
import { useTabsStore } from './tabs'
import { onPageReturn } from '../browser/pageReturn'

/** Where sync stands, for `sync-status`. */
export type SyncStatus = 'off' | 'idle' | 'syncing' | 'error'

/** A connection test as Settings shows it. */
export type SyncTestState = { state: 'running' } | { state: 'ok'; ms: number; hasData: boolean } | { state: 'error'; error: readonly Text[]; kind: string }

/** How runs reach the storage and the history database; tests put in-memory ones in their place. */
export interface SyncWiring {
  target(config: SyncTargetConfig): SyncTarget
  database(): Promise<SyncDatabase>
}

let wiring: SyncWiring = { target: (config) => openTarget(config), database: () => openSyncDatabase() }

/** Replaces how runs reach the storage or the database (tests). */
export function useSyncWiring(next: Partial<SyncWiring>): void {
  wiring = { ...wiring, ...next }
}

/** How long after the last change an automatic sync starts. */
export const AUTO_SYNC_DELAY_MS = 2000
/** How often an idle page looks for other devices' changes. */
const POLL_MS = 5 * 60_000

function errorTexts(error: unknown): { texts: Text[]; kind: string } {
  if (isSyncError(error)) {
    const params: Record<string, string | number> = { detail: error.message }
    if (error.kind === 'clock-skew') params.skew = error.details.skewSeconds ?? '?'
    if (error.kind === 'config') return { texts: [{ key: 'sync.error.config', params: { detail: error.message } }], kind: error.kind }
    return { texts: [{ key: `sync.error.${error.kind}`, params }], kind: error.kind }
  }
  return { texts: [{ key: 'sync.error.http', params: { detail: error instanceof Error ? error.message : String(error) } }], kind: 'http' }
}

/**
 * Encrypted sync with the user's own S3 bucket or WebDAV folder: the target and its secrets, a run
 * on demand and a few seconds after every change, and the status and last sync time. The engine
 * (`core/sync`) does the work; this store only decides when, and reloads the lists afterwards.
 */
export const useSyncStore = defineStore('sync', () => {
  const chat = useChatStore()
  const streams = useStreamsStore()
  const tabs = useTabsStore()

  const settings = ref<SyncTargetSettings>(defaultTargetSettings())
  const secrets = ref<SyncSecrets>(emptySecrets())
  /** A target is saved and sync runs. */
  const enabled = ref(false)
  const status = ref<SyncStatus>('off')
  const lastSyncAt = ref<number | null>(null)
  const lastResult = ref<SyncResult | null>(null)
  const error = ref<readonly Text[]>([])
  const errorKind = ref<string | null>(null)
  const test = ref<SyncTestState | null>(null)
  const loaded = ref(false)
  /** Runs finished (well or not) since the page opened, so a caller can wait for the next one. */
  const runs = ref(0)

  const keyCache = new Map<string, Promise<SyncKeys>>()
  let running: Promise<void> | null = null
  let again = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let poll: ReturnType<typeof setInterval> | undefined
  let unobserve: (() => void) | null = null
  let applying = false
  let stopListening: (() => void) | null = null
  let database: Promise<SyncDatabase> | null = null

  /** The fields as typed (the connection test uses them before they are saved). */
  function full(): SyncTargetConfig {
    return toPlainData({ ...settings.value, ...secrets.value })
  }
  /** The target as last saved: runs never use half-typed fields. */
  let active: SyncTargetConfig | null = null

  /** Reads the saved target (and secrets, from this tab or this device) and starts syncing if one is saved. */
  async function load(): Promise<void> {
    if (loaded.value) return
    let saved: SyncTargetSettings | undefined
    let remembered: SyncSecrets | undefined
    let last: number | undefined
    try {
      const repository = await openRepository()
      ;[saved, remembered, last] = await Promise.all([
        repository.getValue<SyncTargetSettings>(KV_KEYS.syncTarget),
        repository.getValue<SyncSecrets>(KV_KEYS.syncSecrets),
        repository.getValue<number>(KV_KEYS.syncLastAt),
      ])
    } catch {
      // Storage is unavailable: the chat view already says so, and there is nothing to sync from.
      loaded.value = true
      return
    }
    const session = readSession()
    if (saved) settings.value = { ...defaultTargetSettings(), ...saved }
    secrets.value = { ...emptySecrets(), ...(remembered ?? session ?? {}) }
    lastSyncAt.value = last ?? null
    loaded.value = true
    enabled.value = saved !== undefined
    if (!enabled.value) return
    active = full()
    if (secrets.value.passphrase === '') {
      // Session-only secrets and a new tab: the user types them again; nothing runs meanwhile.
      status.value = 'error'
      error.value = [{ key: 'sync.needSecrets' }]
      errorKind.value = 'config'
      return
    }
    start()
  }

  function readSession(): SyncSecrets | null {
    try {
      const raw = sessionStorage.getItem(SYNC_SESSION_KEY)
      return raw ? (JSON.parse(raw) as SyncSecrets) : null
    } catch {
      return null
    }
  }

  function start(): void {
    status.value = 'idle'
    unobserve?.()
    unobserve = tabs.observe((change) => {
      if (applying || change.type === 'stream') return
      if (settings.value.auto) schedule()
    })
    clearInterval(poll)
    poll = setInterval(() => void syncNow(), POLL_MS)
    stopListening?.()
    stopListening = onPageReturn(() => void syncNow())
    void syncNow()
  }

  function stop(): void {
    unobserve?.()
    unobserve = null
    stopListening?.()
    stopListening = null
    clearInterval(poll)
    clearTimeout(timer)
  }

  /** Syncs a moment after the last change (several changes in a row make one run). */
  function schedule(): void {
    if (!enabled.value) return
    clearTimeout(timer)
    timer = setTimeout(() => void syncNow(), AUTO_SYNC_DELAY_MS)
  }

  /** Checks and saves the target, then syncs. Secrets go to this tab only unless `remember` is on. */
  async function save(): Promise<boolean> {
    const config = full()
    try {
      checkTarget(config)
    } catch (e) {
      const { texts, kind } = errorTexts(e)
      error.value = texts
      errorKind.value = kind
      status.value = enabled.value ? 'error' : 'off'
      return false
    }
    try {
      const repository = await openRepository()
      const plainSettings = toPlainData(settings.value)
      await repository.putValue(KV_KEYS.syncTarget, plainSettings)
      if (plainSettings.remember) {
        await repository.putValue(KV_KEYS.syncSecrets, toPlainData(secrets.value))
        sessionStorage.removeItem(SYNC_SESSION_KEY)
      } else {
        await repository.putValue(KV_KEYS.syncSecrets, undefined)
        sessionStorage.setItem(SYNC_SESSION_KEY, JSON.stringify(secrets.value))
      }
      localStorage.setItem(SYNC_FLAG, '1')
    } catch (e) {
      error.value = [{ key: 'sync.error.http', params: { detail: e instanceof Error ? e.message : String(e) } }]
      errorKind.value = 'http'
      return false
    }
    keyCache.clear()
    active = config
    enabled.value = true
    error.value = []
    errorKind.value = null
    start()
    return true
  }

  /** Turns sync off and forgets the target and its secrets on this device (the storage keeps its data). */
  async function forget(): Promise<void> {
    stop()
    const repository = await openRepository()
    await Promise.all([repository.putValue(KV_KEYS.syncTarget, undefined), repository.putValue(KV_KEYS.syncSecrets, undefined)])
    sessionStorage.removeItem(SYNC_SESSION_KEY)
    localStorage.removeItem(SYNC_FLAG)
    keyCache.clear()
    active = null
    settings.value = defaultTargetSettings()
    secrets.value = emptySecrets()
    enabled.value = false
    status.value = 'off'
    error.value = []
    errorKind.value = null
  }

  /** One sync now; a request while one runs makes one more run after it. */
  function syncNow(): Promise<void> {
    if (!enabled.value) return Promise.resolve()
    clearTimeout(timer)
    if (running) {
      again = true
      return running
    }
    status.value = 'syncing'
    running = (async () => {
      try {
        do {
          again = false
          await runLocked()
        } while (again)
      } finally {
        running = null
      }
    })()
    return running
  }

  async function runLocked(): Promise<void> {
    // One tab at a time syncs; the others wait and then find little to do.
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
    if (locks) await locks.request('inkstream-sync', () => runOne())
    else await runOne()
  }

  async function runOne(): Promise<void> {
    status.value = 'syncing'
    try {
      await streams.flush()
      const repository = await openRepository()
      const config = active
      if (!config) return
      checkTarget(config)
      const result = await runSync({ target: wiring.target(config), local: repositoryLocal(repository, await (database ??= wiring.database())), passphrase: config.passphrase, keyCache })
      lastResult.value = result
      lastSyncAt.value = result.at
      await repository.putValue(KV_KEYS.syncLastAt, result.at)
      error.value = []
      errorKind.value = null
      status.value = 'idle'
      if (result.applied > 0) {
        applying = true
        try {
          await chat.refreshEverywhere()
        } finally {
          applying = false
        }
      }
    } catch (e) {
      const { texts, kind } = errorTexts(e)
      error.value = texts
      errorKind.value = kind
      status.value = 'error'
    } finally {
      runs.value++
    }
  }

  /** Writes, reads back and deletes a probe object with the fields as typed (saved or not). */
  async function runTest(): Promise<void> {
    test.value = { state: 'running' }
    try {
      const config = full()
      checkTarget(config)
      const report = await testConnection(wiring.target(config), MANIFEST_NAME)
      test.value = { state: 'ok', ms: report.ms, hasData: report.hasData }
    } catch (e) {
      const { texts, kind } = errorTexts(e)
      test.value = { state: 'error', error: texts, kind }
    }
  }

  return { settings, secrets, enabled, status, runs, lastSyncAt, lastResult, error, errorKind, test, loaded, load, save, forget, syncNow, schedule, runTest, stop }
})
