import { DB_VERSION } from '../persistence'

/** Something another tab wrote; receivers re-read the record rather than trusting a copy. */
export type Change =
  | { type: 'conversation'; id: string }
  | { type: 'conversation-deleted'; id: string }
  | { type: 'message'; conversationId: string; id: string }
  | { type: 'message-deleted'; conversationId: string; id: string }
  /** A reply started or ended streaming in the sender's tab; elsewhere the conversation is read-only. */
  | { type: 'stream'; conversationId: string; active: boolean }
  | { type: 'refresh' }

interface Envelope {
  /** Tabs on an older schema must not act on a newer tab's records (and vice versa). */
  schema: number
  from: string
  change: Change
}

/** A cross-tab change feed over BroadcastChannel; a no-op where BroadcastChannel is missing. */
export interface ChangeFeed {
  publish(change: Change): void
  close(): void
}

/** Opens the feed; `onChange` receives other tabs' changes, never this tab's own. */
export function openChangeFeed(
  tabId: string,
  onChange: (change: Change) => void,
  channelName = 'inkstream-changes',
): ChangeFeed {
  if (typeof BroadcastChannel === 'undefined') return { publish: () => {}, close: () => {} }
  const channel = new BroadcastChannel(channelName)
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data as Partial<Envelope> | null
    if (!data || data.schema !== DB_VERSION || data.from === tabId || !data.change) return
    onChange(data.change)
  }
  return {
    publish(change) {
      const envelope: Envelope = { schema: DB_VERSION, from: tabId, change }
      channel.postMessage(envelope)
    },
    close() {
      channel.close()
    },
  }
}
