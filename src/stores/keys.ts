import { defineStore } from 'pinia'
import { computed, ref, watch, type Ref } from 'vue'
import {
  endpointOrigin, forgetSecret, legacyKeyTarget, parseRing, persistenceOf, placeSecret, secretFor,
  type SecretPersistence, type SecretRings,
} from '../core/keys'
import { KV_KEYS, type Repository } from '../core/persistence'
import type { Settings } from '../core/types'
import { readSessionSecrets, writeSessionSecrets } from '../browser/sessionSecrets'
import { openRepository } from './repository'

/**
 * API keys by endpoint origin: remembered ones in IndexedDB (`kv` → `apiKeys`), "this session
 * only" ones in this tab's sessionStorage. Bound to the settings once they are read, it keeps
 * `settings.apiKey` equal to the key of the endpoint in use, so a request only ever carries the
 * key entered for its own origin. A chunk of its own, fetched while the database opens.
 */
export const useKeysStore = defineStore('keys', () => {
  const rings = ref<SecretRings>({ remembered: {}, session: {} })
  /** How a key typed for an endpoint without one is kept (the last choice made in this tab). */
  const preferred = ref<SecretPersistence>('remember')
  /** A remembered key that could not be written; the key still works in this tab. */
  const saveError = ref('')
  const bound = ref<Ref<Settings>>()

  /** The origin the API key field belongs to (`''` while the base URL is not a usable URL). */
  const origin = computed(() => endpointOrigin(bound.value?.value.baseUrl ?? ''))
  /** Whether the current endpoint's key is remembered in this browser or kept for this session only. */
  const persistence = computed<SecretPersistence>(() => persistenceOf(rings.value, origin.value) ?? preferred.value)

  let source: Repository | undefined
  let saving: Promise<void> = Promise.resolve()
  /** Set while `apiKey` is replaced by another endpoint's key, which is not a user edit. */
  let switching = false

  function show(key: string): void {
    if (!bound.value) return
    switching = true
    bound.value.value.apiKey = key
    switching = false
  }

  /**
   * Shows `next` and writes its change for `scope`: the session ring whole (it is this tab's), the
   * remembered ring as a change to that one origin on top of what is stored now, so a key another
   * tab saved meanwhile for another endpoint is kept, not overwritten by this tab's older copy.
   */
  function commit(next: SecretRings, scope: string): void {
    const before = rings.value.remembered[scope]
    rings.value = next
    writeSessionSecrets(next.session)
    const after = next.remembered[scope]
    if (before === after) return
    saving = saving
      .then(async () => {
        await (source ?? (await openRepository())).updateValue(KV_KEYS.apiKeys, (current) => {
          const ring = parseRing(current)
          if (after === undefined) delete ring[scope]
          else ring[scope] = after
          return Object.keys(ring).length > 0 ? ring : undefined
        })
      })
      .then(
        () => void (saveError.value = ''),
        (error: unknown) => void (saveError.value = String(error)),
      )
  }

  function setKey(key: string): void {
    const at = origin.value
    if (at === '') return
    commit(placeSecret(rings.value, at, key, persistence.value), at)
  }

  /**
   * Reads both rings, moves an older build's single key to its origin, and from then on keeps
   * `settings.apiKey` in step with the endpoint. Returns an old key that could not be moved (its
   * base URL has no origin): the settings record keeps it as it was, and it is never sent.
   */
  async function bind(settings: Ref<Settings>, repository: Repository | undefined, stored: Partial<Settings> | undefined): Promise<string | undefined> {
    source = repository
    let remembered: Record<string, string> = {}
    try {
      if (repository) remembered = parseRing(await repository.getValue(KV_KEYS.apiKeys))
    } catch {
      // Storage unavailable: keys typed now live in memory for this tab.
    }
    rings.value = { remembered, session: readSessionSecrets() }
    const unmoved = repository && stored ? await migrateLegacyKey(repository, stored) : undefined
    bound.value = settings
    show(secretFor(rings.value, origin.value))
    watch(origin, (next) => show(secretFor(rings.value, next)), { flush: 'sync' })
    watch(
      () => settings.value.apiKey,
      (key) => {
        if (!switching) setKey(key)
      },
      { flush: 'sync' },
    )
    return unmoved
  }

  /**
   * Builds before per-endpoint keys kept one `apiKey` in Settings: it moves to the origin of the
   * base URL it was used with, and leaves the settings record, in one transaction.
   */
  async function migrateLegacyKey(repository: Repository, stored: Partial<Settings>): Promise<string | undefined> {
    const legacy = legacyKeyTarget(stored)
    if (legacy === null) return typeof stored.apiKey === 'string' && stored.apiKey.trim() !== '' ? stored.apiKey : undefined
    const { apiKey: _moved, ...rest } = stored
    const remembered = { ...rings.value.remembered }
    // A key entered for this origin since (in a newer tab) wins over the old one.
    if (remembered[legacy.origin] === undefined && rings.value.session[legacy.origin] === undefined) remembered[legacy.origin] = legacy.key
    rings.value = { ...rings.value, remembered }
    try {
      await repository.putValues({ [KV_KEYS.apiKeys]: remembered, [KV_KEYS.settings]: rest })
      return undefined
    } catch {
      // The old record stays as it was; the key works in this tab and moves next time.
      return legacy.key
    }
  }

  /** Keeps the current endpoint's key for this tab only (`session`) or in this browser (`remember`). */
  function choosePersistence(next: SecretPersistence): void {
    preferred.value = next
    const key = secretFor(rings.value, origin.value)
    if (origin.value === '' || key === '') return
    commit(placeSecret(rings.value, origin.value, key, next), origin.value)
  }

  /** Forgets the current endpoint's key everywhere it was kept; the next request carries none. */
  function forget(): void {
    if (origin.value === '') return
    commit(forgetSecret(rings.value, origin.value), origin.value)
    show('')
  }

  /** Resolves once every remembered-key change so far is written. */
  function whenSaved(): Promise<void> {
    return saving
  }

  return { rings, preferred, saveError, origin, persistence, bind, choosePersistence, forget, whenSaved }
})
