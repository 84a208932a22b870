import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ChatMessage, Conversation, Settings } from '../core/types'
import { estimateUsage, streamChat, type ChatTurn } from '../core/provider'
import { toPlainData } from '../core/persistence'
import { addUsage, applyStreamEvent, closeAnswer, failAnswer } from '../core/answer'
import { requestPersistentStorage } from '../browser/storage'
import { useConversationsStore } from './conversations'
import { useSavesStore } from './saves'
import { useTabsStore } from './tabs'
import { useTitlesStore } from './titles'

/** A growing answer is written at most this long after it changed (the issue asks for ≤ 500 ms). */
const SAVE_INTERVAL_MS = 300
/**
 * A save copies the whole answer (about 15 ms a million characters on a slow machine), so a huge
 * answer is saved less often: time spent saving stays a few per cent of the stream, and a crash
 * loses at most a few seconds of a multi-megabyte answer. Up to 400,000 characters (every ordinary
 * answer) the delay stays within 500 ms: 0.35 s for 100,000.
 */
const SAVE_CHARS_PER_EXTRA_MS = 2_000

function saveDelay(answer: ChatMessage): number {
  return SAVE_INTERVAL_MS + (answer.content.length + answer.reasoning.length) / SAVE_CHARS_PER_EXTRA_MS
}

interface LiveStream {
  controller: AbortController
  conversation: Conversation
  message: ChatMessage
  saveTimer: ReturnType<typeof setTimeout> | undefined
}

/**
 * Answers streaming in this tab, one per conversation at most: runs the request, folds its events
 * into the answer, saves it while it grows and when it ends, and holds the cross-tab lock meanwhile.
 */
export const useStreamsStore = defineStore('streams', () => {
  const saves = useSavesStore()
  const tabs = useTabsStore()
  const list = useConversationsStore()
  const titles = useTitlesStore()

  /** Conversations with a reply streaming in this tab. */
  const streamingIds = ref<string[]>([])

  const streams = new Map<string, LiveStream>()
  /** Every stream until its final save is written, for `settled()`. */
  const running = new Set<Promise<void>>()
  let askedForPersistence = false

  /** The answer streaming in a conversation, as it stands right now. */
  function liveAnswer(conversationId: string): ChatMessage | undefined {
    return streams.get(conversationId)?.message
  }

  function liveConversation(conversationId: string): Conversation | undefined {
    return streams.get(conversationId)?.conversation
  }

  /** Saves an answer; its conversation is written too if its own first save never made it to disk. */
  async function saveAnswer(message: ChatMessage, conversation: Conversation): Promise<void> {
    if (list.isDeleted(message.conversationId)) return
    let kept = true
    // Copies are taken when the write runs, so a retried write stores the latest text.
    const ok = await saves.write('save-answer', `message:${message.id}`, async (r) => {
      kept = await r.saveMessage(toPlainData(message), toPlainData(conversation))
    })
    if (!ok) return
    if (kept) tabs.publish({ type: 'message', conversationId: message.conversationId, id: message.id })
    else void list.forget(message.conversationId)
  }

  /**
   * Streams `answer` once `saved` (its question's write) settles. Registered at once, so a second
   * Enter cannot start a second request for the same conversation.
   */
  function start(conversation: Conversation, answer: ChatMessage, turns: ChatTurn[], settings: Settings, saved: Promise<void>): void {
    const controller = new AbortController()
    const live: LiveStream = { controller, conversation, message: answer, saveTimer: undefined }
    const scheduleSave = () => {
      live.saveTimer ??= setTimeout(() => {
        live.saveTimer = undefined
        void saveAnswer(answer, conversation)
      }, saveDelay(answer))
    }
    streams.set(conversation.id, live)
    streamingIds.value.push(conversation.id)
    // A continued answer already holds text and usage: this request's part is counted on its own
    // and added, so the answer shows what all of its requests cost.
    const earlier = { usage: answer.usage, content: answer.content.length, reasoning: answer.reasoning.length }
    delete answer.usage

    const done = (async () => {
      try {
        await saved
        tabs.publish({ type: 'stream', conversationId: conversation.id, active: true })
        answer.timing = { startedAt: Date.now() }
        const events = streamChat(settings, turns, {
          signal: controller.signal,
          idleTimeoutMs: settings.idleTimeoutSeconds * 1000,
        })
        for await (const event of events) {
          if ((event.type === 'content' || event.type === 'reasoning') && answer.timing.firstTokenAt === undefined) {
            answer.timing.firstTokenAt = Date.now()
          }
          if (applyStreamEvent(answer, event)) scheduleSave()
        }
      } catch (error) {
        failAnswer(answer, error)
      } finally {
        closeAnswer(answer, Date.now())
        recordEnd(answer, turns, earlier)
        clearTimeout(live.saveTimer)
        // The composer is free again at once; the final save below still finishes before the lock
        // (and so other tabs' read-only state) is released.
        streams.delete(conversation.id)
        streamingIds.value = streamingIds.value.filter((id) => id !== conversation.id)
        conversation.updatedAt = answer.updatedAt
        list.resort()
        await saveAnswer(answer, conversation)
        await list.touch(conversation, { updatedAt: answer.updatedAt })
        tabs.publish({ type: 'stream', conversationId: conversation.id, active: false })
        if (answer.status === 'done') void askForPersistence()
        const question = turns.at(-1)
        if (answer.status === 'done' && answer.seq === 1 && question?.role === 'user') {
          titles.suggest(conversation, question.content, answer.content, settings)
        }
      }
    })()
    // Other tabs treat the conversation as read-only for exactly as long as this tab holds the lock.
    tabs.holdWhileStreaming(conversation.id, done)
    running.add(done)
    void done.finally(() => running.delete(done))
  }

  /** Ends the answer's timing; a server that reported no usage gets an estimate, marked as one. */
  function recordEnd(answer: ChatMessage, turns: ChatTurn[], earlier: { usage?: ChatMessage['usage']; content: number; reasoning: number }): void {
    if (answer.timing !== undefined) answer.timing.endedAt = Date.now()
    const added = answer.reasoning.slice(earlier.reasoning) + answer.content.slice(earlier.content)
    if (answer.usage === undefined && added !== '') {
      answer.usage = estimateUsage(turns.map((t) => t.content).join('\n'), added)
    }
    if (earlier.usage !== undefined) answer.usage = answer.usage ? addUsage(earlier.usage, answer.usage) : earlier.usage
  }

  /** Real history now exists: ask the browser not to evict it (once per tab). */
  async function askForPersistence(): Promise<void> {
    if (askedForPersistence || !saves.repo()) return
    askedForPersistence = true
    await requestPersistentStorage()
  }

  /** Stops a conversation's reply; what arrived stays, marked stopped. */
  function stop(conversationId: string): void {
    streams.get(conversationId)?.controller.abort()
  }

  /** Writes every growing answer now: called when the page is hidden, the last reliable moment. */
  async function flush(): Promise<void> {
    await Promise.all(
      [...streams.values()].map((live) => {
        clearTimeout(live.saveTimer)
        live.saveTimer = undefined
        return saveAnswer(live.message, live.conversation)
      }),
    )
  }

  /** Resolves when no reply is streaming (tests, and callers that need the final state). */
  async function settled(): Promise<void> {
    while (running.size > 0) await Promise.all(running)
  }

  return { streamingIds, liveAnswer, liveConversation, saveAnswer, start, stop, flush, settled }
})
