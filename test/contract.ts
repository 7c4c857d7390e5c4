/**
 * Checks that an API schema contains a contract schema: every type with the same
 * kind, every field with the same type and arguments, every enum value, union
 * member, interface and input field. Extra types, fields and values are allowed,
 * and so are extra arguments that have defaults or are nullable.
 */
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql'

const kindOf = (t: GraphQLNamedType) =>
  isObjectType(t)
    ? 'object'
    : isInterfaceType(t)
      ? 'interface'
      : isUnionType(t)
        ? 'union'
        : isEnumType(t)
          ? 'enum'
          : isInputObjectType(t)
            ? 'input'
            : isScalarType(t)
              ? 'scalar'
              : 'unknown'

function compareArgs(where: string, wanted: readonly GraphQLArgument[], actual: readonly GraphQLArgument[], problems: string[]) {
  for (const arg of wanted) {
    const found = actual.find((a) => a.name === arg.name)
    if (!found) problems.push(`${where}: argument "${arg.name}" is missing`)
    else if (String(found.type) !== String(arg.type)) problems.push(`${where}(${arg.name}:) is ${found.type}, contract says ${arg.type}`)
    else if (arg.defaultValue !== undefined && JSON.stringify(found.defaultValue) !== JSON.stringify(arg.defaultValue)) {
      problems.push(
        `${where}(${arg.name}:) defaults to ${JSON.stringify(found.defaultValue)}, contract says ${JSON.stringify(arg.defaultValue)}`,
      )
    }
  }
  for (const extra of actual.filter((a) => !wanted.some((w) => w.name === a.name))) {
    if (String(extra.type).endsWith('!') && extra.defaultValue === undefined) {
      problems.push(`${where}: added argument "${extra.name}" is required, which breaks contract callers`)
    }
  }
}

export function contractProblems(contract: GraphQLSchema, api: GraphQLSchema): string[] {
  const problems: string[] = []
  for (const wanted of Object.values(contract.getTypeMap())) {
    if (wanted.name.startsWith('__')) continue
    const actual = api.getType(wanted.name)
    if (!actual) {
      problems.push(`type ${wanted.name} is missing`)
      continue
    }
    if (kindOf(actual) !== kindOf(wanted)) {
      problems.push(`${wanted.name} is a ${kindOf(actual)}, contract says ${kindOf(wanted)}`)
      continue
    }
    if ((isObjectType(wanted) || isInterfaceType(wanted)) && (isObjectType(actual) || isInterfaceType(actual))) {
      const fields = actual.getFields()
      for (const field of Object.values(wanted.getFields())) {
        const found = fields[field.name]
        const where = `${wanted.name}.${field.name}`
        if (!found) problems.push(`${where} is missing`)
        else {
          if (String(found.type) !== String(field.type)) problems.push(`${where} is ${found.type}, contract says ${field.type}`)
          compareArgs(where, field.args, found.args, problems)
        }
      }
      const interfaces = actual.getInterfaces().map((i) => i.name)
      for (const i of wanted.getInterfaces()) {
        if (!interfaces.includes(i.name)) problems.push(`${wanted.name} does not implement ${i.name}`)
      }
    } else if (isUnionType(wanted) && isUnionType(actual)) {
      const members = actual.getTypes().map((t) => t.name)
      for (const m of wanted.getTypes()) if (!members.includes(m.name)) problems.push(`union ${wanted.name} lacks ${m.name}`)
    } else if (isEnumType(wanted) && isEnumType(actual)) {
      const values = actual.getValues().map((v) => v.name)
      for (const v of wanted.getValues()) if (!values.includes(v.name)) problems.push(`enum ${wanted.name} lacks ${v.name}`)
    } else if (isInputObjectType(wanted) && isInputObjectType(actual)) {
      const fields = actual.getFields()
      for (const f of Object.values(wanted.getFields())) {
        const found = fields[f.name]
        if (!found) problems.push(`input ${wanted.name}.${f.name} is missing`)
        else if (String(found.type) !== String(f.type))
          problems.push(`input ${wanted.name}.${f.name} is ${found.type}, contract says ${f.type}`)
      }
      for (const extra of Object.values(fields)) {
        if (!wanted.getFields()[extra.name] && String(extra.type).endsWith('!') && extra.defaultValue === undefined) {
          problems.push(`input ${wanted.name}.${extra.name} is added as required, which breaks contract callers`)
        }
      }
    }
  }
  return problems
}

export function contractProblemsFromSdl(contractSdl: string, apiSdl: string): string[] {
  return contractProblems(buildSchema(contractSdl), buildSchema(apiSdl))
}
