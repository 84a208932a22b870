import { defineStore } from 'pinia'
import { computed, reactive, ref, toRaw } from 'vue'
import type { ChatMessage, Conversation, Settings } from '../core/types'
import { checkSettings, describeError, streamChat, toChatTurns, toMessageError } from '../core/provider'
import type { Repository } from '../core/persistence'
import { TRANSCRIPT_FILE_NAME, formatTranscript } from '../core/transcript'
import { UNTITLED, sortConversations, titleFromQuestion } from '../core/conversation'
import { newId } from '../core/id'
import { openRepository } from './repository'
import { useSettingsStore } from './settings'

/** A growing answer is written at most this long after it changed (the issue asks for ≤ 500 ms). */
const SAVE_INTERVAL_MS = 300
const ACTIVE_KEY = 'activeConversationId'

interface LiveStream {
  controller: AbortController
  message: ChatMessage
  saveTimer: ReturnType<typeof setTimeout> | undefined
  done: Promise<void>
}

/** IndexedDB needs plain data: Vue proxies (even nested ones) cannot be structured-cloned. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(toRaw(value))) as T
}

export const useChatStore = defineStore('chat', () => {
  const settingsStore = useSettingsStore()

  const conversations = ref<Conversation[]>([])
  const activeId = ref<string | null>(null)
  const messages = ref<ChatMessage[]>([])
  const loaded = ref(false)
  /** A problem found before sending (no key, bad URL); the draft stays in the composer. */
  const composerError = ref('')
  /** Storage could not be opened or a write failed; the chat keeps working in memory. */
  const storageError = ref('')
  /** Conversations with a reply streaming right now. */
  const streamingIds = ref<string[]>([])

  const active = computed(() => conversations.value.find((c) => c.id === activeId.value) ?? null)
  const isStreaming = computed(() => activeId.value !== null && streamingIds.value.includes(activeId.value))

  let repository: Repository | null = null
  const streams = new Map<string, LiveStream>()
  const deleted = new Set<string>()
  let openToken = 0

  function reportStorage(action: string, error: unknown): void {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    storageError.value =
      `Could not ${action} in this browser's storage (${detail}). ` +
      'This conversation stays open in this tab; download it with the export button to keep a copy.'
  }

  async function write(action: string, run: (repo: Repository) => Promise<unknown>): Promise<void> {
    if (!repository) return
    try {
      await run(repository)
    } catch (error) {
      reportStorage(action, error)
    }
  }

  function saveMessage(message: ChatMessage): Promise<void> {
    if (deleted.has(message.conversationId)) return Promise.resolve()
    const record = plain(message)
    return write('save the answer', (repo) => repo.putMessage(record))
  }

  function saveConversation(conversation: Conversation): Promise<void> {
    if (deleted.has(conversation.id)) return Promise.resolve()
    const record = plain(conversation)
    return write('save the conversation', (repo) => repo.putConversation(record))
  }

  function resort(): void {
    conversations.value = sortConversations(conversations.value)
  }

  async function messagesOf(conversationId: string): Promise<ChatMessage[]> {
    const records = repository ? await repository.listMessages(conversationId) : []
    const live = streams.get(conversationId)?.message
    return live ? records.map((m) => (m.id === live.id ? live : m)) : records
  }

  /** Loads history; nothing is written before it finishes, so a fast reload can never wipe data. */
  async function load(): Promise<void> {
    if (loaded.value) return
    await settingsStore.load()
    try {
      repository = await openRepository()
      await repository.recoverInterrupted()
      conversations.value = sortConversations(await repository.listConversations())
      const stored = await repository.getValue<string>(ACTIVE_KEY)
      const id = conversations.value.some((c) => c.id === stored) ? stored! : (conversations.value[0]?.id ?? null)
      activeId.value = id
      messages.value = id ? await messagesOf(id) : []
    } catch (error) {
      repository = null
      reportStorage('open the saved conversations', error)
    }
    loaded.value = true
  }

  /** Re-reads the list and the open conversation after another writer (an import, another tab). */
  async function refresh(): Promise<void> {
    if (!repository) return
    conversations.value = sortConversations(await repository.listConversations())
    const id = conversations.value.some((c) => c.id === activeId.value) ? activeId.value : (conversations.value[0]?.id ?? null)
    await select(id)
  }

  async function select(id: string | null): Promise<void> {
    const token = ++openToken
    activeId.value = id
    composerError.value = ''
    const next = id ? await messagesOf(id) : []
    if (token !== openToken) return
    messages.value = next
    await write('remember the open conversation', (repo) => repo.putValue(ACTIVE_KEY, id))
  }

  function createConversation(now: number): Conversation {
    const conversation: Conversation = { id: newId(), title: UNTITLED, createdAt: now, updatedAt: now }
    conversations.value.unshift(conversation)
    return conversations.value[0]!
  }

  /** Opens a fresh conversation, unless the open one is still empty. */
  async function newConversation(): Promise<void> {
    if (!loaded.value) return
    if (active.value && messages.value.length === 0) return
    const conversation = createConversation(Date.now())
    await select(conversation.id)
    await saveConversation(conversation)
  }

  async function rename(id: string, title: string): Promise<void> {
    const conversation = conversations.value.find((c) => c.id === id)
    const next = title.trim().slice(0, 200)
    if (!conversation || !next || next === conversation.title) return
    conversation.title = next
    await saveConversation(conversation)
  }

  async function remove(id: string): Promise<void> {
    deleted.add(id)
    streams.get(id)?.controller.abort()
    const index = conversations.value.findIndex((c) => c.id === id)
    conversations.value = conversations.value.filter((c) => c.id !== id)
    if (activeId.value === id) {
      const next = conversations.value[Math.min(Math.max(index, 0), conversations.value.length - 1)]
      await select(next?.id ?? null)
    }
    await write('delete the conversation', (repo) => repo.deleteConversation(id))
  }

  /**
   * Sends a question in the open conversation (creating one if needed). Resolves `true` once the
   * question is saved and the request is on its way, `false` if nothing was sent; the answer then
   * streams in the background (`settled()` waits for it).
   */
  async function send(text: string): Promise<boolean> {
    composerError.value = ''
    if (!loaded.value || !text.trim() || isStreaming.value) return false
    const settings = plain(settingsStore.settings) as Settings
    const problem = checkSettings(settings)
    if (problem) {
      composerError.value = describeError(problem)
      return false
    }

    const now = Date.now()
    let conversation = active.value
    if (!conversation) {
      conversation = createConversation(now)
      activeId.value = conversation.id
      messages.value = []
      void write('remember the open conversation', (repo) => repo.putValue(ACTIVE_KEY, conversation!.id))
    }
    if (messages.value.length === 0 && conversation.title === UNTITLED) conversation.title = titleFromQuestion(text)
    conversation.updatedAt = now
    resort()

    const seq = (messages.value.at(-1)?.seq ?? -1) + 1
    const base = { conversationId: conversation.id, reasoning: '', createdAt: now, updatedAt: now }
    const question: ChatMessage = { ...base, id: newId(), seq, role: 'user', content: text, status: 'done' }
    const answer = reactive<ChatMessage>({
      ...base,
      id: newId(),
      seq: seq + 1,
      role: 'assistant',
      content: '',
      status: 'streaming',
      model: settings.model,
      params: settings.params,
    })
    messages.value.push(question, answer)
    const history = messages.value.slice(0, -1)

    // The question is on disk before the request leaves, so a crash can never lose it.
    const turn = [plain(question), plain(answer)]
    const meta = plain(conversation)
    const saved = write('save your message', (repo) => repo.putTurn(meta, turn))
    // Registered before any await, so a second Enter cannot start a second request.
    startStream(conversation, answer, history, settings, saved)
    await saved
    return true
  }

  function startStream(
    conversation: Conversation,
    answer: ChatMessage,
    history: ChatMessage[],
    settings: Settings,
    saved: Promise<void>,
  ): void {
    const controller = new AbortController()
    const live: LiveStream = { controller, message: answer, saveTimer: undefined, done: Promise.resolve() }
    const scheduleSave = () => {
      live.saveTimer ??= setTimeout(() => {
        live.saveTimer = undefined
        void saveMessage(answer)
      }, SAVE_INTERVAL_MS)
    }
    streams.set(conversation.id, live)
    streamingIds.value.push(conversation.id)

    live.done = (async () => {
      try {
        await saved
        const turns = toChatTurns(history, settings.systemPrompt)
        const events = streamChat(settings, turns, {
          signal: controller.signal,
          idleTimeoutMs: settings.idleTimeoutSeconds * 1000,
        })
        for await (const event of events) {
          switch (event.type) {
            case 'content':
              answer.content += event.text
              break
            case 'reasoning':
              answer.reasoning += event.text
              break
            case 'reclassify':
              answer.reasoning += answer.content
              answer.content = ''
              break
            case 'usage':
              answer.usage = event.usage
              continue
            case 'finish':
              answer.finishReason = event.reason
              continue
            case 'done':
              answer.status = 'done'
              continue
            case 'interrupted':
              answer.status = 'interrupted'
              answer.error = toMessageError(event.error, settings.apiKey)
              continue
            case 'error':
              if (event.error.kind === 'aborted') {
                answer.status = 'stopped'
              } else {
                answer.status = 'error'
                answer.error = toMessageError(event.error, settings.apiKey)
              }
              continue
          }
          answer.updatedAt = Date.now()
          scheduleSave()
        }
      } catch (error) {
        answer.status = 'error'
        answer.error = { kind: 'protocol', message: `Unexpected failure while reading the answer: ${String(error)}` }
      } finally {
        if (answer.status === 'streaming') answer.status = 'interrupted'
        clearTimeout(live.saveTimer)
        streams.delete(conversation.id)
        streamingIds.value = streamingIds.value.filter((id) => id !== conversation.id)
        answer.updatedAt = Date.now()
        conversation.updatedAt = answer.updatedAt
        resort()
        await saveMessage(answer)
        await saveConversation(conversation)
      }
    })()
  }

  /** Stops the reply streaming in the open conversation; what arrived stays, marked stopped. */
  function stop(): void {
    if (activeId.value) streams.get(activeId.value)?.controller.abort()
  }

  /** Writes every growing answer now: called when the page is hidden, the last reliable moment. */
  async function flush(): Promise<void> {
    await Promise.all(
      [...streams.values()].map((live) => {
        clearTimeout(live.saveTimer)
        live.saveTimer = undefined
        return saveMessage(live.message)
      }),
    )
  }

  /** Resolves when no reply is streaming (tests, and callers that need the final state). */
  async function settled(): Promise<void> {
    while (streams.size > 0) await Promise.all([...streams.values()].map((s) => s.done))
  }

  /** The open conversation in the classic `conversation.txt` format. */
  function transcript(): { fileName: string; text: string } {
    const includeReasoning = settingsStore.settings.exportReasoning
    return { fileName: TRANSCRIPT_FILE_NAME, text: formatTranscript(messages.value, { includeReasoning }) }
  }

  function clearComposerError(): void {
    composerError.value = ''
  }

  return {
    conversations,
    activeId,
    messages,
    loaded,
    composerError,
    storageError,
    streamingIds,
    active,
    isStreaming,
    load,
    refresh,
    select,
    newConversation,
    rename,
    remove,
    send,
    stop,
    flush,
    settled,
    transcript,
    clearComposerError,
  }
})
