import { defineStore } from 'pinia'
import { computed, nextTick, ref, watch } from 'vue'
import type { Settings, Theme } from '../core/types'
import { CUSTOM_PROVIDER_ID, DEFAULT_SETTINGS, PROVIDERS, checkSettings, findProvider } from '../core/provider'
import { toPlainData, type Repository, type StoredSettings } from '../core/persistence'
import { detectLocale, type Locale } from '../locales'
import { openRepository } from './repository'

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

  let saving: Promise<void> = Promise.resolve()
  let timer: ReturnType<typeof setTimeout> | undefined
  /** The database settings were read from; a late write goes there, never to another one. */
  let source: Repository | undefined
  /** A key saved by an older build whose base URL has no origin: kept in the record, never sent. */
  let unmigratedKey: string | undefined
  let keysSaved: () => Promise<void> = () => Promise.resolve()

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
    // Keys per endpoint (stores/keys) are a chunk of their own, fetched while the database opens.
    const keysChunk = import('./keys')
    let stored: Settings | undefined
    try {
      source = await openRepository()
      stored = await source.getSettings()
      settings.value = withDefaults(stored)
    } catch {
      // Storage is unavailable: the chat store reports it; settings live in memory for this tab.
    }
    try {
      const keys = (await keysChunk).useKeysStore()
      unmigratedKey = await keys.bind(settings, source, stored)
      keysSaved = keys.whenSaved
    } catch (error) {
      // The chunk could not be fetched (offline on a stale page): history still shows; no key is sent.
      saveError.value = `API keys could not be loaded: ${String(error)}`
    }
    loaded.value = true
    watch(settings, schedule, { deep: true })
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
    return Promise.all([saving, keysSaved()]).then(() => undefined)
  }

  /** Resolves once every change made so far is written, including one whose watcher has not run yet. */
  async function whenSaved(): Promise<void> {
    await nextTick()
    await flush()
  }

  return {
    settings, loaded, saveError, profile, problem, locale, theme, providers,
    load, chooseProvider, chooseLanguage, chooseTheme, resetParams, flush, whenSaved,
  }
})
