import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPublicationRegistry, PUBLICATION_IDS, RegistryFileError } from './publications.js'

const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-registry-'))
const file = (name: string, text: string) => {
  const p = path.join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('the publications registry', () => {
  it('follows the HD4RES v2 documentation by default: only incidents are available', () => {
    const registry = loadPublicationRegistry()
    const available = PUBLICATION_IDS.filter((id) => registry.isAvailable(id))
    expect(available).toEqual(['INCIDENTS'])
    expect(registry.underDevelopment('REQUESTS')).toMatchObject({ __typename: 'PublicationUnderDevelopment', publication: 'REQUESTS' })
    expect(registry.underDevelopment('INCIDENTS')).toBeNull()
  })

  it('takes a deployment file whose entries replace the defaults one by one', () => {
    const override = file('deploy.yaml', 'REQUESTS:\n  state: AVAILABLE\nCOMPONENT_STATUS:\n  expectedAvailability: 2027-03-01\n')
    const registry = loadPublicationRegistry({ overrideFile: override })
    expect(registry.isAvailable('REQUESTS')).toBe(true)
    expect(registry.get('COMPONENT_STATUS')).toMatchObject({ state: 'UNDER_DEVELOPMENT', expectedAvailability: '2027-03-01' })
    expect(registry.underDevelopment('COMPONENT_STATUS')!.expectedAvailability).toBe('2027-03-01')
  })

  it('switches publications on from the environment, by name or ALL', () => {
    expect(
      loadPublicationRegistry({ available: 'ALL' })
        .list()
        .every((p) => p.state === 'AVAILABLE'),
    ).toBe(true)
    const some = loadPublicationRegistry({ available: 'REQUESTS, STUDY_RECORD_COUNTS' })
    expect(PUBLICATION_IDS.filter((id) => some.isAvailable(id))).toEqual(['STUDY_RECORD_COUNTS', 'INCIDENTS', 'REQUESTS'])
    expect(() => loadPublicationRegistry({ available: 'RECORDS' })).toThrow(/unknown publication "RECORDS"/)
  })

  it('refuses an unknown publication id, naming the file and line', () => {
    const bad = file('unknown-id.yaml', '# comment\nINCIDENTS:\n  state: AVAILABLE\nINCIDENTZ:\n  state: AVAILABLE\n')
    expect(() => loadPublicationRegistry({ overrideFile: bad })).toThrow(RegistryFileError)
    expect(() => loadPublicationRegistry({ overrideFile: bad })).toThrow(`${bad}:4: unknown publication "INCIDENTZ"`)
  })

  it('refuses an unknown state, naming the line of the setting', () => {
    const bad = file('unknown-state.yaml', 'INCIDENTS:\n  title: Incidents\n  state: PUBLISHED\n')
    expect(() => loadPublicationRegistry({ overrideFile: bad })).toThrow(
      `${bad}:3: INCIDENTS.state: state must be one of AVAILABLE, UNDER_DEVELOPMENT`,
    )
  })

  it('refuses a malformed date, an unknown setting and broken YAML', () => {
    const date = file('date.yaml', 'REQUESTS:\n  expectedAvailability: next spring\n')
    expect(() => loadPublicationRegistry({ overrideFile: date })).toThrow(`${date}:2: REQUESTS.expectedAvailability`)
    const setting = file('setting.yaml', 'REQUESTS:\n  state: AVAILABLE\n  colour: blue\n')
    expect(() => loadPublicationRegistry({ overrideFile: setting })).toThrow(/unknown setting colour/)
    const yaml = file('broken.yaml', 'REQUESTS:\n  state: [AVAILABLE\n')
    expect(() => loadPublicationRegistry({ overrideFile: yaml })).toThrow(/not valid YAML/)
  })

  it('says which file it cannot read', () => {
    expect(() => loadPublicationRegistry({ overrideFile: path.join(dir, 'missing.yaml') })).toThrow(
      /Cannot read the publications registry .*missing\.yaml/,
    )
  })
})
