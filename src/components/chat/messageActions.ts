import type { InjectionKey, Ref } from 'vue'
import type { VersionInfo } from '../../core/versions'

/**
 * What a message's action bar may do, provided by the chat view (the container that talks to the
 * stores), so the message list in between passes nothing through. Absent: no action bar.
 */
export interface MessageActions {
  versions: Readonly<Ref<ReadonlyMap<string, VersionInfo>>>
  /** A reply is streaming here or in another tab: nothing that sends or rewrites history. */
  busy: Readonly<Ref<boolean>>
  regenerate(id: string): void
  /** Resolves true once the edited question was sent. */
  edit(id: string, text: string): Promise<boolean>
  continueAnswer(id: string): void
  showVersion(id: string): void
  /** Asks for confirmation, then deletes. */
  remove(id: string): void
}

export const MESSAGE_ACTIONS: InjectionKey<MessageActions> = Symbol('message-actions')
