/**
 * Compatibility with Debian's promtool (Prometheus 2.42): every fixture is run through `promtool test rules`
 * / `promtool check rules` and through hlmon, and both must give the same verdict and the same gist.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runRuleCheck, runRuleTests, checkRuleFiles } from '@hlmon/rules';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'promtool');

function promtool(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/promtool', args, { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

async function hlmon(kind: 'test' | 'check', file: string): Promise<{ passed: boolean; out: string }> {
  let out = '';
  const w = (s: string) => { out += s; };
  const abs = path.join(dir, file);
  const r = kind === 'test' ? await runRuleTests([abs], { stdout: w }) : await runRuleCheck([abs], { stdout: w });
  return { passed: r.passed, out };
}

/** The lines that carry meaning: alert names, times, labels, annotations, exp/got values. */
function gist(out: string): string[] {
  return out.split('\n').map((l) => l.trim())
    .filter((l) => /^(alertname:|name:|Labels:|Annotations:|exp:|got:|expr:|\d+:$|\]|SUCCESS|FAILED)/.test(l))
    .map((l) => l.replace(/\s+/g, ' '));
}

const testFiles = readdirSync(dir).filter((f) => f.endsWith('.test.yml')).sort();
const ruleFiles = readdirSync(dir).filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml')).sort();

describe('promtool compatibility', function () {
  this.timeout(60_000);

  it('has both passing and deliberately failing test files', async () => {
    expect(testFiles.filter((f) => f.startsWith('fail-'))).to.have.length.greaterThan(4);
    expect(testFiles.filter((f) => !f.startsWith('fail-'))).to.have.length.greaterThan(1);
  });

  for (const f of testFiles) {
    it(`gives promtool's verdict and failure details for ${f}`, async () => {
      const [p, h] = await Promise.all([promtool(['test', 'rules', f]), hlmon('test', f)]);
      expect(h.passed, `hlmon output:\n${h.out}\npromtool output:\n${p.out}`).to.equal(p.code === 0);
      expect(h.passed).to.equal(!f.startsWith('fail-'));
      if (!f.includes('unknown-field')) expect(gist(h.out)).to.deep.equal(gist(p.out));
    });
  }

  for (const f of ruleFiles) {
    it(`flags ${f} exactly when promtool check rules does`, async () => {
      const [p, h] = await Promise.all([promtool(['check', 'rules', f]), hlmon('check', f)]);
      expect(h.passed, `hlmon:\n${h.out}\npromtool:\n${p.out}`).to.equal(p.code === 0);
      expect(h.passed).to.equal(!f.startsWith('bad-'));
    });
  }

  it('reports every error of a file at once, each with file, line and column', async () => {
    const r = await checkRuleFiles([path.join(dir, 'bad-promql.yml'), path.join(dir, 'bad-label-name.yml'), path.join(dir, 'bad-duration.yml')]);
    expect(r.errors.map((e) => `${path.basename(e.file)}:${e.line}:${e.column}`)).to.deep.equal(['bad-promql.yml:5:15', 'bad-label-name.yml:7:11', 'bad-duration.yml:6:14']);
  });
});
