import { describe, expect, it } from 'vitest'
import { attemptsToVersions, linkLegacy, needsConversion, nextSeq, planDelete, sendableHistory, versionsOf, visibleBranch } from '../../src/core/versions'
import { toChatTurns } from '../../src/core/provider'
import type { ChatMessage } from '../../src/core/types'
import { formatTimestamp, formatTranscript } from '../../src/core/transcript'

function m(id: string, seq: number, parentId: string | null | undefined, extra: Partial<ChatMessage> = {}): ChatMessage {
  const role = extra.role ?? (id.startsWith('q') ? 'user' : 'assistant')
  const out: ChatMessage = { id, conversationId: 'c', seq, role, content: id, reasoning: '', status: 'done', createdAt: seq, updatedAt: seq, ...extra }
  if (parentId !== undefined) out.parentId = parentId
  return out
}
const ids = (list: readonly ChatMessage[]) => list.map((x) => x.id)

describe('visibleBranch', () => {
  it('follows a linear history', () => {
    expect(ids(visibleBranch([m('a1', 1, 'q1'), m('q1', 0, null), m('q2', 2, 'a1'), m('a2', 3, 'q2')]))).toEqual(['q1', 'a1', 'q2', 'a2'])
  })

  it('shows the newest version unless another was chosen later, and the branch below the one shown', () => {
    // q1 → a1 → q2 → a2 ; a1' (regenerated) ; q1' (edited) → a1''
    const tree = [m('q1', 0, null), m('a1', 1, 'q1'), m('q2', 2, 'a1'), m('a2', 3, 'q2'), m('a1b', 4, 'q1'), m('q1b', 5, null), m('a1c', 6, 'q1b')]
    expect(ids(visibleBranch(tree))).toEqual(['q1b', 'a1c'])
    // Switching the question back brings its whole branch back; within it, the newest answer.
    const back = tree.map((x) => (x.id === 'q1' ? { ...x, selectedAt: 100 } : x))
    expect(ids(visibleBranch(back))).toEqual(['q1', 'a1b'])
    const first = back.map((x) => (x.id === 'a1' ? { ...x, selectedAt: 200 } : x))
    expect(ids(visibleBranch(first))).toEqual(['q1', 'a1', 'q2', 'a2'])
  })

  it('two follow-ups written offline on two devices (same seq): every device shows the later one, whatever the ids or order', () => {
    const base = [m('q1', 0, null), m('a1', 1, 'q1')]
    const early = m('zz-early', 2, 'a1', { role: 'user', createdAt: 1_000 })
    const late = m('aa-late', 2, 'a1', { role: 'user', createdAt: 2_000 })
    for (const tree of [[...base, early, late], [...base, late, early], [late, ...base, early]]) {
      expect(ids(visibleBranch(tree))).toEqual(['q1', 'a1', 'aa-late'])
      expect(versionsOf(tree, visibleBranch(tree)).get('aa-late')).toEqual({ index: 2, count: 2, prevId: 'zz-early', nextId: undefined })
    }
    // Same time too: the id decides, the same way everywhere.
    const twin = { ...late, id: 'zz-twin', createdAt: 1_000 }
    expect(ids(visibleBranch([...base, twin, early]))).toEqual(ids(visibleBranch([...base, early, twin])))
  })

  it('never loses a message whose parent is gone, and survives a cycle', () => {
    expect(ids(visibleBranch([m('a1', 1, 'missing')]))).toEqual(['a1'])
    expect(ids(visibleBranch([m('q1', 0, null), m('a1', 1, 'q1'), m('q1x', 2, 'a1', { selectedAt: 5 })]))).toEqual(['q1', 'a1', 'q1x'])
    expect(visibleBranch([])).toEqual([])
  })
})

describe('versionsOf', () => {
  it('numbers the versions of each message on the branch in creation order', () => {
    const tree = [m('q1', 0, null), m('a1', 1, 'q1'), m('a1b', 2, 'q1'), m('a1c', 3, 'q1', { selectedAt: 1 }), m('q2', 4, 'a1c'), m('a2', 5, 'q2')]
    const branch = visibleBranch(tree)
    expect(ids(branch)).toEqual(['q1', 'a1c', 'q2', 'a2'])
    const v = versionsOf(tree, branch)
    expect(v.get('a1c')).toEqual({ index: 3, count: 3, prevId: 'a1b', nextId: undefined })
    expect(v.has('q1')).toBe(false)
    expect(v.has('a2')).toBe(false)
    const middle = tree.map((x) => (x.id === 'a1b' ? { ...x, selectedAt: 9 } : x))
    expect(versionsOf(middle, visibleBranch(middle)).get('a1b')).toEqual({ index: 2, count: 3, prevId: 'a1', nextId: 'a1c' })
  })
})

describe('linkLegacy and nextSeq', () => {
  it('links records from before versions by seq, in place, and leaves linked ones alone', () => {
    const legacy = [m('a1', 1, undefined), m('q1', 0, undefined), m('q2', 2, undefined)]
    const same = linkLegacy(legacy)
    expect(same).toBe(legacy)
    expect(legacy.map((x) => [x.id, x.parentId])).toEqual([['a1', 'q1'], ['q1', null], ['q2', 'a1']])
    expect(nextSeq(legacy)).toBe(3)
    expect(nextSeq([])).toBe(0)
  })
})

