import { describe, it, expect } from 'vitest'
import { streamChat } from '../../../src/core/provider'
import type { StreamEvent } from '../../../src/core/provider'
import {
  KEY,
  SEEDS,
  byteStream,
  collect,
  cut,
  encode,
  respond,
  settingsFor,
  sse,
  stubFetch,
  summarize,
  until,
} from './helpers'
import type { BodyControl, Summary } from './helpers'

const TURNS = [{ role: 'user' as const, content: '你好' }]

/** Runs one fixture through streamChat for every seed and expects the same summary each time. */
async function forEverySeed(providerId: string, wire: string, expected: Summary): Promise<void> {
  for (const seed of SEEDS) {
    const { fetch } = stubFetch(respond(wire, { seed }))
    const events = await collect(streamChat(settingsFor(providerId), TURNS, { fetch }))
    expect({ seed, ...summarize(events) }).toEqual({ seed, ...expected })
  }
}

async function run(providerId: string, response: Response | Promise<Response>): Promise<StreamEvent[]> {
  const { fetch } = stubFetch(() => Promise.resolve(response))
  return collect(streamChat(settingsFor(providerId), TURNS, { fetch }))
}

const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1700000000, model: 'm' }

describe('streamChat: recorded provider shapes, split at random byte boundaries', () => {
  it('OpenAI: role chunk, content, empty finish delta, usage chunk with choices [], [DONE]', async () => {
    const wire =
      sse({ ...head, system_fingerprint: 'fp_1', choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], usage: null, obfuscation: 'Xy' }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: '你好' }, logprobs: null, finish_reason: null }], usage: null, obfuscation: 'a1' }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: '，世界 👋🏽！' }, logprobs: null, finish_reason: null }], usage: null }) +
      sse({ ...head, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null }) +
      sse({ ...head, choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14, completion_tokens_details: { reasoning_tokens: 0 } } }) +
      'data: [DONE]\n\n'
    await forEverySeed('openai', wire, {
      content: '你好，世界 👋🏽！',
      reasoning: '',
      usage: { promptTokens: 9, completionTokens: 5, totalTokens: 14, reasoningTokens: 0 },
      finishes: ['stop'],
      end: 'done',
    })
  })

  it('SiliconFlow: reasoning_content, cumulative usage on every chunk (one event per change)', async () => {
    const usage = (c: number, extra: object = {}) => ({ prompt_tokens: 10, completion_tokens: c, total_tokens: 10 + c, ...extra })
    const wire =
      sse({ ...head, system_fingerprint: '', choices: [{ index: 0, delta: { content: null, reasoning_content: '让我想想', role: 'assistant' }, finish_reason: null }], usage: usage(1) }) +
      sse({ ...head, system_fingerprint: '', choices: [{ index: 0, delta: { content: null, reasoning_content: '……🤔' }, finish_reason: null }], usage: usage(2) }) +
      sse({ ...head, system_fingerprint: '', choices: [{ index: 0, delta: { content: null, reasoning_content: '' }, finish_reason: null }], usage: usage(2) }) +
      sse({ ...head, system_fingerprint: '', choices: [{ index: 0, delta: { content: '答案', reasoning_content: null }, finish_reason: null }], usage: usage(3) }) +
      sse({ ...head, system_fingerprint: '', choices: [{ index: 0, delta: { content: '是 42。', reasoning_content: null }, finish_reason: 'stop' }], usage: usage(5, { completion_tokens_details: { reasoning_tokens: 2 } }) }) +
      'data: [DONE]\n\n'
    await forEverySeed('siliconflow', wire, {
      content: '答案是 42。',
      reasoning: '让我想想……🤔',
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, reasoningTokens: 2 },
      finishes: ['stop'],
      end: 'done',
    })
    const events = await run('siliconflow', respond(wire, { seed: 7 }))
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(4)
  })

  it('DeepSeek reasoner: content null while thinking; last text, finish and usage share one chunk (text first)', async () => {
    const wire =
      sse({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: '' }, logprobs: null, finish_reason: null }], usage: null }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: null, reasoning_content: '用户问' }, logprobs: null, finish_reason: null }], usage: null }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: null, reasoning_content: '的是加法。' }, logprobs: null, finish_reason: null }], usage: null }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: '1+1', reasoning_content: null }, logprobs: null, finish_reason: null }], usage: null }) +
      sse({
        ...head,
        choices: [{ index: 0, delta: { content: '=2', reasoning_content: null }, logprobs: null, finish_reason: 'length' }],
        usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 25 }, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 12 },
      }) +
      'data: [DONE]\n\n'
    await forEverySeed('deepseek', wire, {
      content: '1+1=2',
      reasoning: '用户问的是加法。',
      usage: { promptTokens: 12, completionTokens: 30, totalTokens: 42, reasoningTokens: 25, cachedPromptTokens: 0 },
      finishes: ['length'],
      end: 'done',
    })
    const events = await run('deepseek', respond(wire))
    // One network read: its text arrives as one event, still before usage and finish.
    expect(events.slice(-4)).toEqual([
      { type: 'content', text: '1+1=2' },
      { type: 'usage', usage: { promptTokens: 12, completionTokens: 30, totalTokens: 42, reasoningTokens: 25, cachedPromptTokens: 0 } },
      { type: 'finish', reason: 'length' },
      { type: 'done' },
    ])
  })

  it('OpenRouter: processing comments, reasoning + reasoning_details (not doubled), usage chunk with choices []', async () => {
    const detail = (text: string) => [{ type: 'reasoning.text', text, format: 'unknown', index: 0 }]
    const wire =
      ': OPENROUTER PROCESSING\n\n' +
      ': OPENROUTER PROCESSING\n\n' +
      sse({ ...head, provider: 'DeepInfra', choices: [{ index: 0, delta: { role: 'assistant', content: '', reasoning: '想', reasoning_details: detail('想') }, finish_reason: null, native_finish_reason: null, logprobs: null }] }) +
      ': OPENROUTER PROCESSING\n\n' +
      sse({ ...head, provider: 'DeepInfra', choices: [{ index: 0, delta: { role: 'assistant', content: '', reasoning: '一想', reasoning_details: detail('一想') }, finish_reason: null }] }) +
      sse({ ...head, provider: 'DeepInfra', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi 😀', reasoning: null }, finish_reason: null }] }) +
      sse({ ...head, provider: 'DeepInfra', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop', native_finish_reason: 'stop' }] }) +
      sse({ ...head, provider: 'DeepInfra', choices: [], usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10, cost: 0.0001 } }) +
      'data: [DONE]\n\n'
    await forEverySeed('openrouter', wire, {
      content: 'Hi 😀',
      reasoning: '想一想',
      usage: { promptTokens: 4, completionTokens: 6, totalTokens: 10 },
      finishes: ['stop'],
      end: 'done',
    })
  })

  it('OpenRouter mid-stream error (error + finish_reason "error" in one chunk) -> one error, text kept, no finish', async () => {
    const wire =
      sse({ ...head, choices: [{ index: 0, delta: { content: '部分回答' }, finish_reason: null }] }) +
      sse({
        ...head,
        provider: 'Amazon Bedrock',
        error: { code: 502, message: 'Network connection lost.', metadata: { error_type: 'provider_unavailable' } },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
      })
    await forEverySeed('openrouter', wire, {
      content: '部分回答',
      reasoning: '',
      finishes: [],
      end: 'error:stream',
      text: 'The provider reported an error during the answer: “Network connection lost.”. The answer is incomplete; retry.',
    })
  })

  it('OpenAI mid-stream error object after content', async () => {
    const wire =
      sse({ ...head, choices: [{ index: 0, delta: { content: 'Once upon' }, finish_reason: null }] }) +
      'data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error"}}\n\n'
    await forEverySeed('openai', wire, {
      content: 'Once upon',
      reasoning: '',
      finishes: [],
      end: 'error:stream',
      text: 'The provider reported an error during the answer: “The server had an error while processing your request. Sorry about that!”. The answer is incomplete; retry.',
    })
  })

  it('Ollama: role repeated on every delta, `reasoning` field, usage chunk', async () => {
    const chunk = (delta: object, finish: string | null = null) =>
      sse({ id: 'chatcmpl-7', object: 'chat.completion.chunk', created: 1, model: 'qwen3', system_fingerprint: 'fp_ollama', choices: [{ index: 0, delta: { role: 'assistant', ...delta }, finish_reason: finish }] })
    const wire =
      chunk({ content: '', reasoning: 'Thinking' }) +
      chunk({ content: '', reasoning: ' hard…' }) +
      chunk({ content: 'Grüße' }) +
      chunk({ content: '' }, 'stop') +
      sse({ id: 'chatcmpl-7', object: 'chat.completion.chunk', created: 1, model: 'qwen3', choices: [], usage: { prompt_tokens: 3, completion_tokens: 8, total_tokens: 11 } }) +
      'data: [DONE]\n\n'
    await forEverySeed('ollama', wire, {
      content: 'Grüße',
      reasoning: 'Thinking hard…',
      usage: { promptTokens: 3, completionTokens: 8, totalTokens: 11 },
      finishes: ['stop'],
      end: 'done',
    })
  })

  it('vLLM: reasoning and reasoning_content carrying the same text are taken once; `reasoning` alone works', async () => {
    const wire =
      sse({ ...head, choices: [{ index: 0, delta: { reasoning_content: 'step 1. ', reasoning: 'step 1. ' }, finish_reason: null }] }) +
      sse({ ...head, choices: [{ index: 0, delta: { reasoning: 'step 2.' }, finish_reason: null }] }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: 'ok', reasoning_content: null, reasoning: null }, finish_reason: 'stop' }] }) +
      'data: [DONE]\n\n'
    await forEverySeed('custom', wire, { content: 'ok', reasoning: 'step 1. step 2.', finishes: ['stop'], end: 'done' })
  })

  it('`data:` without a space, CRLF line ends, a BOM and SiliconFlow’s `sensitive` finish_reason (normalised to filtered)', async () => {
    const wire =
      '\uFEFFdata:{"choices":[{"index":0,"delta":{"content":"第一"}}]}\r\n\r\n' +
      ':keep-alive\r\n\r\n' +
      'data:{"choices":[{"index":0,"delta":{"content":"行\\r\\n第二行"}}]}\r\n\r\n' +
      'data:{"choices":[{"index":0,"delta":{},"finish_reason":"sensitive"}]}\r\n\r\n' +
      'data:[DONE]\r\n\r\n'
    await forEverySeed('custom', wire, { content: '第一行\r\n第二行', reasoning: '', finishes: ['filtered'], end: 'done' })
  })

  it('choices null/missing/[] and delta missing/{} and content null are all harmless', async () => {
    const wire =
      sse({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] }) +
      sse({ ...head, choices: null }) +
      sse({ ...head }) +
      sse({ ...head, choices: [{ index: 0, content_filter_offsets: { check_offset: 0 }, finish_reason: null }] }) +
      sse({ ...head, choices: [{ index: 0, delta: {}, finish_reason: null }] }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: null, tool_calls: null }, finish_reason: null }] }) +
      sse({ ...head, choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] }) +
      sse({ ...head, choices: [{ index: 1, delta: { content: 'OTHER CHOICE' }, finish_reason: null }] }) +
      'data: this is not json\n\n' +
      'data: 42\n\n' +
      sse({ ...head, choices: [{ index: 0, delta: { content: 'y' }, finish_reason: 'content_filter', content_filter_results: {} }] }) +
      'data: [DONE]\n\n'
    await forEverySeed('custom', wire, { content: 'xy', reasoning: '', finishes: ['filtered'], end: 'done' })
  })

  it('cached prompt tokens: DeepSeek prompt_cache_hit_tokens, OpenAI prompt_tokens_details.cached_tokens', async () => {
    const deepseek =
      sse({ ...head, choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }], usage: null }) +
      sse({
        ...head,
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1200, completion_tokens: 1, total_tokens: 1201, prompt_cache_hit_tokens: 1024, prompt_cache_miss_tokens: 176 },
      }) +
      'data: [DONE]\n\n'
    await forEverySeed('deepseek', deepseek, {
      content: 'a',
      reasoning: '',
      usage: { promptTokens: 1200, completionTokens: 1, totalTokens: 1201, cachedPromptTokens: 1024 },
      finishes: ['stop'],
      end: 'done',
    })
    const openai =
      sse({ ...head, choices: [{ index: 0, delta: { content: 'b' }, finish_reason: 'stop' }], usage: null }) +
      sse({ ...head, choices: [], usage: { prompt_tokens: 2000, completion_tokens: 1, total_tokens: 2001, prompt_tokens_details: { cached_tokens: 1536 } } }) +
      'data: [DONE]\n\n'
    await forEverySeed('openai', openai, {
      content: 'b',
      reasoning: '',
      usage: { promptTokens: 2000, completionTokens: 1, totalTokens: 2001, cachedPromptTokens: 1536 },
      finishes: ['stop'],
      end: 'done',
    })
  })

  it('Moonshot usage inside the choice, Groq usage under x_groq', async () => {
    const moonshot =
      sse({ ...head, choices: [{ index: 0, delta: { content: '月' }, finish_reason: null }] }) +
      sse({ ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop', usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9, cached_tokens: 0 } }] }) +
      'data: [DONE]\n\n'
    await forEverySeed('custom', moonshot, {
      content: '月',
      reasoning: '',
      usage: { promptTokens: 8, completionTokens: 1, totalTokens: 9, cachedPromptTokens: 0 },
      finishes: ['stop'],
      end: 'done',
    })
    const groq =
      sse({ ...head, choices: [{ index: 0, delta: { content: 'g' }, finish_reason: 'stop' }], x_groq: { id: 'req_1', usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } } }) +
      'data: [DONE]\n\n'
    expect(summarize(await run('custom', respond(groq))).usage).toEqual({ promptTokens: 2, completionTokens: 1, totalTokens: 3 })
  })
})

