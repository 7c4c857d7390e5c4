/**
 * The audit trail for operators: who asked the graph what, and what it
 * answered (records written by the gateways, kept in `ops.audit_log`). Needs
 * the `operator` role; newest first, by researcher, project, publication,
 * outcome and time, with opaque cursors.
 */
import 'reflect-metadata'
import { GraphQLError } from 'graphql'
import { Args, ArgsType, Ctx, Directive, Field, ID, InputType, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql'
import { badInput } from '../kit/graphql/access.js'
import { isPublicationId, type PublicationId } from '../kit/catalogue/publications.js'
import { DateTimeScalar } from '../kit/graphql/scalars.js'
import type { SubgraphContext } from '../kit/server/subgraph.js'
import { PublicationIdEnum } from '../kit/graphql/types.js'
import type { ParticipantsLoaders } from './loaders.js'
import { AUDIT_TEXT_MAX } from '../../platform/auditRecord.js'
import type { AuditRow } from './auditStore.js'
import { OPERATOR_ROLE } from './operations.js'

export const AuditOutcomeEnum = { OK: 'OK', PARTIAL: 'PARTIAL', ERROR: 'ERROR', REFUSED: 'REFUSED' } as const
type AuditOutcomeName = keyof typeof AuditOutcomeEnum
registerEnumType(AuditOutcomeEnum, {
  name: 'AuditOutcome',
  description: 'How the gateway answered an operation.',
  valuesConfig: {
    OK: { description: 'Answered without errors.' },
    PARTIAL: { description: 'Answered with data and errors (a FORBIDDEN field, say).' },
    ERROR: { description: 'Answered with errors only: the operation did not parse or validate, or nothing of it could be answered.' },
    REFUSED: {
      description: 'Turned away before GraphQL ran: sign-in, a limit, the safelist or the rate limit (see httpStatus and errorCodes).',
    },
  },
})

@ObjectType('AuditRecord', { description: 'One GraphQL operation the gateway answered or refused, as the audit trail recorded it.' })
export class AuditRecordNode {
  @Field(() => ID)
  id!: string

  @Field(() => DateTimeScalar, { description: 'When the answer left the gateway.' })
  at!: string

  @Field(() => String, { description: 'The request id (x-request-id) the answer carried; the gateway log names the same id.' })
  requestId!: string

  @Field(() => Int, {
    nullable: true,
    description: "The operation's place in a batched request, from 0; null for a request of one operation.",
  })
  batchIndex!: number | null

  @Field(() => String, {
    nullable: true,
    description: 'The researcher whose token was verified; null when the request was refused before sign-in succeeded.',
  })
  researcherId!: string | null

  @Field(() => String, {
    nullable: true,
    description:
      'For a request turned away before its token was verified (a failed sign-in, a limit): the subject the token names, unverified. A lead for an investigation, never proof of who sent it.',
  })
  claimedResearcherId!: string | null

  @Field(() => [String], { description: "The roles of the researcher's token." })
  roles!: string[]

  @Field(() => String, { nullable: true })
  operationName!: string | null

  @Field(() => String, {
    nullable: true,
    description: "SHA-256 of the operation's text, hexadecimal (the hash automatic persisted queries and the safelist use).",
  })
  operationHash!: string | null

  @Field(() => [ID], { description: 'Projects the answer read: a membership check on each of them passed.' })
  projectIds!: string[]

  @Field(() => [ID], { description: 'Projects the operation asked for and was refused (FORBIDDEN, or null for project(id)).' })
  deniedProjectIds!: string[]

  @Field(() => [PublicationIdEnum], { description: 'Publications that answered with data.' })
  publications!: PublicationId[]

  @Field(() => AuditOutcomeEnum)
  outcome!: AuditOutcomeName

  @Field(() => Int, { description: "The answer's HTTP status." })
  httpStatus!: number

  @Field(() => [String], { description: "The answer's error codes, each once." })
  errorCodes!: string[]

  @Field(() => Boolean, { description: "Answered from the gateway's response cache." })
  fromCache!: boolean

  @Field(() => String, { nullable: true, description: 'The client address the gateway saw.' })
  clientAddress!: string | null
}

@ObjectType({ description: 'Where a page ends, and whether another follows.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean

  @Field(() => String, { nullable: true })
  endCursor!: string | null
}

@ObjectType()
export class AuditRecordEdge {
  @Field(() => String)
  cursor!: string

  @Field(() => AuditRecordNode)
  node!: AuditRecordNode
}

@ObjectType({ description: 'A page of audit records, newest first.' })
export class AuditRecordConnection {
  @Field(() => PageInfo)
  pageInfo!: PageInfo

  @Field(() => [AuditRecordEdge])
  edges!: AuditRecordEdge[]
}

@InputType({ description: 'Which audit records: every condition given must hold.' })
export class AuditFilter {
  @Field(() => String, { nullable: true, description: "Only this researcher's operations." })
  researcherId?: string | null

  @Field(() => ID, { nullable: true, description: 'Only operations that read this project or were refused it.' })
  projectId?: string | null

  @Field(() => String, { nullable: true, description: 'The same, for the project with this code (BCFR, say).' })
  projectCode?: string | null

  @Field(() => PublicationIdEnum, { nullable: true, description: 'Only operations that read this publication.' })
  publication?: PublicationId | null

  @Field(() => AuditOutcomeEnum, { nullable: true })
  outcome?: AuditOutcomeName | null

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only operations answered at or after this time.' })
  from?: string | null

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only operations answered before this time.' })
  to?: string | null
}

@ArgsType()
class AuditRecordsArgs {
  @Field(() => AuditFilter, { nullable: true })
  filter?: AuditFilter | null

  @Field(() => Int, { nullable: true, defaultValue: 50, description: 'How many records, 0 to 100 (50 when left out).' })
  first?: number | null

  @Field(() => String, { nullable: true, description: "A previous page's pageInfo.endCursor (or an edge's cursor): the records after it." })
  after?: string | null
}

const CURSOR_PREFIX = 'a1|'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A record's place in the order (time, then id), opaque to the caller. */
export function encodeAuditCursor(row: { at: string; id: string }): string {
  return Buffer.from(`${CURSOR_PREFIX}${row.at}|${row.id}`, 'utf8').toString('base64url')
}

export function decodeAuditCursor(cursor: string): { at: string; id: string } {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : ''
  const [, at, id] = text.startsWith(CURSOR_PREFIX) ? text.split('|') : []
  if (!at || !id || !UUID.test(id) || Number.isNaN(Date.parse(at))) {
    throw badInput('"after" is not a cursor of the audit trail: pass pageInfo.endCursor or an edge\'s cursor from a previous page', 'after')
  }
  return { at, id }
}

const toNode = (row: AuditRow): AuditRecordNode => ({
  id: row.id,
  at: new Date(row.at).toISOString(),
  requestId: row.request_id,
  batchIndex: row.batch_index,
  researcherId: row.researcher_id,
  claimedResearcherId: row.claimed_researcher_id,
  roles: row.roles,
  operationName: row.operation_name,
  operationHash: row.operation_hash,
  projectIds: row.project_ids,
  deniedProjectIds: row.denied_project_ids,
  // A publication a later release no longer has is left out rather than failing the page.
  publications: row.publications.filter(isPublicationId),
  outcome: row.outcome.toUpperCase() as AuditOutcomeName,
  httpStatus: row.http_status,
  errorCodes: row.error_codes,
  fromCache: row.from_cache,
  clientAddress: row.client_address,
})

type Ctx = SubgraphContext<ParticipantsLoaders>

/** A given text condition: trimmed; an empty one is refused rather than matching nothing. */
function textCondition(value: string | null | undefined, name: string): string | undefined {
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === '') throw badInput(`"filter.${name}" must not be empty; leave it out to match every record`, `filter.${name}`)
  if (trimmed.length > AUDIT_TEXT_MAX)
    throw badInput(`"filter.${name}" is longer than ${AUDIT_TEXT_MAX} characters; no record holds such a value`, `filter.${name}`)
  return trimmed
}

@Resolver(() => AuditRecordNode)
export class AuditResolver {
  @Query(() => AuditRecordConnection, {
    description: 'The audit trail: every operation the gateway answered or refused, newest first. Operators only.',
  })
  async auditRecords(
    @Args(() => AuditRecordsArgs) { filter, first: given, after }: AuditRecordsArgs,
    @Ctx() ctx: Ctx,
  ): Promise<AuditRecordConnection> {
    if (!ctx.identity.roles.includes(OPERATOR_ROLE)) {
      throw new GraphQLError('auditRecords is for operators: your token has no "operator" role', { extensions: { code: 'FORBIDDEN' } })
    }
    const first = given ?? 50
    if (!Number.isInteger(first) || first < 0 || first > 100) throw badInput(`"first" must be between 0 and 100; got ${first}`, 'first')
    const position = after ? decodeAuditCursor(after) : undefined
    const from = filter?.from ?? undefined
    const to = filter?.to ?? undefined
    if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
      throw badInput(`"filter.from" (${from}) must be before "filter.to" (${to})`, 'filter.from')
    }
    const projectIds = new Set<string>()
    const projectId = textCondition(filter?.projectId, 'projectId')
    if (projectId !== undefined) projectIds.add(projectId)
    const projectCode = textCondition(filter?.projectCode, 'projectCode')
    if (projectCode !== undefined) {
      const id = await ctx.loaders.store.projectIdByCode(projectCode)
      if (id === undefined) throw badInput(`No research project has the code "${projectCode}"`, 'filter.projectCode')
      projectIds.add(id)
    }
    const rows = await ctx.loaders.audit.page({
      researcherId: textCondition(filter?.researcherId, 'researcherId'),
      projectIds: [...projectIds],
      publication: filter?.publication ?? undefined,
      outcome: filter?.outcome ? filter.outcome.toLowerCase() : undefined,
      from,
      to,
      after: position,
      limit: first + 1,
    })
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeAuditCursor({ at: row.at_exact, id: row.id }), node: toNode(row) }))
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } }
  }
}
