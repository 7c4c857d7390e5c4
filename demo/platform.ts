/**
 * The demo platform: a deterministic, realistic picture of healthdata.be that
 * every subgraph's demo filler reads. Same seed and size, same platform.
 * Each subgraph writes only its own tables from it (see demo/<name>.ts; no subgraph imports demo/).
 */
import { COMPONENT_IDS, type ComponentId } from '../subgraphs/kit/catalogue/components.js'
import { addDays, Random } from './random.js'

export interface DemoSize {
  projects: number
  providerOrganisations: number
  userOrganisations: number
  researchers: number
  /** Days of daily counts, ending at `endDate`. */
  days: number
  /** Days of availability checks (every 5 minutes), ending at `endDate`. */
  availabilityDays: number
  tickets: number
}

export const DEMO_SIZES = {
  /** Quick to load: for tests. */
  small: {
    projects: 12,
    providerOrganisations: 30,
    userOrganisations: 8,
    researchers: 10,
    days: 60,
    availabilityDays: 3,
    tickets: 1200,
  },
  /** The demo platform `npm start` serves. */
  default: {
    projects: 40,
    providerOrganisations: 150,
    userOrganisations: 20,
    researchers: 60,
    days: 730,
    availabilityDays: 30,
    tickets: 4000,
  },
  /** For benchmarks. */
  large: {
    projects: 1000,
    providerOrganisations: 600,
    userOrganisations: 80,
    researchers: 1500,
    days: 1095,
    availabilityDays: 30,
    tickets: 200_000,
  },
} satisfies Record<string, DemoSize>

export type DemoSizeName = keyof typeof DEMO_SIZES

export type OrganisationType = 'HOSPITAL' | 'LABORATORY' | 'GENERAL_PRACTICE' | 'RESEARCH_INSTITUTE' | 'PUBLIC_AUTHORITY' | 'OTHER'

export interface DemoInstallation {
  host: string
  environment: 'PRODUCTION' | 'INTEGRATION'
  sizeClass: SizeClass
  /** The HD4DP v2 release it runs. */
  release: string
  /** When HD4DevOps last heard from it. */
  lastContactAt: string
}

export interface DemoOrganisation {
  id: string
  name: string
  type: OrganisationType
  identifier: string | null
  /** The city it is in. */
  city: string | null
  /** HD4DP v2 Local production installation host, for data providers that run one; its counts are the ones HD4DevOps reports. */
  installationHost: string | null
  /** Every HD4DP v2 Local installation: production, and an integration server beside it at some hospitals. */
  installations: DemoInstallation[]
  /** V1_LOCAL: still on HD4RES v1 Local, which HD4DevOps cannot monitor; null for organisations without a local component. */
  localArchitecture: 'V2_LOCAL' | 'V1_LOCAL' | null
}

export interface DemoIndividual {
  id: string
  displayName: string
  organisationId: string | null
}

export interface DemoProject {
  id: string
  code: string
  name: string
  description: string
  /** First day records were collected. */
  startDate: string
  /** External components that collect this project's records. */
  sources: ComponentId[]
  /** Every component the project uses, in flow order. */
  components: ComponentId[]
  /** Daily new records at full speed, across all sources. */
  dailyRecords: number
  /** Records per subject (follow-ups make it above one). */
  recordsPerSubject: number
  providerOrganisationIds: string[]
  /** Provider individuals with their roles in this project. */
  providerIndividuals: { individualId: string; roles: string[] }[]
}

export interface DemoResearcher {
  id: string
  displayName: string
  email: string
  projectIds: string[]
  roles: string[]
}

export interface DemoPlatform {
  seed: number
  endDate: string
  size: DemoSize
  organisations: DemoOrganisation[]
  individuals: DemoIndividual[]
  projects: DemoProject[]
  researchers: DemoResearcher[]
  dataUserOrganisationIds: string[]
  dataUsers: { individualId: string; roles: string[] }[]
}

type Language = 'nl' | 'fr' | 'de'
export type SizeClass = 'SMALL' | 'MEDIUM' | 'LARGE'

