/**
 * The words the UI shows for storage problems, chosen by kind (never by matching an error's text).
 * One table, so a translation replaces strings here and nowhere else.
 */
import { PersistenceError } from './persistence'

/** Something that happened to the open database connection, outside any call we made. */
export type StorageEvent = 'versionchange' | 'terminated' | 'blocked'

/** What a failed write was for, so the banner can say what was not saved. */
export type SaveAction = 'answer' | 'question' | 'conversation' | 'open-conversation' | 'delete' | 'draft' | 'save'

/** A storage problem as the banner reports it. */
export type StorageProblem =
  | { kind: 'write'; action: SaveAction; error: unknown }
  | { kind: 'event'; event: StorageEvent }
  | { kind: 'unavailable'; error: unknown }
  | { kind: 'deleted-elsewhere'; title: string }

const ACTION_TEXT: Record<SaveAction, string> = {
  answer: 'save the answer',
  question: 'save your message',
  conversation: 'save the conversation',
  'open-conversation': 'remember the open conversation',
  delete: 'delete the conversation',
  draft: 'keep your draft',
  save: 'save',
}

const EVENT_TEXT: Record<StorageEvent, string> = {
  versionchange: 'Inkstream was updated in another tab. Reload this tab to keep saving your history.',
  terminated: 'The browser closed Inkstream’s storage (site data may have been cleared). Reload to keep saving.',
  blocked: 'Another Inkstream tab is using an older version of the history. Close or reload the other tabs.',
}

function detailOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

function writeFailureText(action: SaveAction, error: unknown): string {
  if (error instanceof PersistenceError) return error.message
  const name = error instanceof Error ? error.name : ''
  if (name === 'QuotaExceededError') {
    return (
      `This browser's storage for Inkstream is full, so it could not ${ACTION_TEXT[action]}. ` +
      'Nothing saved before is lost and this conversation stays open in this tab: download it, ' +
      'free space (delete old conversations or other site data), then choose “Try saving again”.'
    )
  }
  return (
    `Could not ${ACTION_TEXT[action]} in this browser's storage (${detailOf(error)}). ` +
    'This conversation stays open in this tab; download it with the export button to keep a copy.'
  )
}

/** The banner text for a storage problem. */
export function storageProblemText(problem: StorageProblem): string {
  switch (problem.kind) {
    case 'write':
      return writeFailureText(problem.action, problem.error)
    case 'event':
      return EVENT_TEXT[problem.event]
    case 'unavailable':
      return (
        `${problem.error instanceof Error ? problem.error.message : String(problem.error)} ` +
        'Conversations in this tab will not be saved; download them before closing it.'
      )
    case 'deleted-elsewhere':
      return `“${problem.title}” was deleted in another tab, so its answer was not saved.`
  }
}
