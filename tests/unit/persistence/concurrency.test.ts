import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { createRepository } from '../../../src/core/persistence'
import { conversation, message } from './fixtures'

// Two repositories on one engine stand in for two tabs of the app.
async function twoTabs() {
  const idbFactory = new IDBFactory()
  const a = await createRepository({ idbFactory })
  const b = await createRepository({ idbFactory })
  return { a, b }
}

describe('writes from several tabs', () => {
  it('a deleted conversation never comes back through a stale tab', async () => {
    const { a, b } = await twoTabs()
    const c = conversation('c1')
    await a.putTurn(c, [message('c1', 0), message('c1', 1, { status: 'streaming' })])
    await a.deleteConversation('c1')

    // Tab B still streams into it and then saves its stale copy of the metadata.
    expect(await b.saveMessage(message('c1', 1, { content: 'late text' }))).toBe(false)
    expect(await b.updateConversation('c1', { updatedAt: c.updatedAt + 10 })).toBeUndefined()
    await b.putConversation({ ...c, title: 'stale' })
    await expect(b.putTurn(c, [message('c1', 2)])).rejects.toMatchObject({ kind: 'deleted' })

    expect(await a.listConversations()).toEqual([])
    expect(await a.listMessages('c1')).toEqual([])
    expect(await a.isDeleted('c1')).toBe(true)
  })

  it('an import brings a deleted conversation back on purpose', async () => {
    const { a } = await twoTabs()
    await a.putTurn(conversation('c1'), [message('c1', 0)])
    await a.deleteConversation('c1')
    await a.importConversations([{ conversation: conversation('c1'), messages: [message('c1', 0)] }])
    expect((await a.listConversations()).map((c) => c.id)).toEqual(['c1'])
    expect(await a.isDeleted('c1')).toBe(false)
  })

  it('a stale tab updating updatedAt keeps the other tab’s rename', async () => {
    const { a, b } = await twoTabs()
    const c = conversation('c1', 1000, 'Original')
    await a.putTurn(c, [message('c1', 0)])
    await a.updateConversation('c1', { title: 'Renamed in A' })
    const result = await b.updateConversation('c1', { updatedAt: 5000 })
    expect(result).toMatchObject({ title: 'Renamed in A', updatedAt: 5000 })
    // updatedAt never moves backwards.
    expect(await a.updateConversation('c1', { updatedAt: 10 })).toMatchObject({ updatedAt: 5000 })
  })

  it('a turn written by a stale tab keeps the other tab’s rename; a placeholder title is replaced', async () => {
    const { a, b } = await twoTabs()
    await a.putConversation({ ...conversation('c1', 1000), title: 'New conversation' })
    await a.putTurn({ ...conversation('c1', 2000), title: 'First question' }, [message('c1', 0)])
    expect(await a.getConversation('c1')).toMatchObject({ title: 'First question', updatedAt: 2000 })
    await b.updateConversation('c1', { title: 'Renamed in B' })
    await a.putTurn({ ...conversation('c1', 3000), title: 'First question' }, [message('c1', 1)])
    expect(await a.getConversation('c1')).toMatchObject({ title: 'Renamed in B', updatedAt: 3000 })
  })

  it('an answer whose conversation never reached the disk brings its conversation along, unless deleted', async () => {
    const { a } = await twoTabs()
    expect(await a.saveMessage(message('c2', 1), conversation('c2'))).toBe(true)
    expect((await a.getConversation('c2'))?.id).toBe('c2')
    expect(await a.saveMessage(message('c3', 1))).toBe(false)
    await a.deleteConversation('c2')
    expect(await a.saveMessage(message('c2', 1), conversation('c2'))).toBe(false)
    expect(await a.listConversations()).toEqual([])
  })

  it('interleaved answer saves from two tabs into two conversations all land', async () => {
    const { a, b } = await twoTabs()
    await a.putTurn(conversation('x'), [message('x', 0), message('x', 1, { status: 'streaming', content: '' })])
    await b.putTurn(conversation('y'), [message('y', 0), message('y', 1, { status: 'streaming', content: '' })])
    let textX = ''
    let textY = ''
    const saves: Promise<boolean>[] = []
    for (let i = 0; i < 50; i++) {
      textX += `x${i} `
      textY += `y${i} `
      saves.push(a.saveMessage(message('x', 1, { status: 'streaming', content: textX, updatedAt: 2e12 + i })))
      saves.push(b.saveMessage(message('y', 1, { status: 'streaming', content: textY, updatedAt: 2e12 + i })))
    }
    expect(await Promise.all(saves)).toEqual(saves.map(() => true))
    expect((await a.getMessage('x-m1'))?.content).toBe(textX)
    expect((await a.getMessage('y-m1'))?.content).toBe(textY)
  })

  it('recovery leaves conversations another tab is streaming alone', async () => {
    const { a } = await twoTabs()
    await a.putTurn(conversation('live'), [message('live', 0), message('live', 1, { status: 'streaming' })])
    await a.putTurn(conversation('dead'), [message('dead', 0), message('dead', 1, { status: 'streaming' })])
    expect(await a.recoverInterrupted({ exceptConversations: new Set(['live']) })).toBe(1)
    expect((await a.getMessage('live-m1'))?.status).toBe('streaming')
    expect((await a.getMessage('dead-m1'))?.status).toBe('interrupted')
  })
})
