// The benchmark scenarios of issue 3, shared by the server (what to stream for a model name) and the
// runner (what to drive). A stream is chosen per request by the model name the client sends.

/** 43 characters, typed one key at a time in S4. */
export const TYPED_TEXT = 'Compare the two tables and explain the gap.'

export const SCENARIOS = {
  S1: { title: '2,000 tokens at 200 tok/s', tokens: 2000, rate: 200, seed: 1, floors: ['pre', 'split'] },
  S2: { title: '20,000 tokens unpaced', tokens: 20000, rate: 0, seed: 2, floors: ['pre', 'split'], checkStored: true },
  S3: {
    title: '50 earlier turns of 1,000 tokens, then 2,000 tokens at 200 tok/s',
    tokens: 2000,
    rate: 200,
    seed: 1,
    historyTurns: 50,
    historyTokens: 1000,
    floors: ['pre', 'split'],
  },
  S4: {
    title: `typing ${TYPED_TEXT.length} characters at 60 ms/key into the composer of the 50-turn chat`,
    typing: TYPED_TEXT,
    keyDelayMs: 60,
    historyTurns: 50,
    historyTokens: 1000,
    floors: ['pre', 'split'],
  },
  S5: { title: '10,000 tokens at 250 tok/s', tokens: 10000, rate: 250, seed: 5, floors: ['split'] },
  S6: {
    title: '500 earlier turns of 1,000 tokens: open, scroll to the top and back, then 2,000 tokens at 200 tok/s',
    tokens: 2000,
    rate: 200,
    seed: 6,
    historyTurns: 500,
    historyTokens: 1000,
    scroll: true,
    floors: ['split'],
  },
}

/** The model name that makes the server stream a scenario's answer. */
export function modelFor(id) {
  return `bench-${id.toLowerCase()}`
}

/**
 * What to stream for a model name: `bench-s1` … `bench-s6`, or `bench-t<tokens>-r<rate>[-s<seed>]`
 * (rate 0 = unpaced), e.g. `bench-t500-r100`. Returns null for anything else.
 */
export function streamSpec(model) {
  const named = /^bench-(s\d)$/i.exec(String(model))
  if (named) {
    const s = SCENARIOS[named[1].toUpperCase()]
    return s && s.tokens ? { tokens: s.tokens, rate: s.rate, seed: s.seed } : null
  }
  const generic = /^bench-t(\d+)-r(\d+)(?:-s(\d+))?$/i.exec(String(model))
  if (generic) {
    const tokens = Number(generic[1])
    if (tokens < 2 || tokens > 1_000_000) return null
    return { tokens, rate: Number(generic[2]), seed: Number(generic[3] ?? 1) }
  }
  return null
}
