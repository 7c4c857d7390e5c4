/**
 * Stand-ins for a subgraph that cannot be reached. Every field that serves a
 * publication answers a non-null union (its data | PublicationUnderDevelopment
 * | PublicationTemporarilyUnavailable), and the contract's non-null fields
 * would carry a missing one up to its parents: one subgraph down under
 * `projects` emptied the whole answer, `me` included. So when a subgraph call
 * fails for want of an answer, and everything that call asked for is such a
 * field (at the root, or under `_entities`), the gateway answers each of them
 * PublicationTemporarilyUnavailable itself, with the aliases and fragments
 * the call asked for, and the rest of the answer stands. A call that asks for
 * anything else (a list, a scalar, a field of a union without the member) is
 * not answered here: it fails as before.
 *
 * The stand-in carries no data: only which publication it stands for, a
 * message and when to try again, the same for every researcher.
 */
import {
  getDirectiveValues,
  getNullableType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  isUnionType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql'
import { pick, type Language, type Texts } from '../platform/texts.js'

/** The union member a stand-in answers with. */
export const STAND_IN_TYPE = 'PublicationTemporarilyUnavailable'

/** What a stand-in suggests as the time to ask again: about what a restarted subgraph takes to answer. */
export const STAND_IN_RETRY_AFTER_SECONDS = 30

/**
 * The publication each field of a result union serves, as the subgraphs'
 * resolvers name it (registry.underDevelopment). A field missing here is
 * never stood in for; a unit test checks the list against schema/api.graphql.
 */
export const PUBLICATION_OF_FIELD: Readonly<Record<string, string>> = {
  'Component.status': 'COMPONENT_STATUS',
  'ResearchProject.componentStatus': 'COMPONENT_STATUS',
  'ResearchProject.dataProviderOrganisations': 'DATA_PROVIDER_ORGANISATIONS',
  'ResearchProject.dataProviderIndividuals': 'DATA_PROVIDER_INDIVIDUALS',
  'ResearchProject.studyRecordCounts': 'STUDY_RECORD_COUNTS',
  'ResearchProject.studyRecordCountHistory': 'STUDY_RECORD_COUNTS',
  'ResearchProject.studyRecordPipeline': 'STUDY_RECORD_COUNTS',
  'ResearchProject.uniqueSubjectCounts': 'UNIQUE_SUBJECT_COUNTS',
  'ResearchProject.uniqueSubjectPipeline': 'UNIQUE_SUBJECT_COUNTS',
  'ResearchProject.uniqueSubjectCountHistory': 'UNIQUE_SUBJECT_COUNTS',
  'ResearchProject.incidents': 'INCIDENTS',
  'ResearchProject.requests': 'REQUESTS',
  'Query.dataUserOrganisations': 'DATA_USER_ORGANISATIONS',
  'Query.dataUserIndividuals': 'DATA_USER_INDIVIDUALS',
  'Query.multiStudySubjectCounts': 'MULTI_STUDY_SUBJECT_COUNTS',
}

/**
 * The stand-in's message, in the request's language: which service failed,
 * how, and when to ask again.
 */
export function standInMessage(service: string, late: boolean, retryAfterSeconds: number, language: Language): string {
  const n = retryAfterSeconds
  const texts: Texts = late
    ? {
        en: `This publication cannot be shown right now: the ${service} service did not answer in time; try again in ${n} seconds`,
        nl: `Deze publicatie kan nu niet getoond worden: de dienst ${service} antwoordde niet op tijd; probeer het over ${n} seconden opnieuw`,
        fr: `Cette publication ne peut pas être affichée pour l'instant : le service ${service} n'a pas répondu à temps ; réessayez dans ${n} secondes`,
        de: `Diese Veröffentlichung kann gerade nicht angezeigt werden: Der Dienst ${service} hat nicht rechtzeitig geantwortet; versuchen Sie es in ${n} Sekunden erneut`,
      }
    : {
        en: `This publication cannot be shown right now: the ${service} service could not be reached; try again in ${n} seconds`,
        nl: `Deze publicatie kan nu niet getoond worden: de dienst ${service} is niet bereikbaar; probeer het over ${n} seconden opnieuw`,
        fr: `Cette publication ne peut pas être affichée pour l'instant : le service ${service} est injoignable ; réessayez dans ${n} secondes`,
        de: `Diese Veröffentlichung kann gerade nicht angezeigt werden: Der Dienst ${service} ist nicht erreichbar; versuchen Sie es in ${n} Sekunden erneut`,
      }
  return pick(texts, language)
}

/** Whether a field answers a union that has the stand-in member: only those may be stood in for. */
export function standsInFor(schema: GraphQLSchema, parent: string, field: string): boolean {
  const type = schema.getType(parent)
  if (!isObjectType(type)) return false
  const definition = type.getFields()[field]
  if (!definition) return false
  const result = getNullableType(definition.type)
  return isUnionType(result) && result.getTypes().some((member) => member.name === STAND_IN_TYPE)
}

interface Walk {
  schema: GraphQLSchema
  fragments: Map<string, FragmentDefinitionNode>
  variables: Record<string, unknown>
  /** The stand-in's message, the same for every field of the call. */
  message: string
  retryAfterSeconds: number
}

/** Thrown inside the walk when something asked cannot be stood in for; the walk gives up as a whole. */
class NotStandIn extends Error {}

/** Whether @skip or @include leave a selection out, with the call's variables. */
function leftOut(node: { directives?: readonly unknown[] }, variables: Record<string, unknown>): boolean {
  if (!node.directives?.length) return false
  const selection = node as Parameters<typeof getDirectiveValues>[1]
  if (getDirectiveValues(GraphQLSkipDirective, selection, variables)?.if === true) return true
  return getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.if === false
}

/** Whether a fragment on `condition` applies to a value of `type`. */
function applies(walk: Walk, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true
  const abstract = walk.schema.getType(condition)
  return isAbstractType(abstract) && walk.schema.isSubType(abstract, type)
}

/** The fields a selection set asks of a value of `type`, fragments flattened, in order. */
function fieldsAsked(walk: Walk, selectionSet: SelectionSetNode | undefined, type: GraphQLObjectType, into: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (leftOut(selection, walk.variables)) continue
    if (selection.kind === Kind.FIELD) into.push(selection)
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(walk, selection.typeCondition?.name.value, type)) fieldsAsked(walk, selection.selectionSet, type, into)
    } else {
      const fragment = walk.fragments.get(selection.name.value)
      if (!fragment) throw new NotStandIn()
      if (applies(walk, fragment.typeCondition.name.value, type)) fieldsAsked(walk, fragment.selectionSet, type, into)
    }
  }
  return into
}

