// @vitest-environment happy-dom
// ChatMessage: the data-testid contract the e2e suite and users rely on (each part holds exactly its
// text, labels sit outside), the Retry action, notices, the action bar and copying code.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import ChatMessage from '../../src/components/chat/ChatMessage.vue'
import type { ChatMessage as Message } from '../../src/core/types'
import { manualFrames } from './browser'
import { ref } from 'vue'
import { MESSAGE_ACTIONS } from '../../src/components/chat/messageActions'
import { applyLocale } from '../../src/i18n'
import { loadMarkdown } from '../../src/components/markdown/markdownRuntime'

let frames: ReturnType<typeof manualFrames>
const mounted: VueWrapper[] = []

// The renderer is a lazy chunk in the app; these tests start once it has arrived.
beforeAll(async () => {
  await loadMarkdown()
})
beforeEach(() => {
  frames = manualFrames()
})
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

function message(fields: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    conversationId: 'c1',
    seq: 1,
    role: 'assistant',
    content: '',
    reasoning: '',
    status: 'done',
    createdAt: 0,
    updatedAt: 0,
    model: 'mock-model',
    ...fields,
  }
}

function show(msg: Message, props: { canRetry?: boolean; eager?: boolean } = {}) {
  const wrapper = mount(ChatMessage, { props: { message: msg, ...props }, attachTo: document.body })
  mounted.push(wrapper)
  return wrapper
}

const part = (wrapper: VueWrapper, testid: string) => wrapper.find(`[data-testid="${testid}"]`)

describe('ChatMessage parts', () => {
  it('a question: role and status attributes, its text exactly as typed (no Markdown), the label outside', () => {
    const typed = '  **not bold** <b>nor this</b>\nsecond line  '
    const wrapper = show(message({ role: 'user', content: typed, model: undefined }))
    const article = wrapper.get('[data-testid="message"]')
    expect(article.attributes('data-role')).toBe('user')
    expect(article.attributes('data-status')).toBe('done')
    expect(part(wrapper, 'message-content').element.textContent).toBe(typed)
    expect(part(wrapper, 'message-content').findAll('b, strong')).toHaveLength(0)
    expect(wrapper.get('.message-meta').text()).toBe('You')
    expect(part(wrapper, 'message-reasoning').exists()).toBe(false)
    expect(part(wrapper, 'message-error').exists()).toBe(false)
    expect(part(wrapper, 'message-retry').exists()).toBe(false)
  })

  it('an answer: content, reasoning and error each hold exactly their text; labels and notices are outside them', () => {
    const wrapper = show(
      message({
        status: 'interrupted',
        content: 'The answer so far',
        reasoning: 'Let me think',
        error: { kind: 'network', message: 'The connection was lost after 3 s.' },
      }),
    )
    expect(wrapper.get('[data-testid="message"]').attributes('data-role')).toBe('assistant')
    expect(wrapper.get('[data-testid="message"]').attributes('data-status')).toBe('interrupted')
    expect(part(wrapper, 'message-content').element.textContent).toBe('The answer so far')
    expect(part(wrapper, 'message-reasoning').element.textContent).toBe('Let me think')
    expect(part(wrapper, 'message-error').element.textContent).toBe('The connection was lost after 3 s.')
    expect(part(wrapper, 'message-error').attributes('role')).toBe('alert')
    expect(wrapper.get('.message-meta').text()).toBe('mock-model')
    expect(wrapper.get('summary').text()).toBe('Reasoning')
  })

  it('the data-status attribute follows the message', async () => {
    const wrapper = show(message({ status: 'streaming', content: 'par' }))
    expect(wrapper.get('[data-testid="message"]').attributes('data-status')).toBe('streaming')
    await wrapper.setProps({ message: message({ status: 'error', content: 'par', error: { kind: 'http', status: 500, message: 'Server error 500' } }) })
    expect(wrapper.get('[data-testid="message"]').attributes('data-status')).toBe('error')
    expect(part(wrapper, 'message-error').element.textContent).toBe('Server error 500')
  })

  it('reasoning is open while the model thinks, folds away when the answer starts, and stays in the DOM folded', async () => {
    const wrapper = show(message({ status: 'streaming', reasoning: 'Step one' }))
    const details = () => wrapper.get('details.message-reasoning-block').element as HTMLDetailsElement
    expect(details().open).toBe(true)
    expect(wrapper.get('summary').text()).toBe('Thinking…')

    await wrapper.setProps({ message: message({ status: 'streaming', reasoning: 'Step one, two', content: 'Ans' }) })
    frames.flush()
    expect(details().open).toBe(false)
    expect(wrapper.get('summary').text()).toBe('Reasoning')
    expect(part(wrapper, 'message-reasoning').element.textContent).toBe('Step one, two')
    expect(part(wrapper, 'message-content').element.textContent).toBe('Ans')
  })

  it('a finished answer with reasoning starts folded, the reasoning text still there to read', () => {
    const wrapper = show(message({ content: 'Answer', reasoning: 'Hidden **thoughts**' }), { eager: true })
    const details = wrapper.get('details.message-reasoning-block').element as HTMLDetailsElement
    expect(details.open).toBe(false)
    expect(part(wrapper, 'message-reasoning').element.textContent).toBe('Hidden thoughts')
    expect(details.contains(part(wrapper, 'message-reasoning').element)).toBe(true)
  })

  it('shows the typing dots only while waiting for a first token with no reasoning', async () => {
    const wrapper = show(message({ status: 'streaming' }))
    expect(wrapper.find('.typing').exists()).toBe(true)
    await wrapper.setProps({ message: message({ status: 'streaming', content: 'H' }) })
    expect(wrapper.find('.typing').exists()).toBe(false)
  })
})

