// The benchmark's loopback server: plain Node `http`, no dependencies, separate from tests/mock.
//
//   node bench/server.mjs [--app-dir bench-results/app] [--app-port 0] [--api-port 0]
//
// It listens on two loopback ports so that the pages and the "provider" are different origins (the
// app and the floor pages both go through a real CORS preflight, as against a real provider):
//   app origin  static files: the built app (from --app-dir) and /bench/* (floor pages, seed page)
//   api origin  POST [/r/<run>]/v1/chat/completions   OpenAI-style SSE of a deterministic Markdown answer
// Both origins also answer the benchmark's own routes:
//   GET /__bench/streams?run=<run>     what was streamed for a run: tokens, rate, first/last byte (epoch ms)
//   GET /__bench/streams/<id>/text     the exact answer text sent by stream <id>
//   GET /__bench/history?turns=&tokens= earlier question/answer pairs (seed data, floor history)
// The stream is chosen by the request's model name (see streamSpec in scenarios.mjs): `bench-s1`, or
// `bench-t<tokens>-r<rate per s, 0 = unpaced>[-s<seed>]`. On start it prints one JSON line with both origins.

import http from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { answerTokens, history } from './doc.mjs'
import { streamSpec } from './scenarios.mjs'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Max-Age': '600',
}

/** Serves a file under `root`, or returns false when there is none (no path escapes `root`). */
async function serveFile(res, root, urlPath) {
  const rel = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '')
  const file = resolve(root, rel)
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return false
  let body
  try {
    body = await readFile(file)
  } catch {
    return false
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  })
  res.end(body)
  return true
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value)
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(body)
}

