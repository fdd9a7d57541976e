// `npm run migrate`: brings DATABASE_URL's schema up to date (used by deployments before start-up).
import { loadConfig } from '../config';
import { createDb, migrateLatest } from '../db/connection';

const config = loadConfig(process.env);
if (!config.database.url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const db = createDb(config.database.url, 1);
try {
  const applied = await migrateLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
} finally {
  await db.destroy();
}