describe('streamChat: <think> tags in content', () => {
  const content = (parts: string[], finish = 'stop') =>
    parts.map((text) => sse({ ...head, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })).join('') +
    sse({ ...head, choices: [{ index: 0, delta: {}, finish_reason: finish }] }) +
    'data: [DONE]\n\n'

  it('splits a block whose tags are cut across deltas', async () => {
    const wire = content(['\n', '<thi', 'nk>\n嗯，', '用户想要</th', 'ink>', '\n\n', '答案：', '<b>粗体</b>'])
    await forEverySeed('custom', wire, { content: '答案：<b>粗体</b>', reasoning: '\n嗯，用户想要', finishes: ['stop'], end: 'done' })
  })

  it('splits a block inside one delta and keeps later tags as literal text', async () => {
    const wire = content(['<think>a</think>\n\nUse <think> and </think> tags.'])
    await forEverySeed('custom', wire, { content: 'Use <think> and </think> tags.', reasoning: 'a', finishes: ['stop'], end: 'done' })
  })

  it('an opening tag after the answer has started is literal text', async () => {
    const wire = content(['The tag ', '<think>', ' is XML-ish.'])
    await forEverySeed('custom', wire, { content: 'The tag <think> is XML-ish.', reasoning: '', finishes: ['stop'], end: 'done' })
  })

  it('a lone </think> reclassifies earlier content as reasoning; text before it in that delta is reasoning too', async () => {
    const wire = content(['Okay, the user', ' asks 2+2.\nSo 4.</th', 'ink>\n\n', '4'])
    await forEverySeed('custom', wire, { content: '4', reasoning: 'Okay, the user asks 2+2.\nSo 4.', finishes: ['stop'], end: 'done' })
    const events = await run('custom', respond(content(['abc', 'def</think>ghi'])))
    expect(events.slice(0, 5)).toEqual([
      { type: 'content', text: 'abc' },
      { type: 'reclassify' },
      { type: 'reasoning', text: 'def' },
      { type: 'content', text: 'ghi' },
      { type: 'finish', reason: 'stop' },
    ])
    const sameDelta = await run('custom', respond(content(['abc</think>ghi'])))
    expect(sameDelta.slice(0, 3)).toEqual([{ type: 'reclassify' }, { type: 'reasoning', text: 'abc' }, { type: 'content', text: 'ghi' }])
  })

  it('a partial tag at the end of the stream is flushed as text', async () => {
    const wire = content(['a < b and c </thi'])
    await forEverySeed('custom', wire, { content: 'a < b and c </thi', reasoning: '', finishes: ['stop'], end: 'done' })
  })

  it('an unclosed block stays reasoning when the stream ends', async () => {
    const wire = content(['<think>still thinking'], 'length')
    await forEverySeed('custom', wire, { content: '', reasoning: 'still thinking', finishes: ['length'], end: 'done' })
  })
})

