import type { GenerationParams, ParamName, Settings } from '../types'
import type { MessageKey } from '../../locales'

/**
 * One OpenAI-compatible endpoint described as data, so no code branches on a provider's name.
 * `accepts` lists the optional parameters the endpoint is known to take; anything else is left out
 * of the request because some endpoints reject unknown parameters outright.
 */
export interface ProviderProfile {
  id: string
  label: string
  baseUrl: string
  defaultModel: string
  models: readonly string[]
  accepts: readonly ParamName[]
  keyOptional?: boolean
  /** A UI text key: what a browser user of this provider should know. */
  note?: MessageKey
  /** How this provider switches thinking on and off and sets its effort; absent: no controls. */
  thinking?: ThinkingControls
  /** Where the provider takes an unfinished last assistant message to continue (`prefix: true`). */
  prefixCompletion?: { baseUrl: string }
}

/**
 * Thinking controls as request-body data. Paths are dotted (`reasoning.effort`) so a nested field
 * is data too; the request builder deep-merges what the user chose into the body.
 */
export interface ThinkingControls {
  /** Body fields that switch thinking on, and off (e.g. DeepSeek `{thinking:{type:'enabled'}}`). */
  on?: Record<string, unknown>
  off?: Record<string, unknown>
  /** Where an effort goes and the values the provider documents (e.g. `reasoning_effort`). */
  effort?: { path: string; values: readonly string[] }
  /** A token budget for thinking (e.g. SiliconFlow `thinking_budget`). */
  budget?: { path: string; min: number; max: number }
  /** Parameters the provider ignores while thinking: the UI marks them as ignored. */
  ignoredWhenThinking?: readonly ParamName[]
}

/** Id of the free-form profile, also the fallback for ids we no longer know (old saved settings). */
export const CUSTOM_PROVIDER_ID = 'custom'

const ALL_PARAMS: readonly ParamName[] = [
  'maxTokens',
  'temperature',
  'topP',
  'topK',
  'frequencyPenalty',
  'n',
  'responseFormat',
  'streamOptions',
]

const CUSTOM_PROFILE: ProviderProfile = {
  id: CUSTOM_PROVIDER_ID,
  label: 'Custom',
  baseUrl: '',
  defaultModel: '',
  models: [],
  // The classic script's parameter set; a user with a stricter endpoint picks a preset instead.
  accepts: ALL_PARAMS,
  keyOptional: false,
}

/** The built-in presets, in the order the Settings dialog lists them. */
export const PROVIDERS: readonly ProviderProfile[] = [
  {
    id: 'siliconflow',
    label: 'SiliconFlow',
    baseUrl: 'https://api.siliconflow.cn/v1',
    defaultModel: 'deepseek-ai/DeepSeek-V3',
    models: [
      'deepseek-ai/DeepSeek-V3',
      'deepseek-ai/DeepSeek-R1',
      'Qwen/Qwen3-235B-A22B',
      'Qwen/QwQ-32B',
      'Qwen/Qwen2.5-72B-Instruct',
    ],
    // SiliconFlow documents every parameter the classic client sent, top_k included.
    accepts: ALL_PARAMS,
  },
  {
    id: 'deepseek',
    label: 'DeepSeek',
    baseUrl: 'https://api.deepseek.com',
    defaultModel: 'deepseek-chat',
    models: ['deepseek-chat', 'deepseek-reasoner'],
    // DeepSeek documents neither top_k nor n; response_format is left out because deepseek-reasoner
    // does not support JSON output and {type:'text'} is the default anyway.
    accepts: ['maxTokens', 'temperature', 'topP', 'frequencyPenalty', 'streamOptions'],
    note: 'provider.note.deepseek',
    prefixCompletion: { baseUrl: 'https://api.deepseek.com/beta' },
  },
  {
    id: 'openai',
    label: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    defaultModel: 'gpt-4o-mini',
    models: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1'],
    // OpenAI rejects top_k with HTTP 400.
    accepts: ['maxTokens', 'temperature', 'topP', 'frequencyPenalty', 'n', 'responseFormat', 'streamOptions'],
    note: 'provider.note.openai',
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    defaultModel: 'deepseek/deepseek-chat',
    models: ['deepseek/deepseek-chat', 'deepseek/deepseek-r1', 'openai/gpt-4o-mini', 'meta-llama/llama-3.3-70b-instruct'],
    // OpenRouter takes top_k; it does not document n, and response_format would narrow routing to
    // upstreams that implement it for no gain ({type:'text'} is the default). Usage is always sent,
    // stream_options is accepted (documented as having no effect).
    accepts: ['maxTokens', 'temperature', 'topP', 'topK', 'frequencyPenalty', 'streamOptions'],
  },
  {
    id: 'ollama',
    label: 'Ollama (local)',
    baseUrl: 'http://localhost:11434/v1',
    defaultModel: 'llama3.2',
    models: ['llama3.2', 'qwen3', 'deepseek-r1', 'gemma3'],
    // Ollama's /v1 lists these request fields; top_k and n are not among them.
    accepts: ['maxTokens', 'temperature', 'topP', 'frequencyPenalty', 'responseFormat', 'streamOptions'],
    keyOptional: true,
    note: 'provider.note.ollama',
  },
  CUSTOM_PROFILE,
]

/** Looks a profile up by id; unknown ids fall back to Custom so old or hand-edited settings still work. */
export function findProvider(id: string): ProviderProfile {
  return PROVIDERS.find((p) => p.id === id) ?? CUSTOM_PROFILE
}

/** The classic script's sampling defaults, kept so answers feel the same after the rewrite. */
export const DEFAULT_PARAMS: GenerationParams = {
  maxTokens: 2048,
  temperature: 0.7,
  topP: 0.7,
  topK: 50,
  frequencyPenalty: 0.5,
  n: 1,
}

/** First-run settings: SiliconFlow preset, no key yet. Copy it before mutating (it is shared). */
export const DEFAULT_SETTINGS: Settings = {
  apiKey: '',
  providerId: 'siliconflow',
  baseUrl: 'https://api.siliconflow.cn/v1',
  model: 'deepseek-ai/DeepSeek-V3',
  systemPrompt: '',
  params: { ...DEFAULT_PARAMS },
  idleTimeoutSeconds: 60,
  exportReasoning: false,
}
