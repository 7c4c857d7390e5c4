/**
 * The environment of `npm run serve -- gateway` started as its own process in
 * front of a test graph's subgraphs: development mode, any free port, quiet,
 * no response cache, no collector schedule, no Redis; `extra` adds or overrides.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { subgraphUrlVariable } from '../../platform/settings.js'
import type { TestGraph } from './graph.js'

export function gatewayProcessEnv(t: TestGraph, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    HD4RES_DATA_DIR: dataDir,
    HD4RES_IDENTITY_SECRET: t.graph.identitySecret,
    HD4RES_RESPONSE_CACHE: 'off',
    HD4RES_COLLECT_SCHEDULE: '',
    REDIS_URL: '',
    ...extra,
  }
  for (const [name, url] of Object.entries(t.graph.subgraphUrls)) env[subgraphUrlVariable(name)] = url
  return env
}

/** Starts `tsx bin/serve.ts gateway` with this environment; everything it prints goes to `onOutput`. */
export function spawnGatewayProcess(env: NodeJS.ProcessEnv, onOutput: (text: string) => void): ChildProcess {
  const root = path.resolve(import.meta.dirname, '../..')
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bin/serve.ts', 'gateway'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (chunk: Buffer) => onOutput(chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => onOutput(chunk.toString()))
  return child
}
