/**
 * A gateway worker's heap limit leaves room for every cache it keeps in
 * memory at its configured size, and the flags say what the settings say.
 */
import { describe, expect, it } from 'vitest'
import { readSettings } from '../platform/settings.js'
import { gatewayHeapMb, gatewayNodeFlags, GATEWAY_HEAP_BASE_MB } from './cluster.js'

const settingsWith = (env: Record<string, string>) => readSettings({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: '', ...env })

describe('gateway worker flags', () => {
  it('sizes the heap from the caches kept in memory', () => {
    expect(gatewayHeapMb(settingsWith({}))).toBe(GATEWAY_HEAP_BASE_MB + 30 + 30 + 64)
    expect(gatewayHeapMb(settingsWith({ HD4RES_RESPONSE_CACHE: 'off', HD4RES_DOCUMENT_CACHE_MB: '10' }))).toBe(
      GATEWAY_HEAP_BASE_MB + 10 + 30,
    )
    // A response cache in Redis takes nothing from the worker's heap.
    expect(gatewayHeapMb(settingsWith({ REDIS_URL: 'redis://127.0.0.1:6379' }))).toBe(GATEWAY_HEAP_BASE_MB + 60)
  })

  it('passes the limit and the young generation as Node flags, and leaves out what is switched off', () => {
    expect(gatewayNodeFlags(settingsWith({ HD4RES_GATEWAY_HEAP_MB: '300', HD4RES_GATEWAY_SEMI_SPACE_MB: '32' }))).toEqual([
      '--max-old-space-size=300',
      '--max-semi-space-size=32',
    ])
    expect(gatewayNodeFlags(settingsWith({ HD4RES_GATEWAY_HEAP_MB: '0', HD4RES_GATEWAY_SEMI_SPACE_MB: '0' }))).toEqual([])
    // By default both are set: the young generation is capped at 32 MB a semi-space (gateway/cluster.ts says why).
    expect(gatewayNodeFlags(settingsWith({}))).toEqual([
      `--max-old-space-size=${gatewayHeapMb(settingsWith({}))}`,
      '--max-semi-space-size=32',
    ])
  })

  it('refuses a limit that is not a number of MB', () => {
    expect(() => settingsWith({ HD4RES_GATEWAY_HEAP_MB: 'lots' })).toThrow(/HD4RES_GATEWAY_HEAP_MB/)
    // A limit below what the gateway holds would stop it at start-up: refused with the reason.
    expect(() => settingsWith({ HD4RES_GATEWAY_HEAP_MB: '64' })).toThrow(/HD4RES_GATEWAY_HEAP_MB.*at least 128 MB/)
  })
})
