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
  // Issue 12 item 4 (bad input): no task over 200 ms on answers and pastes of megabytes.
  S7: {
    title: 'a 5 MB answer (1,620,000 tokens, 5.03 M characters, 5.73 MB of UTF-8) unpaced, 32 tokens an event',
    tokens: 1_620_000,
    rate: 0,
    seed: 7,
    // One event per token would be 1.6 M events (~250 MB of SSE); providers send a few tokens an
    // event anyway, and unpaced reads coalesce many events into one chunk either way.
    batch: 32,
    floors: ['split'],
    checkStored: true,
    timeoutMs: 110_000,
    maxTaskMs: 200,
  },
  S8: {
    title: `paste 1 MB of text into the composer (it becomes an attachment chip), then type ${TYPED_TEXT.length} characters at 60 ms/key`,
    pasteChars: 1_048_576,
    typing: TYPED_TEXT,
    keyDelayMs: 60,
    floors: [],
    maxTaskMs: 200,
  },
}

/** The model name that makes the server stream a scenario's answer. */
export function modelFor(id) {
  return `bench-${id.toLowerCase()}`
}

/**
 * What to stream for a model name: `bench-s1` … `bench-s7`, or `bench-t<tokens>-r<rate>[-s<seed>][-b<batch>]`
 * (rate 0 = unpaced; batch = tokens an event when unpaced, default 1), e.g. `bench-t500-r100`.
 * Returns null for anything else.
 */
export function streamSpec(model) {
  const named = /^bench-(s\d)$/i.exec(String(model))
  if (named) {
    const s = SCENARIOS[named[1].toUpperCase()]
    return s && s.tokens ? { tokens: s.tokens, rate: s.rate, seed: s.seed, batch: s.batch ?? 1 } : null
  }
  const generic = /^bench-t(\d+)-r(\d+)(?:-s(\d+))?(?:-b(\d+))?$/i.exec(String(model))
  if (generic) {
    const tokens = Number(generic[1])
    const batch = Number(generic[4] ?? 1)
    if (tokens < 2 || tokens > 2_000_000 || batch < 1 || batch > 1000) return null
    return { tokens, rate: Number(generic[2]), seed: Number(generic[3] ?? 1), batch }
  }
  return null
}
