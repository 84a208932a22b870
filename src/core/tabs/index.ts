/**
 * How open tabs stay in step: a change feed (BroadcastChannel) says what another tab wrote, and a
 * stream lock (Web Locks) says which conversation another tab is answering, for exactly as long as
 * that tab lives. Both degrade to no-ops where the browser lacks them (and under Node).
 */
export { openChangeFeed } from './feed'
export type { Change, ChangeFeed } from './feed'
export { heldStreamLocks, holdStreamLock, whenStreamLockFree } from './locks'