describe('ChatMessage notices', () => {
  const notice = (wrapper: VueWrapper) => (wrapper.find('.message-notice').exists() ? wrapper.get('.message-notice').text() : null)

  it('says a stopped answer was stopped, outside the content', () => {
    const wrapper = show(message({ status: 'stopped', content: 'Half an answer' }))
    expect(notice(wrapper)).toBe('Stopped. The text above is what arrived before you stopped it.')
    expect(part(wrapper, 'message-content').element.textContent).toBe('Half an answer')
  })

  it('says an answer was cut off at the token limit', () => {
    const wrapper = show(message({ status: 'done', finishReason: 'length', content: 'Long' }))
    expect(notice(wrapper)).toBe('Cut off: the answer reached the max tokens limit (Settings).')
  })

  it('says a provider filtered the answer (the decoder normalises content_filter, sensitive… to filtered)', () => {
    const wrapper = show(message({ status: 'done', finishReason: 'filtered', content: 'Part' }))
    expect(notice(wrapper)).toBe('The provider filtered this answer.')
  })

  it('in Chinese, the notices read Chinese', async () => {
    applyLocale('zh-CN')
    try {
      const wrapper = show(message({ status: 'stopped', content: 'half' }))
      expect(notice(wrapper)).toBe('已停止。上面是停止前收到的内容。')
    } finally {
      applyLocale('en')
    }
  })

  it('says nothing for an answer that finished normally, or for a question', () => {
    expect(notice(show(message({ status: 'done', finishReason: 'stop', content: 'Fine' })))).toBeNull()
    expect(notice(show(message({ role: 'user', status: 'stopped', content: 'q' })))).toBeNull()
  })
})

describe('ChatMessage Retry', () => {
  it('shows Retry only when the answer can be retried, and a click emits retry once', async () => {
    const msg = message({ status: 'interrupted', content: 'cut' })
    expect(part(show(msg), 'message-retry').exists()).toBe(false)
    expect(part(show(msg, { canRetry: false }), 'message-retry').exists()).toBe(false)

    const wrapper = show(msg, { canRetry: true })
    const retry = part(wrapper, 'message-retry')
    expect(retry.exists()).toBe(true)
    expect(retry.attributes('type')).toBe('button')
    expect(wrapper.emitted('retry')).toBeUndefined()
    await retry.trigger('click')
    expect(wrapper.emitted('retry')).toEqual([[wrapper.props('message').id]])
    // The button is no part of the answer's text.
    expect(part(wrapper, 'message-content').element.textContent).toBe('cut')
  })

  it('disappears when canRetry turns false', async () => {
    const wrapper = show(message({ status: 'error', content: '' }), { canRetry: true })
    expect(part(wrapper, 'message-retry').exists()).toBe(true)
    await wrapper.setProps({ canRetry: false })
    expect(part(wrapper, 'message-retry').exists()).toBe(false)
  })
})

