/** Domain types shared by every layer. Wire formats stay inside `core/provider`. */
import type { Locale } from '../locales'

/** Who wrote a message. The system prompt lives in settings, not in history. */
export type Role = 'user' | 'assistant'

/**
 * How a message stands. User messages are always `done`. An answer is `streaming` while tokens
 * arrive, then `done` (finished normally), `stopped` (the user stopped it), `interrupted` (the
 * connection ended early or the tab closed mid-stream) or `error` (the server refused or failed).
 */
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'interrupted' | 'error'

/** Token counts reported by the provider (the last report wins; providers send cumulative totals). */
export interface Usage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
  reasoningTokens?: number
  /** Prompt tokens served from the provider's cache (billed cheaper by DeepSeek, OpenAI, …). */
  cachedPromptTokens?: number
  /** True when the server sent no usage and these counts were estimated from the text. */
  estimated?: boolean
}

/** When an answer's request went out, its first token arrived and it ended (epoch ms). */
export interface AnswerTiming {
  startedAt: number
  firstTokenAt?: number
  endedAt?: number
}

/** Sampling parameters, named as in the UI; the request builder maps them to wire names. */
export interface GenerationParams {
  maxTokens: number
  temperature: number
  topP: number
  topK: number
  frequencyPenalty: number
  n: number
}

/** Name of one optional generation parameter, used by presets to say what an endpoint accepts. */
export type ParamName = keyof GenerationParams | 'responseFormat' | 'streamOptions'

/** Where an error came from; the UI chooses its wording by kind (and HTTP status), never by text. */
export type ErrorKind = 'config' | 'http' | 'network' | 'timeout' | 'protocol' | 'stream' | 'aborted'

/** Which pre-flight check of Settings failed. */
export type ConfigReason = 'missing-key' | 'missing-model' | 'empty-url' | 'invalid-url' | 'bad-scheme' | 'credentials-in-url'

/** What an error's text is built from (redacted of the API key): enough to word it in any language. */
export interface ErrorFacts {
  kind: ErrorKind
  status?: number
  /** The provider's own explanation, capped and redacted. */
  serverMessage?: string
  url?: string
  /** The Settings field a `config` error points at, so the UI can focus it. */
  field?: 'apiKey' | 'baseUrl' | 'model'
  retryAfterSeconds?: number
  /** The model that was requested, named in 404 texts because a wrong model is the usual cause. */
  model?: string
  /** Model ids from the endpoint's /models list that look like the one asked for. */
  closeModels?: string[]
  /** The browser blocked the request (the server answered, but without CORS headers). */
  cors?: boolean
  /** The endpoint answered with a redirect, which was refused (never followed with the key). */
  redirected?: boolean
  /** The preset in use, so a CORS text can name that provider's own fix. */
  providerId?: string
  /** The idle limit that expired, for `timeout` texts. */
  timeoutSeconds?: number
  /** Content-Type of a 200 response we could not read, for `protocol` texts. */
  contentType?: string
  /** True once the answer had started: the wording then says the partial answer is incomplete. */
  midStream?: boolean
  /** For `config` errors: which check failed, and the offending value where it is safe to show. */
  reason?: ConfigReason
  value?: string
}

/** A failure as stored with a message: the user-facing text plus enough to re-classify it. */
export interface MessageError {
  kind: ErrorKind
  /** The full user-facing message in English (already redacted of the API key). */
  message: string
  status?: number
  /** The facts the text was built from, so the UI can word it in the current language. */
  facts?: ErrorFacts
}

/**
 * Why the model stopped, normalised by the decoder from each provider's own words: `length` is a
 * max-tokens cut, `filtered` a provider's content filter; anything unrecognised is `other`.
 */
export type FinishReason = 'stop' | 'length' | 'filtered' | 'tool_calls' | 'other'

/**
 * An earlier try at an answer, as builds before versions kept it on the answer (`attempts`). Read
 * from old records and backups only: it becomes an older version of the answer (`core/versions`).
 */
export interface AnswerAttempt {
  content: string
  reasoning: string
  status: MessageStatus
  error?: MessageError
  finishReason?: FinishReason
  updatedAt: number
}

