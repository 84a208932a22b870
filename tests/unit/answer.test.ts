import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, ProviderError, streamChat, type StreamEvent } from '../../src/core/provider'
import { applyStreamEvent, canRetry, closeAnswer, failAnswer, foldStream, newAnswer, newTurn, turnsBefore } from '../../src/core/answer'
import { toFinishReason } from '../../src/core/finishReason'
import type { ChatMessage } from '../../src/core/types'
import { respond, settingsFor, sse, stubFetch } from './provider/helpers'

const SETTINGS = { model: 'deepseek-ai/DeepSeek-V3', params: DEFAULT_SETTINGS.params }

function fresh(): ChatMessage {
  return newTurn('conv', 4, 'question', SETTINGS, 1000).answer
}

describe('newTurn', () => {
  it('pairs a done question with an empty streaming answer, stamped with the send time', () => {
    const { question, answer } = newTurn('conv', 4, 'hello', SETTINGS, 1000)
    expect(question).toMatchObject({ conversationId: 'conv', seq: 4, role: 'user', content: 'hello', status: 'done', createdAt: 1000 })
    expect(answer).toMatchObject({ conversationId: 'conv', seq: 5, role: 'assistant', content: '', reasoning: '', status: 'streaming', model: SETTINGS.model, createdAt: 1000 })
    expect(answer.params).toEqual(SETTINGS.params)
    // A copy: changing Settings later does not rewrite what this answer was asked with.
    expect(answer.params).not.toBe(SETTINGS.params)
    expect(question.id).not.toBe(answer.id)
  })
})

describe('applyStreamEvent', () => {
  it('appends text and reasoning, and says only then that a save is due', () => {
    const answer = fresh()
    expect(applyStreamEvent(answer, { type: 'reasoning', text: 'think ' }, 2000)).toBe(true)
    expect(applyStreamEvent(answer, { type: 'content', text: '你好' }, 2001)).toBe(true)
    expect(applyStreamEvent(answer, { type: 'content', text: '！' }, 2002)).toBe(true)
    expect(applyStreamEvent(answer, { type: 'usage', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }, 2003)).toBe(false)
    expect(applyStreamEvent(answer, { type: 'finish', reason: 'length' }, 2004)).toBe(false)
    expect(applyStreamEvent(answer, { type: 'done' }, 2005)).toBe(false)
    expect(answer).toMatchObject({
      content: '你好！',
      reasoning: 'think ',
      status: 'done',
      finishReason: 'length',
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      updatedAt: 2002,
    })
  })

  it('moves text shown so far into reasoning when a lone </think> reclassifies it', () => {
    const answer = fresh()
    applyStreamEvent(answer, { type: 'content', text: 'pondering' })
    applyStreamEvent(answer, { type: 'reclassify' })
    applyStreamEvent(answer, { type: 'content', text: 'answer' })
    expect(answer).toMatchObject({ reasoning: 'pondering', content: 'answer' })
  })

  it('a stop is `stopped` with no error; a failure keeps the text and stores the error text', () => {
    const stopped = fresh()
    applyStreamEvent(stopped, { type: 'content', text: 'half' })
    applyStreamEvent(stopped, { type: 'error', error: new ProviderError('aborted', 'stop') })
    expect(stopped).toMatchObject({ status: 'stopped', content: 'half' })
    expect(stopped.error).toBeUndefined()

    const failed = fresh()
    applyStreamEvent(failed, { type: 'content', text: 'part' })
    applyStreamEvent(failed, { type: 'error', error: new ProviderError('http', 'HTTP 402', { status: 402 }) })
    expect(failed).toMatchObject({ status: 'error', content: 'part', error: { kind: 'http', status: 402 } })
    expect(failed.error?.message).toMatch(/^Insufficient balance \(HTTP 402\)/)

    const cut = fresh()
    applyStreamEvent(cut, { type: 'interrupted', error: new ProviderError('network', 'dropped', { midStream: true, url: 'https://x/v1/chat/completions' }) })
    expect(cut).toMatchObject({ status: 'interrupted', error: { kind: 'network' } })
  })
})

