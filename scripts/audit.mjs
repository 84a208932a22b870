// CI's supply-chain step: `npm audit --omit=dev --audit-level=high` must be clean. Some registries
// (mirrors, this project's CI) refuse the advisory endpoint; that is not a clean audit and not a
// finding, so we say so plainly and fall back to the committed version floors, which the offline
// check can verify against the lockfile.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const floors = JSON.parse(readFileSync(join(import.meta.dirname, 'supply-floors.json'), 'utf8')).floors
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))

function atLeast(version, floor) {
  const a = version.split('-')[0].split('.').map(Number)
  const b = floor.split('.').map(Number)
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  return true
}

function checkFloors() {
  const bad = []
  for (const [name, { version: floor, advisories }] of Object.entries(floors)) {
    const version = lock.packages[`node_modules/${name}`]?.version
    if (!version) bad.push(`${name}: not in package-lock.json`)
    else if (!atLeast(version, floor)) bad.push(`${name} ${version} is below ${floor} (${advisories})`)
    else console.log(`  ${name} ${version} >= ${floor}`)
  }
  return bad
}

let out
try {
  out = execFileSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
} catch (error) {
  // npm exits non-zero both for findings and for an unreachable endpoint; the JSON tells them apart.
  out = error.stdout ?? ''
}

let report
try {
  report = JSON.parse(out)
} catch {
  report = { message: out.trim() || 'npm audit printed nothing' }
}

const counts = report.metadata?.vulnerabilities
if (counts) {
  const serious = (counts.high ?? 0) + (counts.critical ?? 0)
  if (serious > 0) {
    console.error(`npm audit: ${counts.high ?? 0} high and ${counts.critical ?? 0} critical advisories in runtime dependencies:`)
    for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
      if (v.severity === 'high' || v.severity === 'critical') console.error(`  ${name} ${v.range} (${v.severity}); fix: ${v.fixAvailable ? 'available' : 'none yet'}`)
    }
    process.exit(1)
  }
  console.log(`npm audit: runtime dependencies clean at high level (${counts.total ?? 0} lower findings).`)
} else {
  console.warn(`npm audit could not ask the registry (${report.message ?? report.error?.summary ?? 'unknown error'}); checking the committed version floors instead:`)
}

const bad = checkFloors()
if (bad.length) {
  console.error('Runtime dependencies below their advisory floors:\n  ' + bad.join('\n  '))
  process.exit(1)
}
