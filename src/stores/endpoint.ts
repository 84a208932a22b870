import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { MessageError, Settings } from '../core/types'
import { ProviderError, toMessageError } from '../core/provider'
import { fetchBalance, testConnection, type Balance } from '../core/provider/endpoint'

/** A balance check as the UI shows it: loading, the balance, or the error (its text never holds the key). */
export type BalanceState = { state: 'loading' } | { state: 'ok'; balance: Balance; at: number } | { state: 'error'; error: MessageError }

/** A connection test as the UI shows it. */
export type TestState = { state: 'running' } | { state: 'ok'; latencyMs: number; model: string } | { state: 'error'; error: MessageError }

function asMessageError(error: unknown): MessageError {
  return toMessageError(error instanceof ProviderError ? error : new ProviderError('protocol', String(error), { cause: error }))
}

/** The connection test and the balance check: one small request each, results kept for the UI. */
export const useEndpointStore = defineStore('endpoint', () => {
  const test = ref<TestState | null>(null)
  const balance = ref<BalanceState | null>(null)

  async function runTest(settings: Settings): Promise<void> {
    test.value = { state: 'running' }
    try {
      const result = await testConnection(settings)
      test.value = result.ok ? { state: 'ok', latencyMs: result.latencyMs, model: result.model } : { state: 'error', error: toMessageError(result.error) }
    } catch (error) {
      test.value = { state: 'error', error: asMessageError(error) }
    }
  }

  async function checkBalance(settings: Settings): Promise<void> {
    balance.value = { state: 'loading' }
    try {
      balance.value = { state: 'ok', balance: await fetchBalance(settings), at: Date.now() }
    } catch (error) {
      balance.value = { state: 'error', error: asMessageError(error) }
    }
  }

  /** Forget results that belonged to other settings (the user changed endpoint or key). */
  function clear(): void {
    test.value = null
    balance.value = null
  }

  return { test, balance, runTest, checkBalance, clear }
})
