// A loopback mock of an OpenAI-compatible chat API, for trying the app without a key and for the
// e2e tests. Plain Node `http`, no dependencies.
//
//   npm run mock                      # http://127.0.0.1:8787/v1, any API key accepted
//   MOCK_PORT=9000 npm run mock
//
// Behaviour is chosen by a directive in the LAST user message: "tell me a joke mock:slow".
// Numeric arguments follow the name: `mock:slow:200:50` = 200 chunks, 50 ms apart (see SCENARIOS).
//
// Test-only routes (not part of any provider API):
//   GET  /__log[?tag=T]    every recorded request as JSON (OPTIONS preflights included)
//   POST /__reset[?tag=T]  forget recorded requests
// A base URL of the form http://127.0.0.1:8787/t/<tag>/v1 behaves exactly like /v1 but files the
// requests under <tag>, so tests running in parallel against one server do not see each other's log.
// A mode segment changes the whole endpoint, for requests that carry no question (model list,
// balance, connection test): /t/<tag>/m/<mode>/v1 (or /m/<mode>/v1) with mode
//   nocors   every response (preflights included) without CORS headers, as a server that does not allow browsers
//   401 402 429   every request answers that error
//   strict   a chat request for a model not in /v1/models answers 404 model_not_found
//   nobalance    the balance routes answer 404
// Balance routes: GET /v1/user/balance (DeepSeek), /v1/user/info (SiliconFlow), /v1/credits (OpenRouter).

import http from 'node:http'
import { pathToFileURL } from 'node:url'

/** Scenario name → [description, argument syntax]. Printed when run directly. */
export const SCENARIOS = {
  default: ['friendly Markdown-ish answer echoing the question (with Chinese), SSE', 'mock:default[:chunks=40[:delayMs=15]]'],
  slow: ['a long answer, for stop tests', 'mock:slow[:chunks=80[:delayMs=100]]'],
  reasoning: ['DeepSeek-style reasoning_content (content:null) for ~1 s, then content', 'mock:reasoning[:reasoningChunks=20[:delayMs=50]]'],
  think: ['<think>…</think> inside content, then the answer', 'mock:think[:chunks=20[:delayMs=15]]'],
  length: ['normal stream that ends with finish_reason "length"', 'mock:length[:chunks=20[:delayMs=15]]'],
  nospace: ['SSE lines written as "data:{…}" (no space), CRLF line ends', 'mock:nospace[:chunks=20[:delayMs=15]]'],
  401: ['HTTP 401, OpenAI-style invalid_api_key error', 'mock:401'],
  '401echo': ['HTTP 401 whose message echoes the whole bearer token (tests redaction)', 'mock:401echo'],
  402: ['HTTP 402, DeepSeek-style "Insufficient Balance"', 'mock:402'],
  429: ['HTTP 429 with Retry-After, SiliconFlow-style body', 'mock:429[:retryAfterSeconds=7]'],
  400: ['HTTP 400, SiliconFlow-style {"code":20012,…}', 'mock:400'],
  '502html': ['HTTP 502 nginx HTML page (CRLF, contains a <script> tag)', 'mock:502html'],
  'midstream-error': ['n content chunks, then a data: {"error":…} event, then end', 'mock:midstream-error[:chunks=10[:delayMs=15]]'],
  drop: ['n content chunks, then the socket is destroyed (no [DONE])', 'mock:drop[:chunks=10[:delayMs=15]]'],
  eof: ['n content chunks, then a clean end without finish_reason or [DONE]', 'mock:eof[:chunks=10[:delayMs=15]]'],
  silent: ['200 + headers + one chunk, then silence until the client goes away', 'mock:silent'],
  hang: ['accepts the request and never sends headers', 'mock:hang'],
  json: ['a non-streamed JSON completion although stream:true was asked', 'mock:json'],
  long: ['n one-word chunks, unpaced', 'mock:long[:tokens=2000]'],
  markdown: ['a Markdown answer: headings, list, table, Python code, math, a link and a remote image (to /__sink)', 'mock:markdown[:chunks=60[:delayMs=10]]'],
  wide: ['an answer that is wider than a phone: a very long code line, a long unbroken word and URL, a wide table, display math', 'mock:wide'],
  cache: ['DeepSeek-style usage with prompt_cache_hit_tokens on the finish chunk', 'mock:cache'],
  'cache-openai': ['OpenAI-style usage chunk with prompt_tokens_details.cached_tokens', 'mock:cache-openai'],
  nousage: ['a normal answer without any usage object', 'mock:nousage'],
  xss: ['an answer full of raw HTML and script-scheme links (must be shown as text)', 'mock:xss[:chunks=30[:delayMs=5]]'],
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Expose-Headers': 'Retry-After',
}

