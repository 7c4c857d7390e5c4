import { describe, expect, it } from 'vitest'
import { suppressBelow, suppressWithParts } from './counts.js'

const S = { __typename: 'SuppressedCount', threshold: 5 }
const E = (value: number) => ({ __typename: 'ExactCount', value })

describe('small-count suppression', () => {
  it('withholds 1 to threshold - 1, keeps zero and the rest', () => {
    const publish = suppressBelow(5)
    expect([0, 1, 4, 5, 6].map(publish)).toEqual([E(0), S, S, E(5), E(6)])
  })

  it('withholds the next smallest part when the total and the other parts would reveal the hidden one', () => {
    const publish = suppressWithParts(5)
    // 50 - (7 + 40) = 3: so 7 goes too.
    expect(publish(50, [3, 7, 40])).toEqual({ total: E(50), parts: [S, S, E(40)] })
  })

  it('needs no second suppression when two parts are already hidden, when none is, or when the total is hidden', () => {
    const publish = suppressWithParts(5)
    expect(publish(50, [3, 2, 45])).toEqual({ total: E(50), parts: [S, S, E(45)] })
    expect(publish(50, [10, 40])).toEqual({ total: E(50), parts: [E(10), E(40)] })
    expect(publish(4, [4])).toEqual({ total: S, parts: [S] })
  })

  it('never picks a zero as the second part to hide', () => {
    expect(suppressWithParts(5)(30, [2, 0, 28])).toEqual({ total: E(30), parts: [S, E(0), S] })
  })
})
