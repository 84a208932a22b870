import { defineStore } from 'pinia'
import type { Conversation, Settings } from '../core/types'
import { streamChat } from '../core/provider'
import { cleanTitle, titleFromQuestion, titleTurns } from '../core/conversation'
import { useConversationsStore } from './conversations'

/** A title request gives up after this long; the conversation keeps the title it has. */
const TITLE_TIMEOUT_MS = 30_000

/**
 * The optional model-written title: after a new conversation's first answer, one small request to
 * the same endpoint (the same provider client, so the key goes nowhere else) for a short title.
 * It never blocks or breaks chatting: it runs in the background, and any failure only leaves the
 * title as it was (and a line in the console).
 */
export const useTitlesStore = defineStore('titles', () => {
  const list = useConversationsStore()
  const running = new Set<Promise<void>>()

  /** Asks for a title if the setting is on and the conversation still has the title from its question. */
  function suggest(conversation: Conversation, question: string, answer: string, settings: Settings): void {
    if (settings.autoTitle !== true) return
    const automatic = titleFromQuestion(question)
    if (conversation.title !== automatic || answer.trim() === '') return
    const work = ask(conversation, question, answer, settings, automatic)
    running.add(work)
    void work.finally(() => running.delete(work))
  }

  async function ask(conversation: Conversation, question: string, answer: string, settings: Settings, automatic: string): Promise<void> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), TITLE_TIMEOUT_MS)
    let reply = ''
    try {
      // No system prompt of the user's, one short choice: a title, not another answer.
      const request: Settings = { ...settings, systemPrompt: '', params: { ...settings.params, maxTokens: 60, n: 1 } }
      for await (const event of streamChat(request, titleTurns(question, answer), { signal: controller.signal, idleTimeoutMs: settings.idleTimeoutSeconds * 1000 })) {
        if (event.type === 'content') reply += event.text
        else if (event.type === 'reclassify') reply = ''
        else if (event.type === 'error' || event.type === 'interrupted') throw event.error
      }
      const title = cleanTitle(reply)
      // The user (here or in another tab) may have renamed it meanwhile: theirs wins.
      if (title === undefined || conversation.title !== automatic || list.isDeleted(conversation.id)) return
      conversation.title = title
      await list.touch(conversation, { title, ifTitle: automatic })
    } catch (error) {
      console.warn('Inkstream: no model-written title', error)
    } finally {
      clearTimeout(timer)
    }
  }

  /** Resolves when no title request is running (tests). */
  async function settled(): Promise<void> {
    while (running.size > 0) await Promise.all(running)
  }

  return { suggest, settled }
})
