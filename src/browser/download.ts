import type { TextFile } from '../core/types'

/** Saves text as a UTF-8 file through a Blob link: no network request, and the page never navigates. */
export function downloadText(fileName: string, text: string, type = 'text/plain;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  // Names are made safe where they are built (core/fileName, fixed names otherwise).
  link.download = fileName
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // Revoking synchronously can cancel the download in some browsers; a tick later is enough.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** Saves a file a store prepared. */
export function downloadFile(file: TextFile): void {
  downloadText(file.fileName, file.text, file.mimeType)
}
