import { createRepository, type Repository } from '../core/persistence'
import type { StorageEvent } from '../core/persistence'

const listeners = new Set<(event: StorageEvent) => void>()
let opening: Promise<Repository> | undefined

function emit(event: StorageEvent): void {
  for (const listener of listeners) listener(event)
}

let factory: () => Promise<Repository> = () =>
  createRepository({
    onVersionChange: () => emit('versionchange'),
    onTerminated: () => emit('terminated'),
    onBlocked: () => emit('blocked'),
  })

/**
 * The one repository the stores share, opened on first use. Tests swap in their own database with
 * `useRepositoryFactory` so each test starts empty.
 */
export function openRepository(): Promise<Repository> {
  opening ??= factory()
  return opening
}

/** Replaces how the shared repository is opened (tests, or a second database name). */
export function useRepositoryFactory(next: () => Promise<Repository>): void {
  factory = next
  opening = undefined
}

/** Hears about another tab upgrading the schema, or the browser closing the connection. */
export function onStorageEvent(listener: (event: StorageEvent) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