function readBody(req, limit = 20 * 1024 * 1024) {
  return new Promise((resolveBody, reject) => {
    const parts = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > limit) {
        reject(new Error('request body too large'))
        req.destroy()
      } else parts.push(chunk)
    })
    req.on('end', () => resolveBody(Buffer.concat(parts).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * Creates the server. `appDir` is the built app. Returns the two origins, the stream records and
 * `close()`.
 */
export async function startServer({ appDir, appPort = 0, apiPort = 0, host = '127.0.0.1' } = {}) {
  const appRoot = appDir ? resolve(appDir) : null
  const benchRoot = resolve(BENCH_DIR)
  /** id → record of one chat stream. */
  const streams = new Map()
  const texts = new Map()
  const historyCache = new Map()
  const answerCache = new Map()
  let nextId = 1

  function answer(tokens, seed) {
    const key = `${tokens}:${seed}`
    if (!answerCache.has(key)) answerCache.set(key, answerTokens(tokens, seed))
    return answerCache.get(key)
  }

  async function streamCompletion(req, res, run) {
    let body
    try {
      body = JSON.parse(await readBody(req))
    } catch (error) {
      sendJson(res, 400, { error: { message: `bench server: unreadable JSON body (${error.message})`, type: 'invalid_request_error' } })
      return
    }
    const spec = streamSpec(body?.model)
    if (!spec) {
      sendJson(res, 400, {
        error: { message: `bench server: unknown model ${JSON.stringify(body?.model)}; use bench-s1 or bench-t<tokens>-r<rate>`, type: 'invalid_request_error' },
      })
      return
    }
    const tokens = answer(spec.tokens, spec.seed)
    const id = nextId++
    const record = {
      id,
      run,
      model: String(body.model),
      tokens: tokens.length,
      rate: spec.rate,
      batch: spec.batch ?? 1,
      requestBytes: Number(req.headers['content-length'] ?? 0),
      requestMessages: Array.isArray(body.messages) ? body.messages.length : 0,
      receivedAt: Date.now(),
      firstByteAt: null,
      lastByteAt: null,
      tokensSent: 0,
      bytesSent: 0,
      finished: false,
      aborted: false,
    }
    streams.set(id, record)
    const sentParts = []
    const created = Math.floor(Date.now() / 1000)
    const event = (delta, finish) =>
      `data: ${JSON.stringify({
        id: `chatcmpl-bench-${id}`,
        object: 'chat.completion.chunk',
        created,
        model: record.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`

    let closed = false
    res.on('close', () => {
      closed = true
      if (!record.finished) record.aborted = true
    })
    res.socket?.setNoDelay(true)
    res.writeHead(200, {
      ...CORS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    })
    const write = (text, callback) => {
      record.bytesSent += Buffer.byteLength(text)
      if (record.firstByteAt === null) record.firstByteAt = Date.now()
      return res.write(text, callback)
    }
    const drain = () => new Promise((r) => res.once('drain', r))
    const tokenEvents = (from, to) => {
      let out = ''
      for (let i = from; i < to; i++) {
        out += event({ content: tokens[i] }, null)
        sentParts.push(tokens[i])
      }
      record.tokensSent = to
      return out
    }
    /** One event carrying tokens from … to (unpaced streams with a batch size). */
    const batchEvent = (from, to) => {
      const text = tokens.slice(from, to).join('')
      sentParts.push(text)
      record.tokensSent = to
      return event({ content: text }, null)
    }
    const finish = () =>
      new Promise((done) => {
        const tail = event({}, 'stop') + 'data: [DONE]\n\n'
        write(tail, () => {
          record.lastByteAt = Date.now()
          record.finished = true
          texts.set(id, sentParts.join(''))
          res.end()
          done()
        })
      })

    write(event({ role: 'assistant', content: '' }, null))
    if (spec.rate <= 0) {
      // Unpaced: every token (or every `batch` tokens) its own SSE event, written as fast as the
      // socket takes them.
      const batch = spec.batch ?? 1
      for (let i = 0; i < tokens.length && !closed; i += batch) {
        if (!write(batch === 1 ? tokenEvents(i, i + 1) : batchEvent(i, Math.min(tokens.length, i + batch)))) await drain()
      }
    } else {
      // Paced: token i is due at i / rate seconds; a late timer sends every due token in one write.
      const interval = 1000 / spec.rate
      const t0 = performance.now()
      let sent = 0
      while (sent < tokens.length && !closed) {
        const due = Math.min(tokens.length, Math.floor((performance.now() - t0) / interval) + 1)
        if (due > sent) {
          if (!write(tokenEvents(sent, due))) await drain()
          sent = due
        }
        if (sent < tokens.length) {
          const wait = t0 + sent * interval - performance.now()
          await new Promise((r) => setTimeout(r, Math.max(0, wait)))
        }
      }
    }
    if (!closed) await finish()
    else texts.set(id, sentParts.join(''))
  }

  async function handle(req, res, origin) {
    const url = new URL(req.url ?? '/', 'http://x')
    const path = url.pathname
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type',
      })
      res.end()
      return
    }
    const completions = /^(?:\/r\/([A-Za-z0-9_-]+))?\/v1\/chat\/completions$/.exec(path)
    if (completions && req.method === 'POST') return streamCompletion(req, res, completions[1] ?? 'default')
    if (path === '/__bench/streams' && req.method === 'GET') {
      const run = url.searchParams.get('run')
      return sendJson(res, 200, [...streams.values()].filter((s) => run === null || s.run === run))
    }
    const textRoute = /^\/__bench\/streams\/(\d+)\/text$/.exec(path)
    if (textRoute && req.method === 'GET') {
      const text = texts.get(Number(textRoute[1]))
      if (text === undefined) return sendJson(res, 404, { error: 'no such finished stream' })
      res.writeHead(200, { ...CORS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      res.end(text)
      return
    }
    if (path === '/__bench/history' && req.method === 'GET') {
      const turns = Math.min(1000, Number(url.searchParams.get('turns') ?? 0) | 0)
      const tokens = Math.min(100_000, Math.max(2, Number(url.searchParams.get('tokens') ?? 1000) | 0))
      const key = `${turns}:${tokens}`
      if (!historyCache.has(key)) historyCache.set(key, history(turns, tokens))
      return sendJson(res, 200, historyCache.get(key))
    }
    if (path === '/__bench/health') return sendJson(res, 200, { ok: true })
    if (req.method === 'GET' && origin === 'app') {
      if (path.startsWith('/bench/') && (await serveFile(res, benchRoot, path.slice('/bench/'.length)))) return
      if (appRoot && (await serveFile(res, appRoot, path === '/' ? 'index.html' : path))) return
    }
    res.writeHead(404, { ...CORS, 'Content-Type': 'text/plain' })
    res.end('not found')
  }

  const listen = (origin, port) =>
    new Promise((resolveListen, reject) => {
      const server = http.createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req, res) => {
        handle(req, res, origin).catch((error) => {
          if (!res.headersSent) sendJson(res, 500, { error: String(error) })
          else res.destroy()
        })
      })
      server.on('error', reject)
      server.listen(port, host, () => resolveListen(server))
    })
  const appServer = await listen('app', appPort)
  const apiServer = await listen('api', apiPort)
  const originOf = (server) => `http://${host}:${server.address().port}`
  return {
    appOrigin: originOf(appServer),
    apiOrigin: originOf(apiServer),
    streams,
    close: () =>
      Promise.all(
        [appServer, apiServer].map(
          (s) =>
            new Promise((r) => {
              s.close(() => r())
              s.closeAllConnections()
            }),
        ),
      ),
  }
}

function argValue(args, name, fallback) {
  const i = args.indexOf(name)
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const appDir = argValue(args, '--app-dir', join(BENCH_DIR, '..', 'bench-results', 'app'))
  const server = await startServer({
    appDir,
    appPort: Number(argValue(args, '--app-port', 0)),
    apiPort: Number(argValue(args, '--api-port', 0)),
  })
  process.stdout.write(`${JSON.stringify({ app: server.appOrigin, api: server.apiOrigin, appDir: resolve(appDir) })}\n`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
