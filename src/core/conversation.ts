import type { Conversation } from './types'

/** Title a conversation gets before its first question. */
export const UNTITLED = 'New conversation'

/** A conversation title from the first non-blank line of its first question. */
export function titleFromQuestion(question: string, maxLength = 80): string {
  const line = question.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? ''
  if (!line) return UNTITLED
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line
}

/** Conversations in sidebar order: pinned ones first, then most recently active first. */
export function sortConversations(list: readonly Conversation[]): Conversation[] {
  return [...list].sort((a, b) => Number(b.pinned === true) - Number(a.pinned === true) || b.updatedAt - a.updatedAt)
}

/** A heading of the conversation list: pinned conversations, then by day of last activity. */
export type ConversationGroupKey = 'pinned' | 'today' | 'yesterday' | 'week' | 'older'

/** One heading of the conversation list and the conversations under it, in list order. */
export interface ConversationGroup {
  key: ConversationGroupKey
  conversations: Conversation[]
}

const GROUP_ORDER: readonly ConversationGroupKey[] = ['pinned', 'today', 'yesterday', 'week', 'older']

/**
 * Groups conversations (already in list order) under headings: pinned, then today, yesterday, the
 * last 7 days (the five days before yesterday) and older, by calendar day of `updatedAt` in
 * `timeZone` (the browser's by default). A time after `now` (another device's clock) counts as
 * today. Empty groups are left out. Pure given `now` and `timeZone`.
 */
export function groupConversations(
  list: readonly Conversation[],
  now: number,
  timeZone?: string,
): ConversationGroup[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  // A calendar day as a whole number, so "yesterday" is one less across months and DST changes.
  const dayNumber = (time: number): number => {
    const parts = format.formatToParts(time)
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
    return Math.round(Date.UTC(get('year'), get('month') - 1, get('day')) / 86_400_000)
  }
  const today = dayNumber(now)
  const groups = new Map<ConversationGroupKey, Conversation[]>()
  for (const conversation of list) {
    let key: ConversationGroupKey
    if (conversation.pinned) key = 'pinned'
    else {
      const age = today - dayNumber(conversation.updatedAt)
      key = age <= 0 ? 'today' : age === 1 ? 'yesterday' : age < 7 ? 'week' : 'older'
    }
    const group = groups.get(key)
    if (group) group.push(conversation)
    else groups.set(key, [conversation])
  }
  return GROUP_ORDER.filter((key) => groups.has(key)).map((key) => ({ key, conversations: groups.get(key)! }))
}

/** The instruction sent with a title request; the answer's language follows the conversation's. */
export const TITLE_PROMPT =
  'Write a title of at most 8 words for the conversation below, in the language of the question. ' +
  'Reply with the title only: no quotes, no punctuation at the end, no explanation.'

/** The messages of a title request: the instruction, then the first question and answer (shortened). */
export function titleTurns(question: string, answer: string): { role: 'system' | 'user'; content: string }[] {
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text)
  return [
    { role: 'system', content: TITLE_PROMPT },
    { role: 'user', content: `Question:\n${clip(question, 2000)}\n\nAnswer:\n${clip(answer, 2000)}` },
  ]
}

/**
 * A model's reply as a title: its first non-blank line without reasoning tags, a "Title:" label,
 * quotes or a final full stop, at most `maxLength` characters; `undefined` if nothing is left.
 */
export function cleanTitle(reply: string, maxLength = 80): string | undefined {
  const text = reply.replace(/<think>[\s\S]*?(<\/think>|$)/gi, '')
  let line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? ''
  line = line.replace(/^(title|标题)\s*[:：]\s*/i, '').replace(/^[#*\s]+|[*\s]+$/g, '')
  // Twice, for a stop outside the quotes as well as inside: “标题”。 and "Title."
  for (let i = 0; i < 2; i++) line = line.replace(/[.。!！]+$/u, '').replace(/^["'“‘「《]+|["'”’」》]+$/g, '').trim()
  if (line === '') return undefined
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line
}
