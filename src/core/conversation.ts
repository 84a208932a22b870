import type { Conversation } from './types'

/** Title a conversation gets before its first question. */
export const UNTITLED = 'New conversation'

/** A conversation title from the first non-blank line of its first question. */
export function titleFromQuestion(question: string, maxLength = 80): string {
  const line = question.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? ''
  if (!line) return UNTITLED
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line
}

/** Conversations in sidebar order: most recently active first. */
export function sortConversations(list: readonly Conversation[]): Conversation[] {
  return [...list].sort((a, b) => b.updatedAt - a.updatedAt)
}
