/**
 * Cross-tab ownership of a streaming conversation through the Web Locks API. The lock lives exactly
 * as long as the streaming tab (the browser releases it when the tab closes or crashes), which a
 * BroadcastChannel message alone cannot tell. Where Web Locks are missing these degrade to no-ops.
 */
const PREFIX = 'inkstream:stream:'

function locks(): LockManager | undefined {
  return (globalThis.navigator as Navigator | undefined)?.locks
}

/** Holds the conversation's stream lock until `until` settles. */
export function holdStreamLock(conversationId: string, until: Promise<unknown>): void {
  void locks()
    ?.request(PREFIX + conversationId, () => until.catch(() => {}))
    .catch(() => {})
}

/** Conversations whose stream lock is held right now (by any tab). */
export async function heldStreamLocks(): Promise<Set<string>> {
  const manager = locks()
  if (!manager) return new Set()
  try {
    const { held = [] } = await manager.query()
    return new Set(
      held.flatMap((lock) => (lock.name?.startsWith(PREFIX) ? [lock.name.slice(PREFIX.length)] : [])),
    )
  } catch {
    return new Set()
  }
}

/** Resolves once no tab holds the conversation's stream lock (its stream ended or its tab died). */
export async function whenStreamLockFree(conversationId: string): Promise<void> {
  const manager = locks()
  if (!manager) return
  try {
    await manager.request(PREFIX + conversationId, { mode: 'shared' }, () => undefined)
  } catch {
    // A refused request means there is nothing to wait for.
  }
}