describe('history building', () => {
  it('sends the branch on screen only, and an answer whose question was deleted is left out', () => {
    const tree = [m('q1', 0, null), m('a1', 1, 'q1'), m('a1b', 2, 'q1'), m('q2', 3, 'a1b'), m('a2', 4, 'q2'), m('q3', 5, 'a2')]
    const turns = toChatTurns(sendableHistory(visibleBranch(tree)), 'sys')
    expect(turns.map((t) => `${t.role}:${t.content}`)).toEqual(['system:sys', 'user:q1', 'assistant:a1b', 'user:q2', 'assistant:a2', 'user:q3'])
    // q2 deleted: a2 follows a1b directly; it goes out of the request, not off the screen.
    const updates = planDelete(tree, 'q2', 50)
    const after = tree.filter((x) => x.id !== 'q2').map((x) => updates.find((u) => u.id === x.id) ?? x)
    expect(ids(visibleBranch(after))).toEqual(['q1', 'a1b', 'a2', 'q3'])
    expect(toChatTurns(sendableHistory(visibleBranch(after)), '').map((t) => t.content)).toEqual(['q1', 'a1b', 'q3'])
  })
})

describe('planDelete', () => {
  it('moves the children up, keeping the one that was shown on screen', () => {
    const tree = [m('q1', 0, null), m('a1', 1, 'q1'), m('q2', 2, 'a1'), m('q2b', 3, 'a1'), m('a2', 4, 'q2b')]
    const updates = planDelete(tree, 'a1', 77)
    expect(updates).toEqual([
      expect.objectContaining({ id: 'q2', parentId: 'q1' }),
      expect.objectContaining({ id: 'q2b', parentId: 'q1', selectedAt: 77 }),
    ])
    expect(updates[0]!.selectedAt).toBeUndefined()
    const after = tree.filter((x) => x.id !== 'a1').map((x) => updates.find((u) => u.id === x.id) ?? x)
    expect(ids(visibleBranch(after))).toEqual(['q1', 'q2b', 'a2'])
    // A leaf, or a hidden version: nothing else changes.
    expect(planDelete(tree, 'a2', 1)).toEqual([])
    expect(planDelete(tree, 'nope', 1)).toEqual([])
  })
})

describe('attemptsToVersions', () => {
  it('turns Retry attempts into older versions with stable ids, losing nothing', () => {
    const legacy: ChatMessage[] = [
      m('q1', 0, undefined),
      m('a1', 1, undefined, {
        content: 'final',
        attempts: [
          { content: 'try 1', reasoning: 'r1', status: 'interrupted', updatedAt: 10, error: { kind: 'network', message: 'dropped' } },
          { content: 'try 2', reasoning: '', status: 'done', finishReason: 'length', updatedAt: 20 },
        ],
      }),
      m('q2', 2, undefined),
    ]
    expect(needsConversion(legacy)).toBe(true)
    const out = attemptsToVersions(legacy)
    expect(out.map((x) => [x.id, x.seq, x.parentId, x.content])).toEqual([
      ['q1', 0, null, 'q1'],
      ['a1.v1', 1, 'q1', 'try 1'],
      ['a1.v2', 2, 'q1', 'try 2'],
      ['a1', 3, 'q1', 'final'],
      ['q2', 4, 'a1', 'q2'],
    ])
    expect(out[1]).toMatchObject({ role: 'assistant', reasoning: 'r1', status: 'interrupted', error: { kind: 'network', message: 'dropped' }, updatedAt: 10 })
    expect(out[2]).toMatchObject({ finishReason: 'length', status: 'done' })
    expect(out[3]!.attempts).toBeUndefined()
    expect(legacy[1]!.attempts).toHaveLength(2)
    expect(needsConversion(out)).toBe(false)
    expect(ids(visibleBranch(out))).toEqual(['q1', 'a1', 'q2'])
    expect(versionsOf(out, visibleBranch(out)).get('a1')).toMatchObject({ index: 3, count: 3 })
    // The same records converted twice (the database, then an old backup) give the same records.
    expect(attemptsToVersions(legacy)).toEqual(out)
  })
})

describe('conversation.txt of a conversation with versions', () => {
  it('is byte for byte the classic file of the branch shown', () => {
    const t = Date.UTC(2024, 0, 2, 3, 4, 5)
    const at = (extra: Partial<ChatMessage>) => ({ createdAt: t, updatedAt: t, ...extra })
    const tree = [
      m('q1', 0, null, at({ content: 'Hello?' })),
      m('a1', 1, 'q1', at({ content: 'first try', status: 'stopped' })),
      m('a1b', 2, 'q1', at({ content: 'Hi!' })),
      m('q2', 3, 'a1', at({ content: 'hidden follow-up' })),
      m('q1b', 4, null, at({ content: 'an edit, not shown', selectedAt: 1 })),
    ].map((x) => (x.id === 'q1' ? { ...x, selectedAt: 2 } : x))
    const linear = [m('q1', 0, undefined, at({ content: 'Hello?' })), m('a1b', 1, undefined, at({ content: 'Hi!' }))]
    const text = formatTranscript(visibleBranch(tree))
    expect(text).toBe(formatTranscript(linear))
    expect(text).toBe(`\n[${formatTimestamp(t)}] Question:\nHello?\n\n[${formatTimestamp(t)}] Answer:\nHi!\n${'-'.repeat(40)}\n`)
  })
})
