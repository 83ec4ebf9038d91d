/** The version of hlmon, from the CLI package's package.json. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** hlmon's version string. */
export const VERSION: string = (require('../package.json') as { version: string }).version;
