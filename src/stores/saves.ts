import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Repository } from '../core/persistence'
import type { StorageAction, StorageProblem } from '../core/errorText'
import { onStorageEvent } from './repository'

/**
 * The write queue: every write to history goes through `write`, which remembers a failed one
 * (storage full, storage closed) by record so “Try saving again”, or the next write that works,
 * runs it again. It also owns what the banner says about storage.
 */
export const useSavesStore = defineStore('saves', () => {
  /** The last storage problem; the chat keeps working in memory while it stands. */
  const problem = ref<StorageProblem | null>(null)
  /** Writes that failed, by record key, to run again. Not reactive: only the count is shown. */
  const unsaved = new Map<string, () => Promise<unknown>>()
  const unsavedCount = ref(0)

  /** Only a reload fixes it (another tab upgraded, site data cleared): sticks until then. */
  const storageNeedsReload = ref(false)
  const hasUnsaved = computed(() => unsavedCount.value > 0)

  let repository: Repository | null = null
  let retrying = false
  let stopListening = (): void => {}

  /** Writes go to `repo` from now on (null: storage could not be opened, and `error` says why). */
  function attach(repo: Repository | null, error?: unknown): void {
    repository = repo
    stopListening()
    stopListening = repo ? onStorageEvent((event) => report({ kind: 'event', event })) : () => {}
    if (!repo) report({ kind: 'unavailable', error })
  }

  /** The open repository, or null when history lives in memory only. */
  function repo(): Repository | null {
    return repository
  }

  function report(next: StorageProblem): void {
    problem.value = next
    if (next.kind === 'event' && next.event !== 'blocked') storageNeedsReload.value = true
  }

  function countUnsaved(): void {
    unsavedCount.value = unsaved.size
  }

  /** Runs one write; on failure it is kept under `key` (a later write of the same record replaces it). */
  async function write(action: StorageAction, key: string, run: (repo: Repository) => Promise<unknown>): Promise<boolean> {
    const target = repository
    if (!target) return false
    try {
      await run(target)
      if (unsaved.delete(key)) countUnsaved()
      // Storage works again (space was freed): earlier failed writes go through now, in order.
      if (unsaved.size > 0 && !retrying) void retrySaves()
      return true
    } catch (error) {
      unsaved.set(key, () => run(target))
      countUnsaved()
      report({ kind: 'write', action, error })
      return false
    }
  }

  /** Runs the writes that failed (after the user freed space); clears the warning if all succeed. */
  async function retrySaves(): Promise<void> {
    if (!repository || retrying) return
    retrying = true
    try {
      for (const [key, run] of [...unsaved]) {
        try {
          await run()
          unsaved.delete(key)
        } catch (error) {
          report({ kind: 'write', action: 'save', error })
          break
        }
      }
    } finally {
      retrying = false
    }
    countUnsaved()
    if (unsaved.size === 0) problem.value = null
  }

  return { problem, storageNeedsReload, hasUnsaved, unsavedCount, attach, repo, report, write, retrySaves }
})
