import { getCurrentInstance, inject, onBeforeUnmount, onMounted, ref, type InjectionKey, type Ref } from 'vue'

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