describe('ChatMessage actions', () => {
  // The action bar is a chunk of its own.
  async function settle(): Promise<void> {
    await vi.dynamicImportSettled()
    await flushPromises()
  }

  function withActions(m: Message, busy = false) {
    const calls: string[] = []
    const wrapper = mount(ChatMessage, {
      props: { message: m },
      global: {
        provide: {
          [MESSAGE_ACTIONS as symbol]: {
            versions: ref(new Map([['m1', { index: 2, count: 3, prevId: 'm0', nextId: 'm2' }]])),
            busy: ref(busy),
            regenerate: (id: string) => calls.push(`regenerate:${id}`),
            edit: async (id: string, text: string) => (calls.push(`edit:${id}:${text}`), true),
            continueAnswer: (id: string) => calls.push(`continue:${id}`),
            showVersion: (id: string) => calls.push(`version:${id}`),
            remove: (id: string) => calls.push(`remove:${id}`),
          },
        },
      },
    })
    mounted.push(wrapper)
    return { wrapper, calls }
  }

  it('offers copy, regenerate, continue, delete and the versions of an answer', async () => {
    const writeText = vi.fn(async () => undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const { wrapper, calls } = withActions(message({ content: 'Cut **here**', finishReason: 'length' }))
    await settle()
    expect(part(wrapper, 'message-version').text()).toBe('2/3')
    await part(wrapper, 'message-version-prev').trigger('click')
    await part(wrapper, 'message-version-next').trigger('click')
    await part(wrapper, 'message-regenerate').trigger('click')
    await part(wrapper, 'message-continue').trigger('click')
    await part(wrapper, 'message-delete').trigger('click')
    expect(calls).toEqual(['version:m0', 'version:m2', 'regenerate:m1', 'continue:m1', 'remove:m1'])
    await part(wrapper, 'message-copy').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('Cut **here**')
    expect(part(wrapper, 'message-edit').exists()).toBe(false)
  })

  it('edits a question in place; cancel leaves it as it was, save sends the new text', async () => {
    const { wrapper, calls } = withActions(message({ role: 'user', content: 'old question' }))
    await settle()
    expect(part(wrapper, 'message-regenerate').exists()).toBe(false)
    expect(part(wrapper, 'message-continue').exists()).toBe(false)
    await part(wrapper, 'message-edit').trigger('click')
    expect((part(wrapper, 'message-edit-input').element as HTMLTextAreaElement).value).toBe('old question')
    await part(wrapper, 'message-edit-cancel').trigger('click')
    expect(part(wrapper, 'message-edit-input').exists()).toBe(false)
    await part(wrapper, 'message-edit').trigger('click')
    await part(wrapper, 'message-edit-input').setValue('new question')
    await part(wrapper, 'message-edit-save').trigger('click')
    await flushPromises()
    expect(calls).toEqual(['edit:m1:new question'])
    expect(part(wrapper, 'message-edit-input').exists()).toBe(false)
  })

  it('disables everything that sends while a reply streams, and shows no bar without the chat view', async () => {
    const { wrapper } = withActions(message({ content: 'x', status: 'stopped' }), true)
    await settle()
    for (const id of ['message-regenerate', 'message-continue', 'message-delete', 'message-version-prev']) {
      expect(part(wrapper, id).attributes('disabled')).toBeDefined()
    }
    expect(part(wrapper, 'message-copy').attributes('disabled')).toBeUndefined()
    const bare = show(message({ content: 'x' }))
    await settle()
    expect(bare.find('[data-testid="message-copy"]').exists()).toBe(false)
  })

  it('says which way an answer was continued', async () => {
    const { wrapper } = withActions(message({ content: 'x', continuation: 'prefix' }))
    await settle()
    expect(part(wrapper, 'message-continued').text()).toBe('Continued with prefix completion')
    expect(part(wrapper, 'message-continued').attributes('data-method')).toBe('prefix')
  })
})

describe('copying a code block', () => {
  const CODE = 'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n'
  const SOURCE = `Here:\n\n\`\`\`\n${CODE}\`\`\`\n\nDone.`
  let writeText: ReturnType<typeof vi.fn<(text: string) => Promise<void>>>

  beforeEach(() => {
    writeText = vi.fn<(text: string) => Promise<void>>(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })

  it('puts exactly the code on the clipboard and says so for a moment', async () => {
    const wrapper = show(message({ content: SOURCE }), { eager: true })
    const button = wrapper.get('.md-code .md-copy')
    await button.trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledTimes(1)
    expect(writeText).toHaveBeenCalledWith(CODE)
    expect(button.attributes('data-copied')).toBe('true')
    expect(button.attributes('aria-label')).toBe('Copied')
    // The button's own label is no part of the answer's code.
    expect(wrapper.get('.md-code code').element.textContent).toBe(CODE)

    vi.advanceTimersByTime(1500)
    expect(button.attributes('data-copied')).toBeUndefined()
    expect(button.attributes('aria-label')).toBe('Copy code')
  })

  it('says when the browser refused the clipboard', async () => {
    writeText.mockRejectedValueOnce(new DOMException('denied', 'NotAllowedError'))
    const wrapper = show(message({ content: SOURCE }), { eager: true })
    const button = wrapper.get('.md-copy')
    await button.trigger('click')
    await flushPromises()
    expect(button.attributes('data-copied')).toBe('false')
    expect(button.attributes('aria-label')).toBe('Copy failed: the browser did not allow clipboard access')
  })

  it('copies the block that was clicked when an answer has several', async () => {
    const wrapper = show(message({ content: '```\nfirst\n```\n\n```\nsecond\n```' }), { eager: true })
    const buttons = wrapper.findAll('.md-copy')
    expect(buttons).toHaveLength(2)
    await buttons[1]!.trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('second\n')
    expect(buttons[0]!.attributes('data-copied')).toBeUndefined()
  })
})
