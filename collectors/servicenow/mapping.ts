/**
 * How ServiceNow's codes map to the API's enums: the one table to change when
 * the HD Service and Support portal adds a state. Codes come as values
 * (`"6"`) or, when only display values are sent, as labels (`"Resolved"`).
 */
export type TicketState = 'NEW' | 'IN_PROGRESS' | 'ON_HOLD' | 'RESOLVED' | 'CLOSED' | 'CANCELLED'
export type TicketPriority = 'CRITICAL' | 'HIGH' | 'MODERATE' | 'LOW' | 'PLANNING'
export type TicketTable = 'incident' | 'sc_request'

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

export function lookup<T>(table: Record<string, T>, code: string): T | undefined {
  return table[code] ?? table[code.trim().toLowerCase()]
}
