import { describe, expect, it } from 'vitest'
import {
  SOURCE_NAMES,
  dataFailureTexts,
  describeValueText,
  importErrorText,
  isQuotaExceeded,
  persistenceErrorText,
  renderTexts,
  saysNothingImported,
  storageProblemTexts,
  type DataAction,
  type StorageAction,
} from '../../src/core/errorText'
import type { StorageEvent } from '../../src/core/persistence'
import { ImportError, type ImportProblem } from '../../src/core/importers'
import { PersistenceError } from '../../src/core/persistence'

// The English the UI shows, through the same keyed texts it renders.
const storageFailureText = (action: StorageAction, error: unknown) => renderTexts('en', [storageProblemTexts({ kind: 'write', action, error })])
const storageEventText = (event: StorageEvent) => renderTexts('en', [storageProblemTexts({ kind: 'event', event })])
const storageOpenFailureText = (error: unknown) => renderTexts('en', [storageProblemTexts({ kind: 'unavailable', error })])
const dataFailureText = (action: DataAction, error: unknown, fileName?: string) => renderTexts('en', dataFailureTexts(action, error, fileName))
const describeValue = (value: unknown) => renderTexts('en', [describeValueText(value)])

const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
const full = (action: string) =>
  `This browser's storage for Inkstream is full, so it could not ${action}. Nothing saved before is lost and this conversation stays open in this tab: download it, free space (delete old conversations or other site data), then choose “Try saving again”.`

describe('persistence errors', () => {
  it.each([
    [{ kind: 'unavailable' }, 'This browser window does not allow saving history (IndexedDB is unavailable, e.g. in some private modes). Chats work but will not be saved.'],
    [{ kind: 'version' }, 'Saved history was written by a newer version of Inkstream. Reload the page to get the newest version.'],
    [{ kind: 'blocked' }, 'Saved history is held open by another Inkstream tab. Close other Inkstream tabs, then reload.'],
    [{ kind: 'timeout' }, 'The browser did not open saved history in time. Reload the page; history will not be saved until then.'],
    [{ kind: 'upgrade', cause: new TypeError('bad record') }, 'Upgrading saved history failed, so it was left unchanged (TypeError: bad record). Export your conversations from another tab or reload.'],
    [{ kind: 'failed', cause: new DOMException('disk on fire', 'UnknownError') }, 'Could not open saved history: UnknownError: disk on fire.'],
    [{ kind: 'failed', cause: null }, 'Could not open saved history: null.'],
    [{ kind: 'closed', closedBy: 'versionchange' }, 'Inkstream was updated in another tab. Reload this tab to keep saving your history.'],
    [{ kind: 'closed', closedBy: 'terminated' }, 'The browser closed the history database (site data may have been cleared). Reload to keep saving.'],
    [{ kind: 'closed', closedBy: 'close' }, 'The history database was closed.'],
    [{ kind: 'conflict', recordId: 'm-1' }, 'A message with id m-1 is already stored in another conversation; nothing was imported.'],
    [{ kind: 'deleted' }, 'This conversation was deleted in another tab; the message was not saved.'],
    [{ kind: 'quota', cause: quota }, full('save')],
  ] as const)('%o', (info, text) => {
    expect(persistenceErrorText(info)).toBe(text)
    const { kind, ...details } = info
    expect(persistenceErrorText(new PersistenceError(kind, 'for logs', details))).toBe(text)
  })

  it('names what a full disk kept from happening', () => {
    const actions: Record<StorageAction, string> = {
      'save-answer': 'save the answer',
      'save-conversation': 'save the conversation',
      'save-message': 'save your message',
      'delete-conversation': 'delete the conversation',
      'delete-message': 'delete the message',
      'remember-open-conversation': 'remember the open conversation',
      'keep-draft': 'keep your draft',
      save: 'save',
    }
    for (const [action, words] of Object.entries(actions) as [StorageAction, string][]) {
      expect(persistenceErrorText({ kind: 'quota', cause: quota }, action)).toBe(full(words))
      // The action only matters to a full disk.
      expect(persistenceErrorText({ kind: 'deleted' }, action)).toBe('This conversation was deleted in another tab; the message was not saved.')
    }
  })
})

