import { parseRing, type SecretRing } from '../core/keys'

/** The sessionStorage entry holding "this session only" secrets (per tab; gone when the tab closes). */
const SESSION_KEY = 'inkstream.sessionKeys'

// Where sessionStorage is missing or refuses writes (some private modes, Node tests) the ring
// lives in this tab's memory only, which is stricter, never looser, than asked.
let memory: Record<string, string> = {}

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage
  } catch {
    return undefined
  }
}

/** The "this session only" secrets of this tab. Never touches IndexedDB or localStorage. */
export function readSessionSecrets(): Record<string, string> {
  const store = storage()
  if (store === undefined) return { ...memory }
  try {
    const raw = store.getItem(SESSION_KEY)
    return raw === null ? {} : parseRing(JSON.parse(raw))
  } catch {
    // Unreadable or refused: what this tab wrote is still in memory.
    return { ...memory }
  }
}

/** Replaces this tab's session secrets; an empty ring removes the entry altogether. */
export function writeSessionSecrets(ring: SecretRing): void {
  memory = { ...ring }
  const store = storage()
  try {
    if (Object.keys(ring).length === 0) store?.removeItem(SESSION_KEY)
    else store?.setItem(SESSION_KEY, JSON.stringify(ring))
  } catch {
    // Full or disabled: the memory copy above still serves this tab.
  }
}
