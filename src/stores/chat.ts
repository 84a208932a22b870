import { defineStore } from 'pinia'
import { computed, reactive, ref, toRaw } from 'vue'
import type { ChatMessage, Conversation, Settings } from '../core/types'
import { checkSettings, describeError, streamChat, toChatTurns, toMessageError } from '../core/provider'
import { PersistenceError, type Repository } from '../core/persistence'
import { TRANSCRIPT_FILE_NAME, formatTranscript } from '../core/transcript'
import { UNTITLED, sortConversations, titleFromQuestion } from '../core/conversation'
import { newId } from '../core/id'
import { openChangeFeed, type Change, type ChangeFeed } from '../core/sync'
import { heldStreamLocks, holdStreamLock, whenStreamLockFree } from '../browser/locks'
import { requestPersistentStorage } from '../browser/storage'
import { onStorageEvent, openRepository, type StorageEvent } from './repository'
import { useSettingsStore } from './settings'

/** A growing answer is written at most this long after it changed (the issue asks for ≤ 500 ms). */
const SAVE_INTERVAL_MS = 300
const ACTIVE_KEY = 'activeConversationId'
const DRAFT_KEY = 'draft'
/** A draft is written this long after the last key press. */
const DRAFT_SAVE_MS = 400

interface LiveStream {
  controller: AbortController
  conversation: Conversation
  message: ChatMessage
  saveTimer: ReturnType<typeof setTimeout> | undefined
  done: Promise<void>
}

