// The backup store end to end in Node: real repository on fake-indexeddb, real chat and settings
// stores; only the platform edge navigator.storage is stubbed. Exports return their file.
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRepository } from '../../src/core/persistence'
import { LAST_BACKUP_KEY, formatAllTranscripts } from '../../src/core/backup'
import { openStores } from './stores/harness'
import { fixture } from './importers/helpers'
import { DEFAULT_SETTINGS } from '../../src/core/provider'
import { renderTexts } from '../../src/core/errorText'

const KEY = 'sk-canary-data-store-0123456789'

let dbName: string

function freshStores(name = dbName) {
  return openStores(() => createRepository({ dbName: name }))
}

function file(name: string, text: string): File {
  return new File([text], name, { type: name.endsWith('.json') ? 'application/json' : 'text/plain' })
}

beforeEach(() => {
  dbName = `data-store-${Math.random().toString(36).slice(2)}`
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('data store', () => {
  it('imports a classic conversation.txt as one conversation, opens it and says what it did', async () => {
    const { chat, list, data } = await freshStores()
    await data.importFile(file('conversation.txt', fixture('classic-conversation.txt')))
    expect(renderTexts('en', data.error)).toBe('')
    expect(renderTexts('en', data.notice)).toBe('Imported 1 conversation, 12 messages from a conversation.txt.')
    expect(list.conversations.map((c) => c.title)).toEqual(['你好，介绍一下你自己'])
    expect(chat.activeId).toBe(list.conversations[0]!.id)
    expect(chat.messages).toHaveLength(12)

    await data.importFile(file('conversation.txt', fixture('classic-conversation.txt')))
    expect(renderTexts('en', data.notice)).toBe('Imported 1 conversation, 12 messages from a conversation.txt. It was already here, and nothing changed.')
    expect(list.conversations).toHaveLength(1)
  })

  it('shows a precise error for a malformed file and imports nothing', async () => {
    const { list, data } = await freshStores()
    await data.importFile(file('broken.txt', '\n[2024-01-01 08:00:00] Answer:\nhello\n'))
    expect(renderTexts('en', data.notice)).toBe('')
    expect(renderTexts('en', data.error)).toBe(
      "broken.txt: conversation.txt line 2: an 'Answer:' header without a 'Question:' header before it. Nothing was imported.",
    )
    const bad = JSON.parse(fixture('nextchat-backup.json'))
    bad['chat-next-web-store'].sessions[3].messages[1].role = 42
    await data.importFile(file('Backup-2024.json', JSON.stringify(bad)))
    expect(renderTexts('en', data.error)).toBe(
      'Backup-2024.json: NextChat backup, ["chat-next-web-store"].sessions[3].messages[1].role: expected a role string, got number 42. Nothing was imported.',
    )
    expect(list.conversations).toHaveLength(0)
    const repo = await createRepository({ dbName })
    expect(await repo.exportConversations()).toEqual([])
    repo.close()
  })

  it('a backup that names another endpoint and smuggles a key changes neither, here or in storage', async () => {
    const { settings, data } = await freshStores()
    settings.chooseProvider('deepseek')
    settings.settings.apiKey = KEY
    await settings.whenSaved()
    const hostile = {
      format: 'inkstream-backup',
      version: 1,
      exportedAt: '2026-01-01T00:00:00.000Z',
      settings: { providerId: 'custom', baseUrl: 'http://127.0.0.1:8811/v1', model: 'evil', apiKey: 'sk-attacker-000000000000', systemPrompt: 'from the file' },
      conversations: [{ id: 'c1', title: 't', createdAt: 1, updatedAt: 1, messages: [{ id: 'm1', seq: 0, role: 'user', content: 'q', reasoning: '', status: 'done', createdAt: 1, updatedAt: 1 }] }],
    }
    await data.importFile(file('hostile.json', JSON.stringify(hostile)))
    expect(renderTexts('en', data.error)).toBe('')
    expect(settings.settings).toMatchObject({ providerId: 'deepseek', baseUrl: 'https://api.deepseek.com', apiKey: KEY })
    // The browser had settings, so none were applied; in a fresh browser only the non-endpoint ones are.
    const fresh = await freshStores(`${dbName}-fresh`)
    await fresh.data.importFile(file('hostile.json', JSON.stringify(hostile)))
    expect(fresh.settings.settings).toMatchObject({ providerId: DEFAULT_SETTINGS.providerId, baseUrl: DEFAULT_SETTINGS.baseUrl, model: DEFAULT_SETTINGS.model, apiKey: '', systemPrompt: 'from the file' })
    const repo = await createRepository({ dbName: `${dbName}-fresh` })
    const stored = await repo.getSettings()
    expect(stored).toMatchObject({ systemPrompt: 'from the file' })
    expect(JSON.stringify(stored)).not.toMatch(/8811|evil|sk-attacker/)
    expect(await repo.getValue('apiKeys')).toBeUndefined()
    repo.close()
  })

  it('backs up everything without the key, records when, and restores it into a fresh browser', async () => {
    const { list, settings, data } = await freshStores()
    settings.settings.apiKey = KEY
    settings.settings.systemPrompt = 'Be brief.'
    await settings.whenSaved()
    await data.importFile(file('Backup.json', fixture('nextchat-backup.json')))
    await data.importFile(file('conversation.txt', fixture('classic-conversation.txt')))
    expect(list.conversations).toHaveLength(4)

    const before = Date.now()
    const backup = await data.exportBackup()
    expect(renderTexts('en', data.error)).toBe('')
    expect(backup!.fileName).toMatch(/^inkstream-backup-\d{4}-\d{2}-\d{2}-\d{6}\.json$/)
    expect(backup!.mimeType).toBe('application/json;charset=utf-8')
    expect(backup!.text).not.toContain(KEY)
    expect(renderTexts('en', data.notice)).toBe(`Downloaded ${backup!.fileName}: 4 conversations, 20 messages. Your API key is not in it.`)
    expect(data.lastBackupAt).toBeGreaterThanOrEqual(before)
    const repo = await createRepository({ dbName })
    expect(await repo.getValue(LAST_BACKUP_KEY)).toBe(data.lastBackupAt)
    const original = await repo.exportConversations()
    repo.close()

    // A new browser: another database, nothing saved yet.
    const fresh = await freshStores(`${dbName}-restored`)
    await fresh.data.importFile(file(backup!.fileName, backup!.text), 'inkstream-backup')
    expect(renderTexts('en', fresh.data.error)).toBe('')
    expect(renderTexts('en', fresh.data.notice)).toBe(
      'Imported 4 conversations, 20 messages from an Inkstream backup. Settings from the backup were applied, except the endpoint: provider, base URL, model and API key stay as set in this browser.',
    )
    expect(fresh.list.conversations.map((c) => c.id)).toEqual(list.conversations.map((c) => c.id))
    expect(fresh.settings.settings.systemPrompt).toBe('Be brief.')
    expect(fresh.settings.settings.apiKey).toBe('')
    // The endpoint is never restored: the fresh browser keeps its own provider, base URL and model.
    expect(fresh.settings.settings).toMatchObject({ providerId: DEFAULT_SETTINGS.providerId, baseUrl: DEFAULT_SETTINGS.baseUrl, model: DEFAULT_SETTINGS.model })
    const restoredRepo = await createRepository({ dbName: `${dbName}-restored` })
    expect(await restoredRepo.exportConversations()).toEqual(original)
    restoredRepo.close()
  })

  it('"restore backup" refuses other kinds of file', async () => {
    const { list, data } = await freshStores()
    await data.importFile(file('conversation.txt', fixture('classic-conversation.txt')), 'inkstream-backup')
    expect(renderTexts('en', data.error)).toBe(
      'conversation.txt: This is a conversation.txt, not an Inkstream backup. Use "Import a file" for conversation.txt, BetterChatGPT and NextChat files. Nothing was imported.',
    )
    expect(list.conversations).toHaveLength(0)
  })

  it('exports every conversation as one conversation.txt, oldest first', async () => {
    const { data } = await freshStores()
    expect(await data.exportAllText()).toBeNull()
    expect(renderTexts('en', data.notice)).toBe('There is no conversation with messages to export yet.')

    await data.importFile(file('Backup.json', fixture('nextchat-backup.json')))
    await data.importFile(file('conversation.txt', fixture('classic-conversation.txt')))
    const txt = await data.exportAllText()
    const repo = await createRepository({ dbName })
    expect(txt).toEqual({ fileName: 'conversation.txt', text: formatAllTranscripts(await repo.exportConversations()) })
    repo.close()
    expect(txt!.text.indexOf('[2023-04-01 10:00:00] Question:\nping')).toBe(1)
    expect(renderTexts('en', data.notice)).toBe('Downloaded conversation.txt with 4 conversations, oldest first.')
  })

  it('reports storage health, and copes with a browser without navigator.storage', async () => {
    const { data } = await freshStores()
    vi.stubGlobal('navigator', {})
    await data.loadStatus()
    expect(data.health).toEqual({ supported: false, persisted: null, usage: null, quota: null, canPersist: false })
    expect(data.lastBackupAt).toBeNull()

    let persisted = false
    vi.stubGlobal('navigator', {
      storage: {
        persisted: async () => persisted,
        persist: async () => (persisted = true),
        estimate: async () => ({ usage: 1_234_567, quota: 2_000_000_000 }),
      },
    })
    await data.loadStatus()
    expect(data.health).toEqual({ supported: true, persisted: false, usage: 1_234_567, quota: 2_000_000_000, canPersist: true })
    await data.requestPersist()
    expect(data.health?.persisted).toBe(true)
    expect(renderTexts('en', data.notice)).toContain('will keep this site’s data')
  })
})
