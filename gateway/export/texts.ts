/**
 * What the CSV exports say themselves (their refusals), in the four languages
 * the API serves, English the fallback; the language is the request's
 * Accept-Language. Texts that come from the graph (a publication's message, a
 * NotCollected reason) are the graph's own, asked in the same language.
 */

export const EXPORT_LANGUAGES = ['en', 'nl', 'fr', 'de'] as const
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number]

/** A message with its parameters, in every language. */
export type Phrase<A> = Readonly<Record<ExportLanguage, (args: A) => string>>

/**
 * The language an Accept-Language header asks for first among those served
 * (its tags by quality, then by order; "nl-BE" is Dutch), else English.
 */
export function languageOf(header: string | string[] | undefined): ExportLanguage {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  let best: { language: ExportLanguage; q: number } | undefined
  for (const part of text.split(',')) {
    const [tag, ...params] = part.trim().split(';')
    const language = tag?.trim().toLowerCase().split('-')[0]
    if (!language || !(EXPORT_LANGUAGES as readonly string[]).includes(language)) continue
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!Number.isFinite(q) || q <= 0) continue
    if (!best || q > best.q) best = { language: language as ExportLanguage, q }
  }
  return best?.language ?? 'en'
}

const list = (values: readonly string[]) => values.join(', ')