describe('the chat’s storage banner', () => {
  it('after a failed write: a PersistenceError by kind, an unwrapped QuotaExceededError as full, anything else with its detail', () => {
    expect(storageFailureText('save-answer', new PersistenceError('quota', 'x', { cause: quota }))).toBe(full('save the answer'))
    expect(storageFailureText('keep-draft', quota)).toBe(full('keep your draft'))
    expect(storageFailureText('save', new PersistenceError('closed', 'x', { closedBy: 'terminated' }))).toBe(
      'The browser closed the history database (site data may have been cleared). Reload to keep saving.',
    )
    expect(storageFailureText('save-message', new DOMException('could not be cloned', 'DataCloneError'))).toBe(
      "Could not save your message in this browser's storage (DataCloneError: could not be cloned). This conversation stays open in this tab; download it with the export button to keep a copy.",
    )
    expect(storageFailureText('delete-conversation', 'odd')).toBe(
      "Could not delete the conversation in this browser's storage (odd). This conversation stays open in this tab; download it with the export button to keep a copy.",
    )
  })

  it('after something happened to the connection', () => {
    expect(storageEventText('versionchange')).toBe('Inkstream was updated in another tab. Reload this tab to keep saving your history.')
    expect(storageEventText('terminated')).toBe('The browser closed Inkstream’s storage (site data may have been cleared). Reload to keep saving.')
    expect(storageEventText('blocked')).toBe('Another Inkstream tab is using an older version of the history. Close or reload the other tabs.')
  })

  it('when the history cannot be opened', () => {
    expect(storageOpenFailureText(new PersistenceError('timeout', 'x'))).toBe(
      'The browser did not open saved history in time. Reload the page; history will not be saved until then. Conversations in this tab will not be saved; download them before closing it.',
    )
    expect(storageOpenFailureText(new Error('No IndexedDB here.'))).toBe(
      'No IndexedDB here. Conversations in this tab will not be saved; download them before closing it.',
    )
  })

  it('recognises a full disk by the error’s name only', () => {
    expect(isQuotaExceeded(quota)).toBe(true)
    expect(isQuotaExceeded(Object.assign(new Error('whatever'), { name: 'QuotaExceededError' }))).toBe(true)
    expect(isQuotaExceeded(new DOMException('QuotaExceededError: quota exceeded', 'AbortError'))).toBe(false)
    expect(isQuotaExceeded({ name: 'QuotaExceededError' })).toBe(false)
    expect(isQuotaExceeded(undefined)).toBe(false)
  })
})

