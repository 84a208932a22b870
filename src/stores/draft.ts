import { defineStore } from 'pinia'
import { ref } from 'vue'
import { KV_KEYS, toPlainData } from '../core/persistence'
import type { Attachment } from '../core/types'
import { useSavesStore } from './saves'

/** A draft is written this long after the last key press. */
const DRAFT_SAVE_MS = 400

/** Keeps what the user is typing, so a reload or a crash never loses a half-written question. */
export const useDraftStore = defineStore('draft', () => {
  const saves = useSavesStore()
  /** The draft saved by an earlier visit, restored into the composer on load. */
  const draft = ref('')
  /** Attachments of the unsent question, restored with the draft. */
  const attachments = ref<Attachment[]>([])

  let loaded = false
  let timer: ReturnType<typeof setTimeout> | undefined
  // Not reactive on purpose: a key press must not re-render anything but the composer.
  let latest = ''

  /** Reads the stored draft; called once storage is open (before that, key presses are not written). */
  async function load(): Promise<void> {
    draft.value = (await saves.repo()?.getValue<string>(KV_KEYS.draft)) ?? ''
    const stored = await saves.repo()?.getValue<Attachment[]>(KV_KEYS.draftAttachments)
    attachments.value = Array.isArray(stored) ? stored : []
    loaded = true
  }

  function write(text: string): void {
    void saves.write('keep-draft', 'draft', (repo) => repo.putValue(KV_KEYS.draft, text === '' ? undefined : text))
  }

  function save(text: string): void {
    latest = text
    clearTimeout(timer)
    if (!loaded) return
    timer = setTimeout(() => {
      timer = undefined
      write(text)
    }, DRAFT_SAVE_MS)
  }

  /** Writes a pending draft now (the page is being hidden). */
  function flush(): void {
    if (timer === undefined) return
    clearTimeout(timer)
    timer = undefined
    write(latest)
  }

  /** Attachments change rarely and may be large: written at once, whole, on each change. */
  function saveAttachments(list: readonly Attachment[]): void {
    if (!loaded) return
    const value = list.length === 0 ? undefined : toPlainData([...list])
    void saves.write('keep-draft', 'draft-attachments', (repo) => repo.putValue(KV_KEYS.draftAttachments, value))
  }

  return { draft, attachments, load, save, saveAttachments, flush }
})
