/**
 * The reasons the counts publications give in place of a count, in every
 * language HD4RES v2 publishes in (NotCollected.reason picks one).
 */
import type { Texts } from '../i18n/texts.js'

/** A component that held nothing of the project yet on that day. */
export const noDataYet = (component: string, day: string): Texts => ({
  en: `${component} held no data for this project yet on ${day}`,
  nl: `${component} bevatte op ${day} nog geen gegevens voor dit project`,
  fr: `${component} ne contenait pas encore de données pour ce projet le ${day}`,
  de: `${component} enthielt am ${day} noch keine Daten für dieses Projekt`,
})

/** A component from which no count came for that day. */
export const noCountCollected = (component: string, day: string): Texts => ({
  en: `No count was collected from ${component} for ${day}`,
  nl: `Voor ${day} werd geen telling verzameld uit ${component}`,
  fr: `Aucun comptage n'a été collecté depuis ${component} pour le ${day}`,
  de: `Für den ${day} wurde aus ${component} keine Zählung erhoben`,
})

/** noDataYet over a run of days (a compact series' gap). */
export const noDataYetOver = (component: string, from: string, to: string): Texts => ({
  en: `${component} held no data for this project yet from ${from} to ${to}`,
  nl: `${component} bevatte van ${from} tot ${to} nog geen gegevens voor dit project`,
  fr: `${component} ne contenait pas encore de données pour ce projet du ${from} au ${to}`,
  de: `${component} enthielt vom ${from} bis zum ${to} noch keine Daten für dieses Projekt`,
})

/** noCountCollected over a run of days (a compact series' gap). */
export const noCountCollectedOver = (component: string, from: string, to: string): Texts => ({
  en: `No count was collected from ${component} from ${from} to ${to}`,
  nl: `Van ${from} tot ${to} werd geen telling verzameld uit ${component}`,
  fr: `Aucun comptage n'a été collecté depuis ${component} du ${from} au ${to}`,
  de: `Vom ${from} bis zum ${to} wurde aus ${component} keine Zählung erhoben`,
})

/** A count per installation, withheld beside its total (disclosure.ts). */
export const PART_WITHHELD_REASON: Texts = {
  en: 'Counts per installation are not published: beside the total and the counts further along the path, they could single out the few subjects of a small site',
  nl: 'Tellingen per installatie worden niet gepubliceerd: naast het totaal en de tellingen verderop in de keten zouden ze de weinige subjecten van een kleine site kunnen aanwijzen',
  fr: "Les comptages par installation ne sont pas publiés : à côté du total et des comptages plus loin sur le parcours, ils pourraient désigner les quelques sujets d'un petit site",
  de: 'Zählungen je Installation werden nicht veröffentlicht: Neben der Gesamtzahl und den Zählungen weiter entlang des Weges könnten sie die wenigen Teilnehmer eines kleinen Standorts kenntlich machen',
}

/** Subjects in several studies, not yet worked out for a day. */
export const multiStudyNotComputed = (day: string | null): Texts =>
  day
    ? {
        en: `Subjects in several studies were not computed for ${day}`,
        nl: `Subjecten in meerdere studies werden voor ${day} niet berekend`,
        fr: `Les sujets présents dans plusieurs études n'ont pas été calculés pour le ${day}`,
        de: `Teilnehmer in mehreren Studien wurden für den ${day} nicht berechnet`,
      }
    : {
        en: 'Subjects in several studies were not computed for any day yet',
        nl: 'Subjecten in meerdere studies werden nog voor geen enkele dag berekend',
        fr: "Les sujets présents dans plusieurs études n'ont encore été calculés pour aucun jour",
        de: 'Teilnehmer in mehreren Studien wurden noch für keinen Tag berechnet',
      }
