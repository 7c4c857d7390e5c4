/**
 * npm run backup                 writes a dump to HD4RES_BACKUP_DIR (default /backup in production, .data/backups otherwise)
 * npm run restore -- <file>      reads one back into an empty store (DATABASE_URL, or HD4RES_DATA_DIR)
 */
import path from 'node:path'
import { readSettings } from '../platform/settings.js'
import { backup, restore } from '../subgraphs/kit/store/backup.js'

const settings = readSettings()
const target = { databaseUrl: settings.databaseUrl, dataDir: path.join(settings.dataDir, 'pglite') }
const command = process.argv[2]
try {
  if (command === 'backup') {
    console.log(`Backup written: ${await backup(target, settings.backupDir)}`)
  } else if (command === 'restore') {
    const file = process.argv[3]
    if (!file) {
      console.error('Usage: npm run restore -- <backup file>')
      process.exit(2)
    }
    await restore(path.resolve(file), target)
    console.log(`Restored ${file} into ${settings.databaseUrl ? 'the database' : target.dataDir}`)
  } else {
    console.error('Usage: tsx bin/backup.ts <backup|restore> [file]')
    process.exit(2)
  }
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
