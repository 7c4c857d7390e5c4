/**
 * The gateway's last step, compiled. After the query plan's fetches,
 * @apollo/gateway shapes the merged answer to the operation (resultShaping's
 * computeResponse): for every value of the answer it walks the operation's
 * selections again, looks each field's type and each @skip / @include up
 * again, checks type conditions against the schema again, and allocates a
 * small result object per value. A year-long history is 3,650 points, so
 * that walk was a fifth of the gateway's CPU on the cold path.
 *
 * Here the walk is worked out once per operation: each selection becomes a
 * closure that knows its response name, its type's wrappers, its leaf check
 * and its conditions, and type conditions are remembered per __typename.
 * The answer is the same, member for member and error for error, as
 * computeResponse's (shaping.test.ts holds the two side by side), and
 * test/stock-identical.e2e.test.ts holds the whole answer to stock's bytes.
 *
 * @apollo/gateway offers no hook for this step, so installShaping() puts the
 * compiled shaper in place of computeResponse in the module that the
 * gateway's executeQueryPlan calls, and keeps the operation executeQueryPlan
 * builds from each parsed document (operationFromDocument) for the next
 * request of the same document, which is what lets the compiled form be
 * reused. Both are checked at start: if either module does not have the
 * shape this code was written for (another @apollo/gateway version), nothing
 * is replaced and the gateway shapes as stock does.
 */
import { createRequire } from 'node:module'
import type { GraphQLError } from 'graphql'

const require = createRequire(import.meta.url)

/* The few parts of @apollo/federation-internals' model the shaper reads. */
interface NamedType {
  name: string
  kind: string
  toString(): string
}
interface WrapperType {
  kind: 'NonNullType' | 'ListType'
  ofType: SchemaType
  toString(): string
}
type SchemaType = NamedType | WrapperType
interface Directive {
  arguments(): { if?: unknown }
}
interface Element {
  appliedDirectivesOf(definition: unknown): Directive[]
}
interface FieldElement extends Element {
  name: string
  responseName(): string
  definition: { type: SchemaType; isSchemaIntrospectionField(): boolean }
}
interface FragmentElement extends Element {
  typeCondition?: NamedType
}
interface Selection {
  kind: string
  element: FieldElement | FragmentElement
  selectionSet?: SelectionSet
}
interface SelectionSet {
  selections(): readonly Selection[]
}
interface Schema {
  type(name: string): NamedType | undefined
  booleanType(): NamedType
  intType(): NamedType
  idType(): NamedType
  floatType(): NamedType
  skipDirective(): unknown
  includeDirective(): unknown
  schemaDefinition: { rootType(kind: string): NamedType | undefined }
}
interface Operation {
  rootKind: string
  selectionSet: SelectionSet
  schema(): Schema
  collectDefaultedVariableValues(): Record<string, unknown>
}
interface ComputeResponseArgs {
  operation: Operation
  variables?: Record<string, unknown>
  input: Record<string, unknown> | null | undefined
  introspectionHandling: (selection: Selection) => unknown
}
type ComputeResponse = (args: ComputeResponseArgs) => { data: unknown; errors: GraphQLError[] }

interface Internals {
  isNonNullType(t: SchemaType): t is WrapperType
  isListType(t: SchemaType): t is WrapperType
  isCompositeType(t: unknown): boolean
  isObjectType(t: unknown): boolean
  isCustomScalarType(t: unknown): boolean
  isEnumType(t: unknown): t is NamedType & { value(name: string): unknown }
  isSubtype(maybeSuper: NamedType, maybeSub: NamedType): boolean
  assert: Assert
  Variable: new (...args: never[]) => { name: string }
  typenameFieldName: string
  ERRORS: { INVALID_GRAPHQL: { err(message: string, options: { path: (string | number)[] }): GraphQLError } }
}

const fed = require('@apollo/federation-internals') as Internals
type Assert = (condition: unknown, message: string | (() => string)) => asserts condition
/** federation-internals' assert: the same messages as stock's, for the same broken subgraph answers. */
const assert: Assert = fed.assert
/** @apollo/gateway's own shaping, as it was before installShaping (the tests hold the two side by side). */
const stockShaping = (require('@apollo/gateway/dist/resultShaping.js') as { computeResponse: ComputeResponse }).computeResponse

/** One shaping of one answer: what every closure shares while it runs. */
interface Run {
  variables: Record<string, unknown>
  errors: GraphQLError[]
  path: (string | number)[]
  introspection: (selection: Selection) => unknown
  /** Set by each update for its caller: the value nulls its parent (a null in a non-null place). */
  invalid: boolean
  /** Set by each update for its caller: an error was recorded below. */
  hasErrors: boolean
}

