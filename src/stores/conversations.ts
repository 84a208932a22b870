import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Conversation } from '../core/types'
import { toPlainData, type ConversationPatch } from '../core/persistence'
import { UNTITLED, sortConversations } from '../core/conversation'
import { newId } from '../core/id'
import { useSavesStore } from './saves'
import { useTabsStore } from './tabs'

/** Told when a conversation leaves the list because it was deleted (here, or found deleted elsewhere). */
type GoneListener = (id: string, index: number, elsewhere: boolean) => Promise<void> | void

/**
 * The conversation list: newest first, with rename and delete, and tombstones so a conversation
 * deleted in any tab is never written (and so never brought back) by this one.
 */
export const useConversationsStore = defineStore('conversations', () => {
  const saves = useSavesStore()
  const tabs = useTabsStore()

  const conversations = ref<Conversation[]>([])
  const deleted = new Set<string>()
  const goneListeners = new Set<GoneListener>()

  function find(id: string | null): Conversation | undefined {
    return id === null ? undefined : conversations.value.find((c) => c.id === id)
  }

  function has(id: string | null): boolean {
    return find(id) !== undefined
  }

  function isDeleted(id: string): boolean {
    return deleted.has(id)
  }

  function resort(): void {
    conversations.value = sortConversations(conversations.value)
  }

  function onGone(listener: GoneListener): void {
    goneListeners.add(listener)
  }

  /** Takes a conversation off the list for good; listeners move the selection and stop its stream. */
  async function forget(id: string, elsewhere = true): Promise<void> {
    deleted.add(id)
    const index = conversations.value.findIndex((c) => c.id === id)
    if (index >= 0) conversations.value = conversations.value.filter((c) => c.id !== id)
    await Promise.all([...goneListeners].map((listener) => listener(id, index, elsewhere)))
  }

  /**
   * Replaces the list with stored records. `keep` returns the object a live stream holds for an
   * id, kept so its title and time stay current on screen.
   */
  function replaceAll(records: Conversation[], keep: (id: string) => Conversation | undefined): void {
    // An import may bring back a conversation this tab saw deleted: it is writable again.
    for (const record of records) deleted.delete(record.id)
    conversations.value = sortConversations(records).map((record) => {
      const live = keep(record.id)
      return live
        ? Object.assign(live, { title: record.title, pinned: record.pinned, settings: record.settings, contextBreaks: record.contextBreaks })
        : record
    })
  }

  /** Takes another tab's copy of a conversation. */
  function merge(record: Conversation): void {
    const existing = find(record.id)
    // An unpinned record has no `pinned` field, which must clear this copy's pin too (and so for
    // the other optional fields).
    if (existing) Object.assign(existing, { pinned: undefined, settings: undefined, contextBreaks: undefined }, record)
    else conversations.value.push(record)
    resort()
  }

  /** A new, empty conversation at the top of the list (written by `save`). */
  function create(now: number): Conversation {
    conversations.value.unshift({ id: newId(), title: UNTITLED, createdAt: now, updatedAt: now })
    return conversations.value[0]!
  }

  async function save(conversation: Conversation): Promise<void> {
    const record = toPlainData(conversation)
    if (await saves.write('save-conversation', `conversation:${record.id}`, (r) => r.putConversation(record))) {
      tabs.publish({ type: 'conversation', id: record.id })
    }
  }

  /** Writes a title or time by read-modify-write, so a stale tab cannot undo another tab's rename. */
  async function touch(conversation: Conversation, patch: ConversationPatch): Promise<void> {
    if (deleted.has(conversation.id)) return
    let stored: Conversation | undefined
    const ok = await saves.write('save-conversation', `conversation:${conversation.id}`, async (r) => {
      stored = await r.updateConversation(conversation.id, patch)
    })
    if (!ok) return
    if (stored) tabs.publish({ type: 'conversation', id: conversation.id })
    else void forget(conversation.id)
  }

  async function rename(id: string, title: string): Promise<void> {
    const conversation = find(id)
    const next = title.trim().slice(0, 200)
    if (!conversation || !next || next === conversation.title) return
    conversation.title = next
    await touch(conversation, { title: next })
  }

  /** Pins a conversation to the top of the list, or unpins it; other tabs follow. */
  async function togglePin(id: string): Promise<void> {
    const conversation = find(id)
    if (!conversation) return
    const pinned = conversation.pinned !== true
    if (pinned) conversation.pinned = true
    else delete conversation.pinned
    resort()
    await touch(conversation, { pinned })
  }

  /** Deletes a conversation and its messages; listeners hear of it before the write. */
  async function remove(id: string): Promise<void> {
    await forget(id, false)
    if (await saves.write('delete-conversation', `delete:${id}`, (r) => r.deleteConversation(id))) {
      tabs.publish({ type: 'conversation-deleted', id })
    }
  }

  return { conversations, find, has, isDeleted, resort, onGone, forget, replaceAll, merge, create, save, touch, rename, togglePin, remove }
})
