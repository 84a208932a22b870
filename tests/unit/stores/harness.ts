// Every store of one "tab" (one Pinia), as the app wires them.
import { createPinia, setActivePinia } from 'pinia'
import type { Repository } from '../../../src/core/persistence'
import { useRepositoryFactory } from '../../../src/stores/repository'
import { useBackupStore } from '../../../src/stores/backup'
import { useChatStore } from '../../../src/stores/chat'
import { useConversationsStore } from '../../../src/stores/conversations'
import { useDraftStore } from '../../../src/stores/draft'
import { useSavesStore } from '../../../src/stores/saves'
import { useSettingsStore } from '../../../src/stores/settings'
import { useStreamsStore } from '../../../src/stores/streams'
import { useTabsStore } from '../../../src/stores/tabs'

/** A fresh Pinia on `factory`'s database, loaded as the app loads it. */
export async function openStores(factory: () => Promise<Repository>) {
  setActivePinia(createPinia())
  useRepositoryFactory(factory)
  const stores = {
    chat: useChatStore(),
    list: useConversationsStore(),
    streams: useStreamsStore(),
    saves: useSavesStore(),
    drafts: useDraftStore(),
    tabs: useTabsStore(),
    settings: useSettingsStore(),
    data: useBackupStore(),
  }
  await stores.chat.load()
  return stores
}
