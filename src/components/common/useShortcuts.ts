import { onBeforeUnmount, onMounted } from 'vue'
import { matchShortcut, type ShortcutId } from '../../core/shortcuts'
import { isApplePlatform } from '../../browser/device'

/** A shortcut's action; returning false leaves the key press to the browser (nothing to do now). */
export type ShortcutHandlers = Partial<Record<ShortcutId, () => boolean | void>>

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
}

/**
 * Listens for the app's keyboard shortcuts (src/core/shortcuts.ts) on the whole page while the
 * calling component is mounted. A key press something else already handled (the prompt menu, a
 * rename field, an input method) is left alone, and so is every key while a dialog is open: Esc
 * there closes the dialog, and the page behind it is inert.
 */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const mac = isApplePlatform()
  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing || event.repeat || document.querySelector('dialog[open]')) return
    const id = matchShortcut(event, { mac, typing: isTyping(event.target) })
    const handler = id ? handlers[id] : undefined
    if (handler && handler() !== false) event.preventDefault()
  }
  onMounted(() => document.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown))
}