const responseKey = (field: FieldNode) => field.alias?.value ?? field.name.value

/** A field of a result union, answered with the stand-in, as its selection asks for it. */
function standInField(walk: Walk, parent: GraphQLObjectType, field: FieldNode): Record<string, unknown> {
  const publication = PUBLICATION_OF_FIELD[`${parent.name}.${field.name.value}`]
  if (!publication || !standsInFor(walk.schema, parent.name, field.name.value)) throw new NotStandIn()
  const standIn = walk.schema.getType(STAND_IN_TYPE)
  if (!isObjectType(standIn)) throw new NotStandIn()
  const value: Record<string, unknown> = {}
  for (const asked of fieldsAsked(walk, field.selectionSet, standIn)) {
    const key = responseKey(asked)
    switch (asked.name.value) {
      case '__typename':
        value[key] = STAND_IN_TYPE
        break
      case 'publication':
        value[key] = publication
        break
      case 'message':
        value[key] = walk.message
        break
      case 'retryAfterSeconds':
        value[key] = walk.retryAfterSeconds
        break
      default:
        throw new NotStandIn()
    }
  }
  return value
}

/** An object whose every field asked is a result union: each answers the stand-in. */
function standInObject(walk: Walk, type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined): Record<string, unknown> {
  const value: Record<string, unknown> = {}
  for (const field of fieldsAsked(walk, selectionSet, type)) {
    value[responseKey(field)] = field.name.value === '__typename' ? type.name : standInField(walk, type, field)
  }
  return value
}

/**
 * The data of an answer to a subgraph call in which every field asked
 * answers the stand-in; null when anything the call asks for cannot. `schema`
 * is the API schema, `document` the call's operation, `variables` its
 * variables (the representations of an `_entities` call among them).
 */
export function standInData(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  message: string,
  retryAfterSeconds = STAND_IN_RETRY_AFTER_SECONDS,
): Record<string, unknown> | null {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
  const queryType = schema.getQueryType()
  if (operations.length !== 1 || operations[0]!.operation !== 'query' || !queryType) return null
  const walk: Walk = {
    schema,
    fragments: new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : []))),
    variables: variables ?? {},
    message,
    retryAfterSeconds,
  }
  try {
    const data: Record<string, unknown> = {}
    for (const field of fieldsAsked(walk, operations[0]!.selectionSet, queryType)) {
      const key = responseKey(field)
      if (field.name.value === '__typename') data[key] = queryType.name
      else if (field.name.value === '_entities') data[key] = standInEntities(walk, field)
      else data[key] = standInField(walk, queryType, field)
    }
    return data
  } catch (error) {
    if (error instanceof NotStandIn) return null
    throw error
  }
}

/** `_entities(representations: …)`: one stand-in object per representation, of its type. */
function standInEntities(walk: Walk, field: FieldNode): Record<string, unknown>[] {
  const argument = field.arguments?.find((a) => a.name.value === 'representations')
  const representations = argument?.value.kind === Kind.VARIABLE ? walk.variables[argument.value.name.value] : undefined
  if (!Array.isArray(representations)) throw new NotStandIn()
  return representations.map((representation) => {
    const typename = (representation as { __typename?: unknown } | null)?.__typename
    const type = typeof typename === 'string' ? walk.schema.getType(typename) : undefined
    if (!isObjectType(type)) throw new NotStandIn()
    return standInObject(walk, type, field.selectionSet)
  })
}