export const TEXTS = {
  unknownParameter: {
    en: ({ name, known }) => `Unknown parameter "${name}"; this export reads ${list(known)}`,
    nl: ({ name, known }) => `Onbekende parameter "${name}"; deze export leest ${list(known)}`,
    fr: ({ name, known }) => `Paramètre inconnu « ${name} » ; cet export lit ${list(known)}`,
    de: ({ name, known }) => `Unbekannter Parameter „${name}“; dieser Export liest ${list(known)}`,
  } satisfies Phrase<{ name: string; known: readonly string[] }>,
  repeatedParameter: {
    en: ({ name }) => `The parameter "${name}" is given more than once; give it once`,
    nl: ({ name }) => `De parameter "${name}" is meer dan eens opgegeven; geef hem één keer`,
    fr: ({ name }) => `Le paramètre « ${name} » est donné plus d'une fois ; donnez-le une seule fois`,
    de: ({ name }) => `Der Parameter „${name}“ ist mehrfach angegeben; geben Sie ihn einmal an`,
  } satisfies Phrase<{ name: string }>,
  missingParameter: {
    en: ({ name }) => `The parameter "${name}" is required (a date, YYYY-MM-DD)`,
    nl: ({ name }) => `De parameter "${name}" is verplicht (een datum, JJJJ-MM-DD)`,
    fr: ({ name }) => `Le paramètre « ${name} » est obligatoire (une date, AAAA-MM-JJ)`,
    de: ({ name }) => `Der Parameter „${name}“ ist erforderlich (ein Datum, JJJJ-MM-TT)`,
  } satisfies Phrase<{ name: string }>,
  notADate: {
    en: ({ name, value }) => `"${name}" is ${JSON.stringify(value)}, which is not a calendar date (YYYY-MM-DD, e.g. 2026-11-21)`,
    nl: ({ name, value }) => `"${name}" is ${JSON.stringify(value)}, en dat is geen kalenderdatum (JJJJ-MM-DD, bv. 2026-11-21)`,
    fr: ({ name, value }) =>
      `« ${name} » vaut ${JSON.stringify(value)}, qui n'est pas une date du calendrier (AAAA-MM-JJ, p. ex. 2026-11-21)`,
    de: ({ name, value }) => `„${name}“ ist ${JSON.stringify(value)}, kein Kalenderdatum (JJJJ-MM-TT, z. B. 2026-11-21)`,
  } satisfies Phrase<{ name: string; value: string }>,
  fromAfterTo: {
    en: ({ from, to }) => `"from" (${from}) is after "to" (${to}); both days are included, so "from" must be on or before "to"`,
    nl: ({ from, to }) => `"from" (${from}) valt na "to" (${to}); beide dagen tellen mee, dus "from" moet op of vóór "to" liggen`,
    fr: ({ from, to }) =>
      `« from » (${from}) est après « to » (${to}) ; les deux jours sont inclus, « from » doit donc être le même jour que « to » ou avant`,
    de: ({ from, to }) => `„from“ (${from}) liegt nach „to“ (${to}); beide Tage zählen mit, „from“ muss also am oder vor „to“ liegen`,
  } satisfies Phrase<{ from: string; to: string }>,
  rangeTooLong: {
    en: ({ days, max }) => `The range holds ${days} days; a history holds at most ${max} days: export it in parts`,
    nl: ({ days, max }) => `Het bereik telt ${days} dagen; een geschiedenis telt er hoogstens ${max}: exporteer ze in delen`,
    fr: ({ days, max }) => `La période compte ${days} jours ; un historique en compte au plus ${max} : exportez-le en plusieurs parties`,
    de: ({ days, max }) => `Der Zeitraum umfasst ${days} Tage; ein Verlauf umfasst höchstens ${max}: exportieren Sie ihn in Teilen`,
  } satisfies Phrase<{ days: number; max: number }>,
  notOneOf: {
    en: ({ name, value, expected }) => `"${name}": ${JSON.stringify(value)} is not one of ${list(expected)}`,
    nl: ({ name, value, expected }) => `"${name}": ${JSON.stringify(value)} is niet een van ${list(expected)}`,
    fr: ({ name, value, expected }) => `« ${name} » : ${JSON.stringify(value)} ne fait pas partie de ${list(expected)}`,
    de: ({ name, value, expected }) => `„${name}“: ${JSON.stringify(value)} ist keiner von ${list(expected)}`,
  } satisfies Phrase<{ name: string; value: string; expected: readonly string[] }>,
  pageSize: {
    en: ({ value, max }) => `"pageSize" is ${JSON.stringify(value)}; it must be a whole number from 1 to ${max}`,
    nl: ({ value, max }) => `"pageSize" is ${JSON.stringify(value)}; dat moet een geheel getal van 1 tot ${max} zijn`,
    fr: ({ value, max }) => `« pageSize » vaut ${JSON.stringify(value)} ; ce doit être un nombre entier de 1 à ${max}`,
    de: ({ value, max }) => `„pageSize“ ist ${JSON.stringify(value)}; es muss eine ganze Zahl von 1 bis ${max} sein`,
  } satisfies Phrase<{ value: string; max: number }>,
  tooLong: {
    en: ({ name, max }) => `"${name}" is longer than ${max} characters`,
    nl: ({ name, max }) => `"${name}" is langer dan ${max} tekens`,
    fr: ({ name, max }) => `« ${name} » dépasse ${max} caractères`,
    de: ({ name, max }) => `„${name}“ ist länger als ${max} Zeichen`,
  } satisfies Phrase<{ name: string; max: number }>,
  projectNotFound: {
    en: ({ id }) => `No project "${id}" that you may see: it does not exist, or you are not one of its members`,
    nl: ({ id }) => `Geen project "${id}" dat u mag zien: het bestaat niet, of u bent er geen lid van`,
    fr: ({ id }) => `Aucun projet « ${id} » que vous puissiez voir : il n'existe pas, ou vous n'en êtes pas membre`,
    de: ({ id }) => `Kein Projekt „${id}“, das Sie sehen dürfen: Es existiert nicht, oder Sie sind kein Mitglied`,
  } satisfies Phrase<{ id: string }>,
  incomplete: {
    en: ({ reason }) => `The graph's answer cannot be exported: ${reason}`,
    nl: ({ reason }) => `Het antwoord van de graaf kan niet geëxporteerd worden: ${reason}`,
    fr: ({ reason }) => `La réponse du graphe ne peut pas être exportée : ${reason}`,
    de: ({ reason }) => `Die Antwort des Graphen kann nicht exportiert werden: ${reason}`,
  } satisfies Phrase<{ reason: string }>,
} as const
