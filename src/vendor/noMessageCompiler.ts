/**
 * Stands in for `@intlify/message-compiler` (about 6 KiB gzip of the first load). Our messages reach
 * Vue I18n as ready-made functions (see `messageFunctions` in src/locales), so its string compiler
 * is never called; if something ever passed a string message, this says so instead of guessing.
 */
export const COMPILE_ERROR_CODES_EXTEND_POINT = 17
export const CompileErrorCodes = {} as Record<string, number>

export function createCompileError(code: number, _loc?: unknown, options: { messages?: Record<number, string> } = {}): SyntaxError {
  const error = new SyntaxError(options.messages?.[code] ?? `message compile error ${code}`) as SyntaxError & { code: number }
  error.code = code
  return error
}

export function defaultOnError(error: Error): never {
  throw error
}

export function detectHtmlTag(source: string): boolean {
  return /<\/?[\w\s="/.':;#-/]+>/.test(source)
}

export function baseCompile(source: string): never {
  throw new Error(`Inkstream passes messages to Vue I18n as functions; a string message reached its compiler: ${source.slice(0, 40)}`)
}
