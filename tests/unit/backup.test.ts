import { describe, expect, it } from 'vitest'
import { BACKUP_FORMAT, LAST_BACKUP_KEY, backupFileName, formatAllTranscripts } from '../../src/core/backup'
import { KV_KEYS } from '../../src/core/persistence'
import { openTestRepository } from './persistence/fixtures'
import type { Conversation } from '../../src/core/types'
import { KEY, T, backupText, msg, restore, seed } from './backupFixtures'

describe('backup round trip', () => {
  it('export → restore into an empty database → export again is identical apart from exportedAt', async () => {
    const source = await openTestRepository()
    await seed(source)
    const first = await backupText(source, new Date(T))

    const target = await openTestRepository()
    const summary = await restore(target, first)
    expect(summary).toMatchObject({ addedConversations: 3, addedMessages: 12, settingsRestored: true })
    const second = await backupText(target, new Date(T + 60_000))

    const withoutTime = (text: string) => ({ ...JSON.parse(text), exportedAt: 'x' })
    expect(withoutTime(second)).toEqual(withoutTime(first))
    expect(second.replace(/"exportedAt": "[^"]*"/, '')).toBe(first.replace(/"exportedAt": "[^"]*"/, ''))
    // And the stored records themselves are the same, field for field.
    expect(await target.exportConversations()).toEqual(
      (await source.exportConversations()).map((item) => ({
        ...item,
        messages: item.messages.map((m) => (m.params ? { ...m, params: { maxTokens: 2048, temperature: 0.7, topP: 0.7, topK: 50, frequencyPenalty: 0.5, n: 1 } } : m)),
      })),
    )
    source.close()
    target.close()
  })

  it('restoring the same backup twice duplicates nothing', async () => {
    const source = await openTestRepository()
    await seed(source)
    const text = await backupText(source)
    const target = await openTestRepository()
    await restore(target, text)
    const once = await backupText(target)
    expect(await restore(target, text)).toMatchObject({ addedConversations: 0, unchangedConversations: 3, addedMessages: 0, updatedMessages: 0 })
    expect(await backupText(target)).toBe(once)
    source.close()
    target.close()
  })

  it('never contains the API key, not even one pasted into a message', async () => {
    const repo = await openTestRepository()
    await seed(repo)
    await repo.saveMessage(msg('older', 2, { content: `my key is ${KEY}, keep it safe` }))
    const text = await backupText(repo)
    expect(text).not.toContain(KEY)
    expect(text).not.toContain('apiKey')
    expect(text).toContain('my key is [API key removed], keep it safe')
    repo.close()
  })

  it('writes the documented format: conversations oldest first, messages by seq, fixed key order', async () => {
    const repo = await openTestRepository()
    await seed(repo)
    const backup = JSON.parse(await backupText(repo))
    expect(Object.keys(backup)).toEqual(['format', 'version', 'exportedAt', 'conversations', 'settings'])
    expect(backup).toMatchObject({ format: BACKUP_FORMAT, version: 1, exportedAt: '2024-01-02T03:04:05.000Z' })
    expect(backup.conversations.map((c: Conversation) => c.id)).toEqual(['older', 'rich', 'empty'])
    const answer = backup.conversations[1].messages[1]
    expect(Object.keys(answer)).toEqual([
      'id', 'seq', 'role', 'content', 'reasoning', 'status', 'createdAt', 'updatedAt', 'model', 'params', 'finishReason', 'usage', 'parentId',
    ])
    // Every version is kept, with the links that make them versions.
    expect(backup.conversations[0].messages.map((m: { id: string; parentId: unknown; selectedAt?: number }) => [m.id, m.parentId, m.selectedAt])).toEqual([
      ['older-0', null, undefined],
      ['older-1', 'older-0', undefined],
      ['older-2', 'older-0', T - 86_100_000],
    ])
    expect(Object.keys(answer.params)).toEqual(['maxTokens', 'temperature', 'topP', 'topK', 'frequencyPenalty', 'n'])
    expect(Object.keys(answer.usage)).toEqual(['promptTokens', 'completionTokens', 'totalTokens', 'reasoningTokens'])
    expect(backup.settings).toEqual({
      providerId: 'deepseek', baseUrl: 'https://api.deepseek.com', model: 'deepseek-chat', systemPrompt: 'You are helpful.',
      params: { maxTokens: 4096, temperature: 0.7, topP: 1, topK: 50, frequencyPenalty: 0, n: 1 }, idleTimeoutSeconds: 60, exportReasoning: false,
    })
    repo.close()
  })

  it('carries the chosen theme and language, and restores them', async () => {
    const repo = await openTestRepository()
    await seed(repo)
    await repo.putSettings({ ...(await repo.getSettings())!, theme: 'dark', language: 'zh-CN' })
    const text = await backupText(repo)
    expect(JSON.parse(text).settings).toMatchObject({ theme: 'dark', language: 'zh-CN' })
    const target = await openTestRepository()
    await restore(target, text)
    expect(await target.getSettings()).toMatchObject({ theme: 'dark', language: 'zh-CN' })
    repo.close()
    target.close()
  })

  it('carries edited prices and cached-token usage, and restores them checked', async () => {
    const repo = await openTestRepository()
    await seed(repo)
    const prices = {
      'deepseek-chat': { currency: 'CNY', input: 2, cachedInput: 0.5, output: 8, offPeak: { input: 1, output: 4, peakHoursUtc: [[0, 16]] as [number, number][] } },
    }
    await repo.putSettings({ ...(await repo.getSettings())!, prices })
    await repo.saveMessage(msg('older', 1, { usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, cachedPromptTokens: 8, estimated: true } }))
    const text = await backupText(repo)
    expect(JSON.parse(text).settings.prices).toEqual(prices)
    const target = await openTestRepository()
    await restore(target, text)
    expect((await target.getSettings())?.prices).toEqual(prices)
    const restored = (await target.listMessages('older')).find((m) => m.seq === 1)
    expect(restored?.usage).toEqual({ promptTokens: 10, completionTokens: 5, totalTokens: 15, cachedPromptTokens: 8, estimated: true })
    // A price that is not a number is refused by name, before anything is written.
    const bad = text.replace('"output": 8', '"output": "eight"')
    const empty = await openTestRepository()
    await expect(restore(empty, bad)).rejects.toThrow(/settings\.prices\["deepseek-chat"\]\.output|prices/)
    expect(await empty.listConversations()).toEqual([])
    repo.close()
    target.close()
    empty.close()
  })

  it('records the last backup under its KV_KEYS key', () => {
    expect(LAST_BACKUP_KEY).toBe(KV_KEYS.lastBackupAt)
    expect(LAST_BACKUP_KEY).toBe('lastBackupAt')
  })

  it('names the file by local date and time', () => {
    expect(backupFileName(new Date(T))).toBe('inkstream-backup-2024-01-02-110405.json')
  })
})

