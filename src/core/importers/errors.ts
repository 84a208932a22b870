/** The importers' error class and vocabulary; no wording here (see `../errorText.ts`). */
import type { TranscriptProblem } from '../transcriptError'

/** Where a file came from, as detected by `importText`. */
export type ImportSource = 'inkstream-backup' | 'classic-txt' | 'betterchatgpt' | 'nextchat'

/** The format a complaint is about: a known source, or any JSON file before it was recognised. */
export type ImportFormat = ImportSource | 'json'

/** Why a file could not be imported, independent of the wording. */
export type ImportErrorKind =
  /** Not valid JSON (or not text at all). */
  | 'syntax'
  /** Valid JSON or text, but a field or line is not what the format requires. */
  | 'invalid'
  /** A JSON file of a kind we do not know. */
  | 'unknown-format'
  /** A file of a format version we do not read. */
  | 'version'
  /** The file holds no conversation at all. */
  | 'empty'
  /** The file is larger than one import takes (bytes, conversations or messages). */
  | 'too-large'

/** What a JSON field should have been, for "expected …, got …". */
export type Expected =
  | {
      type:
        | 'string' | 'non-empty-string' | 'number' | 'whole-number' | 'non-negative-whole-number' | 'boolean'
        | 'object' | 'conversation-list' | 'conversation-object' | 'message-list' | 'message-object'
        | 'message-text' | 'content-part' | 'role-string' | 'chat-list' | 'chat-object' | 'chats'
        | 'session-list' | 'session-object' | 'id' | 'betterchatgpt-version' | 'hour-ranges'
    }
  /** One of these strings. */
  | { type: 'one-of'; values: readonly string[] }
  /** Exactly this value. */
  | { type: 'literal'; value: string | number }

/** Exactly what is wrong, with the parameters its text needs, keyed by `problem`. */
export type ImportProblem =
  | { problem: 'empty-file' }
  | { problem: 'binary' }
  /** The JSON ends before its last value is complete; `line` is the file's last line. */
  | { problem: 'json-truncated'; format: ImportFormat; line: number; detail: string }
  /** Not JSON; the position is known whenever the text could be scanned (always, in practice). */
  | { problem: 'json-invalid'; format: ImportFormat; line?: number; column?: number; detail: string }
  /** JSON of no known kind; `keys` are the first top-level keys of an object. */
  | { problem: 'unknown-json'; shape: 'object' | 'list' | 'other'; keys: readonly string[] }
  /** A file of another source than the one asked for ("restore backup" given a conversation.txt). */
  | { problem: 'wrong-kind'; wanted: ImportSource; found: ImportSource }
  /** A recognised JSON file without a single conversation with messages. */
  | { problem: 'no-conversations'; source: ImportSource; skipped: readonly string[] }
  /** A conversation.txt without a single turn. */
  | { problem: 'no-turns' }
  /** A malformed conversation.txt. */
  | { problem: 'transcript'; line: number; transcript: TranscriptProblem }
  /** A field of the wrong type or value; `path` is `''` for the top level. */
  | { problem: 'expected'; format: ImportFormat; path: string; expected: Expected; got: unknown }
  /** An id or seq used twice; `usedBy` is the JSON path of its first use. */
  | { problem: 'duplicate'; format: ImportFormat; path: string; value: string | number; usedBy: string }
  /** A message whose `conversationId` names another conversation than the one it sits in. */
  | { problem: 'foreign-message'; format: ImportFormat; path: string; declared: unknown; conversationId: string }
  /** More than one import takes: checked before anything is written, so nothing is half-imported. */
  | { problem: 'too-large'; what: 'megabytes' | 'conversations' | 'messages'; count: number; limit: number }
  /** An Inkstream backup of a newer version than this build reads. */
  | { problem: 'newer-backup'; version: number; newest: number }

/** A file that cannot be imported. Nothing is written when an importer throws this. */
export class ImportError extends Error {
  /** What went wrong, independent of the wording. */
  readonly kind: ImportErrorKind
  /** The details the UI text is made of (see `importErrorText`). */
  readonly problem: ImportProblem
  /** 1-based line of the problem in a text file (or in JSON that is not valid). */
  readonly line: number | undefined
  /** 1-based column, with `line`, in JSON that is not valid. */
  readonly column: number | undefined
  /** JSON path of the offending field, such as `conversations[2].messages[0].role` (`''`: the top level). */
  readonly path: string | undefined

  constructor(kind: ImportErrorKind, problem: ImportProblem, message: string) {
    super(message)
    this.name = 'ImportError'
    this.kind = kind
    this.problem = problem
    this.line = 'line' in problem ? problem.line : undefined
    this.column = 'column' in problem ? problem.column : undefined
    this.path = 'path' in problem ? problem.path : problem.problem === 'newer-backup' ? 'version' : undefined
  }
}
