import { describe, expect, it } from 'vitest'
import {
  BACKUP_FORMAT,
  backupFileName,
  buildBackup,
  formatAllTranscripts,
  readBackup,
  serializeBackup,
} from '../../src/core/backup'
import { importText, type ImportError } from '../../src/core/importers'
import type { Repository } from '../../src/core/persistence'
import type { ChatMessage, Conversation } from '../../src/core/types'
import { openTestRepository, settings } from './persistence/fixtures'
import { importError } from './importers/helpers'

const KEY = 'sk-canary-backup-test-123456'
const T = Date.UTC(2024, 0, 2, 3, 4, 5) // 2024-01-02 11:04:05 in Asia/Shanghai

function msg(conversationId: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  const role = seq % 2 === 0 ? 'user' : 'assistant'
  return {
    id: `${conversationId}-${seq}`,
    conversationId,
    seq,
    role,
    content: role === 'user' ? `问题 ${seq} 🙂` : `回答 ${seq}\n第二行`,
    reasoning: '',
    status: 'done',
    createdAt: T + seq * 1000,
    updatedAt: T + seq * 1000 + 500,
    ...extra,
  }
}

/** A history with every kind of metadata a message can carry. */
async function seed(repo: Repository): Promise<void> {
  const params = { temperature: 0.7, maxTokens: 2048, topP: 0.7, topK: 50, frequencyPenalty: 0.5, n: 1 } // not in canonical order
  const rich: Conversation = { id: 'rich', title: '各种状态', createdAt: T, updatedAt: T + 9000 }
  await repo.putTurn(rich, [
    msg('rich', 0),
    msg('rich', 1, {
      model: 'deepseek-reasoner',
      params,
      reasoning: 'thinking…\n\n步骤',
      finishReason: 'stop',
      usage: { totalTokens: 30, promptTokens: 10, completionTokens: 20, reasoningTokens: 5 },
    }),
    msg('rich', 2),
    msg('rich', 3, { status: 'stopped', model: 'deepseek-chat', params, finishReason: undefined }),
    msg('rich', 4),
    msg('rich', 5, { status: 'error', content: '', error: { kind: 'http', message: 'Insufficient Balance (402). Top up.', status: 402 } }),
    msg('rich', 6),
    msg('rich', 7, { status: 'interrupted', error: { kind: 'network', message: 'The connection dropped.' } }),
    msg('rich', 8, { content: 'a question with no answer yet' }),
  ])
  // A field of a later build (retry attempts) must survive the round trip too.
  const attempts = [{ content: 'first try', reasoning: '', status: 'stopped', updatedAt: T - 86_400_000 }]
  await repo.putMessage({ ...msg('older', 1, { createdAt: T - 86_400_000, updatedAt: T - 86_000_000 }), attempts } as ChatMessage)
  await repo.putTurn({ id: 'older', title: 'Older one', createdAt: T - 86_400_000, updatedAt: T - 86_000_000 }, [
    msg('older', 0, { createdAt: T - 86_400_000, updatedAt: T - 86_400_000 }),
    msg('older', 1, { createdAt: T - 86_400_000, updatedAt: T - 86_000_000 }),
  ])
  await repo.putConversation({ id: 'empty', title: 'New conversation', createdAt: T + 1, updatedAt: T + 1 })
  await repo.putSettings({ ...settings(), apiKey: KEY })
}

async function backupText(repo: Repository, at = new Date(T)): Promise<string> {
  const [items, stored] = await Promise.all([repo.exportConversations(), repo.getSettings()])
  return serializeBackup(buildBackup(items, { exportedAt: at, settings: stored }), KEY)
}

async function restore(repo: Repository, text: string) {
  const result = importText(text, { only: 'inkstream-backup' })
  return repo.importConversations(result.conversations, { settings: result.settings })
}

