import { describe, expect, it } from 'vitest'
import { SHORTCUTS, comboKeys, matchShortcut, type KeyPress } from '../../src/core/shortcuts'

function press(key: string, mods: Partial<KeyPress> = {}): KeyPress {
  const code = /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key === '?' || key === '/' ? 'Slash' : key
  return { key, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods }
}
const pc = { mac: false, typing: false }
const mac = { mac: true, typing: false }

describe('matchShortcut', () => {
  it('takes Ctrl on a PC and Cmd on a Mac, never both and never the other one', () => {
    expect(matchShortcut(press('O', { ctrlKey: true, shiftKey: true }), pc)).toBe('newChat')
    expect(matchShortcut(press('O', { metaKey: true, shiftKey: true }), mac)).toBe('newChat')
    expect(matchShortcut(press('O', { metaKey: true, shiftKey: true }), pc)).toBeNull()
    expect(matchShortcut(press('O', { ctrlKey: true, shiftKey: true }), mac)).toBeNull()
    expect(matchShortcut(press('O', { ctrlKey: true, metaKey: true, shiftKey: true }), pc)).toBeNull()
  })

  it('tells the combinations apart by Shift and Alt', () => {
    expect(matchShortcut(press('k', { ctrlKey: true }), pc)).toBe('search')
    expect(matchShortcut(press('K', { ctrlKey: true, shiftKey: true }), pc)).toBeNull()
    expect(matchShortcut(press('o', { ctrlKey: true }), pc)).toBeNull()
    expect(matchShortcut(press('S', { ctrlKey: true, shiftKey: true }), pc)).toBe('toggleSidebar')
    expect(matchShortcut(press('C', { ctrlKey: true, shiftKey: true }), pc)).toBe('copyLast')
    expect(matchShortcut(press('C', { ctrlKey: true, shiftKey: true, altKey: true }), pc)).toBeNull()
    expect(matchShortcut(press('c', { ctrlKey: true }), pc)).toBeNull()
    expect(matchShortcut(press('Escape'), pc)).toBe('stop')
    expect(matchShortcut(press('Escape', { shiftKey: true }), pc)).toBe('focusComposer')
  })

  it('opens help on ? only when not typing, on Ctrl+/ even while typing', () => {
    expect(matchShortcut(press('?', { shiftKey: true }), pc)).toBe('help')
    expect(matchShortcut(press('?'), pc)).toBe('help')
    expect(matchShortcut(press('?', { shiftKey: true }), { mac: false, typing: true })).toBeNull()
    expect(matchShortcut(press('/', { ctrlKey: true }), pc)).toBe('help')
    expect(matchShortcut(press('/', { ctrlKey: true }), { mac: false, typing: true })).toBeNull()
    expect(matchShortcut(press('/'), pc)).toBeNull()
  })

  it('keeps the modifier shortcuts working in a text field, and plain letters typeable', () => {
    const typing = { mac: false, typing: true }
    expect(matchShortcut(press('K', { ctrlKey: true }), typing)).toBe('search')
    expect(matchShortcut(press('Escape', { shiftKey: true }), typing)).toBe('focusComposer')
    expect(matchShortcut(press('k'), typing)).toBeNull()
    expect(matchShortcut(press('k'), pc)).toBeNull()
  })

  it('reads letters as typed on other Latin layouts and by the physical key on non-Latin ones', () => {
    // Dvorak: the key labelled K sits where QWERTY has T.
    expect(matchShortcut({ ...press('k', { ctrlKey: true }), code: 'KeyT' }, pc)).toBe('search')
    // Russian: Ctrl+Л is the key where K is printed.
    expect(matchShortcut({ ...press('л', { ctrlKey: true }), code: 'KeyK' }, pc)).toBe('search')
  })
})

describe('comboKeys', () => {
  it('prints each shortcut as the keyboard labels it', () => {
    const newChat = SHORTCUTS.find((s) => s.id === 'newChat')!.combos[0]!
    expect(comboKeys(newChat, false)).toEqual(['Ctrl', 'Shift', 'O'])
    expect(comboKeys(newChat, true)).toEqual(['⌘', '⇧', 'O'])
    expect(comboKeys({ key: 'Escape', shift: true }, false)).toEqual(['Shift', 'Esc'])
    expect(comboKeys({ key: '?' }, false)).toEqual(['?'])
    expect(comboKeys({ key: 'Enter', shift: true }, false)).toEqual(['Shift', 'Enter'])
  })

  it('gives every shortcut a distinct combination', () => {
    const all = SHORTCUTS.flatMap((s) => s.combos.map((c) => comboKeys(c, false).join('+')))
    expect(new Set(all).size).toBe(all.length)
  })
})