describe('foldStream over a real client stream', () => {
  it('folds what streamChat yields into the stored answer', async () => {
    const wire =
      sse({ choices: [{ delta: { reasoning_content: '想' } }] }) +
      sse({ choices: [{ delta: { content: '答' } }] }) +
      sse({ choices: [{ delta: {}, finish_reason: 'content_filter' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }) +
      'data: [DONE]\n\n'
    const { fetch } = stubFetch(respond(wire, { seed: 7 }))
    const answer = await foldStream(fresh(), streamChat(settingsFor('siliconflow'), [{ role: 'user', content: 'q' }], { fetch }))
    expect(answer).toMatchObject({
      content: '答',
      reasoning: '想',
      status: 'done',
      finishReason: 'filtered',
      usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
    })
  })

  it('accepts a plain list of events', async () => {
    const events: StreamEvent[] = [{ type: 'content', text: 'a' }, { type: 'done' }]
    expect(await foldStream(fresh(), events)).toMatchObject({ content: 'a', status: 'done' })
  })
})

describe('the end of an answer', () => {
  it('an answer with no terminal event is interrupted; a finished one keeps its status', () => {
    const open = fresh()
    closeAnswer(open, 3000)
    expect(open).toMatchObject({ status: 'interrupted', updatedAt: 3000 })
    const done = { ...fresh(), status: 'done' as const }
    closeAnswer(done, 3000)
    expect(done.status).toBe('done')
  })

  it('a failure of our own is an error that keeps the text', () => {
    const answer = { ...fresh(), content: 'kept' }
    failAnswer(answer, new TypeError('boom'))
    expect(answer).toMatchObject({ status: 'error', content: 'kept', error: { kind: 'protocol' } })
    expect(answer.error?.message).toContain('TypeError: boom')
  })
})

describe('Retry', () => {
  it('is offered for stopped, interrupted and failed answers only', () => {
    const statuses = ['streaming', 'done', 'stopped', 'interrupted', 'error'] as const
    expect(statuses.filter((status) => canRetry({ ...fresh(), status }))).toEqual(['stopped', 'interrupted', 'error'])
    expect(canRetry(newTurn('c', 0, 'q', SETTINGS, 0).question)).toBe(false)
    expect(canRetry(undefined)).toBe(false)
  })

  it('makes a new version: an empty answer to the same question, asked with the current model', () => {
    const { question } = newTurn('c', 0, 'q', SETTINGS, 1000)
    const answer = newAnswer(question, 7, { model: 'other', params: { ...SETTINGS.params, temperature: 1 } }, 4000)
    expect(answer).toMatchObject({ conversationId: 'c', seq: 7, parentId: question.id, role: 'assistant', content: '', status: 'streaming', model: 'other', createdAt: 4000 })
    expect(answer.params?.temperature).toBe(1)
    expect(answer.id).not.toBe(question.id)
  })
})

describe('turnsBefore', () => {
  it('sends the system prompt and the history before the answer, never the answer itself', () => {
    const first = newTurn('c', 0, 'one', SETTINGS, 0)
    const second = newTurn('c', 2, 'two', SETTINGS, 0)
    const messages = [first.question, { ...first.answer, content: 'uno', status: 'done' as const }, second.question, second.answer]
    expect(turnsBefore(messages, 3, 'Be brief.')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'uno' },
      { role: 'user', content: 'two' },
    ])
  })
})

describe('toFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['eos', 'stop'],
    ['length', 'length'],
    ['max_tokens', 'length'],
    ['content_filter', 'filtered'],
    ['sensitive', 'filtered'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['insufficient_system_resource', 'other'],
  ])('%s → %s', (raw, expected) => {
    expect(toFinishReason(raw)).toBe(expected)
  })

  it('nothing for a missing or empty reason', () => {
    expect(toFinishReason(null)).toBeUndefined()
    expect(toFinishReason('')).toBeUndefined()
    expect(toFinishReason(3)).toBeUndefined()
  })
})
