/**
 * How ServiceNow's codes map to the API's enums: the one table to change when
 * the HD Service and Support portal adds a state. Codes come as values
 * (`"6"`) or, when only display values are sent, as labels (`"Resolved"`).
 */
import { COMPONENTS, type ComponentId } from '../../subgraphs/kit/catalogue/components.js'

export type TicketState = 'NEW' | 'IN_PROGRESS' | 'ON_HOLD' | 'RESOLVED' | 'CLOSED' | 'CANCELLED'
export type TicketPriority = 'CRITICAL' | 'HIGH' | 'MODERATE' | 'LOW' | 'PLANNING'
export type TicketTable = 'incident' | 'sc_request'
/** The tickets' tables, and task_sla: the SLAs ServiceNow runs on them. */
export type ServiceNowTable = TicketTable | 'task_sla'

/** incident.state */
export const INCIDENT_STATES: Record<string, TicketState> = {
  '1': 'NEW',
  '2': 'IN_PROGRESS',
  '3': 'ON_HOLD',
  '6': 'RESOLVED',
  '7': 'CLOSED',
  '8': 'CANCELLED',
  new: 'NEW',
  'in progress': 'IN_PROGRESS',
  'on hold': 'ON_HOLD',
  resolved: 'RESOLVED',
  closed: 'CLOSED',
  canceled: 'CANCELLED',
  cancelled: 'CANCELLED',
}

/** sc_request.request_state, preferred over the task state when present. */
export const REQUEST_STATES: Record<string, TicketState> = {
  requested: 'NEW',
  in_process: 'IN_PROGRESS',
  closed_complete: 'CLOSED',
  closed_incomplete: 'CLOSED',
  closed_cancelled: 'CANCELLED',
  closed_rejected: 'CANCELLED',
  closed_skipped: 'CANCELLED',
  'pending approval': 'NEW',
  approved: 'IN_PROGRESS',
  'closed complete': 'CLOSED',
  'closed incomplete': 'CLOSED',
  'closed cancelled': 'CANCELLED',
  'closed rejected': 'CANCELLED',
  'closed skipped': 'CANCELLED',
}

/** sc_request.state (the task state) when request_state is absent. */
export const REQUEST_TASK_STATES: Record<string, TicketState> = {
  '-5': 'ON_HOLD',
  '1': 'NEW',
  '2': 'IN_PROGRESS',
  '3': 'CLOSED',
  '4': 'CLOSED',
  '7': 'CANCELLED',
  pending: 'ON_HOLD',
  open: 'NEW',
  'work in progress': 'IN_PROGRESS',
  'closed complete': 'CLOSED',
  'closed incomplete': 'CLOSED',
  'closed skipped': 'CANCELLED',
}

/** priority, on both tables */
export const PRIORITIES: Record<string, TicketPriority> = {
  '1': 'CRITICAL',
  '2': 'HIGH',
  '3': 'MODERATE',
  '4': 'LOW',
  '5': 'PLANNING',
  '1 - critical': 'CRITICAL',
  '2 - high': 'HIGH',
  '3 - moderate': 'MODERATE',
  '4 - low': 'LOW',
  '5 - planning': 'PLANNING',
}

/** The table's entry for a code, as given or trimmed and lower-cased; only the table's own keys (never "constructor"). */
export function lookup<T>(table: Record<string, T>, code: string): T | undefined {
  if (Object.hasOwn(table, code)) return table[code]
  const folded = code.trim().toLowerCase()
  return Object.hasOwn(table, folded) ? table[folded] : undefined
}

export type ServiceRequestType = 'REQUEST_FOR_INFORMATION' | 'ACCESS_REQUEST' | 'DATA_REQUEST' | 'NEW_PROJECT' | 'CHANGE_REQUEST' | 'OTHER'
export type SlaStage = 'IN_PROGRESS' | 'PAUSED' | 'COMPLETED' | 'CANCELLED'

/**
 * sc_request.u_request_type: the portal's request forms, by choice value or
 * label. An unknown type is stored as OTHER, and the import warns.
 */
export const REQUEST_TYPES: Record<string, ServiceRequestType> = {
  request_for_information: 'REQUEST_FOR_INFORMATION',
  information: 'REQUEST_FOR_INFORMATION',
  'request for information': 'REQUEST_FOR_INFORMATION',
  'request for information about hd': 'REQUEST_FOR_INFORMATION',
  request_access: 'ACCESS_REQUEST',
  access: 'ACCESS_REQUEST',
  'request access': 'ACCESS_REQUEST',
  'request for access': 'ACCESS_REQUEST',
  'request access to an hd application': 'ACCESS_REQUEST',
  data_request: 'DATA_REQUEST',
  data_extraction: 'DATA_REQUEST',
  'data request': 'DATA_REQUEST',
  'request for data': 'DATA_REQUEST',
  'data extraction': 'DATA_REQUEST',
  new_project: 'NEW_PROJECT',
  'request for new project with hd': 'NEW_PROJECT',
  'new project': 'NEW_PROJECT',
  change_request: 'CHANGE_REQUEST',
  change: 'CHANGE_REQUEST',
  'change request': 'CHANGE_REQUEST',
  'request for change': 'CHANGE_REQUEST',
  other: 'OTHER',
}

/** task_sla.stage, by choice value or label; ServiceNow's older "breached" stage is a running SLA past its target. */
export const SLA_STAGES: Record<string, SlaStage> = {
  in_progress: 'IN_PROGRESS',
  'in progress': 'IN_PROGRESS',
  breached: 'IN_PROGRESS',
  paused: 'PAUSED',
  completed: 'COMPLETED',
  achieved: 'COMPLETED',
  cancelled: 'CANCELLED',
  canceled: 'CANCELLED',
}

/**
 * The configuration item a ticket names (cmdb_ci, by its name) to the
 * platform's component: the catalogue's names and ids, and the names the
 * portal's configuration items go by. Any other item is no HD4RES component.
 */
export const COMPONENT_ITEMS: Record<string, ComponentId> = {
  ...Object.fromEntries(COMPONENTS.flatMap((c) => [[c.name.toLowerCase(), c.id] as const, [c.id.toLowerCase(), c.id] as const])),
  'hd4dp v2': 'HD4DP_V2_LOCAL',
  'hd4dp2 local': 'HD4DP_V2_LOCAL',
  'hd4dp v2 local (nifi)': 'HD4DP_V2_LOCAL',
  hd4dp2: 'HD4DP_V2_LOCAL',
  'hd4dp2 web': 'HD4DP_V2_WEB',
  'hera platform (integration)': 'HERA',
  'hd integration engine': 'HD_INTEGRATION',
  'hd dwh': 'HD_DWH_EXPLOITATION',
  'healthdata dwh': 'HD_DWH_EXPLOITATION',
  'dwh staging': 'HD_DWH_STAGING',
  'dwh exploitation': 'HD_DWH_EXPLOITATION',
  mdm: 'HD_MDM',
}
