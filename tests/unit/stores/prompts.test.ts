import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createRepository } from '../../../src/core/persistence'
import { PromptImportError } from '../../../src/core/prompts'
import { usePromptsStore } from '../../../src/stores/prompts'
import { openStores } from './harness'

let n = 0
function database(): () => ReturnType<typeof createRepository> {
  const dbName = `prompts-store-${n++}-${Date.now()}`
  return () => createRepository({ dbName })
}

describe('prompts store', () => {
  it('keeps the library in storage across a reload', async () => {
    const factory = database()
    await openStores(factory)
    const store = usePromptsStore()
    await store.load()
    expect(await store.add(' Translate ', 'Into {{language}}')).toBe(true)
    await store.add('周报', '本周 {{date}}')
    await store.update(store.prompts[0]!.id, 'Translate it', 'Into {{language}}, please')
    await store.remove(store.prompts[1]!.id)

    await openStores(factory)
    const again = usePromptsStore()
    await again.load()
    expect(again.prompts.map((p) => [p.title, p.text])).toEqual([['Translate it', 'Into {{language}}, please']])
  })

  it('imports a file all at once, or not at all', async () => {
    const factory = database()
    await openStores(factory)
    const store = usePromptsStore()
    await store.add('Mine', 'kept')
    const exported = store.exportFile()
    expect(exported.fileName).toBe('inkstream-prompts.json')

    const bad = JSON.stringify({ format: 'inkstream-prompts', version: 1, prompts: [{ title: 'New', text: 'ok' }, { title: 'Broken' }] })
    await expect(store.importText(bad)).rejects.toThrow(PromptImportError)
    expect(store.prompts.map((p) => p.title)).toEqual(['Mine'])

    const good = JSON.stringify([{ title: 'New', text: 'ok' }, { title: 'Mine', text: 'kept' }])
    expect(await store.importText(good)).toEqual({ added: 1, updated: 0 })
    expect(await store.importText(exported.text)).toEqual({ added: 0, updated: 0 })

    await openStores(factory)
    const again = usePromptsStore()
    await again.load()
    expect(again.prompts.map((p) => p.title)).toEqual(['Mine', 'New'])
  })
})
