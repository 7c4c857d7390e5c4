/**
 * The exports' own texts: the language an Accept-Language header picks, and
 * every refusal written out in each of the four languages.
 */
import { describe, expect, it } from 'vitest'
import { EXPORT_LANGUAGES, languageOf, TEXTS } from './texts.js'

describe('the language of an export', () => {
  it('is the first served language by quality, a region naming its language', () => {
    expect(languageOf('nl-BE,nl;q=0.9,en;q=0.8')).toBe('nl')
    expect(languageOf('de;q=0.4, fr-BE;q=0.7')).toBe('fr')
    expect(languageOf('es, de')).toBe('de')
    expect(languageOf(['it', 'FR'])).toBe('fr')
  })

  it('is English without a header, for languages not served, and for a refused one', () => {
    expect(languageOf(undefined)).toBe('en')
    expect(languageOf('')).toBe('en')
    expect(languageOf('es, it;q=0.5')).toBe('en')
    expect(languageOf('nl;q=0')).toBe('en')
  })
})

describe('the refusals', () => {
  const args = {
    name: 'from',
    value: 'x',
    known: ['from', 'to'],
    expected: ['A', 'B'],
    days: 2000,
    max: 1096,
    from: 'a',
    to: 'b',
    id: 'p',
    reason: 'r',
  }

  it.each(Object.keys(TEXTS))('%s is written in each language, each its own', (key) => {
    const phrase = TEXTS[key as keyof typeof TEXTS] as Record<string, (a: typeof args) => string>
    const texts = EXPORT_LANGUAGES.map((language) => phrase[language]!(args))
    for (const text of texts) expect(text.length).toBeGreaterThan(10)
    expect(new Set(texts).size).toBe(EXPORT_LANGUAGES.length)
  })
})
