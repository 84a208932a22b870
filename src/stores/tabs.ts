import { defineStore } from 'pinia'
import { ref } from 'vue'
import { newId } from '../core/id'
import { heldStreamLocks, holdStreamLock, openChangeFeed, whenStreamLockFree, type Change, type ChangeFeed } from '../core/tabs'

/** What the chat store does with other tabs' news. */
export interface TabsListener {
  /** Another tab wrote something; re-read it from storage, the single source of truth. */
  onChange(change: Change): void
  /** Another tab stopped answering `conversationId` (it finished, or it died mid-stream). */
  onRemoteStreamEnd(conversationId: string): Promise<void>
}

/**
 * This tab among the others: publishes what it writes, hears what they write, and knows which
 * conversations another tab is answering (those are read-only here until that answer ends).
 */
export const useTabsStore = defineStore('tabs', () => {
  /** Conversations with a reply streaming in another tab. */
  const remoteStreamingIds = ref<string[]>([])

  const tabId = newId()
  let feed: ChangeFeed | null = null
  let listener: TabsListener | null = null
  const observers = new Set<(change: Change) => void>()

  function notify(change: Change): void {
    for (const observer of observers) observer(change)
  }

  /** Starts listening; changes published before this are not received (nothing is loaded yet). */
  function connect(next: TabsListener): void {
    listener = next
    feed?.close()
    feed = openChangeFeed(tabId, (change) => {
      if (change.type === 'stream') {
        if (change.active) watchRemoteStream(change.conversationId)
        return
      }
      listener?.onChange(change)
      notify(change)
    })
  }

  function publish(change: Change): void {
    feed?.publish(change)
    notify(change)
  }

  /**
   * Hears every change, this tab's own and other tabs', for caches of storage (the search index)
   * that must drop what went stale. Returns the unsubscribe function.
   */
  function observe(observer: (change: Change) => void): () => void {
    observers.add(observer)
    return () => observers.delete(observer)
  }

  /** Conversations some tab is answering right now (their answers are alive, not interrupted). */
  function streamingAnywhere(): Promise<Set<string>> {
    return heldStreamLocks()
  }

  function isRemoteStreaming(conversationId: string): boolean {
    return remoteStreamingIds.value.includes(conversationId)
  }

  /** Marks a conversation read-only until the tab answering it lets go of its lock. */
  function watchRemoteStream(conversationId: string): void {
    if (isRemoteStreaming(conversationId)) return
    remoteStreamingIds.value = [...remoteStreamingIds.value, conversationId]
    void whenStreamLockFree(conversationId).then(async () => {
      remoteStreamingIds.value = remoteStreamingIds.value.filter((id) => id !== conversationId)
      await listener?.onRemoteStreamEnd(conversationId)
    })
  }

  /**
   * This tab answers `conversationId` until `done` settles: other tabs see it read-only for exactly
   * that long (the lock also ends if this tab dies).
   */
  function holdWhileStreaming(conversationId: string, done: Promise<void>): void {
    holdStreamLock(conversationId, done)
  }

  return { remoteStreamingIds, connect, publish, observe, streamingAnywhere, isRemoteStreaming, watchRemoteStream, holdWhileStreaming }
})
