// Writes a conversation of earlier turns into the app's IndexedDB before the app loads, using the
// schema of src/core/persistence/schema.ts (db 'inkstream' v1: conversations {keyPath id, index
// by-updated}, messages {keyPath id, index by-conversation [conversationId, seq]}, kv out-of-line keys)
// and the record shapes of src/core/types.ts. A newer app version upgrades it like any v1 database.
// Query: ?api=<origin serving /__bench/history>&turns=50&tokens=1000

const params = new URLSearchParams(location.search)
const apiOrigin = params.get('api') ?? location.origin
const turns = Number(params.get('turns') ?? 50)
const tokens = Number(params.get('tokens') ?? 1000)

const PARAMS = { maxTokens: 2048, temperature: 0.7, topP: 0.7, topK: 50, frequencyPenalty: 0.5, n: 1 }

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

function openDb() {
  const req = indexedDB.open('inkstream', 1)
  req.onupgradeneeded = (event) => {
    const db = req.result
    if (event.oldVersion < 1) {
      db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt')
      db.createObjectStore('messages', { keyPath: 'id' }).createIndex('by-conversation', ['conversationId', 'seq'])
      db.createObjectStore('kv')
    }
  }
  return request(req)
}

async function seed() {
  const pairs = await (await fetch(`${apiOrigin}/__bench/history?turns=${turns}&tokens=${tokens}`)).json()
  const db = await openDb()
  const start = Date.now() - pairs.length * 120_000
  const conversationId = 'bench-conversation-1'
  const tx = db.transaction(['conversations', 'messages', 'kv'], 'readwrite')
  const messages = tx.objectStore('messages')
  pairs.forEach(({ question, answer }, t) => {
    const at = start + t * 120_000
    const base = { conversationId, reasoning: '', status: 'done', createdAt: at, updatedAt: at }
    messages.put({ ...base, id: `bench-q${t}`, seq: 2 * t, role: 'user', content: question })
    messages.put({
      ...base,
      id: `bench-a${t}`,
      seq: 2 * t + 1,
      role: 'assistant',
      content: answer,
      updatedAt: at + 10_000,
      model: 'bench-history',
      params: PARAMS,
      finishReason: 'stop',
    })
  })
  const updatedAt = start + pairs.length * 120_000
  tx.objectStore('conversations').put({ id: conversationId, title: `Bench: ${pairs.length} earlier turns`, createdAt: start, updatedAt })
  tx.objectStore('kv').put(conversationId, 'activeConversationId')
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error ?? new Error('seed transaction aborted'))
  })
  db.close()
  return pairs.length * 2
}

seed().then(
  (count) => {
    document.getElementById('status').textContent = `seeded ${count} messages`
    document.body.dataset.seeded = String(count)
  },
  (error) => {
    document.getElementById('status').textContent = `seed failed: ${error}`
    document.body.dataset.seeded = `error: ${error}`
  },
)
