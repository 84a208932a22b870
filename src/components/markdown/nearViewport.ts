import { getCurrentInstance, inject, nextTick, onBeforeUnmount, onMounted, ref, type InjectionKey, type Ref } from 'vue'

/**
 * The scroll container whose neighbourhood decides when a finished message is worth rendering as
 * Markdown. A long chat would otherwise keep tens of thousands of elements alive for answers the
 * reader never scrolls to; until it comes near, such a message shows its text as plain text.
 */
export const MESSAGE_VIEWPORT: InjectionKey<Ref<HTMLElement | undefined>> = Symbol('message-viewport')

/** How far beyond the visible area rendering starts: about two screens, so scrolling never shows plain text. */
const MARGIN = '200% 0px'

const observers = new WeakMap<HTMLElement, IntersectionObserver>()
const callbacks = new WeakMap<Element, Set<() => void>>()

function observerFor(root: HTMLElement): IntersectionObserver {
  let observer = observers.get(root)
  if (!observer) {
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue
          observer!.unobserve(entry.target)
          const waiting = callbacks.get(entry.target)
          callbacks.delete(entry.target)
          for (const callback of waiting ?? []) callback()
        }
      },
      { root, rootMargin: MARGIN },
    )
    observers.set(root, observer)
  }
  return observer
}

/** Calls `onNear` once, when `target` comes within a couple of screens of `root`'s visible area. */
export function whenNear(root: HTMLElement, target: Element, onNear: () => void): () => void {
  const observer = observerFor(root)
  const waiting = callbacks.get(target) ?? new Set()
  waiting.add(onNear)
  callbacks.set(target, waiting)
  observer.observe(target)
  return () => {
    waiting.delete(onNear)
    if (waiting.size > 0) return
    callbacks.delete(target)
    observer.unobserve(target)
  }
}

/**
 * For the parts of a message a reader only needs up close (its toolbar, its usage line): true once
 * the element around the component (the message) comes near the visible area, and from then on.
 * Without a viewport or IntersectionObserver it is true at once.
 */
export function useNearViewport(): Ref<boolean> {
  const viewport = inject(MESSAGE_VIEWPORT, undefined)
  const near = ref(false)
  const instance = getCurrentInstance()
  let stopWaiting: (() => void) | undefined
  onMounted(() => {
    // The component's first node (an element, a fragment's anchor or a v-if placeholder) sits inside the message.
    const around = (instance?.subTree.el as Node | null | undefined)?.parentElement
    if (!viewport?.value || !around || typeof IntersectionObserver === 'undefined') near.value = true
    else stopWaiting = whenNear(viewport.value, around, () => (near.value = true))
  })
  onBeforeUnmount(() => stopWaiting?.())
  return near
}

/** A message comes near within about a screen and a half, and goes far beyond four screens (hysteresis, so edges never flap). */
const NEAR_MARGIN = '150% 0px'
const FAR_MARGIN = '400% 0px'

interface Tracker {
  near: IntersectionObserver
  far: IntersectionObserver
}

const trackers = new WeakMap<HTMLElement, Tracker>()
const nearCallbacks = new WeakMap<Element, (near: boolean) => void>()

function trackerFor(root: HTMLElement): Tracker {
  let tracker = trackers.get(root)
  if (!tracker) {
    const report = (entries: IntersectionObserverEntry[], when: boolean): void => {
      for (const entry of entries) if (entry.isIntersecting === when) nearCallbacks.get(entry.target)?.(when)
    }
    tracker = {
      near: new IntersectionObserver((entries) => report(entries, true), { root, rootMargin: NEAR_MARGIN }),
      far: new IntersectionObserver((entries) => report(entries, false), { root, rootMargin: FAR_MARGIN }),
    }
    trackers.set(root, tracker)
  }
  return tracker
}

/**
 * Calls `onChange(true)` whenever `target` comes within about a screen and a half of `root`'s
 * visible area and `onChange(false)` when it is more than four screens away. Returns a stop function.
 */
export function trackNear(root: HTMLElement, target: Element, onChange: (near: boolean) => void): () => void {
  const tracker = trackerFor(root)
  nearCallbacks.set(target, onChange)
  tracker.near.observe(target)
  tracker.far.observe(target)
  return () => {
    nearCallbacks.delete(target)
    tracker.near.unobserve(target)
    tracker.far.unobserve(target)
  }
}

/** Most of a frame's time for rendering messages that came near; the rest waits for the next frame. */
const RENDER_BUDGET_MS = 6
const renderQueue = new Set<() => void>()
let renderFrame = 0

async function runRenders(): Promise<void> {
  const started = performance.now()
  for (const job of renderQueue) {
    renderQueue.delete(job)
    job()
    // A job may only flip reactive state: wait for Vue's update, so the budget counts the DOM work too.
    await nextTick()
    if (performance.now() - started > RENDER_BUDGET_MS) break
  }
  renderFrame = renderQueue.size > 0 ? requestAnimationFrame(startRenders) : 0
}

function startRenders(): void {
  void runRenders()
}

/**
 * Runs `job` in an animation frame shared with other queued renders, a few milliseconds' worth a
 * frame (at least one job), so a fast scroll past many messages never blocks the page. Returns a cancel.
 */
export function queueRender(job: () => void): () => void {
  renderQueue.add(job)
  if (!renderFrame) renderFrame = requestAnimationFrame(startRenders)
  return () => renderQueue.delete(job)
}
