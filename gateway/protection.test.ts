/**
 * The token limit, counted once per query text and remembered: the answer
 * stays right whatever limit the same text is checked against later.
 */
import { describe, expect, it } from 'vitest'
import { tooManyTokens } from './protection.js'

describe('the token limit', () => {
  // { me { id displayName } } is 7 tokens.
  const query = '{ me { id displayName } }'

  it('answers the same text against several limits, remembered or not', () => {
    expect(tooManyTokens(query, 3)).toBe(true)
    expect(tooManyTokens(query, 3)).toBe(true)
    // Counted only up to 4 the first time: a higher limit needs the whole count.
    expect(tooManyTokens(query, 20)).toBe(false)
    expect(tooManyTokens(query, 7)).toBe(false)
    expect(tooManyTokens(query, 6)).toBe(true)
  })

  it('leaves texts that do not lex to the parser, and ignores what is not text', () => {
    expect(tooManyTokens('{ me { "unterminated', 5)).toBe(false)
    expect(tooManyTokens(undefined, 2)).toBe(false)
    expect(tooManyTokens(`{ ${'a '.repeat(50)}}`, 10)).toBe(true)
  })
})
