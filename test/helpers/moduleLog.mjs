// Loaded with `node --import` after tsx: notes the address of every module the
// process resolves in the file HD4RES_TEST_MODULE_LOG names, one per line, so a
// test can say which of the repository's files a process loaded.
import { register } from 'node:module'
import process from 'node:process'

register('./moduleLogHooks.mjs', import.meta.url, { data: { file: process.env.HD4RES_TEST_MODULE_LOG } })