/** What GET /v1/models lists (and what mode `strict` accepts). */
export const MOCK_MODELS = ['mock-model', 'mock-reasoner', 'deepseek-flash', 'deepseek-v4-pro']

const MAX_BODY_BYTES = 5 * 1024 * 1024
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Find the last `mock:<name>[:n[:n]]` directive in a text. */
export function parseDirective(text) {
  const matches = [...String(text).matchAll(/mock:([a-z0-9]+(?:-[a-z0-9]+)*)((?::\d+)*)/gi)]
  const last = matches.at(-1)
  if (!last) return { name: 'default', args: [] }
  const args = last[2] ? last[2].slice(1).split(':').map(Number) : []
  return { name: last[1].toLowerCase(), args }
}

/** The text of the last user message of an OpenAI request body ('' when there is none). */
export function lastUserText(body) {
  const messages = Array.isArray(body?.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m && m.role === 'user') {
      if (typeof m.content === 'string') return m.content
      if (Array.isArray(m.content)) {
        return m.content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).join('')
      }
      return ''
    }
  }
  return ''
}

/**
 * Split a text into exactly `n` non-empty pieces at word boundaries (adding filler sentences when
 * the text is too short). Deterministic, so a test can recompute what was sent.
 */
export function splitIntoPieces(text, n) {
  const tokens = text.match(/\s*\S+\s*/g) ?? []
  let k = 1
  while (tokens.length < n) tokens.push(`Filler sentence ${k++}. `)
  const pieces = []
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * tokens.length) / n)
    const to = Math.floor(((i + 1) * tokens.length) / n)
    pieces.push(tokens.slice(from, to).join(''))
  }
  return pieces
}

/** The default friendly answer. */
export function friendlyAnswer(question) {
  const firstLine = question.split('\n')[0]?.trim() ?? ''
  const echo = firstLine.length > 120 ? `${firstLine.slice(0, 120)}…` : firstLine
  return (
    `你好！You asked: "${echo}".\n\n` +
    '## A mock answer\n\n' +
    'This reply comes from the **Inkstream mock server**, so no real model was involved:\n\n' +
    '- it streams in small pieces, 一点一点地;\n' +
    '- it accepts any API key;\n' +
    '- add `mock:slow`, `mock:reasoning` or `mock:429` to a question to try other behaviours.\n\n' +
    '祝你今天愉快！Have a nice day.'
  )
}

function slowAnswer(question) {
  // No newlines: a partial answer cut at any piece ends in a space, never in a line break, so the
  // exported transcript of a stopped/failed answer has exactly one unambiguous form.
  const topic = question.split('\n')[0]?.slice(0, 40) ?? ''
  const parts = []
  for (let i = 1; i <= 12; i++) parts.push(`Sentence ${i} of a deliberately slow answer to "${topic}". 慢慢来，第${i}句。`)
  return parts.join(' ')
}

/** What a prefix-completion request (last message `{role:'assistant', prefix:true}`) streams. */
export const PREFIX_CONTINUATION = ' and so the answer goes on from where it was cut. 续写完毕。'

