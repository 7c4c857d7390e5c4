/**
 * The language of a request's texts. A client chooses it, most specific
 * first: the `lang` parameter of the address (`/graphql?lang=fr`), then the
 * operation's `language` extension (`"extensions": {"language": "fr"}`; a
 * batch's operations share the address's or the header's), then the
 * Accept-Language header, negotiated against the four languages HD4RES v2
 * publishes in; English when none of them is asked for. A field's own
 * `language` argument overrides all three for that field (the subgraphs'
 * kit/i18n/fields.ts). A language named outright that is not one of the four
 * is refused, naming where it was given; a header is only ever negotiated.
 */
import Negotiator from 'negotiator'
import { LANGUAGES, type Language } from '../platform/texts.js'

export type LanguageChoice = { language: Language } | { problem: string }

/** A language named outright (`fr`, `FR`, `nl-BE`), as one of ours, or null. */
export function languageNamed(value: string): Language | null {
  const tag = value.trim().toLowerCase()
  const primary = tag.split('-')[0]!
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : null
}

/** The best of our languages for an Accept-Language header, English when it names none of them. */
export function negotiatedLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'en'
  const best = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...LANGUAGES])
  return (best as Language | undefined) ?? 'en'
}

const named = (where: string, value: unknown): LanguageChoice | null => {
  if (value === undefined || value === null) return null
  const language = typeof value === 'string' ? languageNamed(value) : null
  if (language) return { language }
  return { problem: `${where} must name one of the languages ${LANGUAGES.join(', ')}; got ${JSON.stringify(value)}` }
}

/** The request's language, from its address parameter, its operation's extension and its header, in that order. */
export function chooseLanguage(request: {
  query: unknown
  body: unknown
  headers: Record<string, string | string[] | undefined>
}): LanguageChoice {
  const parameter = (request.query as Record<string, unknown> | undefined)?.lang
  const fromParameter = named('The lang parameter', Array.isArray(parameter) ? parameter[0] : parameter)
  if (fromParameter) return fromParameter
  const body = request.body
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const extensions = (body as { extensions?: unknown }).extensions
    if (extensions && typeof extensions === 'object') {
      const fromExtension = named('extensions.language', (extensions as { language?: unknown }).language)
      if (fromExtension) return fromExtension
    }
  }
  const header = request.headers['accept-language']
  return { language: negotiatedLanguage(Array.isArray(header) ? header.join(',') : header) }
}
