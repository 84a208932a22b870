import { defineStore } from 'pinia'
import { ref } from 'vue'
import { KV_KEYS } from '../core/persistence'
import { useSavesStore } from './saves'

/** A draft is written this long after the last key press. */
const DRAFT_SAVE_MS = 400

/** Keeps what the user is typing, so a reload or a crash never loses a half-written question. */
export const useDraftStore = defineStore('draft', () => {
  const saves = useSavesStore()
  /** The draft saved by an earlier visit, restored into the composer on load. */
  const draft = ref('')

  let loaded = false
  let timer: ReturnType<typeof setTimeout> | undefined
  // Not reactive on purpose: a key press must not re-render anything but the composer.
  let latest = ''

  /** Reads the stored draft; called once storage is open (before that, key presses are not written). */
  async function load(): Promise<void> {
    draft.value = (await saves.repo()?.getValue<string>(KV_KEYS.draft)) ?? ''
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

  return { draft, load, save, flush }
})
