// Deterministic Markdown answers for the benchmark, cut into tokens the way a chat model streams them.
// Shared by the server (what it streams), the seed data (earlier turns) and the runner (what to expect).
// Pure functions, no I/O: the same (tokens, seed) always gives the same text and the same token list.

const CJK = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uff00-\\uffef'

/**
 * A tokenizer-like split (~4 characters a token on English prose): newline runs, one or two CJK
 * characters, a word of up to eight letters with its leading space, up to three digits with theirs,
 * up to four punctuation marks with the spaces before them, other whitespace runs. Every character
 * lands in exactly one token. Markdown and Chinese come out at about 3 characters a token.
 */
const TOKEN_RE = new RegExp(
  `\\n+|[${CJK}]{1,2}| ?[A-Za-z]{1,8}| ?\\d{1,3}|[^\\S\\n]*[^\\sA-Za-z\\d${CJK}]{1,4}|[^\\S\\n]+`,
  'gu',
)

/** Splits text into tokens; `tokenize(t).join('') === t` always holds. */
export function tokenize(text) {
  const tokens = text.match(TOKEN_RE) ?? []
  if (tokens.join('') !== text) throw new Error('tokenize: tokens do not cover the text')
  return tokens
}

const LANGS = ['ts', 'python', 'rust', 'go', 'sql', 'bash', 'json', 'css', 'html', 'java', 'cpp']
const NAMES = ['parser', 'renderer', 'scheduler', 'buffer', 'stream', 'tokenizer', 'highlighter', 'layout']
const ZH = [
  '流式渲染的关键在于只重新渲染尚未完成的末尾块，已经完成的块渲染一次后保持不变。',
  '长对话中，之前的消息不应该参与流式消息的响应式更新，否则每个字都会触发整段历史的重新计算。',
  '当网络在一帧之内送来多次数据时，合并为一次渲染就足够了，浏览器每秒最多也只绘制六十帧。',
  '代码块可以在闭合之后再做语法高亮，这样既不会闪烁，也不会让主线程长时间忙碌。',
  '表格在未闭合时也应当合理显示：已经到达的行先画出来，列宽随着内容增长而稳定下来。',
]

function code(lang, n) {
  const name = NAMES[n % NAMES.length]
  switch (lang) {
    case 'ts':
      return [
        `interface ${name[0].toUpperCase()}${name.slice(1)}State {`,
        '  done: string[]',
        '  tail: string',
        '}',
        '',
        `export function append${n}(state: ${name[0].toUpperCase()}${name.slice(1)}State, chunk: string): void {`,
        "  const parts = (state.tail + chunk).split('\\n\\n')",
        '  state.tail = parts.pop() ?? \'\'',
        `  for (const p of parts) state.done.push(p.trim()) // block ${n}`,
        '}',
      ].join('\n')
    case 'python':
      return [
        `def measure_${name}(events, budget_ms=${16 + (n % 17)}):`,
        '    """Return the frames that took longer than the budget."""',
        '    slow = []',
        '    for start, end in zip(events, events[1:]):',
        '        if end - start > budget_ms:',
        "            slow.append({'start': start, 'gap': end - start})",
        `    return sorted(slow, key=lambda e: -e['gap'])[:${3 + (n % 5)}]`,
      ].join('\n')
    case 'rust':
      return [
        `pub fn split_blocks_${n}(text: &str) -> Vec<&str> {`,
        '    let mut out = Vec::new();',
        '    let mut start = 0;',
        '    while let Some(i) = text[start..].find("\\n\\n") {',
        '        out.push(&text[start..start + i]);',
        '        start += i + 2;',
        '    }',
        '    out.push(&text[start..]);',
        '    out',
        '}',
      ].join('\n')
    case 'go':
      return [
        'package main',
        '',
        'import "fmt"',
        '',
        `func main() { // ${name}`,
        `\tfor i := 0; i < ${n % 9 + 2}; i++ {`,
        '\t\tfmt.Printf("token %d\\n", i)',
        '\t}',
        '}',
      ].join('\n')
    case 'sql':
      return [
        `SELECT m.id, m.seq, length(m.content) AS chars -- ${name}`,
        'FROM messages AS m',
        `WHERE m.conversation_id = 'c${n}' AND m.role = 'assistant'`,
        'ORDER BY m.seq DESC',
        `LIMIT ${10 + n};`,
      ].join('\n')
    case 'bash':
      return [
        '#!/usr/bin/env bash',
        'set -euo pipefail',
        `for f in bench-results/*.md; do echo "== $f"; grep -c PASS "$f" || true; done # ${n}`,
        'npm run bench -- --runs 1 --only S1',
      ].join('\n')
    case 'json':
      return JSON.stringify({ id: `chatcmpl-${n}`, model: 'bench', stream: true, usage: { prompt: n, completion: n * 7 }, tags: [name, '中文', 'en'] }, null, 2)
    case 'css':
      return ['.message {', '  content-visibility: auto;', `  contain-intrinsic-size: auto ${200 + n}px;`, '}', `.${name} pre { tab-size: 2; }`].join('\n')
    case 'html':
      return ['<!doctype html>', `<section id="s${n}">`, '  <script>alert("raw HTML stays text")</script>', `  <p class="${name}">Hello &amp; 你好</p>`, '</section>'].join('\n')
    case 'java':
      return [
        `public final class Frame${n} {`,
        '    private final long start;',
        `    Frame${n}(long start) { this.start = start; }`,
        '    long gap(long end) { return end - start; }',
        '}',
      ].join('\n')
    default:
      return [
        '#include <string>',
        '#include <vector>',
        '',
        `std::vector<std::string> blocks${n}(const std::string& s) {`,
        '  std::vector<std::string> out;',
        '  size_t start = 0, i;',
        '  while ((i = s.find("\\n\\n", start)) != std::string::npos) { out.push_back(s.substr(start, i - start)); start = i + 2; }',
        '  out.push_back(s.substr(start));',
        '  return out;',
        '}',
      ].join('\n')
  }
}

