import { defineStore, storeToRefs } from 'pinia'
import { computed, reactive, ref, shallowRef, toRaw } from 'vue'
import type { Attachment, ChatMessage, Conversation, ConversationSettings, TextFile } from '../core/types'
import { checkSettings, errorTexts } from '../core/provider'
import type { Text } from '../locales'
import { KV_KEYS, toPlainData } from '../core/persistence'
import { canRetry, newAnswer, newTurn } from '../core/answer'
import { buildHistory, type History } from '../core/context'
import { resolveSettings, type RequestSettings } from '../core/conversationSettings'
import { linkLegacy, nextSeq, planDelete, sendableHistory, versionsOf, visibleBranch } from '../core/versions'
import { canContinue, continueTurns, prefixCompletionBaseUrl, resumeAnswer } from '../core/continuation'
import type { MarkdownLabels } from '../core/markdownExport'
import { render } from '../locales'
import { UNTITLED, titleFromQuestion } from '../core/conversation'
import type { Change } from '../core/tabs'
import { openRepository } from './repository'
import { useConversationsStore } from './conversations'
import { useDraftStore } from './draft'
import { useSavesStore } from './saves'
import { useSettingsStore } from './settings'
import { useStreamsStore } from './streams'
import { useTabsStore } from './tabs'

/**
 * The open conversation: which one it is, its messages, and sending in it. Loading at start-up
 * and other tabs' news arrive here too, since both decide what is on screen.
 */
