import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  forgetSecret, parseRing, persistenceOf, placeSecret, secretFor,
  type SecretPersistence, type SecretRings,
} from '../core/keys'
import { KV_KEYS, type Repository } from '../core/persistence'
import { readSessionSecrets, writeSessionSecrets } from '../browser/sessionSecrets'
import { openRepository } from './repository'

/**
 * API keys by endpoint origin: remembered ones in IndexedDB (`kv` → `apiKeys`), "this session
 * only" ones in this tab's sessionStorage. The settings store asks for the key of the endpoint in
 * use; nothing else reads them.
 */
export const useKeysStore = defineStore('keys', () => {
  const rings = ref<SecretRings>({ remembered: {}, session: {} })
  /** How a key typed for an endpoint without one is kept (the last choice made in this tab). */
  const preferred = ref<SecretPersistence>('remember')
  /** A remembered key that could not be written; shown in Settings, the key still works in this tab. */
  const saveError = ref('')

  let source: Repository | undefined
  let saving: Promise<void> = Promise.resolve()

  /** Reads both rings; a ring that cannot be read counts as empty (never as a reason to overwrite). */
  async function load(repository: Repository | undefined): Promise<void> {
    source = repository
    let remembered: Record<string, string> = {}
    try {
      if (repository) remembered = parseRing(await repository.getValue(KV_KEYS.apiKeys))
    } catch {
      // Storage unavailable: keys typed now live in memory for this tab.
    }
    rings.value = { remembered, session: readSessionSecrets() }
  }

  function keyFor(origin: string): string {
    return secretFor(rings.value, origin)
  }

  /** Where the key of `origin` is kept; for an origin without a key, the way a new one will be. */
  function persistenceFor(origin: string): SecretPersistence {
    return persistenceOf(rings.value, origin) ?? preferred.value
  }

  function commit(next: SecretRings, rememberedChanged: boolean): void {
    rings.value = next
    writeSessionSecrets(next.session)
    if (!rememberedChanged) return
    const snapshot = { ...next.remembered }
    saving = saving
      .then(async () => (source ?? (await openRepository())).putValue(KV_KEYS.apiKeys, Object.keys(snapshot).length > 0 ? snapshot : undefined))
      .then(
        () => void (saveError.value = ''),
        (error: unknown) => void (saveError.value = String(error)),
      )
  }

  /** Sets (or with `''` removes) the key of `origin`, kept the way that origin's key is kept. */
  function setKey(origin: string, key: string): void {
    if (origin === '') return
    const before = rings.value
    const next = placeSecret(before, origin, key, persistenceFor(origin))
    commit(next, next.remembered !== before.remembered && JSON.stringify(next.remembered) !== JSON.stringify(before.remembered))
  }

  /** Moves the key of `origin` to `persistence` (or sets how the next key typed for it is kept). */
  function setPersistence(origin: string, persistence: SecretPersistence): void {
    preferred.value = persistence
    const key = keyFor(origin)
    if (origin === '' || key === '') return
    const before = rings.value
    commit(placeSecret(before, origin, key, persistence), true)
  }

  /** Removes the key of `origin` from this browser and this tab. */
  function forget(origin: string): void {
    if (origin === '') return
    commit(forgetSecret(rings.value, origin), true)
  }

  /** Resolves once every remembered-key change so far is written. */
  function whenSaved(): Promise<void> {
    return saving
  }

  return { rings, preferred, saveError, load, keyFor, persistenceFor, setKey, setPersistence, forget, whenSaved }
})
