import type { InjectionKey, Ref } from 'vue'

/**
 * The scroll container whose neighbourhood decides when a finished message is worth rendering as
 * Markdown. A long chat would otherwise keep tens of thousands of elements alive for answers the
 * reader never scrolls to; until it comes near, such a message shows its text as plain text.
 */
export const MESSAGE_VIEWPORT: InjectionKey<Ref<HTMLElement | undefined>> = Symbol('message-viewport')

/** How far beyond the visible area rendering starts: about two screens, so scrolling never shows plain text. */
const MARGIN = '200% 0px'

const observers = new WeakMap<HTMLElement, IntersectionObserver>()
const callbacks = new WeakMap<Element, () => void>()

function observerFor(root: HTMLElement): IntersectionObserver {
  let observer = observers.get(root)
  if (!observer) {
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue
          observer!.unobserve(entry.target)
          const callback = callbacks.get(entry.target)
          callbacks.delete(entry.target)
          callback?.()
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
  callbacks.set(target, onNear)
  observer.observe(target)
  return () => {
    callbacks.delete(target)
    observer.unobserve(target)
  }
}
