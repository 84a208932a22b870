// idb checks `instanceof IDBRequest` etc. against globals, so the fake classes must be installed;
// each test still gets its own engine through `new IDBFactory()`.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { expect } from 'vitest'
import { createRepository } from '../../../src/core/persistence'
import type { Repository, RepositoryOptions } from '../../../src/core/persistence'
import type { ChatMessage, Conversation, Settings } from '../../../src/core/types'

/** What a write that hit a full disk rejects with: a `quota` PersistenceError carrying the engine's error. */
export const QUOTA = {
  name: 'PersistenceError',
  kind: 'quota',
  cause: expect.objectContaining({ name: 'QuotaExceededError' }),
}

/** A repository on a fresh, private in-memory engine. */
export function openTestRepository(options: RepositoryOptions = {}): Promise<Repository> {
  return createRepository({ idbFactory: new IDBFactory(), ...options })
}

export function conversation(id: string, updatedAt = 1_700_000_000_000, title = `Chat ${id}`): Conversation {
  return { id, title, createdAt: updatedAt - 1000, updatedAt }
}

export function message(conversationId: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  const role = seq % 2 === 0 ? 'user' : 'assistant'
  return {
    id: `${conversationId}-m${seq}`,
    conversationId,
    seq,
    parentId: seq === 0 ? null : `${conversationId}-m${seq - 1}`,
    role,
    content: role === 'user' ? `问题 ${seq}` : `回答 ${seq}`,
    reasoning: '',
    status: 'done',
    createdAt: 1_700_000_000_000 + seq,
    updatedAt: 1_700_000_000_000 + seq,
    ...extra,
  }
}

export function settings(): Settings {
  return {
    apiKey: 'sk-test',
    providerId: 'deepseek',
    baseUrl: 'https://api.deepseek.com',
    model: 'deepseek-chat',
    systemPrompt: 'You are helpful.',
    params: { maxTokens: 4096, temperature: 0.7, topP: 1, topK: 50, frequencyPenalty: 0, n: 1 },
    idleTimeoutSeconds: 60,
    exportReasoning: false,
  }
}

/** A small deterministic PRNG so "random" delays are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}
