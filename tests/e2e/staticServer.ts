// A plain static host for the delivery specs: serves a build folder under any path prefix (a
// sub-path, as on GitHub Pages), with no SPA fallback, on a free loopback port of its own. A test
// can replace a file's body (a "new deployment") without touching the folder.
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { AddressInfo } from 'node:net'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
}

export interface StaticHost {
  /** The served folder's URL, ending in `/`. */
  url: string
  /** Serves `body` (instead of the file) at `path`, relative to the prefix, from now on. */
  override(path: string, body: string): void
  /** Paths requested so far, relative to the prefix. */
  requested: string[]
  close(): Promise<void>
}

export async function serveStatic(root: string, prefix: string): Promise<StaticHost> {
  const overrides = new Map<string, string>()
  const requested: string[] = []
  const base = normalize(root) + sep
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname)
    if (!path.startsWith(prefix)) return void res.writeHead(404).end('not found')
    const relative = path.slice(prefix.length) || ''
    requested.push(relative)
    const override = overrides.get(relative)
    const file = normalize(join(root, relative.endsWith('/') || relative === '' ? `${relative}index.html` : relative))
    if (!file.startsWith(base)) return void res.writeHead(403).end()
    const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' }
    if (override !== undefined) return void res.writeHead(200, headers).end(override)
    readFile(file).then(
      (body) => res.writeHead(200, headers).end(body),
      () => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    override: (path, body) => overrides.set(path, body),
    requested,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        // The browser keeps connections alive; they must not hold the port open after the test.
        server.closeAllConnections()
      }),
  }
}
