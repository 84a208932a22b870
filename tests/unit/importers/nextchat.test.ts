import { describe, expect, it } from 'vitest'
import { importNextChat, importText, parseLocaleDate } from '../../../src/core/importers'
import { fixture, importError, local } from './helpers'

const NOW = Date.UTC(2025, 0, 1)

describe('NextChat backup (Settings → Sync → Export)', () => {
  const text = fixture('nextchat-backup.json')
  const result = importText(text, { now: NOW })

  it('is detected and gives one conversation per session with messages', () => {
    expect(result.source).toBe('nextchat')
    expect(result.conversations.map((c) => c.conversation)).toEqual([
      { id: 'nextchat-Yq3kZ9n2Lm8aXv1bC4d5E', title: 'Rust 所有权', createdAt: local('2024-05-20 14:03:11'), updatedAt: 1716185109000 },
      { id: 'nextchat-pQ9rS8tU7vW6xY5zA4bC3', title: 'Cat photo', createdAt: local('2024-05-21 09:15:02'), updatedAt: 1716254140000 },
      { id: 'nextchat-1680314400000', title: 'Old build chat', createdAt: local('2023-04-01 10:00:00'), updatedAt: local('2023-04-01 10:00:03') },
    ])
  })

  it('keeps messages with their dates, models, and error or cut-off state', () => {
    const [rust, cat, old] = result.conversations
    expect(rust!.messages.map(({ id, seq, role, status, model, createdAt }) => ({ id, seq, role, status, model, createdAt }))).toEqual([
      { id: 'nextchat-Yq3kZ9n2Lm8aXv1bC4d5E-a1B2c3D4e5F6g7H8i9J0k', seq: 0, role: 'user', status: 'done', model: undefined, createdAt: local('2024-05-20 14:03:11') },
      { id: 'nextchat-Yq3kZ9n2Lm8aXv1bC4d5E-l1M2n3O4p5Q6r7S8t9U0v', seq: 1, role: 'assistant', status: 'done', model: 'gpt-4o-mini', createdAt: local('2024-05-20 14:03:15') },
      { id: 'nextchat-Yq3kZ9n2Lm8aXv1bC4d5E-w1X2y3Z4a5B6c7D8e9F0g', seq: 2, role: 'user', status: 'done', model: undefined, createdAt: local('2024-05-20 14:05:02') },
      { id: 'nextchat-Yq3kZ9n2Lm8aXv1bC4d5E-h1I2j3K4l5M6n7O8p9Q0r', seq: 3, role: 'assistant', status: 'error', model: 'gpt-4o-mini', createdAt: local('2024-05-20 14:05:09') },
    ])
    expect(rust!.messages[3]!.content).toContain('"message": "Failed to fetch"')
    expect(rust!.messages[3]!.error?.message).toContain('NextChat recorded this answer as failed')
    expect(cat!.messages.map(({ content, status, model }) => ({ content, status, model }))).toEqual([
      { content: 'What is in this picture?\n[image]', status: 'done', model: undefined },
      { content: 'An orange cat sleeping on a windowsill, in warm afternoon', status: 'interrupted', model: 'gpt-4o' },
    ])
    expect(old!.messages.map((m) => [m.id, m.content])).toEqual([
      ['nextchat-1680314400000-0', 'ping'],
      ['nextchat-1680314400000-1', 'pong'],
    ])
  })

  it('counts what it could not keep', () => {
    expect(result.skipped).toEqual(['1 preset prompt', '1 image', '1 empty conversation'])
  })

  it('never reads the access-control store, where NextChat keeps API keys', () => {
    expect(text).toContain('sk-nextchat-secret-never-read')
    expect(JSON.stringify(result)).not.toContain('sk-nextchat-secret-never-read')
  })

  it('fills a date it cannot read from the message before it', () => {
    const backup = JSON.parse(text)
    backup['chat-next-web-store'].sessions[0].messages[1].date = 'gestern um drei'
    const rust = importNextChat(backup, NOW).conversations[0]!
    expect(rust.messages[1]!.createdAt).toBe(local('2024-05-20 14:03:11'))
  })
})

describe('parseLocaleDate: what toLocaleString() writes in common locales', () => {
  it.each([
    ['2024/5/20 14:03:11', '2024-05-20 14:03:11'],
    ['2024/5/20 下午2:03:11', '2024-05-20 14:03:11'],
    ['2024/5/20 上午12:03:11', '2024-05-20 00:03:11'],
    ['5/21/2024, 9:15:02\u202fAM', '2024-05-21 09:15:02'],
    ['5/21/2024, 12:15:02 PM', '2024-05-21 12:15:02'],
    ['21/05/2024, 09:15:02', '2024-05-21 09:15:02'],
    ['21.05.2024, 09:15:02', '2024-05-21 09:15:02'],
    ['2024. 5. 21. 오후 3:15:02', '2024-05-21 15:15:02'],
    ['2024-05-21 09:15:02', '2024-05-21 09:15:02'],
  ])('%s', (input, expected) => {
    expect(parseLocaleDate(input)).toBe(local(expected))
  })

  it('rejects what it cannot read', () => {
    expect(parseLocaleDate('')).toBeUndefined()
    expect(parseLocaleDate('2024/2/31 10:00:00')).toBeUndefined()
    expect(parseLocaleDate('yesterday')).toBeUndefined()
    expect(parseLocaleDate('2024/5/20 25:00:00')).toBeUndefined()
  })
})

describe('NextChat: malformed files name the JSON path', () => {
  const good = JSON.parse(fixture('nextchat-backup.json'))

  it('truncated JSON', () => {
    const error = importError(() => importText(fixture('nextchat-backup.json').slice(0, 1200)))
    expect(error.kind).toBe('syntax')
    expect(error.message).toContain('truncated')
  })

  it('wrong types and missing fields', () => {
    const noSessions = structuredClone(good)
    noSessions['chat-next-web-store'].sessions = 'none'
    expect(importError(() => importNextChat(noSessions, NOW)).message).toBe(
      'NextChat backup, ["chat-next-web-store"].sessions: expected a list of sessions, got the string "none". Nothing was imported.',
    )
    const badMessage = structuredClone(good)
    badMessage['chat-next-web-store'].sessions[1].messages[0] = 'hello'
    expect(importError(() => importNextChat(badMessage, NOW)).path).toBe('["chat-next-web-store"].sessions[1].messages[0]')
    const noId = structuredClone(good)
    delete noId['chat-next-web-store'].sessions[0].id
    expect(importError(() => importNextChat(noId, NOW)).path).toBe('["chat-next-web-store"].sessions[0].id')
  })
})
