// Search benchmark (`npm run bench:search`): the search module over 1,000 synthetic conversations,
// next to the cheapest scan there is (String.prototype.includes over the same text, lower-cased in
// advance), measured in the same run. Prints figures only; it never fails on a slow result.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import ts from 'typescript'

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000)
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 12)
const RUNS = Number(process.env.BENCH_RUNS ?? 31)

// The module is framework-free TypeScript with type-only imports: stripping the types is enough.
const source = readFileSync(new URL('../src/core/search.ts', import.meta.url), 'utf8')
const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } })
const dir = mkdtempSync(join(tmpdir(), 'inkstream-bench-search-'))
const modulePath = join(dir, 'search.mjs')
writeFileSync(modulePath, outputText)
const { createSearchIndex } = await import(modulePath)
rmSync(dir, { recursive: true, force: true })

// Deterministic text: English and Chinese words, some Markdown, answers longer than questions.
let seed = 42
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
const WORDS = ['the', 'stream', 'function', 'value', 'model', 'answer', 'browser', 'storage', 'index', 'vue', 'TypeScript', 'Rust',
  '数据', '模型', '流式', '浏览器', '存储', '函数', '问题', '回答', '对话', '搜索', '`code`', '**bold**', '- item', '\n']
const words = (n) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ')

const items = []
for (let c = 0; c < CONVERSATIONS; c++) {
  const conversation = { id: `c${c}`, title: words(5), createdAt: c, updatedAt: c }
  const messages = Array.from({ length: MESSAGES }, (_, seq) => ({
    id: `c${c}-m${seq}`, conversationId: conversation.id, seq, role: seq % 2 ? 'assistant' : 'user',
    content: words(seq % 2 ? 300 : 30), reasoning: '', status: 'done', createdAt: c, updatedAt: c,
  }))
  items.push({ conversation, messages })
}
// One rare needle, so a query has to scan everything to find it.
items[17].messages[5].content += ' 针尖 needleword'
const chars = items.reduce((sum, { conversation, messages }) => sum + conversation.title.length + messages.reduce((s, m) => s + m.content.length, 0), 0)

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const time = (fn) => {
  const start = performance.now()
  fn()
  return performance.now() - start
}

const buildTimes = []
let index
for (let i = 0; i < 5; i++) {
  buildTimes.push(time(() => {
    index = createSearchIndex()
    for (const { conversation, messages } of items) index.set(conversation, messages)
  }))
}

const texts = items.flatMap(({ conversation, messages }) => [conversation.title, ...messages.map((m) => m.content)].map((t) => t.toLowerCase()))
const QUERIES = ['needleword', '针尖', 'Stream storage', '不存在的词', 'zzzz']
const rows = []
for (const query of QUERIES) {
  const lower = query.toLowerCase().split(/\s+/)
  const searchTimes = []
  const baseTimes = []
  let found = 0
  for (let i = 0; i < RUNS; i++) {
    searchTimes.push(time(() => { found = index.search(query).length }))
    baseTimes.push(time(() => { let n = 0; for (const t of texts) if (lower.every((w) => t.includes(w))) n++; return n }))
  }
  rows.push({ query, results: found, search: median(searchTimes), baseline: median(baseTimes) })
}

const ms = (x) => `${x.toFixed(2)} ms`
console.log(`Search over ${CONVERSATIONS} conversations × ${MESSAGES} messages (${(chars / 1e6).toFixed(1)} M characters), median of ${RUNS} runs, Node ${process.version}`)
console.log(`Index build (first search after load, text normalised once): ${ms(median(buildTimes))}`)
console.log('')
console.log('| query | results | search | includes() baseline | ratio |')
console.log('|---|---|---|---|---|')
for (const r of rows) console.log(`| ${r.query} | ${r.results} | ${ms(r.search)} | ${ms(r.baseline)} | ${(r.search / r.baseline).toFixed(2)}× |`)