/** Cities by the language their organisations are named in (Brussels' in French here). */
const CITIES: readonly (readonly [string, Language])[] = [
  ['Antwerpen', 'nl'],
  ['Brugge', 'nl'],
  ['Gent', 'nl'],
  ['Leuven', 'nl'],
  ['Hasselt', 'nl'],
  ['Kortrijk', 'nl'],
  ['Mechelen', 'nl'],
  ['Aalst', 'nl'],
  ['Genk', 'nl'],
  ['Roeselare', 'nl'],
  ['Oostende', 'nl'],
  ['Turnhout', 'nl'],
  ['Sint-Niklaas', 'nl'],
  ['Lier', 'nl'],
  ['Geel', 'nl'],
  ['Ieper', 'nl'],
  ['Tienen', 'nl'],
  ['Bruxelles', 'fr'],
  ['Liège', 'fr'],
  ['Namur', 'fr'],
  ['Charleroi', 'fr'],
  ['Mons', 'fr'],
  ['Tournai', 'fr'],
  ['Arlon', 'fr'],
  ['Verviers', 'fr'],
  ['Wavre', 'fr'],
  ['Ottignies', 'fr'],
  ['Dinant', 'fr'],
  ['Marche-en-Famenne', 'fr'],
  ['Eupen', 'de'],
]
/** Belgian hospitals with the city they are in and the size of their HD4DP v2 Local installation. */
const HOSPITALS: readonly (readonly [string, string, SizeClass])[] = [
  ['AZ Sint-Jan', 'Brugge', 'LARGE'],
  ['AZ Delta', 'Roeselare', 'LARGE'],
  ['AZ Groeninge', 'Kortrijk', 'LARGE'],
  ['Jessa Ziekenhuis', 'Hasselt', 'LARGE'],
  ['ZNA Middelheim', 'Antwerpen', 'LARGE'],
  ['AZ Sint-Maarten', 'Mechelen', 'MEDIUM'],
  ['Ziekenhuis Oost-Limburg', 'Genk', 'LARGE'],
  ['AZ Monica', 'Antwerpen', 'MEDIUM'],
  ['AZ Vesalius', 'Tongeren', 'SMALL'],
  ['AZ Damiaan', 'Oostende', 'MEDIUM'],
  ['UZ Leuven', 'Leuven', 'LARGE'],
  ['UZ Gent', 'Gent', 'LARGE'],
  ['UZ Brussel', 'Brussel', 'LARGE'],
  ['UZA', 'Edegem', 'LARGE'],
  ['AZ Nikolaas', 'Sint-Niklaas', 'MEDIUM'],
  ['AZ Rivierenland', 'Bornem', 'MEDIUM'],
  ['Heilig Hartziekenhuis', 'Lier', 'MEDIUM'],
  ['AZ Turnhout', 'Turnhout', 'MEDIUM'],
  ['AZ Maria Middelares', 'Gent', 'MEDIUM'],
  ['AZ Sint-Lucas', 'Gent', 'MEDIUM'],
  ['OLV Ziekenhuis', 'Aalst', 'LARGE'],
  ['AZ West', 'Veurne', 'SMALL'],
  ['AZ Zeno', 'Knokke-Heist', 'SMALL'],
  ['Sint-Trudo Ziekenhuis', 'Sint-Truiden', 'SMALL'],
  ['RZ Heilig Hart', 'Tienen', 'SMALL'],
  ['AZ Diest', 'Diest', 'SMALL'],
  ['AZ Klina', 'Brasschaat', 'MEDIUM'],
  ['GZA Ziekenhuizen', 'Wilrijk', 'LARGE'],
  ['AZ Jan Portaels', 'Vilvoorde', 'SMALL'],
  ['AZ Oudenaarde', 'Oudenaarde', 'SMALL'],
  ['AZ Alma', 'Eeklo', 'SMALL'],
  ['Jan Yperman Ziekenhuis', 'Ieper', 'MEDIUM'],
  ['AZ Glorieux', 'Ronse', 'SMALL'],
  ['AZ Herentals', 'Herentals', 'SMALL'],
  ['AZ Sint-Blasius', 'Dendermonde', 'MEDIUM'],
  ['CHU de Liège', 'Liège', 'LARGE'],
  ['CHU UCL Namur', 'Yvoir', 'LARGE'],
  ['CHU de Charleroi', 'Charleroi', 'LARGE'],
  ['CHR de la Citadelle', 'Liège', 'LARGE'],
  ['CHR Sambre et Meuse', 'Namur', 'MEDIUM'],
  ['CHR Verviers East Belgium', 'Verviers', 'MEDIUM'],
  ['Grand Hôpital de Charleroi', 'Charleroi', 'LARGE'],
  ['Hôpital de Jolimont', 'La Louvière', 'MEDIUM'],
  ['Cliniques universitaires Saint-Luc', 'Bruxelles', 'LARGE'],
  ['CHC MontLégia', 'Liège', 'LARGE'],
  ['Clinique Saint-Pierre', 'Ottignies', 'MEDIUM'],
  ['Vivalia Hôpital Princesse Paola', 'Marche-en-Famenne', 'SMALL'],
  ['HELORA', 'Mons', 'LARGE'],
  ['CHwapi', 'Tournai', 'MEDIUM'],
  ['CHU Saint-Pierre', 'Bruxelles', 'LARGE'],
  ['CHU Brugmann', 'Bruxelles', 'LARGE'],
  ['Hôpital Erasme', 'Bruxelles', 'LARGE'],
  ['Clinique Saint-Jean', 'Bruxelles', 'MEDIUM'],
  ['Centre Hospitalier de Mouscron', 'Mouscron', 'SMALL'],
  ['CHR de Huy', 'Huy', 'SMALL'],
  ['Clinique André Renard', 'Herstal', 'SMALL'],
  ['Clinique Saint-Luc Bouge', 'Namur', 'MEDIUM'],
  ['St. Nikolaus-Hospital', 'Eupen', 'SMALL'],
  ['Klinik St. Josef', 'Sankt Vith', 'SMALL'],
]
/** Genetics centres, each in its own city; other laboratories are named after their city, in its language. */
const GENETICS_CENTRES: readonly (readonly [string, string])[] = [
  ['Centrum Menselijke Erfelijkheid UZ Leuven', 'Leuven'],
  ['Centrum Medische Genetica Gent', 'Gent'],
  ['Centrum Medische Genetica Antwerpen', 'Antwerpen'],
  ['Centre de Génétique Humaine CHU de Liège', 'Liège'],
  ['Institut de Pathologie et de Génétique', 'Gosselies'],
  ['Centre de Génétique Humaine UCLouvain', 'Bruxelles'],
]
const LAB_NAMES: Record<Language, readonly string[]> = {
  nl: ['Laboratorium Klinische Biologie', 'Labo Medische Microbiologie', 'Medisch Labo'],
  fr: ['Laboratoire de biologie clinique', 'Laboratoire de microbiologie', 'Laboratoire médical'],
  de: ['Labor für klinische Biologie'],
}
const GP_NAMES: Record<Language, readonly string[]> = {
  nl: ['Huisartsenpraktijk', 'Wijkgezondheidscentrum', 'Groepspraktijk'],
  fr: ['Maison médicale', 'Cabinet médical', 'Centre médical'],
  de: ['Hausarztpraxis', 'Gemeinschaftspraxis'],
}
const CARE_HOMES: Record<Language, string> = { nl: 'Woonzorgcentrum', fr: 'Maison de repos', de: 'Seniorenheim' }
/** HD4DP v2 releases in the field, oldest first, with how many production servers run each. */
const RELEASES: readonly (readonly [string, number])[] = [
  ['2.13.4', 1],
  ['2.14.2', 3],
  ['2.15.0', 4],
  ['2.15.1', 6],
]
/** What integration servers test before production gets it. */
const NEXT_RELEASES: readonly (readonly [string, number])[] = [
  ['2.15.1', 2],
  ['2.16.0', 3],
]
const USER_ORGS = [
  'KU Leuven',
  'Universiteit Gent',
  'Universiteit Antwerpen',
  'UCLouvain',
  'Université de Liège',
  'ULB',
  'VUB',
  'UHasselt',
  'Université de Namur',
  'Sciensano',
  'RIZIV-INAMI',
  'KCE',
  'Stichting Kankerregister',
  'FOD Volksgezondheid',
  'AViQ',
  'Departement Zorg',
  'Vivalis',
  'Institut de Recherche Santé',
  'Prins Leopold Instituut voor Tropische Geneeskunde',
  'VITO Health',
]
const FIRST_NAMES = [
  'An',
  'Luc',
  'Els',
  'Marc',
  'Sofie',
  'Pieter',
  'Nathalie',
  'Jean',
  'Marie',
  'Koen',
  'Inge',
  'Thomas',
  'Julie',
  'Pierre',
  'Lotte',
  'Wim',
  'Chloé',
  'Bart',
  'Hanne',
  'Olivier',
  'Sarah',
  'Michel',
  'Lien',
  'Karim',
  'Fatima',
  'Jonas',
  'Émilie',
  'Tom',
  'Ann-Sophie',
  'Geert',
]
const LAST_NAMES = [
  'Peeters',
  'Janssens',
  'Maes',
  'Jacobs',
  'Mertens',
  'Willems',
  'Claes',
  'Goossens',
  'Wouters',
  'De Smet',
  'Dubois',
  'Lambert',
  'Dupont',
  'Martin',
  'Leclercq',
  'Vermeulen',
  'Van den Broeck',
  'Declercq',
  'Hermans',
  'Michiels',
  'Renard',
  'Lemaire',
  'El Amrani',
  'Desmet',
  'Pauwels',
  'Dumont',
  'Francois',
  'Verstraete',
  'Coppens',
  'Lejeune',
]
const PROJECT_TOPICS = [
  ['BCFR', 'Belgian Cystic Fibrosis Registry'],
  ['ORTHOPRIDE-HIP', 'Orthopride: hip arthroplasty'],
  ['ORTHOPRIDE-KNEE', 'Orthopride: knee arthroplasty'],
  ['QERMID-PACE', 'QERMID pacemakers'],
  ['QERMID-ICD', 'QERMID implantable cardioverter-defibrillators'],
  ['QERMID-TAVI', 'QERMID transcatheter aortic valve implantation'],
  ['TBC', 'Tuberculosis surveillance'],
  ['NSIH-SEP', 'Hospital bloodstream infection surveillance'],
  ['NSIH-ICU', 'Intensive care unit infection surveillance'],
  ['BELRAI', 'BelRAI resident assessment'],
  ['BNMDR', 'Belgian Neuromuscular Diseases Registry'],
  ['BRDR', 'Belgian Rare Diseases Registry'],
  ['CRRD', 'Central Registry of Rare Diseases'],
  ['EPI-DIAB', 'Diabetes care in general practice'],
  ['IDR-DIAB', 'Initiative for quality promotion and epidemiology of diabetes'],
  ['BELTRAN', 'Belgian transplant outcomes'],
  ['PSY-REG', 'Psychiatric hospital minimum data'],
  ['HIV-REG', 'HIV cohort and surveillance'],
  ['COVID-HOSP', 'COVID-19 clinical hospital surveillance'],
  ['COVID-LAB', 'COVID-19 laboratory results'],
  ['SARI', 'Severe acute respiratory infection surveillance'],
  ['INFLU-GP', 'Influenza-like illness sentinel general practices'],
  ['NEO-ICU', 'Neonatal intensive care outcomes'],
  ['PERINAT', 'Perinatal activity registry'],
  ['CARD-ACS', 'Acute coronary syndromes registry'],
  ['STROKE', 'Belgian stroke registry'],
  ['BRCA', 'Hereditary breast and ovarian cancer genetics'],
  ['GEN-ONCO', 'Oncogenetic testing in molecular pathology'],
  ['NRC-MENINGO', 'National reference centre: meningococci'],
  ['NRC-LEGIO', 'National reference centre: Legionella'],
  ['AMR-GP', 'Antimicrobial resistance in primary care'],
  ['MDRO', 'Multidrug-resistant organisms surveillance'],
  ['ENDO-BARI', 'Bariatric surgery outcomes'],
  ['DIAL', 'Renal replacement therapy registry'],
  ['PROMS-CARE', 'Patient-reported outcomes after cardiac surgery'],
  ['PROMS-ORTHO', 'Patient-reported outcomes after joint replacement'],
  ['MUCO-PRO', 'Patient-reported outcomes in cystic fibrosis'],
  ['HERA-WGS', 'Whole genome sequencing of pathogens'],
  ['BIO-COHORT', 'Biobank cohort of chronic diseases'],
  ['IMPLANTS', 'Medical implants traceability'],
] as const

