/**
 * Whether this browser has a sync target, mirrored in localStorage so start-up can decide to load
 * the sync code (a lazy chunk) without opening IndexedDB first. It holds "1", never a setting or secret.
 */
export const SYNC_FLAG = 'inkstream-sync'
/** The sessionStorage key of sync secrets kept for this tab only. */
export const SYNC_SESSION_KEY = 'inkstream-sync-secrets'

/** Whether a sync target is saved in this browser. */
export function hasSyncTarget(): boolean {
  try {
    return localStorage.getItem(SYNC_FLAG) === '1'
  } catch {
    return false
  }
}
