// Where a streaming answer's final blocks go in the DOM. Loaded with the Markdown renderer.

/** Final blocks past the first GROUP_AFTER go into `.md-group` elements of GROUP_SIZE blocks. */
const GROUP_AFTER = 400
const GROUP_SIZE = 200

/** Adds final blocks (one element of HTML each) before the tail, in order. */
export interface BlockGroups {
  add(html: string[]): void
}

/**
 * A huge answer (megabytes, hundreds of thousands of elements) would otherwise give the browser
 * tens of thousands of sibling blocks to walk in every frame's layout, paint and visibility checks
 * while it streams; groups far from view are skipped whole. Ordinary answers never reach a group,
 * so their DOM is the one-shot render's. Every element added is pushed to `blocks`.
 * HTML enters the DOM only through `write` (MarkdownContent's audited sink).
 */
export function createBlockGroups(
  root: HTMLElement,
  tail: HTMLElement,
  blocks: Element[],
  write: (target: Element, html: string, where: 'before' | 'end') => void,
): BlockGroups {
  let group: HTMLElement | null = null
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
          group = root.insertBefore(document.createElement('div'), tail)
          group.className = 'md-group'
        }
        const n = Math.min(html.length - i, direct ? GROUP_AFTER - blocks.length : GROUP_SIZE - group!.childElementCount)
        const part = html.slice(i, (i += n)).join('')
        write(direct ? tail : group!, part, direct ? 'before' : 'end')
        collect(n, direct ? tail.previousElementSibling : group!.lastElementChild)
      }
    },
  }
}
