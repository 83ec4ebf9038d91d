import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { SCRAPER_NODE_FLAGS } from '@hlmon/scraper';

const root = new URL('../../', import.meta.url);

describe('the node flags of the processes that scrape', () => {
  it('are the same in the hlmon bin\'s shebang, npm start, docker-compose.yml and SCRAPER_NODE_FLAGS', () => {
    expect(SCRAPER_NODE_FLAGS).to.not.be.empty;
    const shebang = readFileSync(new URL('cli/bin/hlmon.js', root), 'utf8').split('\n')[0]!;
    expect(shebang).to.equal(`#!/usr/bin/env -S node ${SCRAPER_NODE_FLAGS.join(' ')}`);
    const start = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts['start'];
    expect(start).to.equal(`node ${SCRAPER_NODE_FLAGS.join(' ')} cli/bin/hlmon.js start`);
    const compose = readFileSync(new URL('docker-compose.yml', root), 'utf8');
    const command = /^\s*command: (\[.*\])$/m.exec(compose)?.[1];
    expect(JSON.parse(command ?? '[]')).to.deep.equal(['node', ...SCRAPER_NODE_FLAGS, 'cli/bin/hlmon.js', 'server']);
  });
});
