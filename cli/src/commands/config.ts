/**
 * `hlmon config check FILE...`: validates config files and prints every error with file:line:column.
 */
import { formatConfigError, loadConfigFile } from '@hlmon/scraper';
import { parse, type Command, UsageError } from '../args.js';

/** `hlmon config check`. */
export const configCheckCommand: Command = {
  name: 'config check',
  summary: 'validate hlmon.yml files and print every error',
  usage: `Usage: hlmon config check FILE...

Validates each config file and prints every error as file:line:column: key: message.
Exits 0 when all files are valid, 1 otherwise.`,
  async run(argv) {
    const { positionals } = parse(argv, {}, true);
    if (positionals.length === 0) throw new UsageError('name at least one config file');
    let failed = false;
    for (const file of positionals) {
      const result = await loadConfigFile(file);
      if (result.errors) {
        failed = true;
        process.stdout.write(`${file}: FAILED (${result.errors.length} error${result.errors.length === 1 ? '' : 's'})\n`);
        for (const e of result.errors) process.stdout.write(`  ${formatConfigError(e)}\n`);
      } else {
        const c = result.config;
        process.stdout.write(`${file}: SUCCESS (${c.scrapeConfigs.length} scrape configs, ${c.checks.length} checks, ${c.ruleFiles.length} rule files)\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