/** What a narrow screen must hold without scrolling sideways (the phone layout test). */
export const WIDE_ANSWER = [
  'A word with no break: ' + 'Supercalifragilistic'.repeat(12) + ' 长' + '字'.repeat(80) + '。',
  '',
  'A link: https://example.com/' + 'very-long-path-segment/'.repeat(12),
  '',
  '```javascript',
  'const line = "' + 'x'.repeat(300) + '"; function keepGoing() { return line.length + ' + '1 + '.repeat(40) + '1 }',
  '```',
  '',
  '| ' + Array.from({ length: 14 }, (_, i) => `column ${i + 1}`).join(' | ') + ' |',
  '| ' + Array.from({ length: 14 }, () => '---').join(' | ') + ' |',
  '| ' + Array.from({ length: 14 }, (_, i) => `value-${i + 1}-abcdefgh`).join(' | ') + ' |',
  '',
  '$$',
  '\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6} = a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{10} + a_{11} + a_{12}',
  '$$',
].join('\n')

/** 1×1 transparent PNG served by /__sink/. */
const SINK_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')

/** A Markdown answer exercising the renderer; its image points at this server's sink (under the tag). */
export function markdownAnswer(tag, host = '127.0.0.1:8787') {
  const sink = `http://${host}${tag ? `/t/${tag}` : ''}/__sink/img.png`
  return [
    '## Fibonacci 斐波那契',
    '',
    'Here is a **short** answer with `inline code`, a [link](https://example.com/docs) and ~~no~~ math $a^2+b^2=c^2$.',
    '',
    '- first item',
    '- [x] a done task',
    '',
    '| n | fib(n) |',
    '|--:|--:|',
    '| 10 | 55 |',
    '| 20 | 6765 |',
    '',
    '```python',
    'def fib(n):',
    '    a, b = 0, 1',
    '    for _ in range(n):',
    '        a, b = b, a + b',
    '    return a',
    '```',
    '',
    '$$',
    '\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}',
    '$$',
    '',
    `![chart](${sink})`,
    '',
    '完。',
  ].join('\n')
}

/** Raw HTML and script links a model might be tricked into writing; all of it must stay text. */
const XSS_ANSWER = [
  'Watch out: <img src=x onerror="window.__pwn(\'img\')"> and <script>window.__pwn("script")</script>',
  '',
  '<svg onload="window.__pwn(\'svg\')"></svg>',
  '',
  '[click me](javascript:window.__pwn("link")) and <javascript:window.__pwn("auto")>',
  '',
  '[ref link][r]',
  '',
  '[r]: JaVaScRiPt:window.__pwn("ref")',
  '',
  '<iframe srcdoc="<script>parent.__pwn(\'iframe\')</script>"></iframe>',
].join('\n')

const REASONING_TEXT =
  'The user wants an answer. Let me think step by step. 首先，理解问题。 Then consider the options, ' +
  'weigh them, check the edge cases, and finally write a short, friendly reply.'
const REASONED_ANSWER = 'After thinking it over: the answer is 42. 答案是四十二。'

/**
 * Start the mock server. Resolves once it listens.
 * @param {{ port?: number, host?: string, quiet?: boolean }} [options]
 * `url` is the origin (for /__log, /__reset); `baseUrl` is what the app's Base URL field takes.
 * @returns {Promise<{ url: string, baseUrl: string, port: number, close: () => Promise<void> }>}
 */