/** One self-contained section (ends with a blank line), varied by its index. */
function section(i, seed) {
  const n = i + seed * 7
  const name = NAMES[n % NAMES.length]
  const zh = ZH[n % ZH.length]
  switch (i % 8) {
    case 0:
      return (
        `## ${i + 1}. How the ${name} keeps up\n\n` +
        `A **${name}** that re-renders the whole answer on every token does *quadratic* work: after ${n * 10} tokens ` +
        `each new token costs as much as the first ${n * 10}. Keeping finished blocks and re-rendering only the open ` +
        `tail keeps the cost per token flat. See [the notes](https://example.com/notes/${n}) and \`append${n}()\`, ` +
        `which is ~~slow~~ fast enough at 200 tokens per second.\n\n`
      )
    case 1:
      return `### ${i + 1}. 中文说明：${name}\n\n${zh}这一段混合了 English words、数字 ${n} 和 \`inline code\`，用于测试中英文混排的换行与测量。\n\n`
    case 2:
      return (
        `Steps for case ${n}:\n\n` +
        `1. Parse the stream into events (${n % 5 + 1} per read on average).\n` +
        '2. Append the text to the open block.\n' +
        '   - finished blocks are kept as they are\n' +
        `   - the tail is rendered at most once per frame (${16 + (n % 3)} ms)\n` +
        '3. Highlight code after its fence closes.\n\n' +
        `- [x] tables render while open\n- [ ] math loads on demand: $e^{i\\pi} + 1 = 0$\n- [x] 任务列表 ${n}\n\n`
      )
    case 3:
      return (
        `| scenario | tokens | rate | note |\n| :--- | ---: | :---: | --- |\n` +
        `| S1 | 2,000 | 200/s | short answer ${n} |\n` +
        '| S2 | 20,000 | unpaced | 长回答 |\n' +
        '| S3 | 2,000 | 200/s | 50 turns on screen |\n' +
        `| S5 | 10,000 | 250/s | \`${name}\` under load |\n\n`
      )
    case 4: {
      const lang = LANGS[n % LANGS.length]
      return `Here is the ${lang} version:\n\n\`\`\`${lang}\n${code(lang, n)}\n\`\`\`\n\n`
    }
    case 5:
      return (
        `> **Note ${n}.** A long answer is mostly finished blocks; only the last one grows.\n` +
        `> ${zh}\n\n` +
        'The block formula, for reference:\n\n' +
        `$$\n\\text{cost}(n) = \\sum_{k=1}^{n} c_k \\approx ${n % 9 + 1} \\cdot n\n$$\n\n`
      )
    case 6: {
      const lang = LANGS[(n + 3) % LANGS.length]
      return (
        `#### Example ${n}: ${name} in ${lang}\n\n` +
        `Raw HTML such as <b>bold</b> or <img src="x" onerror="alert(${n})"> must appear as text. ` +
        `An image is only a placeholder until clicked: ![diagram ${n}](https://example.com/img/${n}.png)\n\n` +
        `\`\`\`${lang}\n${code(lang, n + 1)}\n\`\`\`\n\n`
      )
    }
    default:
      return (
        `Paragraph ${n}. Streaming text arrives a few characters at a time, so the renderer sees ` +
        `prefixes of every construct: an open fence, half a table row, a list item without its end. ` +
        `Each prefix must render sensibly and the last render must equal a one-shot render. ${zh}\n\n` +
        '---\n\n'
      )
  }
}

const END_WORDS = [' the', ' answer', ' ends', ' here', ' with', ' a', ' plain', ' closing', ' line', ' of', ' prose', ' so', ' every', ' block', ' is', ' closed']

/**
 * A Markdown answer of exactly `count` tokens (count ≥ 2). Whole sections while they fit, then a
 * closing paragraph sized to make the count exact; the text ends without a newline, every block closed.
 */
export function answerTokens(count, seed = 1) {
  if (!Number.isInteger(count) || count < 2) throw new Error(`answerTokens: bad token count ${count}`)
  const tokens = []
  for (let i = 0; ; i++) {
    const next = tokenize(section(i, seed))
    // Leave room for the closing paragraph: "Thus" + at least one word + ".".
    if (tokens.length + next.length > count - 3) break
    tokens.push(...next)
  }
  const words = count - tokens.length - 2
  tokens.push('Thus')
  for (let k = 0; k < words; k++) tokens.push(END_WORDS[k % END_WORDS.length])
  tokens.push('.')
  if (tokens.length !== count) throw new Error(`answerTokens: made ${tokens.length} tokens, wanted ${count}`)
  return tokens
}

/** The question asked in a run (its text does not matter to the server). */
export function question(label) {
  return `Benchmark ${label}: please write a long Markdown answer with headings, lists, tables and code.`
}

/** `turns` earlier question/answer pairs of `tokens` tokens each, for the long-chat scenarios. */
export function history(turns, tokens) {
  const out = []
  for (let t = 0; t < turns; t++) {
    out.push({ question: `Earlier question ${t + 1}: explain part ${t + 1} of the renderer.`, answer: answerTokens(tokens, 100 + t).join('') })
  }
  return out
}
