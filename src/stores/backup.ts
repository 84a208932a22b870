import { defineStore } from 'pinia'
import { ref } from 'vue'
import { LAST_BACKUP_KEY, backupFileName, buildBackup, formatAllTranscripts, restorableSettings, serializeBackup } from '../core/backup'
import type { BackupSettings } from '../core/backup'
import { checkImportBytes, describeImportTexts, importText } from '../core/importers'
import type { ImportSource } from '../core/importers'
import { countText, dataFailureTexts, type DataAction } from '../core/errorText'
import type { Text } from '../locales'
import { TRANSCRIPT_FILE_NAME } from '../core/transcript'
import type { TextFile } from '../core/types'
import { readStorageHealth, requestPersistentStorage, type StorageHealth } from '../browser/storage'
import { openRepository } from './repository'
import { useChatStore } from './chat'
import { useSettingsStore } from './settings'
import { useStreamsStore } from './streams'

/**
 * Backups, imports and storage health. Exports return the file to save (a component starts the
 * download); imports are checked whole, then written in one transaction.
 */
export const useBackupStore = defineStore('backup', () => {
  const chat = useChatStore()
  const streams = useStreamsStore()
  const settingsStore = useSettingsStore()

  const busy = ref<DataAction | null>(null)
  /** The outcome of the last action, plain text. */
  const notice = ref<readonly Text[]>([])
  /** What went wrong in the last action, plain text; never contains the API key. */
  const error = ref<readonly Text[]>([])
  const lastBackupAt = ref<number | null>(null)
  const health = ref<StorageHealth | null>(null)

  /** Runs one action at a time; its outcome becomes `notice` or `error`, and its file (if any) is returned. */
  async function run(
    task: DataAction,
    work: () => Promise<{ notice: Text[]; file?: TextFile }>,
    failure: (e: unknown) => Text[],
  ): Promise<TextFile | null> {
    if (busy.value) return null
    busy.value = task
    notice.value = []
    error.value = []
    try {
      const outcome = await work()
      notice.value = outcome.notice
      return outcome.file ?? null
    } catch (e) {
      error.value = failure(e)
      return null
    } finally {
      busy.value = null
    }
  }

  /** Reads storage health and the last backup time (Settings calls it when it opens). */
  async function loadStatus(): Promise<void> {
    health.value = await readStorageHealth()
    try {
      const repository = await openRepository()
      lastBackupAt.value = (await repository.getValue<number>(LAST_BACKUP_KEY)) ?? null
    } catch {
      // Storage is unavailable: the chat view already says so; there is no backup time to show.
    }
  }

  /** Every conversation with all metadata as one JSON file (never the key); records when. */
  function exportBackup(): Promise<TextFile | null> {
    return run(
      'backup',
      async () => {
        // An answer still streaming, or a setting just changed, is written a moment late; write them now.
        await Promise.all([streams.flush(), settingsStore.whenSaved()])
        const repository = await openRepository()
        const [items, settings] = await Promise.all([repository.exportConversations(), repository.getSettings()])
        const now = new Date()
        const fileName = backupFileName(now)
        const backup = buildBackup(items, { exportedAt: now, settings })
        const text = serializeBackup(backup, settingsStore.settings.apiKey)
        await repository.putValue(LAST_BACKUP_KEY, now.getTime())
        lastBackupAt.value = now.getTime()
        const messages = items.reduce((n, item) => n + item.messages.length, 0)
        const file: TextFile = { fileName, text, mimeType: 'application/json;charset=utf-8' }
        return {
          file,
          notice: [{ key: 'data.notice.backedUp', params: { file: fileName, conversations: countText(items.length, 'conversation'), messages: countText(messages, 'message') } }],
        }
      },
      (e) => dataFailureTexts('backup', e),
    )
  }

  /** Every conversation in the classic format, oldest first, as one conversation.txt. */
  function exportAllText(): Promise<TextFile | null> {
    return run(
      'text',
      async () => {
        await streams.flush()
        const repository = await openRepository()
        const items = await repository.exportConversations()
        const withMessages = items.filter((item) => item.messages.length > 0)
        if (withMessages.length === 0) return { notice: [{ key: 'data.notice.nothingToExport' }] }
        const includeReasoning = settingsStore.settings.exportReasoning
        const file: TextFile = { fileName: TRANSCRIPT_FILE_NAME, text: formatAllTranscripts(withMessages, { includeReasoning }) }
        return {
          file,
          notice: [{ key: 'data.notice.exported', params: { conversations: countText(withMessages.length, 'conversation') } }],
        }
      },
      (e) => dataFailureTexts('text', e),
    )
  }

  /**
   * Imports a file (`only` restricts the accepted kind). The whole file is checked first and then
   * written in one transaction, so a bad file imports nothing.
   */
  async function importFile(file: File, only?: ImportSource): Promise<void> {
    await run(
      'import',
      async () => {
        // A huge file is refused before it is read into memory.
        checkImportBytes(file.size)
        const result = importText(await file.text(), { only })
        const repository = await openRepository()
        // Never the endpoint or a key: a file cannot move where this browser's requests (and keys) go.
        const settings = result.settings === undefined ? undefined : restorableSettings(result.settings)
        const written = await repository.importConversations(result.conversations, { settings })
        if (written.settingsRestored && settings) applySettings(settings)
        await chat.refreshEverywhere()
        const single = result.conversations.length === 1 ? result.conversations[0] : undefined
        if (single) await chat.select(single.conversation.id)
        return { notice: describeImportTexts(result, written) }
      },
      (e) => dataFailureTexts('import', e, file.name),
    )
  }

  function applySettings(restored: BackupSettings): void {
    const current = settingsStore.settings
    settingsStore.settings = {
      ...current,
      ...restorableSettings(restored),
      params: { ...current.params, ...restored.params },
      providerId: current.providerId,
      baseUrl: current.baseUrl,
      model: current.model,
      apiKey: current.apiKey,
    }
  }

  /** Asks the browser to keep this site's data even under storage pressure. */
  async function requestPersist(): Promise<void> {
    await run(
      'persist',
      async () => {
        const granted = await requestPersistentStorage()
        health.value = await readStorageHealth()
        if (granted === true) return { notice: [{ key: 'data.notice.persistGranted' }] }
        if (granted === false) {
          return { notice: [{ key: 'data.notice.persistDeclined' }] }
        }
        return { notice: [{ key: 'data.notice.persistUnsupported' }] }
      },
      (e) => dataFailureTexts('persist', e),
    )
  }

  return { busy, notice, error, lastBackupAt, health, loadStatus, exportBackup, exportAllText, importFile, requestPersist }
})