describe('backup round trip', () => {
  it('export → restore into an empty database → export again is identical apart from exportedAt', async () => {
    const source = await openTestRepository()
    await seed(source)
    const first = await backupText(source, new Date(T))

    const target = await openTestRepository()
    const summary = await restore(target, first)
    expect(summary).toMatchObject({ addedConversations: 3, addedMessages: 11, settingsRestored: true })
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
    await repo.putMessage(msg('older', 2, { content: `my key is ${KEY}, keep it safe` }))
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
      'id', 'seq', 'role', 'content', 'reasoning', 'status', 'createdAt', 'updatedAt', 'model', 'params', 'finishReason', 'usage',
    ])
    expect(Object.keys(answer.params)).toEqual(['maxTokens', 'temperature', 'topP', 'topK', 'frequencyPenalty', 'n'])
    expect(Object.keys(answer.usage)).toEqual(['promptTokens', 'completionTokens', 'totalTokens', 'reasoningTokens'])
    expect(backup.settings).toEqual({
      providerId: 'deepseek', baseUrl: 'https://api.deepseek.com', model: 'deepseek-chat', systemPrompt: 'You are helpful.',
      params: { maxTokens: 4096, temperature: 0.7, topP: 1, topK: 50, frequencyPenalty: 0, n: 1 }, idleTimeoutSeconds: 60, exportReasoning: false,
    })
    repo.close()
  })

  it('names the file by local date and time', () => {
    expect(backupFileName(new Date(T))).toBe('inkstream-backup-2024-01-02-110405.json')
  })
})

