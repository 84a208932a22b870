import { renderNow } from '../locales'
// What the reader can do inside rendered Markdown: copy a code block, load a blocked image.
// Wired by MarkdownContent through one delegated click listener per message.

/** Largest image we fetch after a click (bytes). */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024

/** Copies the code of the block the button belongs to (its text exactly, without the button). */
export async function copyCode(button: HTMLElement): Promise<void> {
  const code = button.closest('.md-code')?.querySelector('code')?.textContent ?? ''
  try {
    await navigator.clipboard.writeText(code)
    button.dataset.copied = 'true'
    button.setAttribute('aria-label', renderNow('markdown.copied'))
  } catch {
    button.dataset.copied = 'false'
    button.setAttribute('aria-label', renderNow('markdown.copyFailed'))
  }
  setTimeout(() => {
    delete button.dataset.copied
    button.setAttribute('aria-label', renderNow('markdown.copyCode'))
  }, 1500)
}

/**
 * Loads a blocked image after the reader clicked its placeholder. The bytes are fetched (no
 * cookies, no referrer) and shown from a blob: URL, so the page's CSP can keep `img-src` closed to
 * remote hosts. A host that does not allow cross-origin reads gets a link that opens the image in
 * a new tab instead.
 */
export async function loadImage(placeholder: HTMLElement): Promise<void> {
  const src = placeholder.dataset.src ?? ''
  if (!/^https?:\/\//i.test(src) || placeholder.dataset.state === 'loading') return
  placeholder.dataset.state = 'loading'
  try {
    const response = await fetch(src, { mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer', redirect: 'follow' })
    const type = response.headers.get('content-type') ?? ''
    if (!response.ok || !type.startsWith('image/')) throw new Error(`not an image (${response.status} ${type})`)
    const length = Number(response.headers.get('content-length') ?? 0)
    if (length > MAX_IMAGE_BYTES) throw new Error('image too large')
    const blob = await response.blob()
    if (blob.size > MAX_IMAGE_BYTES) throw new Error('image too large')
    const img = document.createElement('img')
    img.className = 'md-image-loaded'
    img.alt = placeholder.dataset.alt ?? ''
    img.title = src
    img.src = URL.createObjectURL(blob)
    // Once decoded the picture stays on screen; the blob need not stay in memory for the page's life.
    img.addEventListener('load', () => URL.revokeObjectURL(img.src), { once: true })
    placeholder.replaceWith(img)
  } catch {
    const link = document.createElement('a')
    link.className = 'md-image-link'
    link.href = src
    link.target = '_blank'
    link.rel = 'noopener noreferrer'
    link.dataset.host = placeholder.dataset.host ?? ''
    link.dataset.alt = placeholder.dataset.alt ?? ''
    link.title = renderNow('markdown.openImage', { src })
    link.setAttribute('aria-label', link.title)
    placeholder.replaceWith(link)
  }
}
