/**
 * The hlmon command: dispatches to one command per process.
 */
import { UsageError, type Command } from './args.js';
import { startCommand, serverCommand, scraperCommand, apiCommand } from './commands/start.js';
import { migrateCommand } from './commands/migrate.js';
import { versionCommand } from './commands/version.js';
import { configCheckCommand } from './commands/config.js';
import { importCommand } from './commands/import.js';
import { exporterCommand } from './commands/exporter.js';
import { rulesCheckCommand, rulesTestCommand } from './commands/rules.js';

/** Every command, in the order `hlmon --help` lists them. */
export const commands: readonly Command[] = [startCommand, serverCommand, scraperCommand, apiCommand, exporterCommand, migrateCommand, importCommand, configCheckCommand, rulesCheckCommand, rulesTestCommand, versionCommand];

/** Top-level usage text. */
export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: hlmon <command> [options]

HomeLab Monitor: scrape, store, query and alert on your home lab.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'hlmon <command> --help' for a command's options.
`;
}

/** Runs the CLI; resolves with the exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') return versionCommand.run([]);
  // Commands may have sub-commands (`config check`): the longest matching name wins.
  const command = commands.find((c) => c.name === name) ?? commands.find((c) => c.name === `${name} ${rest[0]}`);
  if (!command) {
    process.stderr.write(`hlmon: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  const args = command.name.includes(' ') ? rest.slice(1) : rest;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hlmon ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    // One clear line naming the cause; the stack only with HLMON_LOG_LEVEL=debug.
    process.stderr.write(`hlmon ${command.name}: ${(err as Error).message ?? String(err)}\n`);
    if (process.env.HLMON_LOG_LEVEL === 'debug') process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}