const PROVIDER_ROLES = ['Data collector', 'Data reviewer', 'Principal investigator', 'Local administrator']
const USER_ROLES = ['Researcher', 'Data analyst', 'Statistician', 'Project lead']

function slug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

export interface DemoOptions {
  size?: DemoSizeName | DemoSize
  seed?: number
  /** Last day of daily data; defaults to yesterday (UTC). */
  endDate?: string
}

export function yesterday(): string {
  return addDays(new Date().toISOString().slice(0, 10), -1)
}

export function generatePlatform(options: DemoOptions = {}): DemoPlatform {
  const size = typeof options.size === 'object' ? options.size : DEMO_SIZES[options.size ?? 'default']
  const seed = options.seed ?? 20_231_019
  const endDate = options.endDate ?? yesterday()
  const rnd = new Random(seed)
  const orgRnd = rnd.fork('organisations')

  const organisations: DemoOrganisation[] = []
  const individuals: DemoIndividual[] = []
  const person = (r: Random) => `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`

  // Hospitals are taken in a shuffled order, each with its own city; past the list, their further campuses.
  const hospitals = orgRnd.sample(HOSPITALS, HOSPITALS.length)
  const genetics = orgRnd.sample(GENETICS_CENTRES, GENETICS_CENTRES.length)
  let hospitalCount = 0
  let labCount = 0
  const names = new Set<string>()
  const unique = (base: string) => {
    let name = base
    for (let n = 2; names.has(name); n++) name = `${base} ${n}`
    names.add(name)
    return name
  }
  // HD4DevOps' counts documents are made shortly after 03:10 UTC on the next morning.
  const lastExport = Date.parse(`${addDays(endDate, 1)}T03:10:00Z`)
  const contact = (r: Random, daysBefore: number) =>
    new Date(lastExport - daysBefore * 86_400_000 + r.int(0, 9 * 60 + 59) * 1000).toISOString().replace('.000Z', 'Z')

  for (let i = 0; i < size.providerOrganisations; i++) {
    const type = orgRnd.weighted<OrganisationType>([
      ['HOSPITAL', 70],
      ['LABORATORY', 18],
      ['GENERAL_PRACTICE', 8],
      ['OTHER', 4],
    ])
    const [town, language] = CITIES[i % CITIES.length]!
    let name: string
    let city: string
    let sizeClass: SizeClass = 'SMALL'
    if (type === 'HOSPITAL') {
      const [brand, at, hospitalSize] = hospitals[hospitalCount % hospitals.length]!
      const campus = Math.floor(hospitalCount++ / hospitals.length)
      const base = brand.includes(at) ? brand : `${brand} ${at}`
      name = unique(campus > 0 ? `${base} campus ${campus + 1}` : base)
      city = at
      // A further campus is a smaller site of the network.
      sizeClass = campus > 0 && hospitalSize === 'LARGE' ? 'MEDIUM' : hospitalSize
    } else if (type === 'LABORATORY' && labCount < genetics.length && orgRnd.chance(0.4)) {
      ;[name, city] = genetics[labCount++]!
      name = unique(name)
      sizeClass = 'MEDIUM'
    } else {
      city = town
      const prefix =
        type === 'LABORATORY'
          ? orgRnd.pick(LAB_NAMES[language])
          : type === 'GENERAL_PRACTICE'
            ? orgRnd.pick(GP_NAMES[language])
            : CARE_HOMES[language]
      name = unique(`${prefix} ${town}`)
      if (type === 'LABORATORY') sizeClass = orgRnd.chance(0.3) ? 'MEDIUM' : 'SMALL'
    }
    const id = `org-${String(i + 1).padStart(4, '0')}`
    // NIHDI (RIZIV-INAMI) numbers: 8 digits, hospitals in the 710 range.
    const identifier = type === 'OTHER' ? null : `${type === 'HOSPITAL' ? '710' : '8'}${String(10000 + i * 37).slice(-5)}`.padEnd(8, '0')
    const runsLocal = type === 'HOSPITAL' || type === 'LABORATORY'
    const installations: DemoInstallation[] = []
    if (runsLocal) {
      const instRnd = orgRnd.fork(`installation:${id}`)
      // Now and then a server has not been heard from for a few days.
      installations.push({
        host: `hd4dp.${slug(name)}.be`,
        environment: 'PRODUCTION',
        sizeClass,
        release: instRnd.weighted(RELEASES),
        lastContactAt: contact(instRnd, instRnd.chance(0.05) ? instRnd.int(2, 6) : 0),
      })
      // Larger hospitals test each release on an integration server first.
      const integrationShare = type !== 'HOSPITAL' ? 0 : sizeClass === 'LARGE' ? 0.6 : sizeClass === 'MEDIUM' ? 0.2 : 0
      if (instRnd.chance(integrationShare)) {
        installations.push({
          host: `hd4dp-int.${slug(name)}.be`,
          environment: 'INTEGRATION',
          sizeClass: 'SMALL',
          release: instRnd.weighted(NEXT_RELEASES),
          lastContactAt: contact(instRnd, instRnd.int(0, 3)),
        })
      }
    }
    organisations.push({
      id,
      name,
      type,
      identifier,
      city,
      installationHost: installations[0]?.host ?? null,
      installations,
      localArchitecture: runsLocal ? 'V2_LOCAL' : null,
    })
    const staff = orgRnd.int(1, 3)
    for (let s = 0; s < staff; s++) {
      individuals.push({ id: `ind-${individuals.length + 1}`, displayName: person(orgRnd), organisationId: id })
    }
  }
  // One or two smaller providers are still on HD4RES v1 Local: no installation HD4DevOps can monitor, so no counts from them.
  const v1Candidates = organisations.filter((o) => o.installations.length === 1 && o.installations[0]!.sizeClass !== 'LARGE')
  for (const org of orgRnd.sample(v1Candidates, size.providerOrganisations >= 100 ? 2 : 1)) {
    org.installationHost = null
    org.installations = []
    org.localArchitecture = 'V1_LOCAL'
  }

  const userOrgIds: string[] = []
  for (let i = 0; i < size.userOrganisations; i++) {
    const name = i < USER_ORGS.length ? USER_ORGS[i]! : `${USER_ORGS[i % USER_ORGS.length]} ${Math.floor(i / USER_ORGS.length) + 1}`
    const type: OrganisationType = /Univ|KU |UC|ULB|VUB|UHasselt/.test(name)
      ? 'RESEARCH_INSTITUTE'
      : /RIZIV|FOD|AViQ|Departement|Vivalis|KCE|Sciensano/.test(name)
        ? 'PUBLIC_AUTHORITY'
        : 'RESEARCH_INSTITUTE'
    const id = `org-u${String(i + 1).padStart(3, '0')}`
    organisations.push({
      id,
      name,
      type,
      identifier: type === 'PUBLIC_AUTHORITY' ? `BE0${String(200000000 + i * 7919).slice(-9)}` : null,
      city: null,
      installationHost: null,
      installations: [],
      localArchitecture: null,
    })
    userOrgIds.push(id)
  }

  const providerOrgs = organisations.filter((o) => !o.id.startsWith('org-u'))
  const projRnd = rnd.fork('projects')
  const projects: DemoProject[] = []
  for (let i = 0; i < size.projects; i++) {
    const [topicCode, topicName] = PROJECT_TOPICS[i % PROJECT_TOPICS.length]!
    const round = Math.floor(i / PROJECT_TOPICS.length)
    const code = round > 0 ? `${topicCode}-${round + 1}` : topicCode
    const name = round > 0 ? `${topicName} (cohort ${round + 1})` : topicName
    const sources: ComponentId[] =
      topicCode.startsWith('PROMS') || topicCode === 'MUCO-PRO'
        ? ['HD4PATIENT', 'HD4DP_V2_WEB']
        : topicCode.startsWith('NRC')
          ? ['NRC']
          : topicCode.startsWith('HERA')
            ? ['HERA']
            : topicCode.startsWith('BIO') || topicCode.startsWith('GEN')
              ? ['BIOIT', 'HD4DP_V2_LOCAL']
              : projRnd.chance(0.7)
                ? ['HD4DP_V2_LOCAL', 'HD4DP_V2_WEB']
                : ['HD4DP_V2_LOCAL']
    const components: ComponentId[] = [...sources, 'HD_INTEGRATION', 'HD_DWH_STAGING', 'HD_DWH_EXPLOITATION', 'HD_MDM']
    const providerCount = Math.min(providerOrgs.length, projRnd.int(4, 30))
    const providers = projRnd.sample(providerOrgs, providerCount)
    const providerIndividuals = providers.flatMap((org) =>
      individuals
        .filter((ind) => ind.organisationId === org.id)
        .map((ind) => ({ individualId: ind.id, roles: projRnd.sample(PROVIDER_ROLES, projRnd.int(1, 2)) })),
    )
    // Most projects started before the window; some started inside it, to show a ramp-up.
    const startOffset = projRnd.chance(0.75) ? -size.days - projRnd.int(0, 400) : -projRnd.int(10, size.days - 5)
    projects.push({
      id: `prj-${String(i + 1).padStart(4, '0')}`,
      code,
      name,
      description: `${name}: a research project facilitated by healthdata.be, collecting data from ${providerCount} data providers.`,
      startDate: addDays(endDate, startOffset),
      sources,
      components: sortByFlow(components),
      // A few tiny projects keep subject counts small, where suppression matters.
      dailyRecords: projRnd.chance(0.1) ? projRnd.next() * 0.05 : 2 + projRnd.next() * 60,
      recordsPerSubject: 1 + projRnd.next() * 2.5,
      providerOrganisationIds: providers.map((o) => o.id),
      providerIndividuals,
    })
  }

  const resRnd = rnd.fork('researchers')
  const researchers: DemoResearcher[] = []
  for (let i = 0; i < size.researchers; i++) {
    const displayName = i === 0 ? 'An Peeters' : person(resRnd)
    const count = i === 0 ? 3 : resRnd.int(1, 4)
    // The first researcher is the demo one: a member of the first three projects.
    const projectIds = i === 0 ? projects.slice(0, 3).map((p) => p.id) : resRnd.sample(projects, count).map((p) => p.id)
    researchers.push({
      id: `researcher-${String(i + 1).padStart(4, '0')}`,
      displayName,
      email: `${slug(displayName)}.${i + 1}@example.be`,
      projectIds: projectIds.sort(),
      roles: ['researcher'],
    })
  }

  const dataUserOrgs = userOrgIds
  const dataUsers: { individualId: string; roles: string[] }[] = []
  const userRnd = rnd.fork('data-users')
  for (const orgId of dataUserOrgs) {
    for (let s = userRnd.int(1, 4); s > 0; s--) {
      const ind: DemoIndividual = { id: `ind-${individuals.length + 1}`, displayName: person(userRnd), organisationId: orgId }
      individuals.push(ind)
      dataUsers.push({ individualId: ind.id, roles: userRnd.sample(USER_ROLES, userRnd.int(1, 2)) })
    }
  }

  return {
    seed,
    endDate,
    size,
    organisations,
    individuals,
    projects,
    researchers,
    dataUserOrganisationIds: dataUserOrgs,
    dataUsers,
  }
}

function sortByFlow(ids: ComponentId[]): ComponentId[] {
  return [...new Set(ids)].sort((a, b) => COMPONENT_IDS.indexOf(a) - COMPONENT_IDS.indexOf(b))
}