export const useChatStore = defineStore('chat', () => {
  const settingsStore = useSettingsStore()
  const saves = useSavesStore()
  const tabs = useTabsStore()
  const drafts = useDraftStore()
  const list = useConversationsStore()
  const streams = useStreamsStore()
  const { conversations } = storeToRefs(list)

  const activeId = ref<string | null>(null)
  /** The branch on screen, in order: what is shown, sent as history and exported. */
  const messages = ref<ChatMessage[]>([])
  /** Every message of the shown conversation, all versions (see `core/versions`); replaced, never mutated. */
  const tree = shallowRef<ChatMessage[]>([])
  /** `‹ 2/3 ›` of the messages on screen that have versions. */
  const versions = computed(() => versionsOf(tree.value, messages.value))
  const loaded = ref(false)
  /** A problem found before sending (no key, bad URL), as text to render; the draft stays in the composer. */
  const composerError = ref<readonly Text[]>([])

  const active = computed(() => conversations.value.find((c) => c.id === activeId.value) ?? null)
  const isStreaming = computed(() => activeId.value !== null && streams.streamingIds.includes(activeId.value))
  const isReadOnly = computed(() => activeId.value !== null && tabs.remoteStreamingIds.includes(activeId.value))

  let openToken = 0
  /** The conversation whose messages `messages` holds, and the load that will bring the active one. */
  let shownId: string | null = null
  let selecting: Promise<void> = Promise.resolve()
  let sending = false

  list.onGone(async (id, index, elsewhere) => {
    const live = streams.liveConversation(id)
    streams.stop(id)
    if (live && elsewhere) saves.report({ kind: 'deleted-elsewhere', title: live.title })
    if (index < 0 || activeId.value !== id) return
    const next = conversations.value[Math.min(index, conversations.value.length - 1)]
    if (elsewhere) void select(next?.id ?? null)
    else await select(next?.id ?? null)
  })

  function rememberOpen(id: string | null): Promise<boolean> {
    return saves.write('remember-open-conversation', 'active', (r) => r.putValue(KV_KEYS.activeConversationId, id))
  }

  async function messagesOf(conversationId: string): Promise<ChatMessage[]> {
    const records = (await saves.repo()?.listMessages(conversationId)) ?? []
    const live = streams.liveAnswer(conversationId)
    if (!live) return records
    // A checkpoint may lag the live answer, or (storage full) be missing altogether.
    const merged = records.map((m) => (m.id === live.id ? live : m))
    return merged.includes(live) ? merged : [...merged, live].sort((a, b) => a.seq - b.seq)
  }

  async function reloadMessages(conversationId: string): Promise<void> {
    const next = await messagesOf(conversationId)
    if (activeId.value === conversationId) show(conversationId, next)
  }

  /** Applies another tab's change; every change is re-read from storage, the single source of truth. */
  async function onRemoteChange(change: Change): Promise<void> {
    const r = saves.repo()
    if (!r) return
    switch (change.type) {
      case 'conversation': {
        const record = await r.getConversation(change.id)
        if (record) list.merge(record)
        return
      }
      case 'conversation-deleted':
        await list.forget(change.id)
        return
      case 'message': {
        if (change.conversationId !== activeId.value) return
        if (streams.liveAnswer(change.conversationId)?.id === change.id) return
        const record = await r.getMessage(change.id)
        if (!record || record.conversationId !== activeId.value) return
        // The record may be a new version, or a switch to another one: the branch is worked out again.
        setTree([...tree.value.filter((m) => m.id !== record.id), record])
        return
      }
      case 'message-deleted':
        if (change.conversationId === activeId.value) setTree(tree.value.filter((m) => m.id !== change.id))
        return
      case 'stream':
        return
      case 'refresh':
        await refresh()
        return
    }
  }

  /** The other tab finished, or died mid-stream: show what it left, as its final state. */
  async function onRemoteStreamEnd(conversationId: string): Promise<void> {
    const r = saves.repo()
    if (r && !streams.liveAnswer(conversationId)) {
      await r.recoverInterrupted({ exceptConversations: await tabs.streamingAnywhere() })
    }
    if (activeId.value === conversationId) await reloadMessages(conversationId)
  }

  /** Loads history; nothing is written before it finishes, so a fast reload can never wipe data. */
  async function load(): Promise<void> {
    if (loaded.value) return
    await settingsStore.load()
    try {
      const r = await openRepository()
      saves.attach(r)
      // Answers another tab is streaming right now are alive, not interrupted.
      const live = await tabs.streamingAnywhere()
      await r.recoverInterrupted({ exceptConversations: live })
      list.replaceAll(await r.listConversations(), () => undefined)
      for (const id of live) tabs.watchRemoteStream(id)
      await drafts.load()
      const stored = await r.getValue<string>(KV_KEYS.activeConversationId)
      const id = list.has(stored ?? null) ? stored! : (conversations.value[0]?.id ?? null)
      activeId.value = id
      show(id, id ? await messagesOf(id) : [])
      tabs.connect({ onChange: (change) => void onRemoteChange(change), onRemoteStreamEnd })
    } catch (error) {
      saves.attach(null, error)
    }
    loaded.value = true
  }

  /** Re-reads the list and the open conversation after another writer (an import, another tab). */
  async function refresh(): Promise<void> {
    const r = saves.repo()
    if (!r) return
    list.replaceAll(await r.listConversations(), streams.liveConversation)
    await select(list.has(activeId.value) ? activeId.value : (conversations.value[0]?.id ?? null))
  }

  function show(id: string | null, next: ChatMessage[]): void {
    setTree(linkLegacy(next))
    shownId = id
  }

  /** All versions of the shown conversation, and the branch on screen worked out from them. */
  function setTree(next: ChatMessage[]): void {
    tree.value = next
    messages.value = visibleBranch(next)
  }

  /** The turns sent for the answer at `index` of the branch on screen. */
  function historyTurns(index: number, systemPrompt: string): History['turns'] {
    return historyFor(messages.value.slice(0, index), index, active.value, systemPrompt).turns
  }

  /** After a bulk write (an import): this tab and every other open tab re-read their lists. */
  async function refreshEverywhere(): Promise<void> {
    await refresh()
    tabs.publish({ type: 'refresh' })
  }

  async function select(id: string | null): Promise<void> {
    const token = ++openToken
    activeId.value = id
    composerError.value = []
    const loading = (async () => {
      const next = id ? await messagesOf(id) : []
      if (token === openToken) show(id, next)
    })()
    selecting = loading
    await loading
    if (token !== openToken) return
    await rememberOpen(id)
  }

  /** A new conversation, open (and empty) at once: a question sent right after lands in it. */
  function openNew(now: number) {
    const conversation = list.create(now)
    ++openToken
    activeId.value = conversation.id
    composerError.value = []
    show(conversation.id, [])
    void rememberOpen(conversation.id)
    return conversation
  }

  /** Opens a fresh conversation, unless the open one is still empty. */
  async function newConversation(): Promise<void> {
    if (!loaded.value) return
    if (active.value && messages.value.length === 0) return
    await list.save(openNew(Date.now()))
  }

  /** Settings with the open conversation's own choices applied, or the problem that stops a send. */
  function checkBeforeSending(): RequestSettings | null {
    composerError.value = []
    if (isReadOnly.value) {
      composerError.value = [{ key: 'chat.busyElsewhere' }]
      return null
    }
    const resolved = resolveSettings(toPlainData(settingsStore.settings), active.value?.settings ? toPlainData(active.value.settings) : undefined)
    if (!resolved.ok) {
      composerError.value = [resolved.problem]
      return null
    }
    const problem = checkSettings(resolved.settings)
    if (problem) {
      composerError.value = errorTexts(problem)
      return null
    }
    return resolved.settings
  }

  /** The history sent for the answer at `index`: after the last context break, within the limit. */
  function historyFor(list: readonly ChatMessage[], index: number, conversation: Conversation | null, systemPrompt: string): History {
    const sendable = sendableHistory(list.slice(0, index))
    return buildHistory(sendable, sendable.length, {
      systemPrompt,
      contextBreaks: conversation?.contextBreaks,
      limit: conversation?.settings?.historyLimit,
    })
  }

  /**
   * What sending `text` now would carry, for the composer's preview: null while a reply streams
   * (the preview then waits, so a streaming answer costs it nothing per token).
   */
  function previewHistory(text: string, attachments: readonly Attachment[]): History | null {
    if (isStreaming.value) return null
    const conversation = active.value
    const own = conversation?.settings
    const systemPrompt = own?.systemPrompt ?? settingsStore.settings.systemPrompt
    const question: ChatMessage = {
      id: '', conversationId: '', seq: (messages.value.at(-1)?.seq ?? -1) + 1, role: 'user', content: text,
      reasoning: '', status: 'done', createdAt: 0, updatedAt: 0, attachments: [...attachments],
    }
    const next = [...messages.value, question]
    return historyFor(next, next.length, conversation, systemPrompt)
  }

  /**
   * Sends a question in the open conversation (creating one if needed). Resolves `true` once the
   * question is saved and the request is on its way, `false` if nothing was sent; the answer then
   * streams in the background (`settled()` waits for it).
   */
  async function send(text: string, attachments: readonly Attachment[] = []): Promise<boolean> {
    if (sending) return false
    sending = true
    try {
      // A question joins the conversation on screen: wait until a switch has finished loading it.
      if (shownId !== activeId.value) await selecting
      return await sendNow(text, attachments)
    } finally {
      sending = false
    }
  }

  async function sendNow(text: string, attachments: readonly Attachment[]): Promise<boolean> {
    if (!loaded.value || (!text.trim() && attachments.length === 0) || isStreaming.value) return false
    const settings = checkBeforeSending()
    if (!settings) return false

    const now = Date.now()
    const conversation = active.value ?? openNew(now)
    if (messages.value.length === 0 && conversation.title === UNTITLED) conversation.title = titleFromQuestion(text || (attachments[0]?.name ?? ''))
    conversation.updatedAt = now
    list.resort()

    const turn = newTurn(conversation.id, nextSeq(tree.value), text, settings, now, messages.value.at(-1)?.id ?? null)
    const question = turn.question
    if (attachments.length > 0) question.attachments = attachments.map((a) => ({ ...a }))
    const answer = reactive(turn.answer)
    tree.value = [...tree.value, question, toRaw(answer)]
    messages.value.push(question, answer)
    const turns = historyTurns(messages.value.length - 1, settings.systemPrompt)

    // The question is on disk before the request leaves, so a crash can never lose it. (`write`
    // runs this at once; a retry after a failure runs it again with the answer as it is then.)
    const saved = saves
      .write('save-message', `turn:${question.id}`, (r) =>
        r.putTurn(toPlainData(conversation), [toPlainData(question), toPlainData(answer)]),
      )
      .then((ok) => {
        if (!ok) return
        tabs.publish({ type: 'conversation', id: conversation.id })
        tabs.publish({ type: 'message', conversationId: conversation.id, id: question.id })
      })
    streams.start(conversation, answer, turns, settings, saved)
    await saved
    return true
  }

  /** Asks the same question again for an answer that failed, stopped or was cut off: a new version. */
  async function retry(messageId: string): Promise<boolean> {
    const index = messages.value.findIndex((m) => m.id === messageId)
    if (index !== messages.value.length - 1 || !canRetry(messages.value[index])) return false
    return regenerate(messageId)
  }

  // Versions, Continue and deleting one message. The tree logic is in core/versions; these
  // apply it to the open conversation and write the records it changes.

  /** A new version of an answer, streamed for the same question; the old one stays a version. */
  async function regenerate(answerId: string): Promise<boolean> {
    const index = messages.value.findIndex((m) => m.id === answerId)
    const question = messages.value[index - 1]
    const conversation = active.value
    if (!conversation || messages.value[index]?.role !== 'assistant' || question?.role !== 'user' || isStreaming.value) return false
    const settings = checkBeforeSending()
    if (!settings) return false
    const now = Date.now()
    const answer = reactive({ ...newAnswer(question, nextSeq(tree.value), settings, now), selectedAt: now })
    setTree([...tree.value, toRaw(answer)])
    const saved = streams.saveAnswer(answer, conversation)
    streams.start(conversation, answer, historyTurns(index, settings.systemPrompt), settings, saved)
    await saved
    return true
  }

  /** Sends an edited question as a new version of it, with its own answers below it. */
  async function editQuestion(questionId: string, text: string): Promise<boolean> {
    const index = messages.value.findIndex((m) => m.id === questionId)
    const old = messages.value[index]
    const conversation = active.value
    if (!conversation || old?.role !== 'user' || !text.trim() || isStreaming.value) return false
    const settings = checkBeforeSending()
    if (!settings) return false
    const now = Date.now()
    const seq = nextSeq(tree.value)
    const question: ChatMessage = { ...newTurn(conversation.id, seq, text, settings, now, old.parentId ?? null).question, selectedAt: now }
    // The edit changes the typed text; files attached to the question go with the new version.
    if (old.attachments && old.attachments.length > 0) question.attachments = old.attachments.map((a) => ({ ...a }))
    const answer = reactive(newAnswer(question, seq + 1, settings, now))
    setTree([...tree.value, question, toRaw(answer)])
    conversation.updatedAt = now
    list.resort()
    const saved = saves
      .write('save-message', `turn:${question.id}`, (r) => r.putTurn(toPlainData(conversation), [toPlainData(question), toPlainData(answer)]))
      .then((ok) => {
        if (ok) tabs.publish({ type: 'message', conversationId: conversation.id, id: question.id })
      })
    streams.start(conversation, answer, historyTurns(index + 1, settings.systemPrompt), settings, saved)
    await saved
    return true
  }

  /** More text for an answer cut off by max tokens, stopped or interrupted, appended to it. */
  async function continueAnswer(answerId: string): Promise<boolean> {
    const index = messages.value.findIndex((m) => m.id === answerId)
    const answer = messages.value[index]
    const conversation = active.value
    if (!conversation || !canContinue(answer) || isStreaming.value) return false
    const settings = checkBeforeSending()
    if (!settings) return false
    const prefixUrl = prefixCompletionBaseUrl(settings)
    const method = prefixUrl ? 'prefix' : 'instruction'
    const turns = continueTurns(historyTurns(index, settings.systemPrompt), answer, method)
    resumeAnswer(answer, method, Date.now())
    const saved = streams.saveAnswer(answer, conversation)
    streams.start(conversation, answer, turns, prefixUrl ? { ...settings, baseUrl: prefixUrl } : settings, saved)
    await saved
    return true
  }

  /** Shows another version of a message on screen (and so the branch below it). */
  async function showVersion(messageId: string): Promise<void> {
    const target = tree.value.find((m) => m.id === messageId)
    const conversation = active.value
    if (!target || !conversation || isStreaming.value) return
    const chosen = { ...target, selectedAt: Date.now() }
    setTree(tree.value.map((m) => (m.id === messageId ? chosen : m)))
    const ok = await saves.write('save-message', `message:${messageId}`, (r) => r.saveMessage(toPlainData(chosen), toPlainData(conversation)))
    if (ok) tabs.publish({ type: 'message', conversationId: conversation.id, id: messageId })
  }

  /** Deletes one message (not its pair); what followed it moves up, so nothing else is lost. */
  async function deleteMessage(messageId: string): Promise<void> {
    const conversation = active.value
    if (!conversation || isStreaming.value || !tree.value.some((m) => m.id === messageId)) return
    const updates = planDelete(tree.value, messageId, Date.now())
    const changed = new Map(updates.map((m) => [m.id, m]))
    // A context break after the deleted message stays where it was: after the one before it.
    if (conversation.contextBreaks?.includes(messageId)) {
      const index = messages.value.findIndex((m) => m.id === messageId)
      const before = messages.value[index - 1]?.id
      const next = conversation.contextBreaks.filter((id) => id !== messageId)
      if (before && !next.includes(before)) next.push(before)
      if (next.length > 0) conversation.contextBreaks = next
      else delete conversation.contextBreaks
      void list.touch(conversation, { contextBreaks: next })
    }
    setTree(tree.value.filter((m) => m.id !== messageId).map((m) => changed.get(m.id) ?? m))
    const ok = await saves.write('delete-message', `delete:${messageId}`, (r) => r.deleteMessage(messageId, updates))
    if (!ok) return
    tabs.publish({ type: 'message-deleted', conversationId: conversation.id, id: messageId })
    for (const m of updates) tabs.publish({ type: 'message', conversationId: conversation.id, id: m.id })
  }

  /** Stops the reply streaming in the open conversation; what arrived stays, marked stopped. */
  function stop(): void {
    if (activeId.value) streams.stop(activeId.value)
  }

  /** The open conversation in the classic `conversation.txt` format. */
  async function transcript(): Promise<TextFile> {
    // Not needed to show the chat either: fetched on the first export, like the Markdown one.
    const { TRANSCRIPT_FILE_NAME, formatTranscript } = await import('../core/transcript')
    const includeReasoning = settingsStore.settings.exportReasoning
    return { fileName: TRANSCRIPT_FILE_NAME, text: formatTranscript(messages.value, { includeReasoning }) }
  }

  /** The open conversation as a Markdown document, its headings and markers in the UI's language. */
  async function markdownTranscript(): Promise<TextFile> {
    // Not needed to show the chat: the formatter is a chunk of its own, fetched on the first export.
    const { formatMarkdown, markdownFileName } = await import('../core/markdownExport')
    const locale = settingsStore.locale
    const labels: MarkdownLabels = {
      you: render(locale, 'exportMd.you'),
      assistant: render(locale, 'exportMd.assistant'),
      reasoning: render(locale, 'exportMd.reasoning'),
      stopped: render(locale, 'exportMd.stopped'),
      interrupted: render(locale, 'exportMd.interrupted'),
      streaming: render(locale, 'exportMd.streaming'),
      noAnswer: render(locale, 'exportMd.noAnswer'),
      error: render(locale, 'exportMd.error'),
    }
    const title = active.value?.title ?? UNTITLED
    const includeReasoning = settingsStore.settings.exportReasoning
    return {
      fileName: markdownFileName(title),
      text: formatMarkdown(title, messages.value, { labels, includeReasoning }),
      mimeType: 'text/markdown;charset=utf-8',
    }
  }

  /** Starts a new context after the newest message: what is above stays on screen but is not sent. */
  async function addContextBreak(): Promise<void> {
    const conversation = active.value
    const last = messages.value.at(-1)
    if (!conversation || !last || conversation.contextBreaks?.includes(last.id)) return
    conversation.contextBreaks = [...(conversation.contextBreaks ?? []), last.id]
    await list.touch(conversation, { contextBreaks: [...conversation.contextBreaks] })
  }

  async function removeContextBreak(messageId: string): Promise<void> {
    const conversation = active.value
    if (!conversation?.contextBreaks?.includes(messageId)) return
    const next = conversation.contextBreaks.filter((id) => id !== messageId)
    if (next.length > 0) conversation.contextBreaks = next
    else delete conversation.contextBreaks
    await list.touch(conversation, { contextBreaks: next })
  }

  /** Replaces the open conversation's own settings (empty means it follows Settings again). */
  async function updateConversationSettings(next: ConversationSettings): Promise<void> {
    const conversation = active.value
    if (!conversation) return
    const clean = toPlainData(next)
    if (Object.keys(clean).length > 0) conversation.settings = clean
    else delete conversation.settings
    await list.touch(conversation, { settings: clean })
  }

  function clearComposerError(): void {
    composerError.value = []
  }

  return {
    activeId,
    messages,
    tree,
    versions,
    loaded,
    composerError,
    active,
    isStreaming,
    isReadOnly,
    load,
    refresh,
    refreshEverywhere,
    select,
    newConversation,
    send,
    previewHistory,
    addContextBreak,
    removeContextBreak,
    updateConversationSettings,
    retry,
    regenerate,
    editQuestion,
    continueAnswer,
    showVersion,
    deleteMessage,
    stop,
    transcript,
    markdownTranscript,
    clearComposerError,
  }
})
