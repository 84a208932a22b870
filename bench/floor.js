// The floor pages: the least a page can do to show a streamed answer. They fetch the same stream as
// the app (same endpoint, same headers, same request body shape, so the same CORS preflight), parse
// SSE minimally and append the raw text:
//   floor-pre.html    (body data-floor="pre")    to one <pre> (one text node, appendData per read)
//   floor-split.html  (body data-floor="split")  to one <pre> per paragraph (split at blank lines),
//                                                so each append lays out one short paragraph
// Like any chat they follow the stream (scroll to the end at most once per frame) and show earlier
// turns (`turns` > 0) the same way. Query: ?api=<base URL ending in /v1>&model=bench-s1[&turns=50&tokens=1000]
// The answer is done when #out gets data-status="done" ("error" on failure).

const params = new URLSearchParams(location.search)
const api = params.get('api') ?? ''
const model = params.get('model') ?? 'bench-s1'
const turns = Number(params.get('turns') ?? 0)
const historyTokens = Number(params.get('tokens') ?? 1000)
const split = document.body.dataset.floor === 'split'

const scroller = document.scrollingElement ?? document.documentElement
const historyEl = document.getElementById('history')
const out = document.getElementById('out')
const input = document.getElementById('input')
const send = document.getElementById('send')

/** Earlier turns as chat messages, for the request body. */
let past = []

function pre(text, className) {
  const el = document.createElement('pre')
  if (className) el.className = className
  el.append(document.createTextNode(text))
  return el
}

/** Appends a whole text the way this floor shows answers. */
function appendStatic(parent, text, className) {
  if (!split) {
    parent.append(pre(text, className))
    return
  }
  for (const paragraph of text.split(/\n\n/)) parent.append(pre(paragraph, className))
}

/** The sink for streamed text. */
function createSink() {
  let node = document.createTextNode('')
  const first = document.createElement('pre')
  first.append(node)
  out.append(first)
  if (!split) return (text) => node.appendData(text)
  let current = ''
  return (text) => {
    const combined = current + text
    if (combined.indexOf('\n\n') < 0) {
      node.appendData(text)
      current = combined
      return
    }
    const parts = combined.split('\n\n')
    // The open paragraph ends here (the blank line stays with it, so the page holds the exact text).
    node.data = `${parts[0]}\n\n`
    for (let i = 1; i < parts.length; i++) {
      node = document.createTextNode(i < parts.length - 1 ? `${parts[i]}\n\n` : parts[i])
      const next = document.createElement('pre')
      next.append(node)
      out.append(next)
    }
    current = parts[parts.length - 1]
  }
}

let followFrame = 0
function follow() {
  if (followFrame) return
  followFrame = requestAnimationFrame(() => {
    followFrame = 0
    scroller.scrollTop = scroller.scrollHeight
  })
}

async function loadHistory() {
  if (turns <= 0) return
  const res = await fetch(`${new URL(api).origin}/__bench/history?turns=${turns}&tokens=${historyTokens}`)
  const pairs = await res.json()
  const frag = document.createDocumentFragment()
  for (const { question, answer } of pairs) {
    appendStatic(frag, question, 'q')
    appendStatic(frag, answer)
    past.push({ role: 'user', content: question }, { role: 'assistant', content: answer })
  }
  historyEl.append(frag)
  scroller.scrollTop = scroller.scrollHeight
}

async function ask() {
  const question = input.value
  input.value = ''
  historyEl.append(pre(question, 'q'))
  follow()
  const sink = createSink()
  out.dataset.status = 'streaming'
  try {
    const res = await fetch(`${api}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer bench-floor' },
      body: JSON.stringify({ model, stream: true, messages: [...past, { role: 'user', content: question }] }),
    })
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
    const reader = res.body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      const end = buffer.lastIndexOf('\n')
      if (end < 0) continue
      const lines = buffer.slice(0, end).split('\n')
      buffer = buffer.slice(end + 1)
      let text = ''
      for (const line of lines) {
        if (!line.startsWith('data:')) continue
        const data = line.slice(5).trim()
        if (data === '[DONE]') continue
        const content = JSON.parse(data).choices?.[0]?.delta?.content
        if (content) text += content
      }
      if (text) {
        sink(text)
        follow()
      }
    }
    out.dataset.status = 'done'
  } catch (error) {
    out.dataset.status = 'error'
    out.dataset.error = String(error)
  }
}

send.addEventListener('click', () => void ask())
loadHistory().then(
  () => (document.body.dataset.ready = '1'),
  (error) => (document.body.dataset.ready = `error: ${error}`),
)
