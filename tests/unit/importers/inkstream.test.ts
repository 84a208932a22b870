import { describe, expect, it } from 'vitest'
import { importText, type ImportError } from '../../../src/core/importers'
import { readBackup } from '../../../src/core/importers/inkstream'
import { openTestRepository } from '../persistence/fixtures'
import { backupText, msg, restore, seed } from '../backupFixtures'
import { importError } from './helpers'

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
    expect(message).toContain(`, ${error.path!}: `)
  })

  it('carries the JSON path and the details as fields', async () => {
    const backup = await good()
    backup.conversations[1]!.messages[3]!.status = 'paused'
    const error = await expectRejected(JSON.stringify(backup))
    expect(error.path).toBe('conversations[1].messages[3].status')
    expect(error.line).toBeUndefined()
    expect(error.problem).toEqual({
      problem: 'expected',
      format: 'inkstream-backup',
      path: 'conversations[1].messages[3].status',
      expected: { type: 'one-of', values: ['streaming', 'done', 'stopped', 'interrupted', 'error'] },
      got: 'paused',
    })

    const twice = await good()
    twice.conversations[1]!.messages[2]!.seq = 1
    expect((await expectRejected(JSON.stringify(twice))).problem).toEqual({
      problem: 'duplicate',
      format: 'inkstream-backup',
      path: 'conversations[1].messages[2].seq',
      value: 1,
      usedBy: 'conversations[1].messages[1]',
    })

    const newer = await expectRejected(JSON.stringify({ ...(await good()), version: 2 }))
    expect([newer.kind, newer.path, newer.problem]).toEqual(['version', 'version', { problem: 'newer-backup', version: 2, newest: 1 }])
  })

  it('a message that names another conversation', () => {
    const text = JSON.stringify({
      format: 'inkstream-backup',
      version: 1,
      exportedAt: '2024-01-01T00:00:00.000Z',
      conversations: [{ id: 'a', title: 'A', createdAt: 1, updatedAt: 2, messages: [{ ...msg('b', 0), conversationId: 'b' }] }],
    })
    const error = importError(() => readBackup(JSON.parse(text)))
    expect(error.path).toBe('conversations[0].messages[0].conversationId')
    expect(error.message).toBe(
      'Inkstream backup, conversations[0].messages[0].conversationId: says the string "b", but the message sits in conversation "a". Nothing was imported.',
    )
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
    ;(backup as Record<string, unknown>).settings = { ...(backup.settings as object), apiKey: 'sk-added-by-hand', fontSize: 17 }
    backup.conversations[1]!.messages[1]!.attempts = [{ content: 'first try', reasoning: '', status: 'stopped', updatedAt: 5 }]
    backup.conversations[1]!.pinned = true
    const result = readBackup(JSON.parse(JSON.stringify(backup)))
    expect(JSON.stringify(result)).not.toContain('sk-added-by-hand')
    expect(JSON.stringify(result)).not.toContain('fontSize')
    // A backup from before versions: its Retry attempts come back as older versions of the answer.
    const answer = backup.conversations[1]!.messages[1]!
    const versions = result.conversations[1]!.messages.filter((m) => m.parentId === answer.parentId && m.role === 'assistant')
    expect(versions.map((m) => [m.id, m.content, m.status])).toEqual([
      [`${answer.id}.v1`, 'first try', 'stopped'],
      [answer.id, answer.content, answer.status],
    ])
    expect(versions[1]!.attempts).toBeUndefined()
    expect(result.conversations[1]!.conversation).toMatchObject({ pinned: true })
  })

  it('carries the language setting, and refuses an unknown language by its path', async () => {
    const backup = await good()
    ;(backup as Record<string, unknown>).settings = { ...(backup.settings as object), language: 'zh-CN' }
    expect(readBackup(JSON.parse(JSON.stringify(backup))).settings).toMatchObject({ language: 'zh-CN' })
    ;(backup as Record<string, unknown>).settings = { ...(backup.settings as object), language: 'fr' }
    expect(() => readBackup(JSON.parse(JSON.stringify(backup)))).toThrow(
      'Inkstream backup, settings.language: expected one of "zh-CN", "en", got the string "fr". Nothing was imported.',
    )
  })

  it('carries the theme setting, and refuses an unknown theme by its path', async () => {
    const backup = await good()
    ;(backup as Record<string, unknown>).settings = { ...(backup.settings as object), theme: 'dark' }
    expect(readBackup(JSON.parse(JSON.stringify(backup))).settings).toMatchObject({ theme: 'dark' })
    ;(backup as Record<string, unknown>).settings = { ...(backup.settings as object), theme: 'sepia' }
    expect(() => readBackup(JSON.parse(JSON.stringify(backup)))).toThrow(
      'Inkstream backup, settings.theme: expected one of "system", "light", "dark", got the string "sepia". Nothing was imported.',
    )
  })
})

describe('unknown JSON', () => {
  it('says what it is not, naming the top-level keys', () => {
    expect(importError(() => importText('{"foo": 1, "bar": []}')).message).toBe(
      'This JSON file is not an Inkstream backup, a BetterChatGPT export or a NextChat backup (its top-level keys are "foo", "bar"). Nothing was imported.',
    )
  })
})
