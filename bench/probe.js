// In-page probe, injected by the runner into every page (app and floors alike) before the page's own
// scripts run. Dormant until `__bench.arm()`; then, until `__bench.collect()`, it records:
//   - the send click (`event.timeStamp` of the click on the send button),
//   - text changes in the answer (a MutationObserver on the document; a batch of records counts when
//     it changes the answer's text: characterData, or added minus removed text of childList records,
//     so re-rendering the same text, e.g. highlighting, is not a change),
//   - when each change was painted: every frame, a message is posted from the probe's rAF callback; it
//     runs after that frame's style, layout and paint, and marks every change seen before it as painted
//     (changes made in the app's own rAF callbacks of that frame included),
//   - every animation frame (a rAF loop: frame gaps), long tasks (PerformanceObserver 'longtask'),
//     slow input (Event Timing, durationThreshold 16 ms).
// Times are performance.now(); `epochOffset` turns them into epoch ms comparable with the server's
// Date.now() (same machine clock).
;(() => {
  if (window.__bench) return
  const ANSWER_APP = '[data-testid="message-content"]'
  const MESSAGE_APP = '[data-testid="message"]'

  const longTasks = []
  const events = []
  const animationFrames = []
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration })
    }).observe({ type: 'longtask', buffered: true })
  } catch {
    // not supported: reported as null
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        events.push({ name: e.name, start: e.startTime, duration: e.duration, interactionId: e.interactionId ?? 0 })
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true })
  } catch {
    // not supported
  }

  // Long animation frames (≥ 50 ms) with the scripts that ran in them: what a long task was made of.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        animationFrames.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          styleLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: (e.scripts ?? []).map((sc) => ({
            duration: sc.duration,
            invoker: sc.invoker,
            type: sc.invokerType,
            source: `${String(sc.sourceURL ?? '').replace(/^.*\//, '')}${sc.sourceFunctionName ? `:${sc.sourceFunctionName}` : ''}${sc.sourceCharPosition >= 0 ? `@${sc.sourceCharPosition}` : ''}`,
            forcedLayout: sc.forcedStyleAndLayoutDuration,
            // Our code: a script served by the page's own origin (the app's bundles, the floor's script).
            own: String(sc.sourceURL ?? '').startsWith(`${location.origin}/`),
          })),
        })
      }
    }).observe({ type: 'long-animation-frame', buffered: true })
  } catch {
    // not supported
  }

  let state = null

  /** Key presses between two times: Event Timing entries grouped by interactionId, longest per press. */
  function keysBetween(from, to) {
    const byInteraction = new Map()
    for (const e of events) {
      if (e.start < from || e.start > to || !/^key/.test(e.name)) continue
      const key = e.interactionId || `${e.name}@${e.start}`
      byInteraction.set(key, Math.max(byInteraction.get(key) ?? 0, e.duration))
    }
    const durations = [...byInteraction.values()]
    return {
      supported: PerformanceObserver.supportedEntryTypes?.includes('event') ?? false,
      slow16: durations.filter((d) => d >= 16).length,
      slow50: durations.filter((d) => d >= 50).length,
      worst: durations.reduce((a, d) => Math.max(a, d), 0),
    }
  }
  let quietFrom = null

  /** Date.now() − performance.now(), read at the instant Date.now() ticks (sub-millisecond). */
  function epochOffset() {
    const start = Date.now()
    let now = start
    let perf = performance.now()
    const limit = perf + 5
    while (now === start && perf < limit) {
      perf = performance.now()
      now = Date.now()
    }
    return now - perf
  }

  function elementOf(node) {
    return node.nodeType === 1 ? node : node.parentElement
  }

  function isAnswer(el, s) {
    if (!el) return false
    if (s.mode === 'floor') return el.closest('#out') !== null
    const content = el.closest(ANSWER_APP)
    if (!content) return false
    const message = content.closest(MESSAGE_APP)
    return message !== null && message.getAttribute('data-role') === 'assistant' && !s.before.has(message)
  }

  function textLength(node) {
    return node.nodeType === 3 || node.nodeType === 1 ? (node.textContent ?? '').length : 0
  }

  /** Whether a batch of mutation records changed the answer's text. */
  function changesAnswer(records, s) {
    let delta = 0
    for (const r of records) {
      if (r.type === 'characterData') {
        if (isAnswer(elementOf(r.target), s)) return true
        continue
      }
      if (isAnswer(elementOf(r.target), s)) {
        for (const n of r.addedNodes) delta += textLength(n)
        for (const n of r.removedNodes) delta -= textLength(n)
        continue
      }
      // A whole message (or answer container) added at once with its text.
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue
        if (s.mode === 'floor' ? n.id === 'out' : n.matches(ANSWER_APP) || n.matches(MESSAGE_APP)) {
          const contents = s.mode === 'floor' ? [n] : n.matches(ANSWER_APP) ? [n] : n.querySelectorAll(ANSWER_APP)
          for (const c of contents) if (isAnswer(c, s)) delta += textLength(c)
        }
      }
    }
    return delta !== 0
  }

  function onMutations(records) {
    const s = state
    if (!s || s.stopped || !changesAnswer(records, s)) return
    s.changeSeq++
    s.lastChangeAt = performance.now()
    if (s.firstChangeAt === null) s.firstChangeAt = s.lastChangeAt
  }

  const channel = new MessageChannel()
  channel.port1.onmessage = () => {
    const s = state
    if (!s) return
    s.probePosted = false
    if (s.changeSeq > s.paintedSeq) {
      s.paintedSeq = s.changeSeq
      s.lastPaintAt = performance.now()
      if (s.firstPaintAt === null) s.firstPaintAt = s.lastPaintAt
      s.paints++
    }
  }

  function onFrame(t) {
    const s = state
    if (!s || s.stopped) return
    s.frames.push(t)
    if (!s.probePosted) {
      s.probePosted = true
      channel.port2.postMessage(0)
    }
    requestAnimationFrame(onFrame)
  }

  window.addEventListener(
    'click',
    (e) => {
      const s = state
      if (s && !s.stopped && s.clickAt === null && e.target instanceof Element && e.target.closest(s.sendSelector)) {
        s.clickAt = e.timeStamp
      }
    },
    true,
  )

  function doneNow(s) {
    if (s.mode === 'floor') {
      const status = document.getElementById('out')?.dataset.status
      return status === 'done' || status === 'error' ? status : null
    }
    const answers = document.querySelectorAll(`${MESSAGE_APP}[data-role="assistant"]`)
    const last = answers[answers.length - 1]
    if (!last || s.before.has(last)) return null
    const status = last.getAttribute('data-status')
    return status && status !== 'streaming' ? status : null
  }

  window.__bench = {
    /**
     * Probe-free window: no rAF loop, no MutationObserver, only the Event Timing observer that is
     * always on. `quietStart()` marks its start, `quietKeys()` returns the key presses since.
     */
    quietStart() {
      quietFrom = performance.now()
    },
    quietKeys() {
      return keysBetween(quietFrom ?? 0, performance.now())
    },

    /** Opening figures: now (ms since navigation), long tasks and animation frames ≥ 50 ms until now. */
    opened() {
      const now = performance.now()
      return {
        at: now,
        longTasks: {
          count: longTasks.length,
          total: longTasks.reduce((a, t) => a + t.duration, 0),
          longest: longTasks.reduce((a, t) => Math.max(a, t.duration), 0),
        },
        longFrames: animationFrames.filter((f) => f.start <= now),
      }
    },

    /** Starts measuring. mode 'app' | 'floor'; sendSelector: what counts as the send click. */
    arm({ mode, sendSelector }) {
      const offset = epochOffset()
      const s = {
        mode,
        sendSelector,
        before: new Set(document.querySelectorAll(MESSAGE_APP)),
        startAt: performance.now(),
        epochOffset: offset,
        clickAt: null,
        changeSeq: 0,
        paintedSeq: 0,
        firstChangeAt: null,
        lastChangeAt: null,
        firstPaintAt: null,
        lastPaintAt: null,
        paints: 0,
        probePosted: false,
        frames: [],
        stopped: false,
        observer: new MutationObserver(onMutations),
      }
      s.observer.observe(document.documentElement, { subtree: true, childList: true, characterData: true })
      state = s
      requestAnimationFrame(onFrame)
    },

    /** Resolves once the answer has ended and its text has not changed for `quietMs` (or on timeout). */
    waitDone({ timeoutMs, quietMs }) {
      const s = state
      return new Promise((resolve) => {
        const deadline = performance.now() + timeoutMs
        const timer = setInterval(() => {
          const now = performance.now()
          const status = doneNow(s)
          const quiet = now - (s.lastChangeAt ?? s.startAt) >= quietMs && s.paintedSeq === s.changeSeq
          if ((status && quiet) || now > deadline) {
            clearInterval(timer)
            resolve({ status: status ?? 'timeout', timedOut: !status })
          }
        }, 50)
      })
    },

    /** Stops measuring and returns the figures (times in ms, performance.now() based unless noted). */
    collect() {
      const s = state
      s.stopped = true
      s.observer.disconnect()
      const endAt = performance.now()
      const from = s.clickAt ?? s.startAt
      const frames = s.frames.filter((t) => t >= from)
      let worstGap = 0
      let over50 = 0
      let over33 = 0
      for (let i = 1; i < frames.length; i++) {
        const gap = frames[i] - frames[i - 1]
        if (gap > worstGap) worstGap = gap
        // Gaps are multiples of the 16.7 ms vsync: over 33 / 50 ms means more than 2 / 3 intervals.
        if (gap > 50.1) over50++
        if (gap > 33.4) over33++
      }
      const tasks = longTasks.filter((t) => t.start >= s.startAt && t.start <= endAt)
      const longFrames = animationFrames.filter((f) => f.start >= s.startAt && f.start <= endAt)
      const answers = document.querySelectorAll(s.mode === 'floor' ? '#out' : `${MESSAGE_APP}[data-role="assistant"] ${ANSWER_APP}`)
      const answer = answers[answers.length - 1]
      return {
        epochOffset: s.epochOffset,
        startAt: s.startAt,
        endAt,
        clickAt: s.clickAt,
        firstChangeAt: s.firstChangeAt,
        firstPaintAt: s.firstPaintAt,
        lastChangeAt: s.lastChangeAt,
        lastPaintAt: s.lastPaintAt,
        lastPaintEpoch: s.lastPaintAt === null ? null : s.lastPaintAt + s.epochOffset,
        textChanges: s.changeSeq,
        paints: s.paints,
        frames: { count: frames.length, worstGap, over50, over33 },
        longTasks: {
          supported: PerformanceObserver.supportedEntryTypes?.includes('longtask') ?? false,
          count: tasks.length,
          total: tasks.reduce((a, t) => a + t.duration, 0),
          longest: tasks.reduce((a, t) => Math.max(a, t.duration), 0),
        },
        longFrames,
        keys: keysBetween(s.startAt, endAt),
        answerTextLength: answer ? (answer.textContent ?? '').length : 0,
        domElements: document.getElementsByTagName('*').length,
      }
    },
  }
})()
