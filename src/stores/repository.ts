import { createRepository, type Repository } from '../core/persistence'

let opening: Promise<Repository> | undefined

/**
 * The one repository the stores share, opened on first use. Tests swap in their own database with
 * `useRepositoryFactory` so each test starts empty.
 */
export function openRepository(): Promise<Repository> {
  opening ??= factory()
  return opening
}

let factory: () => Promise<Repository> = () => createRepository()

/** Replaces how the shared repository is opened (tests, or a second database name). */
export function useRepositoryFactory(next: () => Promise<Repository>): void {
  factory = next
  opening = undefined
}
