import { readFileSync } from 'node:fs';
import { runTestScript } from '@hlmon/query';
for (const f of process.argv.slice(2)) {
  const out = await runTestScript(readFileSync(f, 'utf8'));
  const bad = out.filter((o) => !o.ok);
  console.log(`${f}: ${out.length - bad.length}/${out.length} ok`);
  for (const b of bad) console.log(`  line ${b.line}: ${b.expr}\n    ${b.message}`);
}