describe('export all as conversation.txt', () => {
  it('concatenates every conversation in the classic format (the version each shows), oldest conversation first', async () => {
    const repo = await openTestRepository()
    await seed(repo)
    const text = formatAllTranscripts((await repo.exportConversations()).filter((c) => c.messages.length > 0))
    expect(text.startsWith('\n[2024-01-01 11:04:05] Question:\n问题 0 🙂\n')).toBe(true)
    expect(text).toMatchInlineSnapshot(`
      "
      [2024-01-01 11:04:05] Question:
      问题 0 🙂

      [2024-01-01 11:04:05] Answer:
      second try
      ----------------------------------------

      [2024-01-02 11:04:05] Question:
      问题 0 🙂

      [2024-01-02 11:04:05] Answer:
      回答 1
      第二行
      ----------------------------------------

      [2024-01-02 11:04:07] Question:
      问题 2 🙂

      [2024-01-02 11:04:07] Answer:
      回答 3
      第二行
      [stopped by user]
      ----------------------------------------

      [2024-01-02 11:04:09] Question:
      问题 4 🙂

      [2024-01-02 11:04:09] Answer:
      请求错误: Insufficient Balance (402). Top up.

      [2024-01-02 11:04:11] Question:
      问题 6 🙂

      [2024-01-02 11:04:11] Answer:
      回答 7
      第二行
      [interrupted: the connection ended before the answer was complete]
      ----------------------------------------

      [2024-01-02 11:04:13] Question:
      a question with no answer yet

      [2024-01-02 11:04:13] Answer:
      [no answer]
      ----------------------------------------
      "
    `)
    repo.close()
  })
})