/** Shapes input into output by one selection set; true when a null bubbles up to the parent. */
type Shape = (input: Record<string, unknown>, output: Record<string, unknown>, run: Run, parentType: NamedType) => boolean
/** Updates one value by its type; sets run.invalid and run.hasErrors. */
type Update = (outputValue: unknown, inputValue: unknown, run: Run, parentType: NamedType) => unknown

const hasOwn = Object.prototype.hasOwnProperty

function settled(run: Run, value: unknown, hasErrors = false): unknown {
  run.invalid = false
  run.hasErrors = hasErrors
  return value
}

function describe(path: (string | number)[], currentType: SchemaType, parentType: NamedType): string {
  const element = path[path.length - 1]
  assert(element !== undefined, 'Should not have been called on an empty path')
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`
}

function invalidGraphql(run: Run, message: string): void {
  run.errors.push(fed.ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(run.path) }))
}

/** A selection's @skip and @include, worked out once: null when it has neither. */
function conditionOf(schema: Schema, element: Element): ((variables: Record<string, unknown>) => boolean) | null {
  const skip = element.appliedDirectivesOf(schema.skipDirective())[0]
  const include = element.appliedDirectivesOf(schema.includeDirective())[0]
  if (!skip && !include) return null
  const valueOf = (directive: Directive) => {
    const argument = directive.arguments().if
    if (argument instanceof fed.Variable) {
      const name = argument.name
      return (variables: Record<string, unknown>) => {
        const value = variables[name]
        assert(
          value !== undefined && typeof value === 'boolean',
          () => `Unexpected value ${value} for variable ${argument} of ${directive}`,
        )
        return value
      }
    }
    return () => argument as boolean
  }
  const skipIf = skip ? valueOf(skip) : null
  const includeIf = include ? valueOf(include) : null
  return (variables) => !!((skipIf && skipIf(variables)) || (includeIf && !includeIf(variables)))
}

class Compiler {
  constructor(private readonly schema: Schema) {}

  /** Whether any selection has @skip or @include (the variables are then gathered per answer). */
  conditional = false

  selectionSet(selectionSet: SelectionSet): Shape {
    const steps = selectionSet.selections().map((s) => this.selection(s))
    if (steps.length === 1) return steps[0]!
    return (input, output, run, parentType) => {
      for (let i = 0; i < steps.length; i++) if (steps[i]!(input, output, run, parentType)) return true
      return false
    }
  }

  private selection(selection: Selection): Shape {
    const condition = conditionOf(this.schema, selection.element)
    if (condition) this.conditional = true
    const step = selection.kind === 'FieldSelection' ? this.field(selection) : this.fragment(selection)
    if (!condition) return step
    return (input, output, run, parentType) => (condition(run.variables) ? false : step(input, output, run, parentType))
  }

  private field(selection: Selection): Shape {
    const field = selection.element as FieldElement
    const responseName = field.responseName()
    const typename = fed.typenameFieldName
    if (field.definition.isSchemaIntrospectionField()) {
      return (_input, output, run) => {
        if (output[responseName] === undefined) output[responseName] = run.introspection(selection)
        return false
      }
    }
    if (field.name === typename) {
      const schema = this.schema
      return (input, output, _run, parentType) => {
        if (output[responseName] !== undefined) return false
        let value = (hasOwn.call(input, responseName) ? input[responseName] : undefined) ?? null
        if (value === null && responseName !== typename) value = input[typename] ?? null
        const type = value !== null && typeof value === 'string' ? (schema.type(value) ?? parentType) : parentType
        if (!fed.isObjectType(type)) return true
        output[responseName] = type.name
        return false
      }
    }
    const update = this.type(field.definition.type, selection.selectionSet)
    return (input, output, run, parentType) => {
      const inputValue = (hasOwn.call(input, responseName) ? input[responseName] : undefined) ?? null
      run.path.push(responseName)
      output[responseName] = update(output[responseName], inputValue, run, parentType)
      run.path.pop()
      return run.invalid
    }
  }

  private fragment(selection: Selection): Shape {
    const condition = (selection.element as FragmentElement).typeCondition
    const inner = this.selectionSet(selection.selectionSet!)
    const typename = fed.typenameFieldName
    if (!condition) {
      return (input, output, run, parentType) => {
        const name = input[typename]
        assert(!name || typeof name === 'string', () => `Got unexpected value for __typename: ${name}`)
        return inner(input, output, run, parentType)
      }
    }
    const schema = this.schema
    const byTypename = new Map<string, boolean>()
    const byParent = new Map<NamedType, boolean>()
    const applies = (name: unknown, parentType: NamedType): boolean => {
      if (name) {
        let known = byTypename.get(name as string)
        if (known === undefined) {
          const type = schema.type(name as string)
          known = !!type && fed.isSubtype(condition, type)
          byTypename.set(name as string, known)
        }
        return known
      }
      let known = byParent.get(parentType)
      if (known === undefined) byParent.set(parentType, (known = fed.isSubtype(condition, parentType)))
      return known
    }
    return (input, output, run, parentType) => {
      const name = input[typename]
      assert(!name || typeof name === 'string', () => `Got unexpected value for __typename: ${name}`)
      return applies(name, parentType) ? inner(input, output, run, condition) : false
    }
  }

  private type(type: SchemaType, selectionSet: SelectionSet | undefined): Update {
    if (fed.isNonNullType(type)) return this.nonNull(type, selectionSet)
    if (fed.isListType(type)) return this.list(type, selectionSet)
    if (fed.isCompositeType(type)) return this.composite(type as NamedType, selectionSet)
    return this.leaf(type as NamedType)
  }

  private nonNull(type: WrapperType, selectionSet: SelectionSet | undefined): Update {
    const selected = !!selectionSet
    const inner = this.type(type.ofType, selectionSet)
    return (outputValue, inputValue, run, parentType) => {
      if (outputValue === null || (outputValue !== undefined && !selected)) return settled(run, outputValue)
      const updated = inner(outputValue, inputValue, run, parentType)
      if (updated === null) {
        if (!run.hasErrors) invalidGraphql(run, `Cannot return null for non-nullable ${describe(run.path, type.ofType, parentType)}.`)
        run.invalid = true
        run.hasErrors = true
        return null
      }
      return settled(run, updated)
    }
  }

  private list(type: WrapperType, selectionSet: SelectionSet | undefined): Update {
    const selected = !!selectionSet
    const inner = this.type(type.ofType, selectionSet)
    return (outputValue, inputValue, run, parentType) => {
      if (outputValue === null || (outputValue !== undefined && !selected)) return settled(run, outputValue)
      if (inputValue === null) return settled(run, null)
      assert(Array.isArray(inputValue), () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`)
      assert(
        outputValue === undefined || Array.isArray(outputValue),
        () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`,
      )
      const before = outputValue as unknown[] | undefined
      assert(
        before === undefined || inputValue.length === before.length,
        () => `[${inputValue}].length (${inputValue.length}) !== [${before}].length (${before!.length})`,
      )
      let nullify = false
      let hasErrors = false
      const updated: unknown[] = []
      for (let i = 0; i < inputValue.length; i++) {
        run.path.push(i)
        updated.push(inner(before === undefined ? undefined : before[i], inputValue[i], run, parentType))
        run.path.pop()
        if (run.invalid) nullify = true
        if (run.hasErrors) hasErrors = true
      }
      return settled(run, nullify ? null : updated, hasErrors)
    }
  }

  private composite(type: NamedType, selectionSet: SelectionSet | undefined): Update {
    assert(selectionSet, () => `Invalid empty selection set for composite type ${type}`)
    const inner = this.selectionSet(selectionSet)
    const schema = this.schema
    const typename = fed.typenameFieldName
    return (outputValue, inputValue, run, parentType) => {
      if (outputValue === null) return settled(run, outputValue)
      if (inputValue === null) return settled(run, null)
      assert(typeof inputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`)
      assert(
        outputValue === undefined || typeof outputValue === 'object',
        () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`,
      )
      const input = inputValue as Record<string, unknown>
      const inputTypename = input[typename]
      assert(
        inputTypename === undefined || typeof inputTypename === 'string',
        () => `Invalid non-string value ${inputTypename} for __typename at ${run.path}`,
      )
      let objectType = type
      if (inputTypename) {
        const found = schema.type(inputTypename)
        if (!found || !fed.isCompositeType(found)) {
          invalidGraphql(run, `Invalid __typename found for object at ${describe(run.path, type, parentType)}.`)
          return settled(run, null, true)
        }
        objectType = found
      }
      const output = (outputValue ?? Object.create(null)) as Record<string, unknown>
      const bubbled = inner(input, output, run, objectType)
      return settled(run, bubbled ? null : output, bubbled)
    }
  }

  private leaf(type: NamedType): Update {
    const valid = leafValidator(this.schema, type)
    return (outputValue, inputValue, run, parentType) => {
      if (outputValue !== undefined) return settled(run, outputValue)
      if (inputValue === null) return settled(run, null)
      if (valid(inputValue)) return settled(run, inputValue)
      invalidGraphql(run, `Invalid value found for ${describe(run.path, type, parentType)}.`)
      return settled(run, null, true)
    }
  }
}

interface Compiled {
  shape: Shape
  rootType: NamedType
  conditional: boolean
}

const compiledOperations = new WeakMap<Operation, Compiled>()

function compiledOf(operation: Operation): Compiled {
  let compiled = compiledOperations.get(operation)
  if (!compiled) {
    const schema = operation.schema()
    const compiler = new Compiler(schema)
    const shape = compiler.selectionSet(operation.selectionSet)
    compiled = { shape, rootType: schema.schemaDefinition.rootType(operation.rootKind)!, conditional: compiler.conditional }
    compiledOperations.set(operation, compiled)
  }
  return compiled
}

const NO_VARIABLES: Record<string, unknown> = Object.freeze(Object.create(null))

/** computeResponse's contract, by compiled closures: the shaped data and the errors found on the way. */
export function shapeResponse({ operation, variables, input, introspectionHandling }: ComputeResponseArgs): {
  data: unknown
  errors: GraphQLError[]
} {
  if (!input) return { data: input, errors: [] }
  const compiled = compiledOf(operation)
  const run: Run = {
    variables: compiled.conditional ? { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } : NO_VARIABLES,
    errors: [],
    path: [],
    introspection: introspectionHandling,
    invalid: false,
    hasErrors: false,
  }
  const data = Object.create(null) as Record<string, unknown>
  const bubbled = compiled.shape(input, data, run, compiled.rootType)
  return { data: bubbled ? null : data, errors: run.errors }
}

type OperationFromDocument = (
  schema: object,
  document: { definitions: readonly object[] },
  options?: { operationName?: string; validate?: boolean },
) => Operation

/**
 * operationFromDocument, remembering what it built for executeQueryPlan's
 * calls (the parsed document's own operation and fragments, not validated
 * again) by the schema and the parsed operation: a document kept by the
 * document cache gets the same operation, and so the same compiled shaper.
 */
function rememberingOperations(original: OperationFromDocument): OperationFromDocument {
  const bySchema = new WeakMap<object, WeakMap<object, { rest: readonly object[]; operation: Operation }>>()
  return (schema, document, options) => {
    const first = document.definitions[0]
    if (!options || options.validate !== false || options.operationName !== undefined || !first) return original(schema, document, options)
    let known = bySchema.get(schema)
    if (!known) bySchema.set(schema, (known = new WeakMap()))
    const rest = document.definitions.slice(1)
    const entry = known.get(first)
    if (entry && entry.rest.length === rest.length && entry.rest.every((d, i) => d === rest[i])) return entry.operation
    const operation = original(schema, document, options)
    known.set(first, { rest, operation })
    return operation
  }
}

let installed: boolean | undefined

/**
 * Puts the compiled shaper in @apollo/gateway's place (once per process);
 * false, and nothing changed, when the modules are not the ones expected.
 */
export function installShaping(): boolean {
  if (installed !== undefined) return installed
  try {
    const shaping = require('@apollo/gateway/dist/resultShaping.js') as { computeResponse?: ComputeResponse }
    const operations = require('@apollo/federation-internals/dist/operations.js') as { operationFromDocument?: OperationFromDocument }
    const exported = fed as unknown as { operationFromDocument?: unknown }
    const expected =
      typeof shaping.computeResponse === 'function' &&
      typeof operations.operationFromDocument === 'function' &&
      exported.operationFromDocument === operations.operationFromDocument
    if (!expected) return (installed = false)
    operations.operationFromDocument = rememberingOperations(operations.operationFromDocument!)
    shaping.computeResponse = shapeResponse as ComputeResponse
    // The package's index re-exports through a getter: the remembering form must be what it hands out now.
    installed = exported.operationFromDocument === operations.operationFromDocument
    return installed
  } catch {
    return (installed = false)
  }
}

/** @apollo/gateway's own computeResponse, for the tests that hold the two side by side. */
export const stockComputeResponse: ComputeResponse = stockShaping

/**
 * federation-internals' isValidLeafValue(schema, value, type), with the type
 * decided once when an operation is compiled rather than for every value: a
 * history's thousands of Ints each cost it a String() and a regular
 * expression. The same verdict for every value (shaping.test.ts holds the two
 * side by side).
 */
export function leafValidator(schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (fed.isCustomScalarType(type)) return () => true
  // What String(value) writes as digits alone, the form isValidLeafValue accepts as an Int.
  const integral = (value: number) => Number.isInteger(value) && Math.abs(value) < 1e21
  if (type === schema.booleanType()) return (value) => typeof value === 'boolean'
  if (type === schema.intType()) return (value) => typeof value === 'number' && integral(value)
  if (type === schema.idType()) return (value) => typeof value === 'string' || (typeof value === 'number' && integral(value))
  if (type === schema.floatType()) return (value) => typeof value === 'number' && Number.isFinite(value)
  if (fed.isEnumType(type)) return (value) => typeof value === 'string' && type.value(value) !== undefined
  return (value) => typeof value === 'string'
}
