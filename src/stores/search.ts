import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SearchIndex, SearchResult } from '../core/search'
import type { ChatMessage } from '../core/types'
import { linkLegacy, visibleBranch } from '../core/versions'
import type { Change } from '../core/tabs'
import { useChatStore } from './chat'
import { useSavesStore } from './saves'
import { useTabsStore } from './tabs'

/** The message a search result opened, for the message list to scroll to and mark. */
export interface SearchFocus {
  conversationId: string
  messageId: string
  /** Grows with every opening, so opening the same hit again scrolls to it again. */
  serial: number
}

/**
 * Search over every conversation. The index is built from storage on the first search (one
 * read of all messages, in one transaction) and kept: every change, this tab's or another's,
 * marks its conversation stale, and the next search re-reads only those.
 */
export const useSearchStore = defineStore('search', () => {
  const saves = useSavesStore()
  const tabs = useTabsStore()
  const chat = useChatStore()

  const query = ref('')
  const results = ref<SearchResult[]>([])
  const focus = ref<SearchFocus | null>(null)

  // The index code is fetched with the first search: most visits never search.
  let index: SearchIndex | undefined
  let built = false
  const stale = new Set<string>()
  let syncing: Promise<void> = Promise.resolve()
  let token = 0
  let serial = 0

  tabs.observe((change: Change) => {
    switch (change.type) {
      case 'conversation':
      case 'conversation-deleted':
        stale.add(change.id)
        return
      case 'message':
      case 'message-deleted':
        stale.add(change.conversationId)
        return
      case 'refresh':
        built = false
        return
      case 'stream':
        return
    }
  })

  /** Hits are searched on the branch each conversation shows, so a hit is always on screen when opened. */
  function onScreen(messages: ChatMessage[]): ChatMessage[] {
    return visibleBranch(linkLegacy(messages))
  }

  /** Brings the index up to date with storage; calls run one after another. */
  function sync(): Promise<void> {
    syncing = syncing.then(syncNow, syncNow)
    return syncing
  }

  async function syncNow(): Promise<void> {
    const r = saves.repo()
    if (!r) return
    index ??= (await import('../core/search')).createSearchIndex()
    if (!built) {
      // Changes during the read are marked again and re-read next time; none is missed.
      stale.clear()
      const all = await r.exportConversations()
      index.clear()
      for (const { conversation, messages } of all) index.set(conversation, onScreen(messages))
      built = true
    }
    for (const id of [...stale]) {
      stale.delete(id)
      const conversation = await r.getConversation(id)
      if (!conversation) index.remove(id)
      else index.set(conversation, onScreen(await r.listMessages(id)))
    }
  }

  /** Searches for `text`; results of an older, slower call never replace a newer one's. */
  async function search(text: string): Promise<void> {
    const mine = ++token
    query.value = text
    if (text.trim() === '') {
      results.value = []
      return
    }
    await sync()
    if (mine !== token) return
    results.value = index?.search(text) ?? []
  }

  function clear(): void {
    ++token
    query.value = ''
    results.value = []
  }

  /** Opens a result's conversation, scrolled to the message that matched. */
  async function open(result: SearchResult): Promise<void> {
    focus.value =
      result.messageId === undefined ? null : { conversationId: result.conversationId, messageId: result.messageId, serial: ++serial }
    await chat.select(result.conversationId)
  }

  return { query, results, focus, search, clear, open }
})
