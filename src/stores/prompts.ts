import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TextFile } from '../core/types'
import { KV_KEYS, toPlainData } from '../core/persistence'
import { PROMPTS_FILE_NAME, createPrompt, exportPrompts, mergePrompts, parsePromptsFile, type Prompt } from '../core/prompts'
import { useSavesStore } from './saves'

/**
 * The prompt library, kept in this browser's storage as one record: every change writes the whole
 * (small) list, so an import is either all there or not at all. Not part of the chat backup.
 */
export const usePromptsStore = defineStore('prompts', () => {
  const saves = useSavesStore()
  const prompts = ref<Prompt[]>([])
  const loaded = ref(false)

  /** Reads the library once storage is open; until then (or without storage) it starts empty. */
  async function load(): Promise<void> {
    if (loaded.value) return
    const repo = saves.repo()
    if (!repo) return
    const stored = await repo.getValue<Prompt[]>(KV_KEYS.prompts)
    // Changes made before the read finished are kept, ahead of what was stored.
    if (Array.isArray(stored)) prompts.value = [...prompts.value, ...stored.filter((p) => !prompts.value.some((q) => q.id === p.id))]
    loaded.value = true
  }

  function persist(): Promise<boolean> {
    const plain = toPlainData(prompts.value)
    return saves.write('save', 'prompts', (repo) => repo.putValue(KV_KEYS.prompts, plain))
  }

  /** Adds a prompt at the end of the library. */
  function add(title: string, text: string): Promise<boolean> {
    prompts.value = [...prompts.value, createPrompt(title.trim(), text, Date.now())]
    return persist()
  }

  /** Changes a prompt's title and text. */
  function update(id: string, title: string, text: string): Promise<boolean> {
    prompts.value = prompts.value.map((p) => (p.id === id ? { ...p, title: title.trim(), text, updatedAt: Date.now() } : p))
    return persist()
  }

  function remove(id: string): Promise<boolean> {
    prompts.value = prompts.value.filter((p) => p.id !== id)
    return persist()
  }

  /** The library as a JSON file for download. */
  function exportFile(): TextFile {
    return { fileName: PROMPTS_FILE_NAME, text: exportPrompts(prompts.value), mimeType: 'application/json;charset=utf-8' }
  }

  /**
   * Imports a prompts file: every entry is checked first (a `PromptImportError` says which field is
   * wrong, and nothing is imported); then they are merged in with one write.
   */
  async function importText(json: string): Promise<{ added: number; updated: number }> {
    await load()
    const imported = parsePromptsFile(json, Date.now())
    const result = mergePrompts(prompts.value, imported)
    prompts.value = result.prompts
    await persist()
    return { added: result.added, updated: result.updated }
  }

  /** Reads a chosen file, then imports it as `importText` does; a file the browser cannot read rejects with its own error. */
  async function importFile(file: Blob): Promise<{ added: number; updated: number }> {
    return importText(await file.text())
  }

  return { prompts, loaded, load, add, update, remove, exportFile, importText, importFile }
})
