/** The reasons the participants subgraph gives in place of an answer, in every language HD4RES v2 publishes in. */
import type { Texts } from '../kit/i18n/texts.js'

/** A data provider still on the first architecture: HD4DevOps has no installation of it to monitor. */
export const v1LocalNotMonitored = (organisation: string): Texts => ({
  en: `${organisation} is still on HD4RES v1 Local, which cannot be monitored in the new architecture: it has no HD4DP v2 Local installation, and no counts come from it`,
  nl: `${organisation} werkt nog met HD4RES v1 Local, dat in de nieuwe architectuur niet kan worden gemonitord: het heeft geen HD4DP v2 Local-installatie en er komen geen tellingen van`,
  fr: `${organisation} utilise encore HD4RES v1 Local, qui ne peut pas être surveillé dans la nouvelle architecture : il n'a pas d'installation HD4DP v2 Local et aucun comptage n'en provient`,
  de: `${organisation} arbeitet noch mit HD4RES v1 Local, das in der neuen Architektur nicht überwacht werden kann: Es hat keine HD4DP v2 Local-Installation, und von ihm kommen keine Zählungen`,
})
