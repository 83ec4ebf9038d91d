/**
 * `hlmon config check FILE...`: validates config files and prints every error with file:line:column.
 */
import path from 'node:path';
import { formatConfigError, loadConfigFile } from '@hlmon/scraper';
import { checkRuleFiles, formatRuleFileError, parseAlertingConfig } from '@hlmon/rules';
import { expandGlob } from '../globs.js';
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
      const errors = result.errors ? result.errors.map(formatConfigError) : [];
      if (result.config) {
        // The sections other packages own: the alerting tree and every rule file the globs name.
        const c = result.config;
        if (c.alerting) try {
          parseAlertingConfig(c.alerting.value, { fetch: globalThis.fetch.bind(globalThis) });
        } catch (err) {
          errors.push(`${file}:${c.alerting?.line ?? 1}:${c.alerting?.column ?? 1}: alerting: ${(err as Error).message}`);
        }
        const baseDir = path.dirname(path.resolve(file));
        const ruleFiles = (await Promise.all(c.ruleFiles.map((g) => expandGlob(g, baseDir)))).flat();
        errors.push(...(await checkRuleFiles(ruleFiles)).errors.map(formatRuleFileError));
      }
      if (errors.length > 0) {
        failed = true;
        process.stdout.write(`${file}: FAILED (${errors.length} error${errors.length === 1 ? '' : 's'})\n`);
        for (const e of errors) process.stdout.write(`  ${e}\n`);
      } else if (result.config) {
        const c = result.config;
        process.stdout.write(`${file}: SUCCESS (${c.scrapeConfigs.length} scrape configs, ${c.checks.length} checks, ${c.ruleFiles.length} rule files)\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
