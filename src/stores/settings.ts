import { defineStore } from 'pinia'
import { computed, nextTick, ref, watch } from 'vue'
import type { Settings, Theme } from '../core/types'
import { CUSTOM_PROVIDER_ID, DEFAULT_SETTINGS, PROVIDERS, checkSettings, findProvider } from '../core/provider'
import { KV_KEYS, toPlainData, type Repository, type StoredSettings } from '../core/persistence'
import { endpointOrigin, legacyKeyTarget, type SecretPersistence } from '../core/keys'
import { detectLocale, type Locale } from '../locales'
import { openRepository } from './repository'
import { useKeysStore } from './keys'

/** Settings are written this long after the last change, not once per key press. */
const SETTINGS_SAVE_MS = 250

function withDefaults(stored: Partial<Settings> | undefined): Settings {
  return {
    ...structuredClone(DEFAULT_SETTINGS),
    ...stored,
    // The key is never read from the settings record: it comes from the key of the endpoint in use.
    apiKey: '',
    params: { ...DEFAULT_SETTINGS.params, ...stored?.params },
  }
}

export const useSettingsStore = defineStore('settings', () => {
  const keys = useKeysStore()
  const settings = ref<Settings>(withDefaults(undefined))
  const loaded = ref(false)
  /** A save that failed; shown in Settings so a change is never silently dropped. */
  const saveError = ref('')

  const profile = computed(() => findProvider(settings.value.providerId))
  const problem = computed(() => checkSettings(settings.value))
  /** The UI language: the user's choice, else the browser's. */
  const locale = computed<Locale>(() => settings.value.language ?? detectLocale(globalThis.navigator?.languages ?? []))
  /** Light, dark, or following the system (the default). */
  const theme = computed<Theme>(() => settings.value.theme ?? 'system')
  const providers = PROVIDERS
  /** The origin the API key field belongs to (`''` while the base URL is not a usable URL). */
  const keyOrigin = computed(() => endpointOrigin(settings.value.baseUrl))
  /** Whether the current endpoint's key is remembered in this browser or kept for this session only. */
  const keyPersistence = computed<SecretPersistence>(() => keys.persistenceFor(keyOrigin.value))

  let saving: Promise<void> = Promise.resolve()
  let timer: ReturnType<typeof setTimeout> | undefined
  /** The database settings were read from; a late write goes there, never to another one. */
  let source: Repository | undefined
  /** A key saved by an older build whose base URL has no origin: kept in the record, never sent. */
  let unmigratedKey: string | undefined
  /** Set while `settings.apiKey` is being replaced by another endpoint's key, which is not a user edit. */
  let switching = false

  function schedule(): void {
    clearTimeout(timer)
    timer = setTimeout(persist, SETTINGS_SAVE_MS)
  }

  function persist(): void {
    clearTimeout(timer)
    timer = undefined
    const { apiKey: _inMemoryOnly, ...rest } = toPlainData(settings.value)
    const snapshot: StoredSettings = unmigratedKey === undefined ? rest : { ...rest, apiKey: unmigratedKey }
    saving = saving
      .then(async () => (source ?? (await openRepository())).putSettings(snapshot))
      .then(
        () => void (saveError.value = ''),
        (error: unknown) => void (saveError.value = `Settings could not be saved: ${String(error)}`),
      )
  }

  /** Reads stored settings; nothing is written before this finishes, so defaults never overwrite them. */
  async function load(): Promise<void> {
    if (loaded.value) return
    let stored: Settings | undefined
    try {
      source = await openRepository()
      stored = await source.getSettings()
      settings.value = withDefaults(stored)
    } catch {
      // Storage is unavailable: the chat store reports it; settings live in memory for this tab.
    }
    await keys.load(source)
    if (source && stored) await migrateLegacyKey(source, stored)
    switching = true
    settings.value.apiKey = keys.keyFor(keyOrigin.value)
    switching = false
    loaded.value = true
    watch(settings, schedule, { deep: true })
    // Another endpoint, another key: the field shows (and requests carry) only this origin's key.
    watch(
      keyOrigin,
      (origin) => {
        switching = true
        settings.value.apiKey = keys.keyFor(origin)
        switching = false
      },
      { flush: 'sync' },
    )
    watch(
      () => settings.value.apiKey,
      (key) => {
        if (!switching) keys.setKey(keyOrigin.value, key)
      },
      { flush: 'sync' },
    )
  }

  /**
   * Builds before per-endpoint keys kept one `apiKey` in Settings: it moves to the origin of the
   * base URL it was used with, and leaves the settings record, in one transaction. A key whose
   * base URL has no origin stays where it was (and is never sent anywhere).
   */
  async function migrateLegacyKey(repository: Repository, stored: Settings): Promise<void> {
    const legacy = legacyKeyTarget(stored)
    if (legacy === null) {
      if (typeof stored.apiKey === 'string' && stored.apiKey.trim() !== '') unmigratedKey = stored.apiKey
      return
    }
    const { apiKey: _moved, ...rest } = stored
    const remembered = { ...keys.rings.remembered }
    // A key entered for this origin since (in a newer tab) wins over the old one.
    if (remembered[legacy.origin] === undefined && keys.rings.session[legacy.origin] === undefined) remembered[legacy.origin] = legacy.key
    try {
      await repository.putValues({ [KV_KEYS.apiKeys]: remembered, [KV_KEYS.settings]: rest })
      keys.rings = { ...keys.rings, remembered }
    } catch {
      // The old record stays as it was; the key still works in this tab and is moved next time.
      keys.rings = { ...keys.rings, remembered }
      unmigratedKey = stored.apiKey
    }
  }

  /** Keeps the current endpoint's key for this tab only (`session`) or in this browser (`remember`). */
  function chooseKeyPersistence(persistence: SecretPersistence): void {
    keys.setPersistence(keyOrigin.value, persistence)
  }

  /** Forgets the current endpoint's key everywhere it was kept; the next request carries none. */
  function forgetKey(): void {
    keys.forget(keyOrigin.value)
    switching = true
    settings.value.apiKey = ''
    switching = false
  }

  /** Switches preset; a preset fills base URL and model, Custom keeps what the user typed. */
  function chooseProvider(id: string): void {
    const next = findProvider(id)
    settings.value.providerId = next.id
    if (next.id !== CUSTOM_PROVIDER_ID) {
      settings.value.baseUrl = next.baseUrl
      settings.value.model = next.defaultModel
    }
  }

  function chooseLanguage(language: Locale): void {
    settings.value.language = language
  }

  function chooseTheme(next: Theme): void {
    settings.value.theme = next
  }

  function resetParams(): void {
    settings.value.params = { ...DEFAULT_SETTINGS.params }
  }

  /** Writes a pending change now (the dialog closes, the page is hidden); resolves once it is written. */
  function flush(): Promise<void> {
    if (timer !== undefined) persist()
    return Promise.all([saving, keys.whenSaved()]).then(() => undefined)
  }

  /** Resolves once every change made so far is written, including one whose watcher has not run yet. */
  async function whenSaved(): Promise<void> {
    await nextTick()
    await flush()
  }

  return {
    settings, loaded, saveError, profile, problem, locale, theme, providers, keyOrigin, keyPersistence,
    load, chooseProvider, chooseLanguage, chooseTheme, resetParams, chooseKeyPersistence, forgetKey, flush, whenSaved,
  }
})