describe('streamChat: how a stream ends', () => {
  const text = (t: string, finish: string | null = null) => sse({ ...head, choices: [{ index: 0, delta: { content: t }, finish_reason: finish }] })

  it('[DONE] ends it: nothing after it is read, and the body is cancelled', async () => {
    const control: BodyControl = { cancelled: false, cancelReason: undefined }
    const wire = text('kept') + 'data:  [DONE]  \n\n' + text('JUNK') + 'garbage'
    const body = byteStream([encode(wire)], 'hang', control)
    const events = await run('custom', respond(body))
    expect(summarize(events)).toEqual({ content: 'kept', reasoning: '', finishes: [], end: 'done' })
    await until(() => control.cancelled)
  })

  it('EOF after a finish_reason without [DONE] is done', async () => {
    await forEverySeed('custom', text('a') + text('b', 'stop'), { content: 'ab', reasoning: '', finishes: ['stop'], end: 'done' })
  })

  it('EOF with neither [DONE] nor finish_reason is interrupted (protocol), text kept', async () => {
    await forEverySeed('custom', text('half an ans') + 'data: {"choices":[{"delta":{"content":"wer"}}]}', {
      content: 'half an ans',
      reasoning: '',
      finishes: [],
      end: 'interrupted:protocol',
      text: 'The stream from http://127.0.0.1:8000/v1 ended without [DONE] or a finish reason; the answer may be incomplete.',
    })
  })

  it('a reader error mid-stream is interrupted (network) with the earlier text emitted', async () => {
    for (const seed of SEEDS.slice(0, 12)) {
      const body = byteStream(cut(encode(text('汉字和表情 🎉') + text('more')), seed), new TypeError('network error'))
      const events = await run('siliconflow', respond(body))
      expect(summarize(events)).toEqual({
        content: '汉字和表情 🎉more',
        reasoning: '',
        finishes: [],
        end: 'interrupted:network',
        text: 'The connection to https://api.siliconflow.cn/v1 dropped before the answer finished; it is incomplete. Retry to get a full answer.',
      })
    }
  })

  it('an `event: error` SSE message is a stream error', async () => {
    const events = await run('custom', respond(text('x') + 'event: error\ndata: upstream exploded\n\n'))
    expect(summarize(events)).toMatchObject({ content: 'x', end: 'error:stream' })
    expect(summarize(events).text).toContain('“upstream exploded”')
  })
})

