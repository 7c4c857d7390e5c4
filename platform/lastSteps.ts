/**
 * What a stopping part does after it has drained and before it exits: send
 * the spans of its last requests (bin/tracing.ts). Kept apart, without
 * imports, so the tracing bootstrap can register here before any server
 * module loads.
 */
const steps: (() => Promise<void>)[] = []

export function addLastStep(step: () => Promise<void>): void {
  steps.push(step)
}

/** Runs every step; one that fails does not keep the others from running. */
export async function runLastSteps(): Promise<void> {
  await Promise.allSettled(steps.map((step) => step()))
}
