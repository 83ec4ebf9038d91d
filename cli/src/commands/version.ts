/** `hlmon version`. */
import { parse, type Command } from '../args.js';
import { VERSION } from '../version.js';

/** `hlmon version`. */
export const versionCommand: Command = {
  name: 'version',
  summary: 'print the version',
  usage: 'Usage: hlmon version\n\nPrints the hlmon version and the Node.js version.',
  async run(argv) {
    parse(argv, {});
    process.stdout.write(`hlmon ${VERSION} (node ${process.version})\n`);
    return 0;
  },
};