export function startMockServer({ port = 0, host = '127.0.0.1', quiet = true } = {}) {
  /** @type {Array<Record<string, unknown>>} */
  let log = []
  let nextId = 1

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!quiet) console.error('[mock] handler failed:', err)
      try {
        if (!res.headersSent) sendJson(res, 500, { error: { message: `mock server error: ${err?.message ?? err}`, type: 'server_error' } })
        else res.destroy()
      } catch {
        // The socket is already gone; nothing left to tell anyone.
      }
    })
  })
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://mock.invalid')
    let path = url.pathname
    let tag = null
    const tagged = /^\/t\/([A-Za-z0-9_-]{1,100})(\/.*)$/.exec(path)
    if (tagged) {
      tag = tagged[1]
      path = tagged[2]
    }
    let mode = null
    const moded = /^\/m\/([a-z0-9-]{1,20})(\/.*)$/.exec(path)
    if (moded) {
      mode = moded[1]
      path = moded[2]
    }
    if (mode === 'nocors') {
      // Strip every CORS header this response would carry: the browser must refuse to read it.
      const writeHead = res.writeHead.bind(res)
      res.writeHead = (status, headers = {}) =>
        writeHead(status, Object.fromEntries(Object.entries(headers).filter(([name]) => !/^access-control-/i.test(name))))
    }

    // Test-only control routes.
    if (path === '/__log' && req.method === 'GET') {
      const want = url.searchParams.get('tag')
      return sendJson(res, 200, want === null ? log : log.filter((e) => e.tag === want))
    }
    if (path === '/__reset' && (req.method === 'POST' || req.method === 'GET')) {
      const want = url.searchParams.get('tag')
      log = want === null ? [] : log.filter((e) => e.tag !== want)
      return sendJson(res, 200, { ok: true })
    }

    const entry = {
      id: nextId++,
      tag,
      time: new Date().toISOString(),
      method: req.method,
      path,
      url: req.url,
      headers: { ...req.headers },
      body: null,
      rawBody: null,
      scenario: null,
      mode,
      status: null,
      // What the mock sent as answer text so far (content / reasoning), for exact comparisons.
      sent: { content: '', reasoning: '' },
      // Set when the response ends: finished = the server wrote it all; aborted = the socket closed
      // before that (the client went away, or the scenario destroyed it).
      finished: false,
      aborted: false,
      closedAt: null,
    }
    log.push(entry)
    res.on('finish', () => {
      entry.finished = true
    })
    res.on('close', () => {
      entry.closedAt = new Date().toISOString()
      if (!entry.finished) entry.aborted = true
    })

    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS_HEADERS, 'Access-Control-Max-Age': '0', 'Content-Length': '0' })
      return res.end()
    }

    let raw
    try {
      raw = await readBody(req)
    } catch (err) {
      entry.status = 413
      return sendJson(res, 413, { error: { message: String(err?.message ?? err), type: 'invalid_request_error' } })
    }
    entry.rawBody = raw.length > 0 ? raw.slice(0, 100_000) : null

    if (mode === '401' || mode === '402' || mode === '429') {
      const auth = String(req.headers.authorization ?? '')
      return sendError(res, entry, mode, [], auth)
    }

    if (path === '/v1/models' && req.method === 'GET') {
      entry.status = 200
      return sendJson(res, 200, {
        object: 'list',
        data: MOCK_MODELS.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'inkstream-mock' })),
      })
    }

    if (mode !== 'nobalance' && req.method === 'GET' && (path === '/v1/user/balance' || path === '/v1/user/info' || path === '/v1/credits')) {
      entry.status = 200
      if (path === '/v1/user/balance') {
        return sendJson(res, 200, {
          is_available: true,
          balance_infos: [{ currency: 'CNY', total_balance: '110.25', granted_balance: '10.00', topped_up_balance: '100.25' }],
        })
      }
      if (path === '/v1/user/info') {
        return sendJson(res, 200, {
          code: 20000,
          message: 'OK',
          status: true,
          data: { id: 'u1', name: 'mock', balance: '0.88', chargeBalance: '88.00', totalBalance: '88.88', status: 'normal' },
        })
      }
      return sendJson(res, 200, { data: { total_credits: 25.5, total_usage: 5.25 } })
    }

    // A remote image for rendering tests: every fetch is logged like any request; answers a 1×1 PNG.
    if (path.startsWith('/__sink/') && req.method === 'GET') {
      entry.status = 200
      res.writeHead(200, { ...CORS_HEADERS, 'Content-Type': 'image/png', 'Content-Length': SINK_PNG.length, 'Cache-Control': 'no-store' })
      return res.end(SINK_PNG)
    }

    // `/beta/chat/completions` and a bare `/chat/completions` too: DeepSeek's prefix completion
    // (base URL …/beta) and its main base URL, which has no /v1.
    if (/^(\/v1|\/beta)?\/chat\/completions$/.test(path) && req.method === 'POST') {
      let body
      try {
        body = JSON.parse(raw)
      } catch (err) {
        entry.status = 400
        return sendJson(res, 400, { error: { message: `Invalid JSON body: ${err?.message ?? err}`, type: 'invalid_request_error', code: 'invalid_json' } })
      }
      entry.body = body
      entry.rawBody = null
      if (body === null || typeof body !== 'object' || !Array.isArray(body.messages)) {
        entry.status = 400
        return sendJson(res, 400, { error: { message: "'messages' must be an array", type: 'invalid_request_error', code: 'invalid_messages' } })
      }
      if (mode === 'strict' && !MOCK_MODELS.includes(body.model)) {
        entry.status = 404
        return sendJson(res, 404, {
          error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' },
        })
      }
      return chat(req, res, body, entry)
    }

    entry.status = 404
    return sendJson(res, 404, { error: { message: `No route for ${req.method} ${path}`, type: 'invalid_request_error', code: 'not_found' } })
  }

  async function chat(req, res, body, entry) {
    const last = body.messages.at(-1)
    if (last && last.role === 'assistant' && last.prefix === true) {
      // Prefix completion: the model goes on from the unfinished assistant message.
      entry.scenario = 'prefix'
      const sse = createSse(res, entry, typeof body.model === 'string' && body.model ? body.model : 'mock-model')
      return sse.run({ pieces: splitIntoPieces(PREFIX_CONTINUATION, 6), delay: 15 })
    }
    const question = lastUserText(body)
    const { name, args } = parseDirective(question)
    entry.scenario = [name, ...args].join(':')
    const model = typeof body.model === 'string' && body.model ? body.model : 'mock-model'
    const stream = body.stream === true
    const arg = (i, fallback) => (Number.isFinite(args[i]) && args[i] >= 0 ? args[i] : fallback)
    const auth = String(req.headers.authorization ?? '')
    const sse = createSse(res, entry, model)

    switch (name) {
      case 'default':
        if (!stream) return sendCompletion(res, entry, model, friendlyAnswer(question))
        return sse.run({ pieces: splitIntoPieces(friendlyAnswer(question), Math.max(1, arg(0, 40))), delay: arg(1, 15), keepAliveEvery: 9 })
      case 'slow':
        return sse.run({ pieces: splitIntoPieces(slowAnswer(question), Math.max(1, arg(0, 80))), delay: arg(1, 100) })
      case 'length':
        return sse.run({ pieces: splitIntoPieces(friendlyAnswer(question), Math.max(1, arg(0, 20))), delay: arg(1, 15), finishReason: 'length' })
      case 'nospace':
        return sse.run({ pieces: splitIntoPieces(friendlyAnswer(question), Math.max(1, arg(0, 20))), delay: arg(1, 15), noSpace: true })
      case 'reasoning': {
        const n = Math.max(1, arg(0, 20))
        return sse.run({
          reasoningPieces: splitIntoPieces(REASONING_TEXT, n),
          pieces: splitIntoPieces(REASONED_ANSWER, 8),
          delay: arg(1, 50),
          contentDelay: 15,
        })
      }
      case 'think': {
        const pieces = ['<think>', ...splitIntoPieces(REASONING_TEXT, 10), '</think>', '\n\n', ...splitIntoPieces(REASONED_ANSWER, Math.max(1, arg(0, 20) - 13))]
        return sse.run({ pieces, delay: arg(1, 15) })
      }
      case 'midstream-error':
        return sse.run({
          pieces: splitIntoPieces(slowAnswer(question), Math.max(1, arg(0, 10)) * 8).slice(0, Math.max(1, arg(0, 10))),
          delay: arg(1, 15),
          ending: 'error',
        })
      case 'drop':
        return sse.run({ pieces: splitIntoPieces(slowAnswer(question), Math.max(1, arg(0, 10)) * 8).slice(0, Math.max(1, arg(0, 10))), delay: arg(1, 15), ending: 'drop' })
      case 'eof':
        return sse.run({ pieces: splitIntoPieces(slowAnswer(question), Math.max(1, arg(0, 10)) * 8).slice(0, Math.max(1, arg(0, 10))), delay: arg(1, 15), ending: 'eof' })
      case 'silent':
        return sse.run({ pieces: ['Hello'], delay: 0, ending: 'silent' })
      case 'hang':
        entry.status = null
        return // never answer; the socket closes when the client gives up (or the server closes)
      case 'long': {
        const n = Math.max(1, arg(0, 2000))
        const pieces = Array.from({ length: n }, (_, i) => `w${i + 1} `)
        return sse.run({ pieces, delay: 0 })
      }
      case 'markdown':
        return sse.run({ pieces: splitIntoPieces(markdownAnswer(entry.tag, req.headers.host), Math.max(1, arg(0, 60))), delay: arg(1, 10) })
      case 'wide':
        return sse.run({ pieces: splitIntoPieces(WIDE_ANSWER, 20), delay: 5 })
      case 'cache':
        return sse.run({
          pieces: splitIntoPieces(friendlyAnswer(question), 10),
          delay: 10,
          usageOnFinish: { prompt_tokens: 1200, completion_tokens: 10, total_tokens: 1210, prompt_cache_hit_tokens: 1024, prompt_cache_miss_tokens: 176 },
        })
      case 'cache-openai':
        return sse.run({
          pieces: splitIntoPieces(friendlyAnswer(question), 10),
          delay: 10,
          usage: { prompt_tokens: 2000, completion_tokens: 10, total_tokens: 2010, prompt_tokens_details: { cached_tokens: 1536 } },
        })
      case 'nousage':
        return sse.run({ pieces: splitIntoPieces(friendlyAnswer(question), 10), delay: 10, usage: null })
      case 'xss':
        return sse.run({ pieces: splitIntoPieces(XSS_ANSWER, Math.max(1, arg(0, 30))), delay: arg(1, 5) })
      case 'json':
        return sendCompletion(res, entry, model, friendlyAnswer(question))
      case '401':
      case '401echo':
      case '402':
      case '429':
        return sendError(res, entry, name, args, auth)
      case '400':
        entry.status = 400
        return sendJson(res, 400, { code: 20012, message: 'Model does not exist. Please check it carefully.', data: null })
      case '502html': {
        entry.status = 502
        const html =
          '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
          '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n' +
          '<script>window.__pwn && window.__pwn("502html")</script>\r\n</body>\r\n</html>\r\n'
        res.writeHead(502, { ...CORS_HEADERS, 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) })
        return res.end(html)
      }
      default:
        entry.status = 400
        return sendJson(res, 400, {
          error: { message: `Unknown mock scenario "${name}". Known: ${Object.keys(SCENARIOS).join(', ')}`, type: 'invalid_request_error', code: 'unknown_scenario' },
        })
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      const actualPort = typeof address === 'object' && address ? address.port : port
      resolve({
        url: `http://${host}:${actualPort}`,
        baseUrl: `http://${host}:${actualPort}/v1`,
        port: actualPort,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

/** The error answers shared by chat directives and endpoint modes. */
function sendError(res, entry, name, args, auth) {
  const arg = (i, fallback) => (Number.isFinite(args[i]) && args[i] >= 0 ? args[i] : fallback)
  switch (name) {
    case '401':
      entry.status = 401
      return sendJson(
        res,
        401,
        { error: { message: 'Incorrect API key provided: sk-te***...', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
        {},
        true,
      )
    case '401echo': {
      entry.status = 401
      const key = auth.replace(/^Bearer\s+/i, '')
      return sendJson(res, 401, {
        error: { message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.example/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      })
    }
    case '402':
      entry.status = 402
      return sendJson(res, 402, { error: { message: 'Insufficient Balance', type: 'unknown_error' } })
    case '429':
      entry.status = 429
      return sendJson(
        res,
        429,
        { message: 'Request was rejected due to rate limiting. Details:TPM limit reached.', data: null },
        { 'Retry-After': String(arg(0, 7)) },
      )
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`))
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res, status, value, extraHeaders = {}, pretty = false) {
  const text = JSON.stringify(value, null, pretty ? 2 : 0) + '\n'
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  })
  res.end(text)
}

function sendCompletion(res, entry, model, content) {
  entry.status = 200
  entry.sent.content = content
  sendJson(res, 200, {
    id: `chatcmpl-mock-${entry.id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 },
  })
}

/** Writes OpenAI-style chat.completion.chunk events and records what was sent. */
function createSse(res, entry, model) {
  const created = Math.floor(Date.now() / 1000)
  const id = `chatcmpl-mock-${entry.id}`
  let gone = false
  res.on('close', () => {
    gone = true
  })

  function chunk(delta, finishReason = null) {
    return {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_mock',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    }
  }

  /** Write one event; resolves after backpressure clears. */
  function write(text) {
    if (gone) return Promise.resolve(false)
    const ok = res.write(text)
    if (ok) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done)
        res.off('close', done)
        resolve(!gone)
      }
      res.on('drain', done)
      res.on('close', done)
    })
  }

  return {
    async run({ pieces = [], reasoningPieces = [], delay = 15, contentDelay, keepAliveEvery = 0, finishReason = 'stop', ending = 'done', noSpace = false, usage, usageOnFinish }) {
      entry.status = 200
      res.writeHead(200, {
        ...CORS_HEADERS,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      })
      res.socket?.setNoDelay(true)
      const nl = noSpace ? '\r\n' : '\n'
      const event = (data) => write(`data:${noSpace ? '' : ' '}${typeof data === 'string' ? data : JSON.stringify(data)}${nl}${nl}`)
      const reasoningMode = reasoningPieces.length > 0

      // First delta: the role (DeepSeek-style content:null while a reasoning model thinks).
      await event(chunk(reasoningMode ? { role: 'assistant', content: null, reasoning_content: '' } : { role: 'assistant', content: '' }))
      let count = 0
      for (const piece of reasoningPieces) {
        if (delay > 0) await sleep(delay)
        if (gone) return
        entry.sent.reasoning += piece
        await event(chunk({ content: null, reasoning_content: piece }))
      }
      for (const piece of pieces) {
        const wait = reasoningMode ? (contentDelay ?? delay) : delay
        if (wait > 0) await sleep(wait)
        if (gone) return
        count++
        if (keepAliveEvery > 0 && count % keepAliveEvery === 0) await write(`: keep-alive${nl}${nl}`)
        entry.sent.content += piece
        await event(chunk(reasoningMode ? { content: piece, reasoning_content: null } : { content: piece }))
      }
      if (gone) return

      switch (ending) {
        case 'error':
          await event({ error: { message: 'upstream overloaded', code: 502 } })
          res.end()
          return
        case 'drop':
          // Give the last chunk a moment to leave, then cut the connection without a proper end.
          await sleep(100)
          res.socket?.destroy()
          return
        case 'eof':
          res.end()
          return
        case 'silent':
          return // keep the socket open until the client goes away
        default:
          await event(usageOnFinish ? { ...chunk({}, finishReason), usage: usageOnFinish } : chunk({}, finishReason))
          if (usage !== null && !usageOnFinish) {
            const counted = { prompt_tokens: 12, completion_tokens: pieces.length + reasoningPieces.length, total_tokens: 12 + pieces.length + reasoningPieces.length }
            await event({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_mock', choices: [], usage: usage ?? counted })
          }
          await event('[DONE]')
          res.end()
      }
    },
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const port = Number(process.env.MOCK_PORT ?? 8787)
  const host = process.env.MOCK_HOST ?? '127.0.0.1'
  const mock = await startMockServer({ port, host, quiet: false })
  const lines = [
    `Inkstream mock provider listening on ${mock.url}`,
    '',
    `  Base URL:  ${mock.baseUrl}      (provider "custom", any API key, model "mock-model")`,
    '',
    'Put a directive in your question to choose a behaviour, e.g. "tell me a joke mock:slow".',
    'Numeric arguments follow the name, e.g. mock:slow:200:50 = 200 chunks, 50 ms apart.',
    '',
    ...Object.entries(SCENARIOS).map(([name, [what, syntax]]) => `  ${name.padEnd(16)} ${what}\n  ${''.padEnd(16)} ${syntax}`),
    '',
    `Test routes: GET ${mock.url}/__log  POST ${mock.url}/__reset`,
  ]
  console.log(lines.join('\n'))
  const stop = () => {
    mock.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
