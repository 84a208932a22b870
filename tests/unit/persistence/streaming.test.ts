import { describe, it, expect } from 'vitest'
import { conversation, message, openTestRepository, seededRandom } from './fixtures'

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

describe('streaming saves', () => {
  it('survives 1,000 checkpoints with random pauses between them', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('c'), [message('c', 0), message('c', 1, { content: '', status: 'streaming' })])
    const random = seededRandom(42)
    const chunks = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? '中文' : `t${i} `))

    let text = ''
    for (const [i, chunk] of chunks.entries()) {
      text += chunk
      // Each checkpoint is its own transaction, so timers in between can never outlive one.
      await repo.saveMessage(message('c', 1, { content: text, status: 'streaming', updatedAt: 1_700_000_000_000 + i }), conversation('c'))
      if (random() < 0.3) await delay(Math.floor(random() * 3))
    }
    await repo.saveMessage(message('c', 1, { content: text, status: 'done' }), conversation('c'))

    const stored = await repo.listMessages('c')
    expect(stored).toHaveLength(2)
    expect(stored[1]?.content).toBe(chunks.join(''))
    expect(stored[1]?.status).toBe('done')
    repo.close()
  }, 30_000)

  it('applies overlapping (unawaited) checkpoints in call order, so the last one wins', async () => {
    const repo = await openTestRepository()
    const saves: Promise<boolean>[] = []
    let text = ''
    for (let i = 0; i < 200; i++) {
      text += `${i},`
      saves.push(repo.saveMessage(message('c', 1, { content: text, status: 'streaming' }), conversation('c')))
    }
    await Promise.all(saves)
    expect((await repo.listMessages('c'))[0]?.content).toBe(text)
    repo.close()
  })
})