describe('import errors', () => {
  it.each<[ImportProblem, string]>([
    [{ problem: 'empty-file' }, 'The file is empty, so there is nothing to import.'],
    [{ problem: 'binary' }, 'This is not a text file (it contains binary data). Choose a conversation.txt or a JSON backup.'],
    [{ problem: 'json-truncated', format: 'json', line: 7, detail: 'Unexpected end of JSON input' },
      'JSON file, line 7: the JSON ends too early, so the file is probably truncated (Unexpected end of JSON input). Nothing was imported.'],
    [{ problem: 'json-invalid', format: 'inkstream-backup', line: 3, column: 14, detail: 'Unexpected token' },
      'Inkstream backup, line 3 column 14: this is not valid JSON (Unexpected token). Nothing was imported.'],
    [{ problem: 'json-invalid', format: 'nextchat', detail: 'Bad' }, 'NextChat backup: this is not valid JSON (Bad). Nothing was imported.'],
    [{ problem: 'unknown-json', shape: 'object', keys: ['foo', 'bar'] },
      'This JSON file is not an Inkstream backup, a BetterChatGPT export or a NextChat backup (its top-level keys are "foo", "bar"). Nothing was imported.'],
    [{ problem: 'unknown-json', shape: 'object', keys: [] },
      'This JSON file is not an Inkstream backup, a BetterChatGPT export or a NextChat backup (its top-level keys are none). Nothing was imported.'],
    [{ problem: 'unknown-json', shape: 'list', keys: [] },
      'This JSON file is not an Inkstream backup, a BetterChatGPT export or a NextChat backup (it is a list, but not of BetterChatGPT chats). Nothing was imported.'],
    [{ problem: 'unknown-json', shape: 'other', keys: [] },
      'This JSON file is not an Inkstream backup, a BetterChatGPT export or a NextChat backup. Nothing was imported.'],
    [{ problem: 'wrong-kind', wanted: 'inkstream-backup', found: 'nextchat' },
      'This is a NextChat backup, not an Inkstream backup. Use "Import a file" for conversation.txt, BetterChatGPT and NextChat files. Nothing was imported.'],
    [{ problem: 'wrong-kind', wanted: 'classic-txt', found: 'inkstream-backup' }, 'This is an Inkstream backup, not a conversation.txt. Nothing was imported.'],
    [{ problem: 'no-conversations', source: 'betterchatgpt', skipped: [] },
      'This BetterChatGPT export holds no conversation with messages, so there is nothing to import.'],
    [{ problem: 'no-conversations', source: 'nextchat', skipped: ['2 system prompts', '1 empty conversation'] },
      'This NextChat backup holds no conversation with messages (skipped: 2 system prompts, 1 empty conversation), so there is nothing to import.'],
    [{ problem: 'no-turns' }, 'conversation.txt holds no question and answer, so there is nothing to import.'],
    [{ problem: 'transcript', line: 2, transcript: 'answer-without-question' },
      "conversation.txt line 2: an 'Answer:' header without a 'Question:' header before it. Nothing was imported."],
    [{ problem: 'transcript', line: 1, transcript: 'expected-question' },
      "conversation.txt line 1: expected a '[YYYY-MM-DD HH:MM:SS] Question:' header. Nothing was imported."],
    [{ problem: 'transcript', line: 9, transcript: 'question-without-answer' },
      "conversation.txt line 9: this 'Question:' header has no 'Answer:' header after it. Nothing was imported."],
    [{ problem: 'transcript', line: 6, transcript: 'reasoning-unclosed' },
      "conversation.txt line 6: '[Reasoning]' is never closed by '[/Reasoning]'. Nothing was imported."],
    [{ problem: 'expected', format: 'betterchatgpt', path: '', expected: { type: 'chats' }, got: 3 },
      'BetterChatGPT export, the top level: expected an object or a list of chats, got number 3. Nothing was imported.'],
    [{ problem: 'expected', format: 'betterchatgpt', path: 'version', expected: { type: 'betterchatgpt-version' }, got: '2' },
      'BetterChatGPT export, version: expected 1 (the format BetterChatGPT writes), got the string "2". Nothing was imported.'],
    [{ problem: 'expected', format: 'inkstream-backup', path: 'format', expected: { type: 'literal', value: 'inkstream-backup' }, got: undefined },
      'Inkstream backup, format: expected "inkstream-backup", got nothing (the field is missing). Nothing was imported.'],
    [{ problem: 'expected', format: 'inkstream-backup', path: 'version', expected: { type: 'literal', value: 1 }, got: null },
      'Inkstream backup, version: expected 1, got null. Nothing was imported.'],
    [{ problem: 'expected', format: 'inkstream-backup', path: 'conversations[0].messages[1].role', expected: { type: 'one-of', values: ['user', 'assistant'] }, got: 'robot' },
      'Inkstream backup, conversations[0].messages[1].role: expected one of "user", "assistant", got the string "robot". Nothing was imported.'],
    [{ problem: 'expected', format: 'nextchat', path: '["chat-next-web-store"].sessions[0].id', expected: { type: 'id' }, got: [] },
      'NextChat backup, ["chat-next-web-store"].sessions[0].id: expected a string or number id, got an array. Nothing was imported.'],
    [{ problem: 'duplicate', format: 'inkstream-backup', path: 'conversations[1].id', value: 'a', usedBy: 'conversations[0]' },
      'Inkstream backup, conversations[1].id: "a" is already used by conversations[0]. Nothing was imported.'],
    [{ problem: 'duplicate', format: 'inkstream-backup', path: 'conversations[0].messages[2].seq', value: 1, usedBy: 'conversations[0].messages[1]' },
      'Inkstream backup, conversations[0].messages[2].seq: 1 is already used by conversations[0].messages[1]. Nothing was imported.'],
    [{ problem: 'foreign-message', format: 'inkstream-backup', path: 'conversations[0].messages[0].conversationId', declared: 'b', conversationId: 'a' },
      'Inkstream backup, conversations[0].messages[0].conversationId: says the string "b", but the message sits in conversation "a". Nothing was imported.'],
    [{ problem: 'newer-backup', version: 3, newest: 1 },
      'Inkstream backup, version: this file is version 3, written by a newer Inkstream; this version reads up to 1. Reload the page to update, then import again. Nothing was imported.'],
  ])('%o', (problem, text) => {
    expect(importErrorText({ problem })).toBe(text)
    expect(importErrorText(new ImportError('invalid', problem, 'for logs'))).toBe(text)
  })

  it('describes the values it got', () => {
    expect(describeValue(undefined)).toBe('nothing (the field is missing)')
    expect(describeValue(false)).toBe('boolean false')
    expect(describeValue({})).toBe('an object')
    expect(describeValue('x'.repeat(41))).toBe(`a string ("${'x'.repeat(37)}…")`)
  })

  it('names every source', () => {
    expect(SOURCE_NAMES).toEqual({
      'inkstream-backup': 'Inkstream backup',
      'classic-txt': 'conversation.txt',
      betterchatgpt: 'BetterChatGPT export',
      nextchat: 'NextChat backup',
    })
  })
})

