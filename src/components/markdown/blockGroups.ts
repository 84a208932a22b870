// Where a streaming answer's final blocks go in the DOM. Loaded with the Markdown renderer.

/** Final blocks past the first GROUP_AFTER go into `.md-group` elements of GROUP_SIZE blocks. */
const GROUP_AFTER = 400
const GROUP_SIZE = 200
/** A full group this far outside the visible area is parked (see below); closer, it is in the page. */
const PARK_MARGIN = '150% 0px'

/** Adds final blocks (one element of HTML each) before the tail, in order. */
export interface BlockGroups {
  add(html: string[]): void
  /** Puts every parked group back and stops watching them (the answer is re-rendered or goes away). */
  dispose(): void
}

interface Parked {
  children: DocumentFragment
}

/**
 * A huge answer (megabytes, hundreds of thousands of elements) would otherwise give the browser
 * tens of thousands of sibling blocks to walk in every frame's layout, paint and visibility checks
 * while it streams; groups far from view are skipped whole. Ordinary answers never reach a group,
 * so their DOM is the one-shot render's. Every element added is pushed to `blocks`.
 *
 * A full group far from the visible area of `viewport` is parked: its blocks move to a detached
 * fragment and the empty group keeps their height, so the page holds only the groups near the
 * reader and every frame's style and layout stop growing with the answer. It comes back before it
 * scrolls into view. Parked blocks stay the same elements, so `blocks` (and a late re-render of
 * one of them) still finds them.
 * HTML enters the DOM only through `write` (MarkdownContent's audited sink).
 */
export function createBlockGroups(
  root: HTMLElement,
  tail: HTMLElement,
  blocks: Element[],
  write: (target: Element, html: string, where: 'before' | 'end') => void,
  viewport?: HTMLElement,
): BlockGroups {
  let group: HTMLElement | null = null
  const parked = new Map<Element, Parked>()
  /** Full groups last seen outside the margin, with their height then. */
  const far = new Map<Element, number>()

  const park = (el: HTMLElement, height: number): void => {
    if (parked.has(el) || el === group) return
    const children = document.createDocumentFragment()
    el.style.height = `${height}px`
    children.append(...el.children)
    parked.set(el, { children })
  }
  const unpark = (el: Element): void => {
    const entry = parked.get(el)
    if (!entry) return
    parked.delete(el)
    el.append(entry.children)
    ;(el as HTMLElement).style.height = ''
  }
  const observer =
    viewport && typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              const el = entry.target as HTMLElement
              if (entry.isIntersecting) {
                far.delete(el)
                unpark(el)
              } else if (entry.boundingClientRect.height > 0) {
                far.set(el, entry.boundingClientRect.height)
                if (el !== group) park(el, entry.boundingClientRect.height)
              }
            }
          },
          { root: viewport, rootMargin: PARK_MARGIN },
        )
      : null

  const collect = (count: number, last: Element | null): void => {
    const added: Element[] = []
    for (let el = last; el && added.length < count; el = el.previousElementSibling) added.push(el)
    blocks.push(...added.reverse())
  }
  return {
    add(html) {
      for (let i = 0; i < html.length; ) {
        const direct = blocks.length < GROUP_AFTER
        if (!direct && (!group || group.childElementCount >= GROUP_SIZE)) {
          const full = group
          group = root.insertBefore(document.createElement('div'), tail)
          group.className = 'md-group'
          observer?.observe(group)
          // It filled up while already out of view: no further report would come for it.
          const height = full && far.get(full)
          if (full && height) park(full, height)
        }
        const n = Math.min(html.length - i, direct ? GROUP_AFTER - blocks.length : GROUP_SIZE - group!.childElementCount)
        const part = html.slice(i, (i += n)).join('')
        write(direct ? tail : group!, part, direct ? 'before' : 'end')
        collect(n, direct ? tail.previousElementSibling : group!.lastElementChild)
      }
    },
    dispose() {
      observer?.disconnect()
      for (const el of [...parked.keys()]) unpark(el)
      far.clear()
    },
  }
}