/** One stored message. One IndexedDB record per message so a streaming save writes one small record. */
export interface ChatMessage {
  id: string
  conversationId: string
  /** Position within the conversation (0, 1, 2 …); stable ordering without relying on clocks. */
  seq: number
  role: Role
  content: string
  reasoning: string
  status: MessageStatus
  /** Epoch milliseconds. For an answer, the time its question was sent. */
  createdAt: number
  updatedAt: number
  /** Answers only: the model asked, and the generation parameters it was asked with. */
  model?: string
  params?: GenerationParams
  finishReason?: FinishReason
  usage?: Usage
  /** Answers only: request start, first token and end, for latency and tokens per second. */
  timing?: AnswerTiming
  error?: MessageError
  /** Legacy (schema 2 and older backups): earlier attempts replaced by Retry, oldest first. */
  attempts?: AnswerAttempt[]
  /**
   * The message this one follows; `null` for a first question. Messages with the same parent are
   * versions of each other (see `core/versions`). Absent only on records from before versions.
   */
  parentId?: string | null
  /** Epoch ms this version was last chosen (created or switched to): the newest choice is shown. */
  selectedAt?: number
  /** Answers only: how the last Continue asked for more text. */
  continuation?: ContinueMethod
  /** Questions only: text files and long pastes sent with the question (see `core/attachments`). */
  attachments?: Attachment[]
}

/** A text file or a long paste sent as part of a question; the model receives its text. */
export interface Attachment {
  id: string
  /** The file name, or a generated name for a paste. */
  name: string
  text: string
  /** `paste` for pasted text, `file` for a chosen file. */
  source: 'paste' | 'file'
}

/** Whether thinking is asked for: `auto` sends nothing and leaves it to the provider's default. */
export type ThinkingMode = 'auto' | 'on' | 'off'

/**
 * How much history a request carries. `all` sends everything after the last context break;
 * `messages` keeps about the last `count` messages, `tokens` about `budget` estimated tokens.
 */
export type HistoryLimit = { kind: 'all' } | { kind: 'messages'; count: number } | { kind: 'tokens'; budget: number }

/**
 * One conversation's own settings. Every field is optional: an absent one follows Settings, so a
 * new conversation starts from Settings and keeps what the user changed for it alone.
 */
export interface ConversationSettings {
  model?: string
  systemPrompt?: string
  params?: Partial<GenerationParams>
  thinking?: ThinkingMode
  /** One of the provider's documented effort values. */
  effort?: string
  /** Thinking token budget, for providers that take one. */
  budget?: number
  /** A JSON object merged into the request body, as the user typed it (validated before sending). */
  extraBody?: string
  historyLimit?: HistoryLimit
}

/**
 * How Continue asks for the rest of an answer: `prefix` sends the text so far as an unfinished
 * assistant message (prefix completion), `instruction` asks in a user turn to go on.
 */
export type ContinueMethod = 'prefix' | 'instruction'

/** One conversation's metadata; its messages are separate records. */
export interface Conversation {
  id: string
  title: string
  createdAt: number
  updatedAt: number
  /** Kept at the top of the list, above the groups by date. Absent means not pinned. */
  pinned?: boolean
  /** This conversation's own model, prompt, sampling, thinking and history limit. */
  settings?: ConversationSettings
  /** Ids of messages after which a new context starts: earlier messages stay on screen, unsent. */
  contextBreaks?: string[]
}

/** Everything the user sets in Settings. Persisted as one small record. */
export interface Settings {
  apiKey: string
  providerId: string
  baseUrl: string
  model: string
  systemPrompt: string
  params: GenerationParams
  /** Seconds without a byte before a streaming request is abandoned. */
  idleTimeoutSeconds: number
  /** Whether `conversation.txt` includes reasoning text. */
  exportReasoning: boolean
  /** Ask the model for a short title after a new conversation's first answer (off unless set). */
  autoTitle?: boolean
  /** Per-model prices the user edited (model id → price); unset models use the built-in table. */
  prices?: Record<string, ModelPrice>
  /** The UI language the user chose; unset, it follows the browser. */
  language?: Locale
  /** Light or dark colours; unset (or `system`), they follow the system's preference. */
  theme?: Theme
}

/** The colour scheme the user chose in Settings. */
export type Theme = 'system' | 'light' | 'dark'

/**
 * What a model costs per million tokens, in `currency`. `offPeak` holds the cheaper rates a
 * provider charges outside its peak hours (DeepSeek); `peakHoursUtc` lists [start, end) hours of
 * the peak on weekdays.
 */
export interface ModelPrice {
  currency: string
  input: number
  cachedInput?: number
  output: number
  offPeak?: { input: number; cachedInput?: number; output: number; peakHoursUtc: readonly (readonly [number, number])[] }
}

/** A file the UI offers for download: the stores build it, a component saves it. */
export interface TextFile {
  fileName: string
  text: string
  /** Defaults to plain UTF-8 text. */
  mimeType?: string
}
