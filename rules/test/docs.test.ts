/** The starter rule set in docs/alerting.md is the fixture that promtool and hlmon check on every run. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('docs', () => {
  it('shows exactly the starter rules that the compatibility test checks', () => {
    const doc = readFileSync(path.join(here, '..', '..', 'docs', 'alerting.md'), 'utf8');
    const fixture = readFileSync(path.join(here, 'fixtures', 'promtool', 'starter-rules.yml'), 'utf8');
    const block = /## Starter rules[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).to.equal(fixture);
  });
});
