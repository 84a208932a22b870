import { defineStore } from 'pinia'
import { computed, ref, toRaw, watch } from 'vue'
import type { Settings } from '../core/types'
import { CUSTOM_PROVIDER_ID, DEFAULT_SETTINGS, PROVIDERS, checkSettings, findProvider } from '../core/provider'
import { openRepository } from './repository'

function withDefaults(stored: Partial<Settings> | undefined): Settings {
  return {
    ...structuredClone(DEFAULT_SETTINGS),
    ...stored,
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
  const providers = PROVIDERS

  let saving: Promise<void> = Promise.resolve()

  function persist(): void {
    const snapshot = JSON.parse(JSON.stringify(toRaw(settings.value))) as Settings
    saving = saving
      .then(async () => (await openRepository()).putSettings(snapshot))
      .then(
        () => void (saveError.value = ''),
        (error: unknown) => void (saveError.value = `Settings could not be saved: ${String(error)}`),
      )
  }

  /** Reads stored settings; nothing is written before this finishes, so defaults never overwrite them. */
  async function load(): Promise<void> {
    if (loaded.value) return
    try {
      const repository = await openRepository()
      settings.value = withDefaults(await repository.getSettings())
    } catch {
      // Storage is unavailable: the chat store reports it; settings live in memory for this tab.
    }
    loaded.value = true
    watch(settings, persist, { deep: true })
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

  function resetParams(): void {
    settings.value.params = { ...DEFAULT_SETTINGS.params }
  }

  /** Resolves once every change made so far is written (tests, and flushing before the page hides). */
  function whenSaved(): Promise<void> {
    return saving
  }

  return { settings, loaded, saveError, profile, problem, providers, load, chooseProvider, resetParams, whenSaved }
})
