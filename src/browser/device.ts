// What the page needs to know about the device it runs on: keyboard conventions, screen width, clipboard.

/** Apple keyboards use Cmd where others use Ctrl. */
export function isApplePlatform(): boolean {
  const nav = globalThis.navigator as (Navigator & { userAgentData?: { platform?: string } }) | undefined
  return /mac|iphone|ipad|ipod/i.test(nav?.userAgentData?.platform ?? nav?.platform ?? '')
}

/** The phone layout's breakpoint; styles.css uses the same width. */
const PHONE_QUERY = '(max-width: 640px)'

/** Calls `onChange` with whether the phone layout applies, now and whenever that changes. */
export function watchPhoneLayout(onChange: (phone: boolean) => void): void {
  if (typeof matchMedia !== 'function') return onChange(false)
  const query = matchMedia(PHONE_QUERY)
  onChange(query.matches)
  query.addEventListener('change', (event) => onChange(event.matches))
}

/** Puts text on the clipboard; false when the browser refuses (no permission, insecure page). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
