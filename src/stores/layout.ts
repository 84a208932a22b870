import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { watchPhoneLayout } from '../browser/device'

/**
 * The page's arrangement: on a phone (≤ 640 px) the conversation list is a drawer over the chat,
 * closed by default; on a wider screen it is a column that can be hidden. Both are toggled by the
 * same button and shortcut. Not persisted: every visit starts with the list where it belongs.
 */
export const useLayoutStore = defineStore('layout', () => {
  const phone = ref(false)
  const drawerOpen = ref(false)
  const columnHidden = ref(false)
  const helpOpen = ref(false)

  watchPhoneLayout((matches) => {
    phone.value = matches
    // A drawer left open while the window was wide would cover the chat when it narrows again.
    drawerOpen.value = false
  })

  /** Whether the conversation list can be seen right now. */
  const sidebarShown = computed(() => (phone.value ? drawerOpen.value : !columnHidden.value))

  function toggleSidebar(): void {
    if (phone.value) drawerOpen.value = !drawerOpen.value
    else columnHidden.value = !columnHidden.value
  }

  /** Makes the list visible (the search shortcut needs its search box). */
  function showSidebar(): void {
    if (phone.value) drawerOpen.value = true
    else columnHidden.value = false
  }

  function closeDrawer(): void {
    drawerOpen.value = false
  }

  return { phone, drawerOpen, columnHidden, helpOpen, sidebarShown, toggleSidebar, showSidebar, closeDrawer }
})
