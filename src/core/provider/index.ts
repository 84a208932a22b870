/** The provider client's public surface: the store imports from here and nowhere else in this folder. */
export { CUSTOM_PROVIDER_ID, DEFAULT_PARAMS, DEFAULT_SETTINGS, PROVIDERS, findProvider } from './profiles'
export type { BalanceFormat, BrowserAccess, ProviderProfile, ThinkingControls } from './profiles'
export { ProviderError, describeError, errorFacts, errorTexts, extractServerMessage, redactSecret, toMessageError } from './errors'
export type { ProviderErrorDetails, SettingsField } from './errors'
export { buildChatRequest, chatCompletionsUrl, checkSettings, sentMessages, toChatTurns } from './request'
export type { ChatTurn } from './request'
export { streamChat } from './stream'
export type { StreamEvent, StreamOptions } from './stream'
export { estimateTokens, estimateUsage } from './estimate'
// catalog.ts (capabilities, prices, cost) and endpoint.ts (/models, balance, the connection test) are
// imported directly by the parts that load on demand: re-exported here, the bundler would put them
// in the first load with this file.
