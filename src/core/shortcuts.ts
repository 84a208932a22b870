/**
 * Keyboard shortcuts as data: what each does, which keys, and whether it works while typing.
 * Chosen not to clash with the browser: every combination here is one a page may take over
 * (none of the reserved ones such as Ctrl+N, Ctrl+T, Ctrl+W), and most match what other chat
 * apps use, so they are already familiar.
 */

/** What a shortcut does. */
export type ShortcutId = 'newChat' | 'focusComposer' | 'stop' | 'search' | 'toggleSidebar' | 'copyLast' | 'help'

/** One key combination. `mod` is Cmd on Apple keyboards and Ctrl elsewhere. */
export interface KeyCombo {
  key: string
  mod?: boolean
  shift?: boolean
}

/** A shortcut and the combinations that trigger it. */
export interface Shortcut {
  id: ShortcutId
  combos: readonly KeyCombo[]
  /** False: only when focus is not in a text field (a plain `?` must stay typeable). */
  whileTyping: boolean
}

/** Every shortcut, in the order the help panel lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'newChat', combos: [{ key: 'o', mod: true, shift: true }], whileTyping: true },
  { id: 'focusComposer', combos: [{ key: 'Escape', shift: true }], whileTyping: true },
  { id: 'stop', combos: [{ key: 'Escape' }], whileTyping: true },
  { id: 'search', combos: [{ key: 'k', mod: true }], whileTyping: true },
  { id: 'toggleSidebar', combos: [{ key: 's', mod: true, shift: true }], whileTyping: true },
  { id: 'copyLast', combos: [{ key: 'c', mod: true, shift: true }], whileTyping: true },
  { id: 'help', combos: [{ key: '?' }, { key: '/', mod: true }], whileTyping: false },
]

/** The parts of a keyboard event a shortcut is matched on. */
export interface KeyPress {
  key: string
  code: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

/**
 * The key a press means for matching: letters by the character typed (so Dvorak and AZERTY users
 * press the letter they see), falling back to the physical key when the layout types no Latin
 * letter (Cyrillic, Greek), where the letter printed beside it is the one meant.
 */
function keyOf(press: KeyPress): string {
  if (/^[a-z]$/i.test(press.key)) return press.key.toLowerCase()
  const physical = /^Key([A-Z])$/.exec(press.code)
  if (physical && press.key.length === 1) return physical[1]!.toLowerCase()
  return press.key
}

/** Typed punctuation such as `?` needs Shift on some layouts and not on others: Shift is not part of it. */
function shiftMatters(key: string): boolean {
  return key.length > 1 || /^[a-z0-9]$/.test(key)
}

function matches(combo: KeyCombo, press: KeyPress, mac: boolean): boolean {
  const mod = mac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey
  const noMod = !press.ctrlKey && !press.metaKey
  if (press.altKey || (combo.mod ? !mod : !noMod)) return false
  if (shiftMatters(combo.key) && press.shiftKey !== (combo.shift ?? false)) return false
  return keyOf(press) === combo.key
}

/** The shortcut a key press triggers, if any. `typing`: focus is in a text field. */
export function matchShortcut(press: KeyPress, options: { mac: boolean; typing: boolean }): ShortcutId | null {
  for (const shortcut of SHORTCUTS) {
    if (options.typing && !shortcut.whileTyping) continue
    if (shortcut.combos.some((combo) => matches(combo, press, options.mac))) return shortcut.id
  }
  return null
}

/** The keys of a combination as printed on the keyboard, e.g. `['Ctrl', 'Shift', 'O']` or `['⌘', '⇧', 'O']`. */
export function comboKeys(combo: KeyCombo, mac: boolean): string[] {
  const keys: string[] = []
  if (combo.mod) keys.push(mac ? '⌘' : 'Ctrl')
  if (combo.shift) keys.push(mac ? '⇧' : 'Shift')
  keys.push(combo.key === 'Escape' ? 'Esc' : combo.key.length === 1 ? combo.key.toUpperCase() : combo.key)
  return keys
}
