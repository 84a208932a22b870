import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ImportError } from '../../../src/core/importers'

/** The text of a fixture in tests/unit/importers/fixtures. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8')
}

/** Runs `fn`, expects an ImportError, and returns it for closer checks. */
export function importError(fn: () => unknown): ImportError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ImportError) return error
    throw new Error(`expected an ImportError, got ${String(error)}`)
  }
  throw new Error('expected an ImportError, but nothing was thrown')
}

/** Epoch ms of a local `YYYY-MM-DD HH:MM:SS` (vitest pins TZ to Asia/Shanghai). */
export function local(ts: string): number {
  return new Date(ts.replace(' ', 'T')).getTime()
}
