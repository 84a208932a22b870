// @vitest-environment happy-dom
// The composer's prompt menu from the keyboard: arrows and Enter choose, an input method's keys are
// left alone, Esc closes only the menu, and a chosen prompt is inserted, never sent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ChatComposer from '../../src/components/chat/ChatComposer.vue'
import { usePromptsStore } from '../../src/stores/prompts'
import './browser'

const mounted: VueWrapper[] = []
beforeEach(() => {
  setActivePinia(createPinia())
  usePromptsStore().prompts = [
    { id: 'a', title: 'Alpha', text: 'first prompt', createdAt: 0, updatedAt: 0 },
    { id: 'b', title: 'Beta 翻译', text: 'Translate {{text}}', createdAt: 0, updatedAt: 0 },
  ]
})
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
})

async function composer() {
  const wrapper = mount(ChatComposer, {
    props: { streaming: false, error: '', disabled: false, initialDraft: '' },
    attachTo: document.body,
  })
  mounted.push(wrapper)
  const input = wrapper.get('[data-testid="composer-input"]')
  await input.setValue('/')
  // The menu is a chunk of its own, loaded on the first `/`.
  await vi.waitFor(() => wrapper.get('[data-testid="prompt-menu"]'))
  return { wrapper, input }
}

const selected = (wrapper: VueWrapper): string =>
  wrapper.findAll('[data-testid="prompt-item"]').findIndex((item) => item.attributes('aria-selected') === 'true').toString()

describe('ChatComposer prompt menu', () => {
  it('opens on / in an empty composer, and not for a slash typed later', async () => {
    const { wrapper, input } = await composer()
    expect(wrapper.get('[data-testid="prompt-menu"]').attributes('role')).toBe('listbox')
    await input.setValue('/翻')
    expect(wrapper.findAll('[data-testid="prompt-item"]').map((i) => i.find('.prompt-title').text())).toEqual(['Beta 翻译'])
    await input.setValue('hi')
    expect(wrapper.find('[data-testid="prompt-menu"]').exists()).toBe(false)
    await input.setValue('hi /')
    expect(wrapper.find('[data-testid="prompt-menu"]').exists()).toBe(false)
  })

  it('leaves keys an input method is composing with alone', async () => {
    const { wrapper, input } = await composer()
    await input.trigger('keydown', { key: 'ArrowDown', isComposing: true })
    await input.trigger('keydown', { key: 'ArrowDown', keyCode: 229 })
    expect(selected(wrapper)).toBe('0')
    await input.trigger('keydown', { key: 'Enter', isComposing: true })
    await input.trigger('keydown', { key: 'Escape', keyCode: 229 })
    expect((input.element as HTMLTextAreaElement).value).toBe('/')
    expect(wrapper.find('[data-testid="prompt-menu"]').exists()).toBe(true)
    expect(wrapper.emitted('send')).toBeUndefined()
  })

  it('chooses with arrows and Enter, asks for variables, and inserts without sending', async () => {
    const { wrapper, input } = await composer()
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(selected(wrapper)).toBe('1')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    const variable = wrapper.get('[data-testid="prompt-variable"]')
    expect(variable.attributes('data-name')).toBe('text')
    await variable.setValue('你好')
    await variable.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect((input.element as HTMLTextAreaElement).value).toBe('Translate 你好')
    expect(wrapper.find('.prompt-menu').exists()).toBe(false)
    expect(wrapper.emitted('send')).toBeUndefined()
  })

  it('closes with Esc without letting the key reach the page (where Esc stops an answer)', async () => {
    const { wrapper, input } = await composer()
    let reached = 0
    const listener = (): void => void reached++
    document.addEventListener('keydown', listener)
    try {
      await input.trigger('keydown', { key: 'Escape' })
    } finally {
      document.removeEventListener('keydown', listener)
    }
    expect(wrapper.find('[data-testid="prompt-menu"]').exists()).toBe(false)
    expect(reached).toBe(0)
    expect((input.element as HTMLTextAreaElement).value).toBe('/')
  })
})
