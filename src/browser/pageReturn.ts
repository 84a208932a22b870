/**
 * Calls `callback` when the browser comes back online or this tab becomes visible again: the
 * moments another device may have written meanwhile. Returns a function that stops listening.
 * Without a window (Node tests) it does nothing.
 */
export function onPageReturn(callback: () => void): () => void {
  if (typeof window === 'undefined') return () => undefined
  const onVisibility = (): void => {
    if (document.visibilityState === 'visible') callback()
  }
  window.addEventListener('online', callback)
  document.addEventListener('visibilitychange', onVisibility)
  return () => {
    window.removeEventListener('online', callback)
    document.removeEventListener('visibilitychange', onVisibility)
  }
}
