import { createPinia, setActivePinia } from 'pinia'
// Browser edges the components touch that a test has to drive by hand: animation frames (the DOM
// is patched once per frame, and the Markdown runtime announces loaded features on a frame) and
// IntersectionObserver (a finished message far from view waits for it). Nothing else is faked.
import { vi } from 'vitest'
import { config } from '@vue/test-utils'
import { applyLocale, i18n } from '../../src/i18n'

/** Animation frames run only when the test says so, in the order they were requested. */
export function manualFrames() {
  let next = 1
  const queue = new Map<number, FrameRequestCallback>()
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    queue.set(next, callback)
    return next++
  })
  vi.stubGlobal('cancelAnimationFrame', (id: number) => queue.delete(id))
  return {
    get pending(): number {
      return queue.size
    },
    /** Runs the frames requested so far (not those they request). */
    flushOne(): void {
      const due = [...queue.entries()]
      queue.clear()
      for (const [, callback] of due) callback(performance.now())
    },
    /** Runs the frames requested so far, then any they requested, until none is left. */
    flush(): void {
      for (let rounds = 0; queue.size > 0; rounds++) {
        if (rounds > 100) throw new Error('animation frames keep requesting more frames')
        const due = [...queue.entries()]
        queue.clear()
        for (const [, callback] of due) callback(performance.now())
      }
    },
  }
}

/** An IntersectionObserver whose targets come into view when the test calls `bringNear`. */
export function fakeIntersectionObserver() {
  const observers: FakeObserver[] = []
  class FakeObserver {
    readonly targets = new Set<Element>()
    constructor(
      readonly callback: IntersectionObserverCallback,
      readonly options: IntersectionObserverInit = {},
    ) {
      observers.push(this)
    }
    observe(target: Element): void {
      this.targets.add(target)
    }
    unobserve(target: Element): void {
      this.targets.delete(target)
    }
    disconnect(): void {
      this.targets.clear()
    }
    takeRecords(): IntersectionObserverEntry[] {
      return []
    }
  }
  vi.stubGlobal('IntersectionObserver', FakeObserver)
  const report = (target: Element, isIntersecting: boolean, height: number): void => {
    for (const observer of observers) {
      if (!observer.targets.has(target)) continue
      const entry = { target, isIntersecting, intersectionRatio: isIntersecting ? 1 : 0, boundingClientRect: { height } }
      observer.callback([entry as unknown as IntersectionObserverEntry], observer as unknown as IntersectionObserver)
    }
  }
  return {
    /** Whether any observer is watching `target` right now. */
    watching(target: Element): boolean {
      return observers.some((o) => o.targets.has(target))
    },
    /** Reports `target` as intersecting to every observer watching it. */
    bringNear(target: Element): void {
      report(target, true, 0)
    },
    /** Reports `target` as out of every watching observer's area, `height` px tall. */
    sendFar(target: Element, height: number): void {
      report(target, false, height)
    },
  }
}

// Components translate their text; the tests read English, whatever the machine's language.
// Some parts (the usage line) read Settings: a Pinia is active unless a test sets its own.
setActivePinia(createPinia())
config.global.plugins = [i18n]
applyLocale('en')
