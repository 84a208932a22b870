/** Storage health from the StorageManager API (`navigator.storage`), which older browsers lack. */

/** What the browser says about this site's storage; `null` where it cannot tell. */
export interface StorageHealth {
  /** Whether `navigator.storage` exists at all. */
  supported: boolean
  /** `true` if the browser promised not to evict this site's data under storage pressure. */
  persisted: boolean | null
  /** Bytes this site uses, as estimated by the browser. */
  usage: number | null
  /** Bytes this site may use in total, as estimated by the browser. */
  quota: number | null
  /** Whether `navigator.storage.persist()` can be asked. */
  canPersist: boolean
}

type StorageLike = Partial<Pick<StorageManager, 'persisted' | 'persist' | 'estimate'>>

function manager(): StorageLike | undefined {
  return (globalThis.navigator as Navigator | undefined)?.storage as StorageLike | undefined
}

/** Reads persistence and the usage estimate; each part is `null` if the browser cannot answer. */
export async function readStorageHealth(storage: StorageLike | undefined = manager()): Promise<StorageHealth> {
  if (!storage) return { supported: false, persisted: null, usage: null, quota: null, canPersist: false }
  const [persisted, estimate] = await Promise.all([
    typeof storage.persisted === 'function' ? storage.persisted().catch(() => null) : Promise.resolve(null),
    typeof storage.estimate === 'function' ? storage.estimate().catch(() => null) : Promise.resolve(null),
  ])
  return {
    supported: true,
    persisted,
    usage: typeof estimate?.usage === 'number' ? estimate.usage : null,
    quota: typeof estimate?.quota === 'number' ? estimate.quota : null,
    canPersist: typeof storage.persist === 'function',
  }
}

/** Asks the browser to keep this site's data; resolves `null` if it cannot be asked. */
export async function requestPersistentStorage(storage: StorageLike | undefined = manager()): Promise<boolean | null> {
  if (typeof storage?.persist !== 'function') return null
  try {
    return await storage.persist()
  } catch {
    return null
  }
}
