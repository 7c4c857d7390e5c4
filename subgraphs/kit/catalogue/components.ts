/**
 * The platform's technical components: the one list every subgraph, the demo
 * generator and the collectors share. Order follows the path study records
 * travel, so that counts read left to right from data provider to warehouse.
 */
export const COMPONENT_IDS = [
  'HD4DP_V2_LOCAL',
  'HD4DP_V2_WEB',
  'HD4PATIENT',
  'HERA',
  'BIOIT',
  'NRC',
  'HD_INTEGRATION',
  'HD_DWH_STAGING',
  'HD_DWH_EXPLOITATION',
  'HD_MDM',
] as const

export type ComponentId = (typeof COMPONENT_IDS)[number]
export type ComponentLocation = 'EXTERNAL' | 'INTERNAL'
export type CountSource = 'HD4DEVOPS' | 'HD4RES'

export interface ComponentInfo {
  id: ComponentId
  name: string
  location: ComponentLocation
  /** Holds study records, so it has a record count per project. */
  holdsRecords: boolean
  /** Knows its study subjects, so it has a unique-subject count per project. */
  holdsSubjects: boolean
  /** Who collects its counts: HD4DevOps for external components, HD4RES itself for internal ones. */
  countSource: CountSource
}

const external = (id: ComponentId, name: string, holdsSubjects = true): ComponentInfo => ({
  id,
  name,
  location: 'EXTERNAL',
  holdsRecords: true,
  holdsSubjects,
  countSource: 'HD4DEVOPS',
})
const internal = (id: ComponentId, name: string, holdsRecords = true): ComponentInfo => ({
  id,
  name,
  location: 'INTERNAL',
  holdsRecords,
  holdsSubjects: holdsRecords,
  countSource: 'HD4RES',
})

export const COMPONENTS: readonly ComponentInfo[] = [
  external('HD4DP_V2_LOCAL', 'HD4DP v2 Local'),
  external('HD4DP_V2_WEB', 'HD4DP v2 web'),
  external('HD4PATIENT', 'HD4Patient'),
  external('HERA', 'HERA platform'),
  // BioIT holds study records but no subject information (HD4RES v2 dataflow description).
  external('BIOIT', 'BioIT platform (Integration)', false),
  external('NRC', 'NRC platform (Integration)'),
  internal('HD_INTEGRATION', 'HD Integration'),
  internal('HD_DWH_STAGING', 'HD DWH Staging'),
  internal('HD_DWH_EXPLOITATION', 'HD DWH Exploitation'),
  // HD MDM is monitored for its status only.
  internal('HD_MDM', 'HD MDM', false),
]

const byId = new Map(COMPONENTS.map((c) => [c.id, c]))

export function componentInfo(id: ComponentId): ComponentInfo {
  const info = byId.get(id)
  if (!info) throw new Error(`Unknown component id "${id}"`)
  return info
}

/** What every subgraph knows of a component without asking the components subgraph: the catalogue's own facts. */
export interface ComponentRef {
  readonly id: ComponentId
  readonly name: string
  readonly location: ComponentLocation
}

const refs = new Map<ComponentId, ComponentRef>(
  COMPONENTS.map((c) => [c.id, Object.freeze({ id: c.id, name: c.name, location: c.location })]),
)

/**
 * A component as the counts subgraphs return it: its id with its catalogue
 * name and location, so that a query for component names is answered in the
 * same subgraph call (the names are @shareable) rather than in a second call
 * to the components subgraph. One shared object per component.
 */
export function componentRef(id: ComponentId): ComponentRef {
  const ref = refs.get(id)
  if (!ref) throw new Error(`Unknown component id "${id}"`)
  return ref
}

export function isComponentId(value: string): value is ComponentId {
  return byId.has(value as ComponentId)
}

export const RECORD_COMPONENTS = COMPONENTS.filter((c) => c.holdsRecords).map((c) => c.id)
export const SUBJECT_COMPONENTS = COMPONENTS.filter((c) => c.holdsSubjects).map((c) => c.id)
export const INTERNAL_RECORD_COMPONENTS = COMPONENTS.filter((c) => c.location === 'INTERNAL' && c.holdsRecords).map((c) => c.id)
