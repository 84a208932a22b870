import type { ConversationSettings, GenerationParams, ParamName, Settings, ThinkingMode } from './types'
import type { ThinkingControls } from './provider/profiles'
import type { Text } from '../locales'

/**
 * A conversation's own settings over Settings: what a request in it uses, how its thinking choice
 * maps onto a provider's body fields, and the extra JSON the user merges into the body.
 */

/** Settings as one request uses them: the conversation's choices applied, plus its body extras. */
export interface RequestSettings extends Settings {
  thinking?: ThinkingMode
  effort?: string
  budget?: number
  /** Parsed extra fields, deep-merged into the body last. */
  extraBody?: Record<string, unknown>
}

/** Body fields the extra JSON may not replace: they are what makes the request a streamed chat. */
export const RESERVED_BODY_FIELDS = ['messages', 'stream'] as const

export type ExtraBodyResult = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; problem: Text }

/** Reads the extra request fields a user typed; blank means none. */
export function parseExtraBody(text: string | undefined): ExtraBodyResult {
  if (text === undefined || text.trim() === '') return { ok: true, value: undefined }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return { ok: false, problem: { key: 'convSettings.extra.invalidJson', params: { detail } } }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: { key: 'convSettings.extra.notObject' } }
  }
  const reserved = RESERVED_BODY_FIELDS.find((field) => Object.hasOwn(value as object, field))
  if (reserved) return { ok: false, problem: { key: 'convSettings.extra.reserved', params: { field: reserved } } }
  return { ok: true, value: value as Record<string, unknown> }
}

function definedParams(params: Partial<GenerationParams> | undefined): Partial<GenerationParams> {
  const out: Partial<GenerationParams> = {}
  for (const [name, value] of Object.entries(params ?? {}) as [keyof GenerationParams, number | undefined][]) {
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value
  }
  return out
}

/**
 * The settings a request in this conversation uses: each field the conversation sets replaces the
 * one in Settings. Returns the problem instead when its extra JSON is not usable.
 */
export function resolveSettings(
  settings: Settings,
  own: ConversationSettings | undefined,
): { ok: true; settings: RequestSettings } | { ok: false; problem: Text } {
  const extra = parseExtraBody(own?.extraBody)
  if (!extra.ok) return { ok: false, problem: { key: 'convSettings.extra.problem', params: { problem: extra.problem } } }
  const model = own?.model?.trim()
  const resolved: RequestSettings = {
    ...settings,
    model: model ? model : settings.model,
    systemPrompt: own?.systemPrompt ?? settings.systemPrompt,
    params: { ...settings.params, ...definedParams(own?.params) },
  }
  if (own?.thinking && own.thinking !== 'auto') resolved.thinking = own.thinking
  if (own?.effort) resolved.effort = own.effort
  if (own?.budget !== undefined && Number.isFinite(own.budget)) resolved.budget = own.budget
  if (extra.value) resolved.extraBody = extra.value
  return { ok: true, settings: resolved }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Merges `patch` into `target` in place: objects merge key by key, anything else replaces. */
export function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    // JSON.parse makes `__proto__` an own key; assigning it would change the body's prototype.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue
    const current = target[key]
    if (isPlainObject(value) && isPlainObject(current)) deepMerge(current, value)
    else target[key] = isPlainObject(value) ? deepMerge({}, value) : value
  }
  return target
}

/** `{a: {b: value}}` for the path `a.b`. */
export function atPath(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.')
  let node: unknown = value
  for (let i = keys.length - 1; i >= 0; i--) node = { [keys[i] as string]: node }
  return node as Record<string, unknown>
}

/**
 * The body fields that carry a thinking choice for a provider. Effort and budget go out only with
 * thinking on or left to the provider (they mean nothing with it off); a provider without
 * controls gets nothing, and the user can still send its fields as extra JSON.
 */
export function thinkingFields(
  controls: ThinkingControls | undefined,
  choice: Pick<RequestSettings, 'thinking' | 'effort' | 'budget'>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (!controls) return body
  if (choice.thinking === 'on' && controls.on) deepMerge(body, controls.on)
  if (choice.thinking === 'off' && controls.off) deepMerge(body, controls.off)
  if (choice.thinking === 'off') return body
  if (choice.effort && controls.effort?.values.includes(choice.effort)) deepMerge(body, atPath(controls.effort.path, choice.effort))
  if (choice.budget !== undefined && controls.budget) {
    const budget = Math.min(controls.budget.max, Math.max(controls.budget.min, Math.round(choice.budget)))
    deepMerge(body, atPath(controls.budget.path, budget))
  }
  return body
}

/** Parameters a request would send that the provider ignores in thinking mode (marked in the UI). */
export function ignoredParams(controls: ThinkingControls | undefined, thinking: ThinkingMode | undefined): readonly ParamName[] {
  if (!controls?.ignoredWhenThinking || thinking === 'off') return []
  // `auto` leaves thinking to the provider: the parameters are ignored if its default is thinking.
  if (thinking !== 'on' && controls.defaultOn !== true) return []
  return controls.ignoredWhenThinking
}
