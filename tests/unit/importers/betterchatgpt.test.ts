import { describe, expect, it } from 'vitest'
import { importBetterChatGpt, importText } from '../../../src/core/importers'
import { fixture, importError } from './helpers'

const NOW = Date.UTC(2025, 0, 1)

describe('BetterChatGPT export (version 1, with folders)', () => {
  const text = fixture('betterchatgpt-v1.json')
  const result = importText(text, { now: NOW })

  it('is detected and gives one conversation per chat that has messages', () => {
    expect(result.source).toBe('betterchatgpt')
    expect(result.conversations.map((c) => c.conversation)).toEqual([
      { id: 'bcg-0b0a5c1e-6a1f-4c33-9a7e-2f7d2b7f1a10', title: 'Regex for ISO dates', createdAt: NOW, updatedAt: NOW },
      { id: 'bcg-5e1d7a44-8b0c-4c1a-b1f2-9d3e6f7a8b90', title: '看图说话', createdAt: NOW - 1, updatedAt: NOW - 1 },
    ])
  })

  it('keeps user and assistant messages in order, with the chat model on answers', () => {
    const [first] = result.conversations
    expect(first!.messages.map(({ seq, role, status, model }) => ({ seq, role, status, model }))).toEqual([
      { seq: 0, role: 'user', status: 'done', model: undefined },
      { seq: 1, role: 'assistant', status: 'done', model: 'gpt-4o' },
      { seq: 2, role: 'user', status: 'done', model: undefined },
      { seq: 3, role: 'assistant', status: 'done', model: 'gpt-4o' },
    ])
    expect(first!.messages[1]!.content).toBe('Here you go:\n\n```\n^\\d{4}-\\d{2}-\\d{2}$\n```\n\nIt checks the shape only, not whether the day exists.')
    expect(new Set(first!.messages.map((m) => m.id)).size).toBe(4)
  })

  it('reads content given as a list of parts, marking images it cannot keep', () => {
    const [, second] = result.conversations
    expect(second!.messages.map((m) => m.content)).toEqual(['这张图里有什么？\n[image]', '图里是一只橘猫，趴在窗台上晒太阳。'])
    expect(result.skipped).toEqual(['3 system prompts', '1 image', '1 empty chat'])
  })

  it('is deterministic (same ids and times for the same file and clock)', () => {
    expect(importText(text, { now: NOW })).toEqual(result)
  })
})

describe('BetterChatGPT legacy export (a bare list of chats)', () => {
  it('is detected and imported', () => {
    const result = importText(fixture('betterchatgpt-legacy.json'), { now: NOW })
    expect(result.source).toBe('betterchatgpt')
    expect(result.conversations).toHaveLength(1)
    expect(result.conversations[0]!.conversation.id).toBe('bcg-legacy-1')
    expect(result.conversations[0]!.messages.map((m) => m.content)).toEqual(['Hello there', 'Hi! How can I help you today?'])
  })

  it('makes ids unique when one export holds the same chat twice (BetterChatGPT appends imports)', () => {
    const chat = JSON.parse(fixture('betterchatgpt-legacy.json'))[0]
    const result = importBetterChatGpt([chat, chat], NOW)
    const ids = result.conversations.map((c) => c.conversation.id)
    expect(new Set(ids).size).toBe(2)
    expect(new Set(result.conversations.flatMap((c) => c.messages.map((m) => m.id))).size).toBe(4)
  })
})

describe('BetterChatGPT: malformed files name the JSON path', () => {
  const good = JSON.parse(fixture('betterchatgpt-v1.json'))

  it('truncated JSON', () => {
    const text = fixture('betterchatgpt-v1.json')
    const error = importError(() => importText(text.slice(0, 700)))
    expect(error.kind).toBe('syntax')
    expect(error.message).toMatch(/^JSON file, line 1: the JSON ends too early, so the file is probably truncated/)
  })

  it('wrong types and missing fields', () => {
    const wrongContent = structuredClone(good)
    wrongContent.chats[0].messages[2].content = 42
    expect(importError(() => importText(JSON.stringify(wrongContent))).message).toBe(
      'BetterChatGPT export, chats[0].messages[2].content: expected the message text (a string or a list of parts), got number 42. Nothing was imported.',
    )
    const noMessages = structuredClone(good)
    delete noMessages.chats[1].messages
    const error = importError(() => importBetterChatGpt(noMessages, NOW))
    expect(error.path).toBe('chats[1].messages')
    expect(error.message).toContain('expected a list of messages, got nothing (the field is missing)')
    const badRole = structuredClone(good)
    badRole.chats[0].messages[1].role = null
    expect(importError(() => importBetterChatGpt(badRole, NOW)).path).toBe('chats[0].messages[1].role')
    const badPart = structuredClone(good)
    badPart.chats[1].messages[1].content[0] = { type: 'text', text: 7 }
    expect(importError(() => importBetterChatGpt(badPart, NOW)).path).toBe('chats[1].messages[1].content[0].text')
  })

  it('an unknown export version', () => {
    const error = importError(() => importBetterChatGpt({ ...good, version: 3 }, NOW))
    expect(error.kind).toBe('version')
    expect(error.message).toContain('expected 1')
  })

  it('an export whose chats are all empty imports nothing', () => {
    const empty = { chats: [good.chats[2]], folders: {}, version: 1 }
    const error = importError(() => importText(JSON.stringify(empty)))
    expect(error.kind).toBe('empty')
    expect(error.message).toContain('1 system prompt')
  })
})
