/**
 * Production settings are checked before anything is written: `npm start`
 * and `npm run serve -- <part>` without what production needs stop at once
 * with a message naming the setting, no stack trace, and no store, spool or
 * key left behind.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const tsx = path.join(root, 'node_modules/.bin/tsx')

function run(script: string, args: string[], env: Record<string, string>) {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'hd4res-startup-')), 'data')
  const result = spawnSync(tsx, [script, ...args], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      HD4RES_DATA_DIR: dataDir,
      DATABASE_URL: '',
      HD4RES_IDENTITY_SECRET: '',
      REDIS_URL: '',
      HD4RES_COLLECT_SCHEDULE: '',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, stderr: result.stderr, dataDirMade: existsSync(dataDir) }
}

/** A message for an operator: no stack frames, no source file of ours. */
const noStack = (text: string) => {
  expect(text).not.toMatch(/^\s+at /m)
  expect(text).not.toMatch(/\.ts:\d+/)
}

describe('a start refused for its settings', () => {
  it('npm start in production without the identity secret stops before filling the store', () => {
    const started = run('bin/start.ts', [], { NODE_ENV: 'production' })
    expect(started.status).toBe(1)
    expect(started.stderr).toContain('HD4RES_IDENTITY_SECRET')
    noStack(started.stderr)
    expect(started.dataDirMade).toBe(false)
  })

  it('npm start refuses a secret shorter than 32 characters, in any mode', () => {
    const started = run('bin/start.ts', [], { NODE_ENV: 'development', HD4RES_IDENTITY_SECRET: 'short' })
    expect(started.status).toBe(1)
    expect(started.stderr).toContain('at least 32 characters')
    noStack(started.stderr)
    expect(started.dataDirMade).toBe(false)
  })

  it('a production gateway without an OIDC provider or a secret names both', () => {
    const started = run('bin/serve.ts', ['gateway'], { NODE_ENV: 'production' })
    expect(started.status).toBe(1)
    expect(started.stderr).toContain('HD4RES_IDENTITY_SECRET')
    expect(started.stderr).toContain('HD4RES_OIDC_ISSUER')
    noStack(started.stderr)
    expect(started.dataDirMade).toBe(false)
  })

  it('a subgraph in its own process without PostgreSQL says so', () => {
    const started = run('bin/serve.ts', ['records'], { NODE_ENV: 'production', HD4RES_IDENTITY_SECRET: 's'.repeat(40) })
    expect(started.status).toBe(1)
    expect(started.stderr).toContain('DATABASE_URL')
    noStack(started.stderr)
  })

  it('a settings value out of range is named, without a stack', () => {
    const started = run('bin/start.ts', [], { HD4RES_SUPPRESSION_THRESHOLD: '1' })
    expect(started.status).toBe(1)
    expect(started.stderr).toContain('HD4RES_SUPPRESSION_THRESHOLD')
    noStack(started.stderr)
    expect(started.dataDirMade).toBe(false)
  })
})
