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
  /** Whether a page in a browser may call the endpoint (CORS), and the text saying what to do when it may not. */
  browser: BrowserAccess
  /** Where the account balance is read, relative to the base URL, and which shape the answer has. */
  balance?: { path: string; format: BalanceFormat }
}

/** `yes`: the provider sends CORS headers; `setup`: only after the user changes a server setting. */
export interface BrowserAccess {
  cors: 'yes' | 'setup' | 'unknown'
  /** A UI text key: what to do when the browser blocks the request. */
  fix: MessageKey
}

/** The balance answers we can read: DeepSeek `/user/balance`, SiliconFlow `/user/info`, OpenRouter `/credits`. */
export type BalanceFormat = 'deepseek' | 'siliconflow' | 'openrouter'

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
  /** The provider thinks unless told not to (DeepSeek V4): its ignored parameters apply on `auto` too. */
  defaultOn?: boolean
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
  browser: { cors: 'unknown', fix: 'provider.fix.custom' },
}

/**
 * The built-in presets, in the order the Settings dialog lists them. Checked against each
 * provider's own documentation (model ids as of late 2026: DeepSeek serves `deepseek-flash` and
 * `deepseek-v4-pro`; SiliconFlow lists the V4 models beside the classic V3 default).
 */
export const PROVIDERS: readonly ProviderProfile[] = [
  {
    id: 'siliconflow',
    label: 'SiliconFlow',
    baseUrl: 'https://api.siliconflow.cn/v1',
    // The classic script's default, kept so existing users see the same answers.
    defaultModel: 'deepseek-ai/DeepSeek-V3',
    models: [
      'deepseek-ai/DeepSeek-V3',
      'deepseek-ai/DeepSeek-V4-Flash',
      'Pro/deepseek-ai/DeepSeek-V4',
      'deepseek-ai/DeepSeek-R1',
      'Qwen/Qwen3-235B-A22B',
      'Qwen/QwQ-32B',
    ],
    // SiliconFlow documents every parameter the classic client sent, top_k included.
    accepts: ALL_PARAMS,
    // docs.siliconflow.cn chat-completions: enable_thinking (most reasoning models), thinking_budget
    // 128–32768, reasoning_effort high|max for the DeepSeek V4 models.
    thinking: {
      on: { enable_thinking: true },
      off: { enable_thinking: false },
      effort: { path: 'reasoning_effort', values: ['high', 'max'] },
      budget: { path: 'thinking_budget', min: 128, max: 32768 },
    },
    browser: { cors: 'yes', fix: 'provider.fix.proxy' },
    balance: { path: '/user/info', format: 'siliconflow' },
  },
  {
    id: 'deepseek',
    label: 'DeepSeek',
    baseUrl: 'https://api.deepseek.com',
    defaultModel: 'deepseek-flash',
    // deepseek-v4-flash is a legacy name DeepSeek still accepts (served by deepseek-flash).
    models: ['deepseek-flash', 'deepseek-v4-pro', 'deepseek-v4-flash'],
    // DeepSeek documents neither top_k nor n; response_format is left out because {type:'text'} is
    // the default anyway.
    accepts: ['maxTokens', 'temperature', 'topP', 'frequencyPenalty', 'streamOptions'],
    note: 'provider.note.deepseek',
    // api-docs.deepseek.com/guides/thinking_mode: on by default (effort high); thinking mode ignores
    // temperature, top_p and frequency_penalty without an error.
    thinking: {
      on: { thinking: { type: 'enabled' } },
      off: { thinking: { type: 'disabled' } },
      effort: { path: 'reasoning_effort', values: ['low', 'high', 'max'] },
      ignoredWhenThinking: ['temperature', 'topP', 'frequencyPenalty'],
      defaultOn: true,
    },
    prefixCompletion: { baseUrl: 'https://api.deepseek.com/beta' },
    browser: { cors: 'yes', fix: 'provider.fix.deepseek' },
    balance: { path: '/user/balance', format: 'deepseek' },
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
    // Reasoning models take reasoning_effort; chat models have no thinking switch.
    thinking: { effort: { path: 'reasoning_effort', values: ['minimal', 'low', 'medium', 'high'] } },
    browser: { cors: 'yes', fix: 'provider.fix.proxy' },
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
    // openrouter.ai/docs reasoning tokens: one `reasoning` object for every upstream.
    thinking: {
      on: { reasoning: { enabled: true } },
      off: { reasoning: { enabled: false } },
      effort: { path: 'reasoning.effort', values: ['low', 'medium', 'high'] },
      budget: { path: 'reasoning.max_tokens', min: 1024, max: 128000 },
    },
    browser: { cors: 'yes', fix: 'provider.fix.proxy' },
    balance: { path: '/credits', format: 'openrouter' },
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
    // Ollama's OpenAI layer maps reasoning_effort onto its `think` option.
    thinking: { effort: { path: 'reasoning_effort', values: ['low', 'medium', 'high'] } },
    browser: { cors: 'setup', fix: 'provider.fix.ollama' },
  },
  {
    id: 'lmstudio',
    label: 'LM Studio (local)',
    baseUrl: 'http://localhost:1234/v1',
    defaultModel: '',
    models: [],
    accepts: ['maxTokens', 'temperature', 'topP', 'topK', 'frequencyPenalty', 'responseFormat', 'streamOptions'],
    keyOptional: true,
    browser: { cors: 'setup', fix: 'provider.fix.lmstudio' },
  },
  {
    id: 'vllm',
    label: 'vLLM',
    baseUrl: 'http://localhost:8000/v1',
    defaultModel: '',
    models: [],
    // vLLM's OpenAI server takes the classic sampling set, top_k included.
    accepts: ALL_PARAMS,
    keyOptional: true,
    // vLLM allows every origin unless started with a narrower --allowed-origins.
    browser: { cors: 'yes', fix: 'provider.fix.vllm' },
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
