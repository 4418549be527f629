// Prints the configuration table of README.md from the one configuration schema:
// `npx tsx scripts/config-table.ts`.
import { configTable } from '../packages/server/src/config/config-table.ts';

console.log(configTable());
