import { createTandem } from './app.ts';
import { ConfigError, loadConfig } from './config/schema.ts';
import { ensureDemoData } from './demo/demo-data.ts';

/** Entry point of `npm start`. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const tandem = await createTandem(config);
  const url = await tandem.listen();
  // After listening: the demo's analytics site tracks this app at the address it really got.
  const demo = config.demoData ? await ensureDemoData(tandem.ctx) : null;
  const shown = config.publicUrl ?? url;
  const lines = [
    '',
    `  Tandem is running at ${shown}`,
    `  API reference:       ${shown}/docs`,
    `  Storage:             ${tandem.ctx.db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}; bus: ${config.redisUrl ? 'Redis' : 'in-process'}`,
  ];
  if (demo) {
    lines.push(`  Demo log-in:         ${demo.emails.join(', ')}`, `  Demo password:       ${demo.password}`);
  }
  console.log(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    tandem.ctx.log.info({ signal }, 'shutting down');
    await tandem.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
