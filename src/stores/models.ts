import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Settings } from '../core/types'
import { findProvider, toMessageError, ProviderError } from '../core/provider'
import { listModels, type ListedModel } from '../core/provider/endpoint'
import type { MessageError } from '../core/types'

const CACHE_KEY = 'inkstream.models.v1'

/** The cache key of an endpoint: its base URL without trailing slashes or the chat path. */
export function endpointKey(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '').replace(/\/chat\/completions$/, '')
}

interface CachedList {
  models: ListedModel[]
  fetchedAt: number
}

function readCache(): Record<string, CachedList> {
  try {
    const raw = globalThis.localStorage?.getItem(CACHE_KEY)
    const parsed: unknown = raw == null ? {} : JSON.parse(raw)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, CachedList>) : {}
  } catch {
    return {}
  }
}

/**
 * Model lists fetched from endpoints' `/models`, cached per endpoint (in localStorage: a cache,
 * not data worth a backup), and the suggestions built from them for any model input.
 */
export const useModelsStore = defineStore('models', () => {
  const lists = ref<Record<string, CachedList>>(readCache())
  /** Per endpoint: the last refresh's failure, shown beside the button; never blocks chatting. */
  const errors = ref<Record<string, MessageError>>({})
  const loading = ref<Record<string, boolean>>({})

  function save(): void {
    try {
      globalThis.localStorage?.setItem(CACHE_KEY, JSON.stringify(lists.value))
    } catch {
      // A full or disabled localStorage only costs a refetch next time.
    }
  }

  /** Fetches the endpoint's list now; a failure is kept in `errors` and the old list stays. */
  async function refresh(settings: Settings): Promise<void> {
    const key = endpointKey(settings.baseUrl)
    loading.value[key] = true
    try {
      const models = await listModels(settings)
      lists.value[key] = { models, fetchedAt: Date.now() }
      delete errors.value[key]
      save()
    } catch (error) {
      const failure = error instanceof ProviderError ? error : new ProviderError('protocol', String(error), { cause: error })
      errors.value[key] = toMessageError(failure)
    } finally {
      loading.value[key] = false
    }
  }

  /** The fetched list of an endpoint, or undefined before the first refresh. */
  function listed(baseUrl: string): ListedModel[] | undefined {
    return lists.value[endpointKey(baseUrl)]?.models
  }

  /** Suggestions for a model input: the endpoint's list first, then the preset's own models. */
  function suggestions(baseUrl: string, providerId: string): string[] {
    const out = new Set<string>((listed(baseUrl) ?? []).map((m) => m.id))
    for (const id of findProvider(providerId).models) out.add(id)
    return [...out]
  }

  return { lists, errors, loading, refresh, listed, suggestions }
})