describe('the data panel’s error line', () => {
  it('after an import: the file name, the reason, and "Nothing was imported." unless the reason says so already', () => {
    const bad = new ImportError('invalid', { problem: 'no-turns' }, 'for logs')
    expect(dataFailureText('import', bad, 'a.txt')).toBe('a.txt: conversation.txt holds no question and answer, so there is nothing to import.')
    const binary = new ImportError('syntax', { problem: 'binary' }, 'for logs')
    expect(dataFailureText('import', binary, 'photo.png')).toBe(
      'photo.png: This is not a text file (it contains binary data). Choose a conversation.txt or a JSON backup. Nothing was imported.',
    )
    expect(dataFailureText('import', new PersistenceError('conflict', 'x', { recordId: 'm' }), 'b.json')).toBe(
      'b.json: A message with id m is already stored in another conversation; nothing was imported.',
    )
    expect(dataFailureText('import', new PersistenceError('closed', 'x', { closedBy: 'close' }), 'b.json')).toBe(
      'b.json: The history database was closed. Nothing was imported.',
    )
    expect(dataFailureText('import', new PersistenceError('quota', 'x', { cause: quota }), 'b.json')).toBe(
      'b.json: QuotaExceededError: The quota has been exceeded. Nothing was imported.',
    )
    expect(dataFailureText('import', new TypeError('boom'), 'c.json')).toBe('c.json: TypeError: boom Nothing was imported.')
  })

  it('knows which failures already say that nothing was imported', () => {
    expect(saysNothingImported(new ImportError('empty', { problem: 'empty-file' }, ''))).toBe(true)
    expect(saysNothingImported(new ImportError('syntax', { problem: 'binary' }, ''))).toBe(false)
    expect(saysNothingImported(new PersistenceError('conflict', '', { recordId: 'm' }))).toBe(true)
    expect(saysNothingImported(new PersistenceError('quota', '', { cause: quota }))).toBe(false)
    // Decided by kind: an error whose wording happens to say so does not count.
    expect(saysNothingImported(new Error('Nothing was imported.'))).toBe(false)
  })

  it('after a backup, an export or a request for persistent storage', () => {
    expect(dataFailureText('backup', new PersistenceError('closed', 'x', { closedBy: 'versionchange' }))).toBe(
      'The backup could not be made: Inkstream was updated in another tab. Reload this tab to keep saving your history.',
    )
    expect(dataFailureText('backup', new PersistenceError('quota', 'x', { cause: quota }))).toBe(
      'The backup could not be made: QuotaExceededError: The quota has been exceeded.',
    )
    expect(dataFailureText('text', new Error('nope'))).toBe('conversation.txt could not be made: Error: nope')
    expect(dataFailureText('persist', 'denied')).toBe('Could not ask for persistent storage: denied')
  })
})

describe('storage texts in both languages', () => {
  it('a full disk reads in Chinese with the action translated, and the same facts give the English banner', async () => {
    const storageProblemText = (problem: Parameters<typeof storageProblemTexts>[0]) => renderTexts('en', [storageProblemTexts(problem)])
    const { renderText } = await import('../../src/locales')
    const problem = { kind: 'write', action: 'save-answer', error: new DOMException('full', 'QuotaExceededError') } as const
    expect(renderText('zh-CN', storageProblemTexts(problem))).toMatch(/^这个浏览器给 Inkstream 的存储空间已满，因此无法保存回答。/)
    expect(storageProblemText(problem)).toMatch(/^This browser's storage for Inkstream is full, so it could not save the answer\. /)
    expect(renderText('zh-CN', storageProblemTexts({ kind: 'deleted-elsewhere', title: 'Plan' }))).toBe('“Plan”已在另一个标签页中删除，因此它的回答没有被保存。')
  })
})

describe('import texts in both languages', () => {
  it('a wrong field names its JSON path and what was found, in Chinese too', async () => {
    const { importErrorTexts, renderTexts: both } = await import('../../src/core/errorText')
    const problem = { problem: 'expected', format: 'inkstream-backup', path: 'conversations[2].messages[0].role', expected: { type: 'role-string' }, got: 7 } as const
    expect(both('en', importErrorTexts({ problem }))).toBe(
      'Inkstream backup, conversations[2].messages[0].role: expected a role string, got number 7. Nothing was imported.',
    )
    expect(both('zh-CN', importErrorTexts({ problem }))).toBe(
      'Inkstream 备份，conversations[2].messages[0].role：应为角色字符串，实际是number 7。没有导入任何内容。',
    )
  })
})
