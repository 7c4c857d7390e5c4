/**
 * Texts the API publishes, in the four languages healthdata.be serves:
 * English (the fallback), Dutch, French and German. A text in code is a
 * `Texts` object; the language a request asks for picks one of them.
 */
export const LANGUAGES = ['en', 'nl', 'fr', 'de'] as const
export type Language = (typeof LANGUAGES)[number]

/** One text in every language the API serves. */
export type Texts = Readonly<Record<Language, string>>

/** A text in English and any of the other languages: the missing ones fall back to English. */
export type Translated = Readonly<{ en: string } & Partial<Record<Language, string>>>

/** A text that is either one string for every language, or a text in English and (some of) the others. */
export type Localisable = string | Translated

/** The text in `language`, English when it has none. */
export function pick(text: Localisable, language: Language = 'en'): string {
  if (typeof text === 'string') return text
  return text[language] || text.en
}

/** A language tag the gateway passed on, as one of ours: English for anything else or nothing. */
export function languageOf(value: unknown): Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value) ? (value as Language) : 'en'
}
