/**
 * Project scoping: a researcher sees a project only if they are a member.
 * Every project-scoped field asks here, in the subgraph that owns the data.
 * Each check is noted in the request's reads (reads.ts): the audit trail
 * records which projects an answer touched, and which it refused.
 */
import { GraphQLError } from 'graphql'
import type { Identity } from '../../../platform/identity.js'
import { readLogOf } from '../../../platform/reads.js'

export function isMember(identity: Identity, projectId: string): boolean {
  return identity.projects.includes(projectId)
}

/** isMember, noted in the request's reads: for fields that answer null rather than FORBIDDEN to a non-member. */
export function checkMember(identity: Identity, projectId: string): boolean {
  const member = isMember(identity, projectId)
  const log = readLogOf(identity)
  if (log) (member ? log.projects : log.denied).add(projectId)
  return member
}

export function forbidden(projectId: string): GraphQLError {
  return new GraphQLError(`You are not a member of research project "${projectId}"`, {
    extensions: { code: 'FORBIDDEN' },
  })
}

/** Throws FORBIDDEN unless the researcher is a member of the project. */
export function assertMember(identity: Identity, projectId: string): void {
  if (!checkMember(identity, projectId)) throw forbidden(projectId)
}

export function badInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } })
}

/**
 * `__resolveReference` for ResearchProject in the subgraphs that extend it: the
 * project is only a key there. Which researcher may read which field is decided
 * field by field (assertMember), so a forged `_entities` call gets FORBIDDEN.
 */
export function resolveProjectKey(reference: { id: string }): { id: string } {
  return { id: reference.id }
}
