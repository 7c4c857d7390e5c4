/** Answers with component status are kept no longer than status may be old. */
import { describe, expect, it } from 'vitest'
import { answerTtlSeconds, STATUS_ANSWER_MAX_AGE_SECONDS } from './responseCache.js'

describe('answerTtlSeconds', () => {
  it('caps an answer that read component status, and only that', () => {
    expect(STATUS_ANSWER_MAX_AGE_SECONDS).toBe(60)
    expect(answerTtlSeconds(600, { publications: ['COMPONENT_STATUS', 'INCIDENTS'] }, '{}')).toBe(60)
    expect(answerTtlSeconds(30, { publications: ['COMPONENT_STATUS'] }, '{}')).toBe(30)
    expect(answerTtlSeconds(600, { publications: ['INCIDENTS'] }, '{"data":{"status":1}}')).toBe(600)
    expect(answerTtlSeconds(600, {}, '{}')).toBe(600)
  })

  it("without the audit's reads, caps an answer that names a status field", () => {
    expect(answerTtlSeconds(600, undefined, '{"data":{"components":[{"status":{"status":"OPERATIONAL"}}]}}')).toBe(60)
    expect(answerTtlSeconds(600, undefined, '{"data":{"project":{"componentStatus" : null}}}')).toBe(60)
    expect(answerTtlSeconds(600, undefined, '{"data":{"projects":[]}}')).toBe(600)
  })
})