describe('export all as conversation.txt', () => {
  it('concatenates every conversation in the classic format, oldest conversation first', async () => {
    const repo = await openTestRepository()
    await seed(repo)
    const text = formatAllTranscripts((await repo.exportConversations()).filter((c) => c.messages.length > 0))
    expect(text.startsWith('\n[2024-01-01 11:04:05] Question:\n问题 0 🙂\n')).toBe(true)
    expect(text).toMatchInlineSnapshot(`
      "
      [2024-01-01 11:04:05] Question:
      问题 0 🙂

      [2024-01-01 11:04:05] Answer:
      回答 1
      第二行
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

describe('reading a bad backup names the JSON path and writes nothing', () => {
  async function expectRejected(text: string): Promise<ImportError> {
    const repo = await openTestRepository()
    await repo.putTurn({ id: 'mine', title: 'Mine', createdAt: 1, updatedAt: 2 }, [msg('mine', 0)])
    const before = await repo.exportConversations()
    let error: ImportError | undefined
    try {
      await restore(repo, text)
    } catch (e) {
      error = e as ImportError
    }
    expect(error?.name).toBe('ImportError')
    expect(await repo.exportConversations()).toEqual(before)
    repo.close()
    return error!
  }

  async function good(): Promise<{ conversations: Array<Record<string, unknown> & { messages: Array<Record<string, unknown>> }> } & Record<string, unknown>> {
    const repo = await openTestRepository()
    await seed(repo)
    const text = await backupText(repo)
    repo.close()
    return JSON.parse(text)
  }

  it('a truncated file', async () => {
    const text = JSON.stringify(await good(), null, 2)
    const cut = text.slice(0, Math.floor(text.length * 0.6))
    const error = await expectRejected(cut)
    expect(error.kind).toBe('syntax')
    expect(error.message).toBe(
      `Inkstream backup, line ${cut.split('\n').length}: the JSON ends too early, so the file is probably truncated (${(() => {
        try { JSON.parse(cut) } catch (e) { return (e as Error).message }
        return ''
      })()}). Nothing was imported.`,
    )
  })

  it('a syntax error in the middle names its line and column', async () => {
    const text = JSON.stringify(await good(), null, 2).replace('"title": "各种状态"', '"title": "各种状态",,')
    const error = await expectRejected(text)
    expect(error.message).toMatch(/^Inkstream backup, line \d+ column \d+: this is not valid JSON/)
  })

  it.each([
    ['a wrong status', (b: Awaited<ReturnType<typeof good>>) => { b.conversations[1]!.messages[3]!.status = 'paused' },
      'Inkstream backup, conversations[1].messages[3].status: expected one of "streaming", "done", "stopped", "interrupted", "error", got the string "paused". Nothing was imported.'],
    ['a missing content', (b: Awaited<ReturnType<typeof good>>) => { delete b.conversations[0]!.messages[1]!.content },
      'Inkstream backup, conversations[0].messages[1].content: expected a string, got nothing (the field is missing). Nothing was imported.'],
    ['a timestamp as a string', (b: Awaited<ReturnType<typeof good>>) => { b.conversations[1]!.updatedAt = '2024-01-02' },
      'Inkstream backup, conversations[1].updatedAt: expected a number, got the string "2024-01-02". Nothing was imported.'],
    ['a bad usage field', (b: Awaited<ReturnType<typeof good>>) => { (b.conversations[1]!.messages[1]!.usage as Record<string, unknown>).totalTokens = null },
      'Inkstream backup, conversations[1].messages[1].usage.totalTokens: expected a number, got null. Nothing was imported.'],
    ['an unknown error kind', (b: Awaited<ReturnType<typeof good>>) => { (b.conversations[1]!.messages[5]!.error as Record<string, unknown>).kind = 'oops' },
      'Inkstream backup, conversations[1].messages[5].error.kind: expected one of "config", "http", "network", "timeout", "protocol", "stream", "aborted", got the string "oops". Nothing was imported.'],
    ['a duplicated message id', (b: Awaited<ReturnType<typeof good>>) => { b.conversations[1]!.messages[2]!.id = 'rich-1' },
      'Inkstream backup, conversations[1].messages[2].id: "rich-1" is already used by conversations[1].messages[1]. Nothing was imported.'],
    ['a duplicated seq', (b: Awaited<ReturnType<typeof good>>) => { b.conversations[1]!.messages[2]!.seq = 1 },
      'Inkstream backup, conversations[1].messages[2].seq: 1 is already used by conversations[1].messages[1]. Nothing was imported.'],
    ['messages that are not a list', (b: Awaited<ReturnType<typeof good>>) => { b.conversations[2]!.messages = {} as never },
      'Inkstream backup, conversations[2].messages: expected a list of messages, got an object. Nothing was imported.'],
    ['conversations missing', (b: Awaited<ReturnType<typeof good>>) => { delete (b as Partial<typeof b>).conversations },
      'Inkstream backup, conversations: expected a list of conversations, got nothing (the field is missing). Nothing was imported.'],
  ])('%s', async (_name, spoil, message) => {
    const backup = await good()
    spoil(backup)
    const error = await expectRejected(JSON.stringify(backup))
    expect(error.kind).toBe('invalid')
    expect(error.message).toBe(message)
    expect(message).toContain(error.location!)
  })

  it('a backup from a newer version', async () => {
    const error = await expectRejected(JSON.stringify({ ...(await good()), version: 2 }))
    expect(error.kind).toBe('version')
    expect(error.message).toContain('written by a newer Inkstream')
  })

  it('a different kind of file given to "restore backup"', async () => {
    const error = await expectRejected('\n[2024-01-01 08:00:00] Question:\nq\n\n[2024-01-01 08:00:00] Answer:\na\n' + '-'.repeat(40) + '\n')
    expect(error.message).toBe(
      'This is a conversation.txt, not an Inkstream backup. Use "Import a file" for conversation.txt, BetterChatGPT and NextChat files. Nothing was imported.',
    )
  })

  it('keeps record fields it does not know verbatim, but never an apiKey someone added to settings', async () => {
    const backup = await good()
    ;(backup as Record<string, unknown>).settings = { ...(backup.settings as object), apiKey: 'sk-added-by-hand', theme: 'dark' }
    backup.conversations[1]!.messages[1]!.attempts = [{ content: 'first try', reasoning: '', status: 'stopped', updatedAt: 5 }]
    backup.conversations[1]!.pinned = true
    const result = readBackup(JSON.parse(JSON.stringify(backup)))
    expect(JSON.stringify(result)).not.toContain('sk-added-by-hand')
    expect(JSON.stringify(result)).not.toContain('theme')
    expect(result.conversations[1]!.messages[1]).toMatchObject({ attempts: [{ content: 'first try', status: 'stopped' }] })
    expect(result.conversations[1]!.conversation).toMatchObject({ pinned: true })
  })
})

describe('unknown JSON', () => {
  it('says what it is not, naming the top-level keys', () => {
    expect(importError(() => importText('{"foo": 1, "bar": []}')).message).toBe(
      'This JSON file is not an Inkstream backup, a BetterChatGPT export or a NextChat backup (its top-level keys are "foo", "bar"). Nothing was imported.',
    )
  })
})
