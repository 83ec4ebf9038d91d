import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runTestScript } from '@hlmon/query';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');

describe('engine test scripts', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.promql')).sort()) {
    it(`passes every eval in ${file}`, async () => {
      const outcomes = await runTestScript(readFileSync(path.join(dir, file), 'utf8'));
      const failed = outcomes.filter((o) => !o.ok).map((o) => `line ${o.line}: ${o.expr}\n    ${o.message}`);
      expect(outcomes.length).to.be.greaterThan(0);
      expect(failed, failed.join('\n')).to.deep.equal([]);
    });
  }
});