/** IndexedDB needs plain data: Vue proxies (even nested ones) cannot be structured-cloned. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(toRaw(value))) as T
}

function describeStorageFailure(action: string, error: unknown): string {
  if (error instanceof PersistenceError) return error.message
  const name = error instanceof Error ? error.name : ''
  if (name === 'QuotaExceededError') {
    return (
      `This browser's storage for Inkstream is full, so it could not ${action}. ` +
      'Nothing saved before is lost and this conversation stays open in this tab: download it, ' +
      'free space (delete old conversations or other site data), then choose “Try saving again”.'
    )
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return (
    `Could not ${action} in this browser's storage (${detail}). ` +
    'This conversation stays open in this tab; download it with the export button to keep a copy.'
  )
}

const STORAGE_EVENT_TEXT: Record<StorageEvent, string> = {
  versionchange: 'Inkstream was updated in another tab. Reload this tab to keep saving your history.',
  terminated: 'The browser closed Inkstream’s storage (site data may have been cleared). Reload to keep saving.',
  blocked: 'Another Inkstream tab is using an older version of the history. Close or reload the other tabs.',
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
  /** The storage problem is fixed by reloading (another tab upgraded, site data cleared). */
  const storageNeedsReload = ref(false)
  /** The draft saved by an earlier visit, restored into the composer on load. */
  const draft = ref('')
  /** Conversations with a reply streaming in this tab. */
  const streamingIds = ref<string[]>([])
  /** Conversations with a reply streaming in another tab: read-only here until it ends. */
  const remoteStreamingIds = ref<string[]>([])

  const active = computed(() => conversations.value.find((c) => c.id === activeId.value) ?? null)
  const isStreaming = computed(() => activeId.value !== null && streamingIds.value.includes(activeId.value))
  const isReadOnly = computed(() => activeId.value !== null && remoteStreamingIds.value.includes(activeId.value))
  const hasUnsaved = computed(() => unsavedCount.value > 0)

  let repository: Repository | null = null
  let feed: ChangeFeed | null = null
  const tabId = newId()
  const streams = new Map<string, LiveStream>()
  /** Every stream until its final save is written, for `settled()`. */
  const running = new Set<Promise<void>>()
  const deleted = new Set<string>()
  /** Writes that failed (quota, closed storage), keyed by record, to run again on “Try saving again”. */
  const unsaved = new Map<string, () => Promise<unknown>>()
  const unsavedCount = ref(0)
  let openToken = 0
  /** The conversation whose messages `messages` holds, and the load that will bring the active one. */
  let shownId: string | null = null
  let selecting: Promise<void> = Promise.resolve()
  let sending = false
  let askedForPersistence = false
  let retrying = false
  let draftTimer: ReturnType<typeof setTimeout> | undefined
  let latestDraft = ''

  function publish(change: Change): void {
    feed?.publish(change)
  }

  async function write(action: string, key: string, run: (repo: Repository) => Promise<unknown>): Promise<boolean> {
    if (!repository) return false
    try {
      await run(repository)
      if (unsaved.delete(key)) unsavedCount.value = unsaved.size
      // Storage works again (space was freed): earlier failed writes go through now, in order.
      if (unsaved.size > 0 && !retrying) void retrySaves()
      return true
    } catch (error) {
      unsaved.set(key, () => run(repository!))
      unsavedCount.value = unsaved.size
      storageError.value = describeStorageFailure(action, error)
      return false
    }
  }

  /** Saves an answer; its conversation is written too if its own first save never made it to disk. */
  async function saveMessage(message: ChatMessage, conversation: Conversation): Promise<void> {
    if (deleted.has(message.conversationId)) return
    let kept = true
    // Copies are taken when the write runs, so a retried write stores the latest text.
    const ok = await write('save the answer', `message:${message.id}`, async (repo) => {
      kept = await repo.saveMessage(plain(message), plain(conversation))
    })
    if (!ok) return
    if (kept) publish({ type: 'message', conversationId: message.conversationId, id: message.id })
    else forgetConversation(message.conversationId)
  }

  async function touchConversation(conversation: Conversation, patch: { title?: string; updatedAt?: number }) {
    if (deleted.has(conversation.id)) return
    let stored: Conversation | undefined
    const ok = await write('save the conversation', `conversation:${conversation.id}`, async (repo) => {
      stored = await repo.updateConversation(conversation.id, patch)
    })
    if (!ok) return
    if (stored) publish({ type: 'conversation', id: conversation.id })
    else forgetConversation(conversation.id)
  }

  function resort(): void {
    conversations.value = sortConversations(conversations.value)
  }

  async function messagesOf(conversationId: string): Promise<ChatMessage[]> {
    const records = repository ? await repository.listMessages(conversationId) : []
    const live = streams.get(conversationId)?.message
    if (!live) return records
    // A checkpoint may lag the live answer, or (storage full) be missing altogether.
    const merged = records.map((m) => (m.id === live.id ? live : m))
    return merged.includes(live) ? merged : [...merged, live].sort((a, b) => a.seq - b.seq)
  }

  function watchRemoteStream(conversationId: string): void {
    if (remoteStreamingIds.value.includes(conversationId)) return
    remoteStreamingIds.value = [...remoteStreamingIds.value, conversationId]
    void whenStreamLockFree(conversationId).then(async () => {
      remoteStreamingIds.value = remoteStreamingIds.value.filter((id) => id !== conversationId)
      // The other tab finished, or died mid-stream: show what it left, as its final state.
      if (repository && !streams.has(conversationId)) {
        await repository.recoverInterrupted({ exceptConversations: await heldStreamLocks() })
      }
      if (activeId.value === conversationId) await reloadMessages(conversationId)
    })
  }

  async function reloadMessages(conversationId: string): Promise<void> {
    const next = await messagesOf(conversationId)
    if (activeId.value === conversationId) show(conversationId, next)
  }

  /** Applies another tab's change; every change is re-read from storage, the single source of truth. */
  async function onRemoteChange(change: Change): Promise<void> {
    if (!repository) return
    switch (change.type) {
      case 'conversation': {
        const record = await repository.getConversation(change.id)
        if (!record) return
        const existing = conversations.value.find((c) => c.id === change.id)
        if (existing) Object.assign(existing, record)
        else conversations.value.push(record)
        resort()
        return
      }
      case 'conversation-deleted':
        forgetConversation(change.id)
        return
      case 'message': {
        if (change.conversationId !== activeId.value) return
        if (streams.get(change.conversationId)?.message.id === change.id) return
        const record = await repository.getMessage(change.id)
        if (!record || record.conversationId !== activeId.value) return
        const index = messages.value.findIndex((m) => m.id === record.id)
        if (index >= 0) messages.value[index] = record
        else messages.value = [...messages.value, record].sort((a, b) => a.seq - b.seq)
        return
      }
      case 'stream':
        if (change.active) watchRemoteStream(change.conversationId)
        return
      case 'refresh':
        await refresh()
        return
    }
  }

  /** Drops a conversation deleted elsewhere (or found deleted while saving); its stream stops. */
  function forgetConversation(id: string): void {
    deleted.add(id)
    const live = streams.get(id)
    if (live) {
      live.controller.abort()
      storageError.value = `“${live.conversation.title}” was deleted in another tab, so its answer was not saved.`
    }
    const index = conversations.value.findIndex((c) => c.id === id)
    if (index < 0) return
    conversations.value = conversations.value.filter((c) => c.id !== id)
    if (activeId.value === id) {
      const next = conversations.value[Math.min(index, conversations.value.length - 1)]
      void select(next?.id ?? null)
    }
  }

  /** Loads history; nothing is written before it finishes, so a fast reload can never wipe data. */
  async function load(): Promise<void> {
    if (loaded.value) return
    await settingsStore.load()
    try {
      repository = await openRepository()
      onStorageEvent((event) => {
        storageError.value = STORAGE_EVENT_TEXT[event]
        storageNeedsReload.value = event !== 'blocked'
      })
      // Answers another tab is streaming right now are alive, not interrupted.
      const live = await heldStreamLocks()
      await repository.recoverInterrupted({ exceptConversations: live })
      conversations.value = sortConversations(await repository.listConversations())
      for (const id of live) watchRemoteStream(id)
      draft.value = (await repository.getValue<string>(DRAFT_KEY)) ?? ''
      const stored = await repository.getValue<string>(ACTIVE_KEY)
      const id = conversations.value.some((c) => c.id === stored) ? stored! : (conversations.value[0]?.id ?? null)
      activeId.value = id
      show(id, id ? await messagesOf(id) : [])
      feed = openChangeFeed(tabId, (change) => void onRemoteChange(change))
    } catch (error) {
      repository = null
      storageError.value =
        `${error instanceof Error ? error.message : String(error)} ` +
        'Conversations in this tab will not be saved; download them before closing it.'
    }
    loaded.value = true
  }

  /** Re-reads the list and the open conversation after another writer (an import, another tab). */
  async function refresh(): Promise<void> {
    if (!repository) return
    const records = sortConversations(await repository.listConversations())
    // An import may bring back a conversation this tab saw deleted: it is writable again.
    for (const record of records) deleted.delete(record.id)
    // Keep the objects live streams hold, so their title and time stay on screen.
    conversations.value = records.map((record) => {
      const live = streams.get(record.id)?.conversation
      return live ? Object.assign(live, { title: record.title }) : record
    })
    const id = conversations.value.some((c) => c.id === activeId.value) ? activeId.value : (conversations.value[0]?.id ?? null)
    await select(id)
  }

  function show(id: string | null, list: ChatMessage[]): void {
    messages.value = list
    shownId = id
  }

  /** After a bulk write (an import): this tab and every other open tab re-read their lists. */
  async function refreshEverywhere(): Promise<void> {
    await refresh()
    publish({ type: 'refresh' })
  }

  async function select(id: string | null): Promise<void> {
    const token = ++openToken
    activeId.value = id
    composerError.value = ''
    const loading = (async () => {
      const next = id ? await messagesOf(id) : []
      if (token === openToken) show(id, next)
    })()
    selecting = loading
    await loading
    if (token !== openToken) return
    await write('remember the open conversation', 'active', (repo) => repo.putValue(ACTIVE_KEY, id))
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
    // Nothing to read for a new conversation: it is open (and empty) at once, so a question sent
    // right after the click lands in it, never in the previous one.
    ++openToken
    activeId.value = conversation.id
    composerError.value = ''
    show(conversation.id, [])
    void write('remember the open conversation', 'active', (repo) => repo.putValue(ACTIVE_KEY, conversation.id))
    const record = plain(conversation)
    if (await write('save the conversation', `conversation:${record.id}`, (repo) => repo.putConversation(record))) {
      publish({ type: 'conversation', id: record.id })
    }
  }

  async function rename(id: string, title: string): Promise<void> {
    const conversation = conversations.value.find((c) => c.id === id)
    const next = title.trim().slice(0, 200)
    if (!conversation || !next || next === conversation.title) return
    conversation.title = next
    await touchConversation(conversation, { title: next })
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
    if (await write('delete the conversation', `delete:${id}`, (repo) => repo.deleteConversation(id))) {
      publish({ type: 'conversation-deleted', id })
    }
  }

  function checkBeforeSending(): Settings | null {
    composerError.value = ''
    if (isReadOnly.value) {
      composerError.value = 'This conversation is answering in another tab. Wait for it to finish there, or stop it.'
      return null
    }
    const settings = plain(settingsStore.settings) as Settings
    const problem = checkSettings(settings)
    if (problem) {
      composerError.value = describeError(problem)
      return null
    }
    return settings
  }

  /**
   * Sends a question in the open conversation (creating one if needed). Resolves `true` once the
   * question is saved and the request is on its way, `false` if nothing was sent; the answer then
   * streams in the background (`settled()` waits for it).
   */
  async function send(text: string): Promise<boolean> {
    if (sending) return false
    sending = true
    try {
      // A question joins the conversation on screen: wait until a switch has finished loading it.
      if (shownId !== activeId.value) await selecting
      return await sendNow(text)
    } finally {
      sending = false
    }
  }

  async function sendNow(text: string): Promise<boolean> {
    if (!loaded.value || !text.trim() || isStreaming.value) return false
    const settings = checkBeforeSending()
    if (!settings) return false

    const now = Date.now()
    let conversation = active.value
    if (!conversation) {
      conversation = createConversation(now)
      activeId.value = conversation.id
      show(conversation.id, [])
      void write('remember the open conversation', 'active', (repo) => repo.putValue(ACTIVE_KEY, conversation!.id))
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

    // The question is on disk before the request leaves, so a crash can never lose it. (`write`
    // runs this at once; a retry after a failure runs it again with the answer as it is then.)
    const owner = conversation
    const saved = write('save your message', `turn:${question.id}`, (repo) =>
      repo.putTurn(plain(owner), [plain(question), plain(answer)]),
    ).then((ok) => {
      if (!ok) return
      publish({ type: 'conversation', id: owner.id })
      publish({ type: 'message', conversationId: owner.id, id: question.id })
    })
    // Registered before any await, so a second Enter cannot start a second request.
    startStream(conversation, answer, history, settings, saved)
    await saved
    return true
  }

  /** Asks the same question again for an answer that failed, stopped or was cut off; the old text is kept. */
  async function retry(messageId: string): Promise<boolean> {
    const index = messages.value.findIndex((m) => m.id === messageId)
    const answer = messages.value[index]
    const conversation = active.value
    if (!answer || !conversation || index !== messages.value.length - 1 || answer.role !== 'assistant') return false
    if (answer.status === 'done' || answer.status === 'streaming' || isStreaming.value) return false
    const settings = checkBeforeSending()
    if (!settings) return false

    if (answer.content || answer.reasoning || answer.error) {
      const { content, reasoning, status, error, finishReason, updatedAt } = answer
      answer.attempts = [...(answer.attempts ?? []), { content, reasoning, status, error, finishReason, updatedAt }]
    }
    Object.assign(answer, {
      content: '',
      reasoning: '',
      status: 'streaming',
      error: undefined,
      finishReason: undefined,
      usage: undefined,
      model: settings.model,
      params: settings.params,
      updatedAt: Date.now(),
    })
    const saved = saveMessage(answer, conversation)
    startStream(conversation, answer, messages.value.slice(0, index), settings, saved)
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
    const live: LiveStream = { controller, conversation, message: answer, saveTimer: undefined, done: Promise.resolve() }
    const scheduleSave = () => {
      live.saveTimer ??= setTimeout(() => {
        live.saveTimer = undefined
        void saveMessage(answer, conversation)
      }, SAVE_INTERVAL_MS)
    }
    streams.set(conversation.id, live)
    streamingIds.value.push(conversation.id)

    live.done = (async () => {
      try {
        await saved
        publish({ type: 'stream', conversationId: conversation.id, active: true })
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
        // The composer is free again at once; the final save below still finishes before the lock
        // (and so other tabs' read-only state) is released.
        streams.delete(conversation.id)
        streamingIds.value = streamingIds.value.filter((id) => id !== conversation.id)
        answer.updatedAt = Date.now()
        conversation.updatedAt = answer.updatedAt
        resort()
        await saveMessage(answer, conversation)
        await touchConversation(conversation, { updatedAt: answer.updatedAt })
        publish({ type: 'stream', conversationId: conversation.id, active: false })
        if (answer.status === 'done') void askForPersistence()
      }
    })()
    // Other tabs treat the conversation as read-only for exactly as long as this tab holds the lock.
    holdStreamLock(conversation.id, live.done)
    running.add(live.done)
    void live.done.finally(() => running.delete(live.done))
  }

  /** Real history now exists: ask the browser not to evict it (once per tab). */
  async function askForPersistence(): Promise<void> {
    if (askedForPersistence || !repository) return
    askedForPersistence = true
    await requestPersistentStorage()
  }

  /** Stops the reply streaming in the open conversation; what arrived stays, marked stopped. */
  function stop(): void {
    if (activeId.value) streams.get(activeId.value)?.controller.abort()
  }

  /** Writes every growing answer now: called when the page is hidden, the last reliable moment. */
  async function flush(): Promise<void> {
    if (draftTimer !== undefined) {
      clearTimeout(draftTimer)
      draftTimer = undefined
      const text = latestDraft
      void write('keep your draft', 'draft', (repo) => repo.putValue(DRAFT_KEY, text === '' ? undefined : text))
    }
    await Promise.all(
      [...streams.values()].map((live) => {
        clearTimeout(live.saveTimer)
        live.saveTimer = undefined
        return saveMessage(live.message, live.conversation)
      }),
    )
  }

  /** Runs the writes that failed (after the user freed space); clears the warning if all succeed. */
  async function retrySaves(): Promise<void> {
    if (!repository || retrying) return
    retrying = true
    try {
      for (const [key, run] of [...unsaved]) {
        try {
          await run()
          unsaved.delete(key)
        } catch (error) {
          storageError.value = describeStorageFailure('save', error)
          break
        }
      }
    } finally {
      retrying = false
    }
    unsavedCount.value = unsaved.size
    if (unsaved.size === 0) storageError.value = ''
  }

  /** Keeps what the user is typing, so a reload or a crash never loses a half-written question. */
  function saveDraft(text: string): void {
    // Not reactive on purpose: a key press must not re-render anything but the composer.
    latestDraft = text
    clearTimeout(draftTimer)
    if (!loaded.value) return
    draftTimer = setTimeout(() => {
      void write('keep your draft', 'draft', (repo) => repo.putValue(DRAFT_KEY, text === '' ? undefined : text))
    }, DRAFT_SAVE_MS)
  }

  /** Resolves when no reply is streaming (tests, and callers that need the final state). */
  async function settled(): Promise<void> {
    while (running.size > 0) await Promise.all(running)
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
    storageNeedsReload,
    draft,
    streamingIds,
    remoteStreamingIds,
    active,
    isStreaming,
    isReadOnly,
    hasUnsaved,
    load,
    refresh,
    refreshEverywhere,
    select,
    newConversation,
    rename,
    remove,
    send,
    retry,
    stop,
    flush,
    retrySaves,
    saveDraft,
    settled,
    transcript,
    clearComposerError,
  }
})
