/**
 * What a frontend shows for each value of the API's enums, in every language
 * HD4RES v2 publishes in: `Query.labels` serves them, so that a frontend need
 * not keep its own translations of OPERATIONAL or UNUSUAL_DROP. Enums that
 * only steer a request (TicketOrder), name a proper noun (ComponentId: the
 * components' names are their own in every language) or are the API's own
 * vocabulary (Language, AuditOutcome) have none: NOT_LABELLED lists them, and
 * a test checks that every enum of the API schema is in one list or the other,
 * with a label for every value.
 */
import type { Texts } from './texts.js'

type Labels = Readonly<Record<string, Texts>>

const t = (en: string, nl: string, fr: string, de: string): Texts => ({ en, nl, fr, de })

export const LABELS: Readonly<Record<string, Labels>> = {
  OperationalStatus: {
    OPERATIONAL: t('Operational', 'Operationeel', 'Opérationnel', 'Betriebsbereit'),
    DEGRADED: t('Degraded', 'Verminderd', 'Dégradé', 'Beeinträchtigt'),
    DOWN: t('Down', 'Onbeschikbaar', 'Indisponible', 'Ausgefallen'),
    UNKNOWN: t('Unknown', 'Onbekend', 'Inconnu', 'Unbekannt'),
  },
  ComponentLocation: {
    EXTERNAL: t('Outside the platform', 'Buiten het platform', 'Hors de la plateforme', 'Außerhalb der Plattform'),
    INTERNAL: t('Inside the platform', 'Binnen het platform', 'Dans la plateforme', 'Innerhalb der Plattform'),
  },
  AvailabilityWindow: {
    LAST_24_HOURS: t('Last 24 hours', 'Laatste 24 uur', 'Dernières 24 heures', 'Letzte 24 Stunden'),
    LAST_7_DAYS: t('Last 7 days', 'Laatste 7 dagen', 'Derniers 7 jours', 'Letzte 7 Tage'),
    LAST_30_DAYS: t('Last 30 days', 'Laatste 30 dagen', 'Derniers 30 jours', 'Letzte 30 Tage'),
  },
  PublicationState: {
    AVAILABLE: t('Available', 'Beschikbaar', 'Disponible', 'Verfügbar'),
    UNDER_DEVELOPMENT: t('Under development', 'In ontwikkeling', 'En cours de développement', 'In Entwicklung'),
  },
  OrganisationType: {
    HOSPITAL: t('Hospital', 'Ziekenhuis', 'Hôpital', 'Krankenhaus'),
    LABORATORY: t('Laboratory', 'Laboratorium', 'Laboratoire', 'Labor'),
    GENERAL_PRACTICE: t('General practice', 'Huisartsenpraktijk', 'Cabinet de médecine générale', 'Hausarztpraxis'),
    RESEARCH_INSTITUTE: t('Research institute', 'Onderzoeksinstelling', 'Institut de recherche', 'Forschungsinstitut'),
    PUBLIC_AUTHORITY: t('Public authority', 'Overheidsinstantie', 'Autorité publique', 'Behörde'),
    OTHER: t('Other', 'Andere', 'Autre', 'Sonstige'),
  },
  InstallationEnvironment: {
    PRODUCTION: t('Production', 'Productie', 'Production', 'Produktion'),
    INTEGRATION: t('Integration (test)', 'Integratie (test)', 'Intégration (test)', 'Integration (Test)'),
  },
  InstallationSizeClass: {
    SMALL: t('Small', 'Klein', 'Petite', 'Klein'),
    MEDIUM: t('Medium', 'Middelgroot', 'Moyenne', 'Mittel'),
    LARGE: t('Large', 'Groot', 'Grande', 'Groß'),
  },
  CountGapStatus: {
    SUPPRESSED: t(
      'Withheld (small count)',
      'Niet gepubliceerd (kleine telling)',
      'Non publié (petit comptage)',
      'Zurückgehalten (kleine Zahl)',
    ),
    NOT_COLLECTED: t('Not collected', 'Niet verzameld', 'Non collecté', 'Nicht erhoben'),
  },
  CollectorRunOutcome: {
    RUNNING: t('Running', 'Bezig', 'En cours', 'Läuft'),
    SUCCEEDED: t('Succeeded', 'Geslaagd', 'Réussi', 'Erfolgreich'),
    WARNING: t('Succeeded with warnings', 'Geslaagd met waarschuwingen', 'Réussi avec des avertissements', 'Erfolgreich mit Warnungen'),
    FAILED: t('Failed', 'Mislukt', 'Échoué', 'Fehlgeschlagen'),
    REFUSED: t('Refused', 'Geweigerd', 'Refusé', 'Abgewiesen'),
  },
  CountSource: {
    HD4DEVOPS: t('HD4DevOps monitoring', 'HD4DevOps-monitoring', 'Surveillance HD4DevOps', 'HD4DevOps-Überwachung'),
    HD4RES: t('Collected by HD4RES', 'Verzameld door HD4RES', 'Collecté par HD4RES', 'Von HD4RES erhoben'),
  },
  PipelineVerdict: {
    FLOWING: t('Flowing', 'Stroomt door', 'Fluide', 'Läuft durch'),
    DELAYED: t('Delayed', 'Vertraagd', 'Retardé', 'Verzögert'),
    UNUSUAL_DROP: t('Unusual drop', 'Ongewone daling', 'Baisse inhabituelle', 'Ungewöhnlicher Rückgang'),
    NOT_COLLECTED: t('Not collected', 'Niet verzameld', 'Non collecté', 'Nicht erhoben'),
  },
  TicketState: {
    NEW: t('New', 'Nieuw', 'Nouveau', 'Neu'),
    IN_PROGRESS: t('In progress', 'In behandeling', 'En cours', 'In Bearbeitung'),
    ON_HOLD: t('On hold', 'In de wacht', 'En attente', 'Zurückgestellt'),
    RESOLVED: t('Resolved', 'Opgelost', 'Résolu', 'Gelöst'),
    CLOSED: t('Closed', 'Gesloten', 'Clôturé', 'Geschlossen'),
    CANCELLED: t('Cancelled', 'Geannuleerd', 'Annulé', 'Storniert'),
  },
  TicketPriority: {
    CRITICAL: t('Critical', 'Kritiek', 'Critique', 'Kritisch'),
    HIGH: t('High', 'Hoog', 'Haute', 'Hoch'),
    MODERATE: t('Moderate', 'Gemiddeld', 'Moyenne', 'Mittel'),
    LOW: t('Low', 'Laag', 'Basse', 'Niedrig'),
    PLANNING: t('Planning', 'Planning', 'Planification', 'Planung'),
  },
  ServiceRequestType: {
    REQUEST_FOR_INFORMATION: t('Request for information', 'Vraag om informatie', "Demande d'information", 'Informationsanfrage'),
    ACCESS_REQUEST: t('Access request', 'Toegangsaanvraag', "Demande d'accès", 'Zugriffsanfrage'),
    DATA_REQUEST: t('Data request', 'Data-aanvraag', 'Demande de données', 'Datenanfrage'),
    NEW_PROJECT: t('New project', 'Nieuw project', 'Nouveau projet', 'Neues Projekt'),
    CHANGE_REQUEST: t('Change request', 'Wijzigingsaanvraag', 'Demande de modification', 'Änderungsanfrage'),
    OTHER: t('Other', 'Andere', 'Autre', 'Sonstige'),
  },
  SlaStage: {
    IN_PROGRESS: t('In progress', 'Lopend', 'En cours', 'Laufend'),
    PAUSED: t('Paused', 'Gepauzeerd', 'Suspendu', 'Pausiert'),
    COMPLETED: t('Completed', 'Voltooid', 'Terminé', 'Abgeschlossen'),
    CANCELLED: t('Cancelled', 'Geannuleerd', 'Annulé', 'Storniert'),
  },
}

/** The API's enums that have no labels, and why (see above). */
export const NOT_LABELLED: Readonly<Record<string, string>> = {
  ComponentId: "a component's name is its own in every language (Component.name)",
  PublicationId: "a publication's title is its label (Publication.title)",
  Language: 'the languages are named in their own language by any frontend',
  AuditOutcome: "operators' vocabulary, read in the audit trail's language",
  TicketOrder: 'steers a request, never shown',
}

export const LABELLED_ENUMS = Object.keys(LABELS).sort()
