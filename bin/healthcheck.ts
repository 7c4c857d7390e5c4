/**
 * The image's HEALTHCHECK: GET http://127.0.0.1:$PORT/healthz (PORT as the
 * part serves on, 4000 by default), exit 0 on 200 and 1 otherwise, within
 * 4 s (the HEALTHCHECK allows 5). A shell-less image cannot run curl,
 * so the check is node itself on this file: `node dist/bin/healthcheck.js`.
 * The collector part serves no HTTP; run it with the health check off.
 */
async function check(port: string, timeoutMs: number): Promise<boolean> {
  const url = `http://127.0.0.1:${port}/healthz`
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    if (answer.status === 200) return true
    console.error(`${url} answered ${answer.status}`)
  } catch (error) {
    console.error(`${url} did not answer: ${(error as Error).message}`)
  }
  return false
}

void check(process.env.PORT || '4000', 4000).then((healthy) => {
  process.exitCode = healthy ? 0 : 1
})
