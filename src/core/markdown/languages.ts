/**
 * Languages we highlight, as highlight.js module names, and the fence tags that select them.
 * Kept as data so the lazy loaders (one dynamic import per module) can be checked against it.
 */
export const HIGHLIGHT_LANGUAGES = [
  'bash', 'c', 'cpp', 'csharp', 'css', 'dart', 'diff', 'dockerfile', 'elixir', 'go', 'graphql',
  'haskell', 'ini', 'java', 'javascript', 'json', 'kotlin', 'latex', 'lua', 'makefile', 'markdown',
  'nginx', 'objectivec', 'perl', 'php', 'powershell', 'python', 'r', 'ruby', 'rust', 'scala', 'scss',
  'sql', 'swift', 'typescript', 'xml', 'yaml',
] as const

/** A language highlight.js can load for us. */
export type HighlightLanguage = (typeof HIGHLIGHT_LANGUAGES)[number]

const ALIASES: Record<string, HighlightLanguage> = {
  sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', shellsession: 'bash',
  h: 'c', 'c++': 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', cs: 'csharp', 'c#': 'csharp',
  patch: 'diff', docker: 'dockerfile', ex: 'elixir', exs: 'elixir', golang: 'go', gql: 'graphql',
  hs: 'haskell', toml: 'ini', cfg: 'ini', js: 'javascript', jsx: 'javascript', mjs: 'javascript',
  cjs: 'javascript', node: 'javascript', jsonc: 'json', json5: 'json', kt: 'kotlin', kts: 'kotlin',
  tex: 'latex', make: 'makefile', mk: 'makefile', md: 'markdown', objc: 'objectivec', 'objective-c': 'objectivec',
  pl: 'perl', ps1: 'powershell', ps: 'powershell', pwsh: 'powershell', py: 'python', python3: 'python',
  py3: 'python', rb: 'ruby', rs: 'rust', sc: 'scala', ts: 'typescript', tsx: 'typescript', mts: 'typescript',
  cts: 'typescript', html: 'xml', htm: 'xml', xhtml: 'xml', svg: 'xml', vue: 'xml', yml: 'yaml',
  postgres: 'sql', postgresql: 'sql', mysql: 'sql', sqlite: 'sql',
}

const KNOWN = new Set<string>(HIGHLIGHT_LANGUAGES)

/**
 * The fence's language tag as shown to the reader: the info string's first word, lower-cased, or ''
 * when it is empty or not a plausible tag (it ends up in a `data-lang` attribute and a class name).
 */
export function fenceLanguage(info: string): string {
  const word = info.trim().split(/\s/, 1)[0]?.toLowerCase() ?? ''
  return /^[a-z0-9_+#.-]{1,32}$/.test(word) ? word : ''
}

/** The highlight.js module for a fence tag, or null when we do not highlight it. */
export function highlightLanguage(tag: string): HighlightLanguage | null {
  if (KNOWN.has(tag)) return tag as HighlightLanguage
  return ALIASES[tag] ?? null
}