describe('streamChat: 200 responses that are not event streams', () => {
  const json = { 'Content-Type': 'application/json' }

  it('JSON {error} -> stream error with the server text', async () => {
    const events = await run('custom', respond('{"error":{"message":"Upstream failed","type":"server_error"}}', { headers: json }))
    expect(summarize(events)).toEqual({ content: '', reasoning: '', finishes: [], end: 'error:stream', text: 'The provider reported an error: “Upstream failed”.' })
  })

  it('a whole completion (stream ignored by a proxy) -> reasoning, content, usage, finish, done', async () => {
    const body = JSON.stringify({
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: '<think>嗯</think>\n\nHello!', reasoning_content: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    })
    for (const seed of SEEDS.slice(0, 10)) {
      const events = await run('custom', respond(body, { headers: json, seed }))
      expect(events).toEqual([
        { type: 'reasoning', text: '嗯' },
        { type: 'content', text: 'Hello!' },
        { type: 'usage', usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 } },
        { type: 'finish', reason: 'stop' },
        { type: 'done' },
      ])
    }
    const reasoner = JSON.stringify({ choices: [{ index: 0, message: { content: 'A', reasoning_content: 'R' }, finish_reason: 'stop' }] })
    expect(summarize(await run('custom', respond(reasoner, { headers: json })))).toEqual({ content: 'A', reasoning: 'R', finishes: ['stop'], end: 'done' })
  })

  it('text/html -> protocol error naming status and type, no HTML in the text', async () => {
    const page = '<!DOCTYPE html>\n<html><head><title>Login</title></head><body><h1>Sign in</h1></body></html>'
    const events = await run('custom', respond(page, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }))
    const summary = summarize(events)
    expect(summary).toEqual({
      content: '',
      reasoning: '',
      finishes: [],
      end: 'error:protocol',
      text: 'The response from http://127.0.0.1:8000/v1/chat/completions could not be read as a chat completion (HTTP 200, text/html; charset=utf-8). Check the base URL in Settings.',
    })
    expect(summary.text).not.toContain('<')
  })

  it('SSE sent under a wrong Content-Type is still read', async () => {
    const wire = sse({ choices: [{ index: 0, delta: { content: 'plain' }, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n'
    const events = await run('custom', respond(wire, { headers: { 'Content-Type': 'text/plain' } }))
    expect(summarize(events)).toEqual({ content: 'plain', reasoning: '', finishes: ['stop'], end: 'done' })
  })
})

describe('streamChat: HTTP errors (bodies from wire-format.md §6)', () => {
  async function httpError(providerId: string, status: number, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
    const events = await run(providerId, respond(body, { status, headers, seed: 3 }))
    expect(events).toHaveLength(1)
    const event = events[0]
    if (event?.type !== 'error') throw new Error('expected an error event')
    return event.error
  }

  it('OpenAI 401, pretty-printed envelope', async () => {
    const body = `{
    "error": {
        "message": "Incorrect API key provided: sk-proj-********************************ABCD. You can find your API key at https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": null,
        "code": "invalid_api_key"
    }
}
`
    const error = await httpError('openai', 401, body)
    expect(error.kind).toBe('http')
    expect(error.status).toBe(401)
    expect(summarize([{ type: 'error', error }]).text).toBe(
      'The API key was rejected (HTTP 401). Check it in Settings. The server said: “Incorrect API key provided: sk-proj-********************************ABCD. You can find your API key at https://platform.openai.com/account/api-keys.”',
    )
  })

  it('DeepSeek 401 and 402', async () => {
    const e401 = await httpError('deepseek', 401, '{"error":{"message":"Authentication Fails, Your api key: ****abcd is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}')
    expect(summarize([{ type: 'error', error: e401 }]).text).toBe(
      'The API key was rejected (HTTP 401). Check it in Settings. The server said: “Authentication Fails, Your api key: ****abcd is invalid”',
    )
    const e402 = await httpError('deepseek', 402, '{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}')
    expect(summarize([{ type: 'error', error: e402 }]).text).toBe(
      'Insufficient balance (HTTP 402). Top up your account with the provider. The server said: “Insufficient Balance”',
    )
  })

  it('SiliconFlow 400 {code,message}, 401 bare JSON string, 403 "Forbidden"', async () => {
    const e400 = await httpError('siliconflow', 400, '{"code":20012,"message":"Model does not exist. Please check it carefully.","data":null}')
    expect(summarize([{ type: 'error', error: e400 }]).text).toBe(
      'The provider rejected the request (HTTP 400). Check the model and parameters in Settings. The server said: “Model does not exist. Please check it carefully.”',
    )
    const e401 = await httpError('siliconflow', 401, '"Invalid token"')
    expect(e401.serverMessage).toBe('Invalid token')
    expect(summarize([{ type: 'error', error: e401 }]).text).toBe(
      'The API key was rejected (HTTP 401). Check it in Settings. The server said: “Invalid token”',
    )
    const e403 = await httpError('siliconflow', 403, '"Forbidden"')
    expect(e403.serverMessage).toBe('Forbidden')
  })

  it('404 plain text names the URL and the model', async () => {
    const error = await httpError('siliconflow', 404, '404 page not found', { 'Content-Type': 'text/plain; charset=utf-8' })
    expect(summarize([{ type: 'error', error }]).text).toBe(
      'Not found (HTTP 404): https://api.siliconflow.cn/v1/chat/completions with model “deepseek-ai/DeepSeek-V3”. Check the base URL and the model in Settings. The server said: “404 page not found”',
    )
  })

  it('429 with Retry-After in seconds and as an HTTP date', async () => {
    const body = '{"message":"Request was rejected due to rate limiting. If you want more, please contact contact@siliconflow.cn. Details:TPM limit reached.","data":null}'
    const seconds = await httpError('siliconflow', 429, body, { 'Content-Type': 'application/json', 'Retry-After': '20' })
    expect(seconds.retryAfterSeconds).toBe(20)
    expect(summarize([{ type: 'error', error: seconds }]).text).toBe(
      'Rate limited by the provider (HTTP 429). Retry in 20 s. The server said: “Request was rejected due to rate limiting. If you want more, please contact contact@siliconflow.cn. Details:TPM limit reached.”',
    )
    const at = new Date(Date.now() + 120_000).toUTCString()
    const dated = await httpError('openrouter', 429, '{"error":{"code":429,"message":"Rate limit exceeded"}}', { 'Content-Type': 'application/json', 'Retry-After': at })
    expect(dated.retryAfterSeconds).toBeGreaterThanOrEqual(118)
    expect(dated.retryAfterSeconds).toBeLessThanOrEqual(120)
    const none = await httpError('openai', 429, '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}')
    expect(summarize([{ type: 'error', error: none }]).text).toBe(
      'Rate limited by the provider (HTTP 429). Wait a moment and retry. The server said: “You exceeded your current quota”',
    )
  })

  it('503 JSON and nginx 502 HTML (never dumped)', async () => {
    const e503 = await httpError('siliconflow', 503, '{"code":50505,"message":"Model service overloaded. Please try again later.","data":null}')
    expect(summarize([{ type: 'error', error: e503 }]).text).toBe(
      'The provider is unavailable (HTTP 503). Try again later. The server said: “Model service overloaded. Please try again later.”',
    )
    const nginx = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
    const e502 = await httpError('deepseek', 502, nginx, { 'Content-Type': 'text/html' })
    const text = summarize([{ type: 'error', error: e502 }]).text
    expect(text).toBe('The provider is unavailable (HTTP 502). Try again later.')
    expect(text).not.toContain('<')
  })

  it('a server that echoes the key never gets it into the message', async () => {
    const error = await httpError('custom', 401, `{"error":{"message":"Invalid key ${KEY} for this project"}}`)
    const text = summarize([{ type: 'error', error }]).text ?? ''
    expect(text).not.toContain(KEY)
    expect(text).toBe('The API key was rejected (HTTP 401). Check it in Settings. The server said: “Invalid key sk-…cdef for this project”')
    const odd = 'ollama-local-secret-value-42'
    const { fetch } = stubFetch(respond(`{"error":"bad key ${odd}"}`, { status: 403, headers: { 'Content-Type': 'application/json' } }))
    const events = await collect(streamChat(settingsFor('custom', { apiKey: odd }), TURNS, { fetch }))
    const message = summarize(events).text ?? ''
    expect(message).not.toContain(odd)
    expect(message).toContain('“bad key …e-42”')
  })
})

describe('streamChat: network, timeouts and aborts', () => {
  it('fetch rejecting with a TypeError is a network error naming the base URL', async () => {
    const { fetch, calls } = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')))
    const events = await collect(streamChat(settingsFor('siliconflow'), TURNS, { fetch }))
    // The request, then one probe without key or body that would have told a redirect apart.
    expect(calls).toHaveLength(2)
    expect(calls[1]!.init).toMatchObject({ mode: 'cors', redirect: 'manual', credentials: 'omit' })
    expect(calls[1]!.init.headers).toBeUndefined()
    expect(calls[1]!.init.body).toBeUndefined()
    expect(summarize(events)).toEqual({
      content: '',
      reasoning: '',
      finishes: [],
      end: 'error:network',
      text: 'Could not reach https://api.siliconflow.cn/v1: offline, wrong URL, or the endpoint does not allow browser access (CORS).',
    })
    const local = await collect(streamChat(settingsFor('ollama', { apiKey: '' }), TURNS, { fetch }))
    expect(summarize(local).text).toBe(
      "Could not reach http://localhost:11434/v1: offline, wrong URL, or the endpoint does not allow browser access (CORS). If this is Ollama, allow this page's origin: restart it with OLLAMA_ORIGINS set to this page's origin (or *).",
    )
  })

  it('a redirect is refused (redirect: error) and named, and the probe never follows it or carries the key', async () => {
    const { fetch, calls } = stubFetch(async ({ init }) => {
      // Node's Response cannot be opaque-redirect; a 3xx status stands for it.
      if (init.redirect === 'manual') return new Response(null, { status: 307, headers: { location: 'http://127.0.0.1:8811/steal' } })
      // What fetch does with redirect: 'error' when the server answers 307.
      throw new TypeError('Failed to fetch')
    })
    const events = await collect(streamChat(settingsFor('siliconflow', { apiKey: 'sk-canary-redirect-0123456789' }), TURNS, { fetch }))
    expect(calls[0]!.init.redirect).toBe('error')
    expect(calls.map((c) => c.url)).toEqual(['https://api.siliconflow.cn/v1/chat/completions', 'https://api.siliconflow.cn/v1/chat/completions'])
    expect(JSON.stringify(calls[1]!.init)).not.toContain('sk-canary-redirect')
    expect(summarize(events)).toMatchObject({
      end: 'error:network',
      text: 'https://api.siliconflow.cn/v1 redirected the request to another address. The redirect was refused, so your API key went nowhere else. Check the base URL in Settings.',
    })
  })

  it('a fetch that throws synchronously is still a network error', async () => {
    const fetch = (() => {
      throw new TypeError('bad')
    }) as unknown as typeof globalThis.fetch
    expect(summarize(await collect(streamChat(settingsFor(), TURNS, { fetch }))).end).toBe('error:network')
  })

  it('idle timeout while waiting for headers aborts the fetch', async () => {
    const { fetch, calls } = stubFetch(() => new Promise<Response>(() => undefined))
    const started = Date.now()
    const events = await collect(streamChat(settingsFor(), TURNS, { fetch, idleTimeoutMs: 50 }))
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    expect(summarize(events)).toEqual({
      content: '',
      reasoning: '',
      finishes: [],
      end: 'error:timeout',
      text: 'No data from https://api.siliconflow.cn/v1/chat/completions for 0.05 s. The provider may be overloaded: retry, or raise the idle timeout in Settings.',
    })
    expect(calls[0]?.init.signal?.aborted).toBe(true)
  })

  it('idle timeout when the body goes silent keeps the text and cancels the body', async () => {
    const control: BodyControl = { cancelled: false, cancelReason: undefined }
    const body = byteStream([encode(sse({ choices: [{ index: 0, delta: { content: '前半' } }] }))], 'hang', control)
    const { fetch } = stubFetch(respond(body))
    const events = await collect(streamChat(settingsFor(), TURNS, { fetch, idleTimeoutMs: 50 }))
    expect(summarize(events)).toMatchObject({ content: '前半', end: 'error:timeout' })
    await until(() => control.cancelled)
  })

  it('bytes (keep-alive comments) reset the idle timer', async () => {
    let sent = 0
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 25))
        sent++
        if (sent <= 12) controller.enqueue(encode(': keep-alive\n\n'))
        else {
          controller.enqueue(encode(sse({ choices: [{ index: 0, delta: { content: 'late' }, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n'))
          controller.close()
        }
      },
    }, { highWaterMark: 0 })
    const { fetch } = stubFetch(respond(body))
    const events = await collect(streamChat(settingsFor(), TURNS, { fetch, idleTimeoutMs: 150 }))
    expect(summarize(events)).toEqual({ content: 'late', reasoning: '', finishes: ['stop'], end: 'done' })
  })

  it('text events of one network read arrive merged, in order with what follows', async () => {
    const wire =
      sse({ choices: [{ index: 0, delta: { reasoning_content: 'r1' } }] }) +
      sse({ choices: [{ index: 0, delta: { reasoning_content: 'r2' } }] }) +
      sse({ choices: [{ index: 0, delta: { content: 'a' } }] }) +
      sse({ choices: [{ index: 0, delta: { content: 'b' } }] }) +
      sse({ choices: [{ index: 0, delta: { content: 'c' }, finish_reason: 'stop' }] }) +
      'data: [DONE]\n\n'
    const { fetch } = stubFetch(respond(wire))
    const events = await collect(streamChat(settingsFor(), TURNS, { fetch }))
    expect(events).toEqual([
      { type: 'reasoning', text: 'r1r2' },
      { type: 'content', text: 'abc' },
      { type: 'finish', reason: 'stop' },
      { type: 'done' },
    ])
  })

  it('a read of megabytes is parsed a piece at a time (other tasks run between), losing and reordering nothing', async () => {
    // CRLF line ends and 4-byte characters, so pieces end inside CR LF pairs and surrogate pairs.
    const words = Array.from({ length: 6_000 }, (_, i) => (i % 3 === 0 ? `😀${i}` : i % 3 === 1 ? `你好${i}` : `w${i}\r`))
    const wire =
      words.map((w) => sse({ choices: [{ index: 0, delta: { content: w } }] }).replace(/\n/g, '\r\n')).join('') +
      sse({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
      'data: [DONE]\n\n'
    expect(wire.length).toBeGreaterThan(200_000)
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    const { fetch } = stubFetch(() => Promise.resolve(respond(byteStream([encode(wire)]))))
    const events = await collect(streamChat(settingsFor(), TURNS, { fetch }))
    clearInterval(timer)
    const content = events.filter((e) => e.type === 'content')
    expect(content.length).toBeGreaterThan(5)
    expect(summarize(events)).toEqual({ content: words.join(''), reasoning: '', finishes: ['stop'], end: 'done' })
    expect(ticks).toBeGreaterThan(0)
  })

  it('the idle timer does not run while the consumer is busy between events', async () => {
    const wire = sse({ choices: [{ index: 0, delta: { content: 'a' } }] }) + sse({ choices: [{ index: 0, delta: { content: 'b' }, finish_reason: 'stop' }] })
    const { fetch } = stubFetch(respond(wire))
    const seen: string[] = []
    for await (const event of streamChat(settingsFor(), TURNS, { fetch, idleTimeoutMs: 30 })) {
      seen.push(event.type)
      await new Promise((resolve) => setTimeout(resolve, 60))
    }
    // Both deltas came in one read, so they arrive merged: still no timeout while we were slow.
    expect(seen).toEqual(['content', 'finish', 'done'])
  })

  it('an already-aborted signal yields aborted without calling fetch', async () => {
    const { fetch, calls } = stubFetch(respond(''))
    const events = await collect(streamChat(settingsFor(), TURNS, { fetch, signal: AbortSignal.abort() }))
    expect(calls).toHaveLength(0)
    expect(summarize(events)).toEqual({ content: '', reasoning: '', finishes: [], end: 'error:aborted', text: 'Stopped.' })
  })

  it('abort while waiting for headers', async () => {
    const controller = new AbortController()
    const { fetch, calls } = stubFetch(() => new Promise<Response>(() => undefined))
    setTimeout(() => controller.abort(), 20)
    const events = await collect(streamChat(settingsFor(), TURNS, { fetch, signal: controller.signal }))
    expect(summarize(events).end).toBe('error:aborted')
    expect(calls[0]?.init.signal?.aborted).toBe(true)
  })

  it('abort mid-stream ends with aborted, keeps earlier events and cancels the body', async () => {
    const control: BodyControl = { cancelled: false, cancelReason: undefined }
    const body = byteStream([encode(sse({ choices: [{ index: 0, delta: { content: '一半' } }] }))], 'hang', control)
    const { fetch } = stubFetch(respond(body))
    const controller = new AbortController()
    const events: StreamEvent[] = []
    for await (const event of streamChat(settingsFor(), TURNS, { fetch, signal: controller.signal })) {
      events.push(event)
      if (event.type === 'content') controller.abort()
    }
    expect(summarize(events)).toEqual({ content: '一半', reasoning: '', finishes: [], end: 'error:aborted', text: 'Stopped.' })
    await until(() => control.cancelled)
  })

  it('a consumer that breaks early releases the body', async () => {
    const control: BodyControl = { cancelled: false, cancelReason: undefined }
    const body = byteStream([encode(sse({ choices: [{ index: 0, delta: { content: 'x' } }] }))], 'hang', control)
    const { fetch, calls } = stubFetch(respond(body))
    for await (const event of streamChat(settingsFor(), TURNS, { fetch })) {
      if (event.type === 'content') break
    }
    await until(() => control.cancelled)
    expect(calls[0]?.init.signal?.aborted).toBe(true)
  })

  it('invalid settings yield a config error without a request', async () => {
    const { fetch, calls } = stubFetch(respond(''))
    const events = await collect(streamChat(settingsFor('openai', { apiKey: ' ' }), TURNS, { fetch }))
    expect(calls).toHaveLength(0)
    expect(summarize(events)).toEqual({ content: '', reasoning: '', finishes: [], end: 'error:config', text: 'Add your API key in Settings.' })
  })

  it('sends exactly the built request', async () => {
    const { fetch, calls } = stubFetch(respond('data: [DONE]\n\n'))
    await collect(streamChat(settingsFor('openai'), TURNS, { fetch }))
    expect(calls[0]?.url).toBe('https://api.openai.com/v1/chat/completions')
    const init = calls[0]?.init
    expect(init?.method).toBe('POST')
    expect(init?.headers).toEqual({ 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` })
    expect(init?.credentials).toBe('omit')
    expect(init?.redirect).toBe('error')
    expect(init?.signal).toBeInstanceOf(AbortSignal)
    expect(JSON.parse(String(init?.body)).messages).toEqual(TURNS)
  })
})
