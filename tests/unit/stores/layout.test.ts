import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useLayoutStore } from '../../../src/stores/layout'

describe('layout store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('on a wide screen (no matchMedia here) the toggle hides and shows the column, never a drawer', () => {
    const layout = useLayoutStore()
    expect(layout.phone).toBe(false)
    expect(layout.sidebarShown).toBe(true)
    layout.toggleSidebar()
    expect(layout.sidebarShown).toBe(false)
    expect(layout.drawerOpen).toBe(false)
    layout.showSidebar()
    expect(layout.sidebarShown).toBe(true)
  })

  it('on a phone the toggle opens and closes the drawer, which starts closed', () => {
    const layout = useLayoutStore()
    layout.phone = true
    expect(layout.sidebarShown).toBe(false)
    layout.toggleSidebar()
    expect(layout.sidebarShown).toBe(true)
    layout.closeDrawer()
    expect(layout.sidebarShown).toBe(false)
    layout.showSidebar()
    expect(layout.drawerOpen).toBe(true)
    expect(layout.columnHidden).toBe(false)
  })
})
