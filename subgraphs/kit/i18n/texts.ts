/**
 * Texts the API publishes, in the four languages healthdata.be serves:
 * English (the fallback), Dutch, French and German. A text in code is a
 * `Texts` object; the language a request asks for picks one of them.
 */
export const LANGUAGES = ['en', 'nl', 'fr', 'de'] as const
export type Language = (typeof LANGUAGES)[number]

/** One text in every language the API serves. */
export type Texts = Readonly<Record<Language, string>>

/** A text that is either already one language's string or a text in every language. */
export type Localisable = string | Texts

/** The text in `language`, English when it has none. */
export function pick(text: Localisable, language: Language = 'en'): string {
  if (typeof text === 'string') return text
  return text[language] || text.en
}
