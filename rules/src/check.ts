/** `hlmon rules check FILES`: loads and validates rule files, reporting every error with file:line:column. */
import { readFile } from 'node:fs/promises';
import { parseExpr } from '@hlmon/query';
import { formatRuleFileError, parseRuleFile, type ExprValidator, type RuleFileError, type RuleGroupSpec } from './rulefmt.js';

/** Options for checking rule files. */
export interface CheckOptions {
  /** Checks PromQL; defaults to @hlmon/query's parser. */
  validateExpr?: ExprValidator;
}

/** The outcome of checking several files. */
export interface CheckResult {
  readonly errors: RuleFileError[];
  readonly groups: RuleGroupSpec[];
}

/** The PromQL validator from @hlmon/query. */
export const defaultExprValidator: ExprValidator = (expr) => { parseExpr(expr); };

/** Loads and validates every file; unreadable files are errors too, never exceptions. */
export async function checkRuleFiles(paths: readonly string[], opts: CheckOptions = {}): Promise<CheckResult> {
  const validateExpr = opts.validateExpr ?? defaultExprValidator;
  const errors: RuleFileError[] = [];
  const groups: RuleGroupSpec[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      errors.push({ file, line: 0, column: 0, message: `cannot read rule file: ${(cause as Error).message}` });
      continue;
    }
    const r = parseRuleFile(text, file, validateExpr);
    errors.push(...r.errors);
    groups.push(...r.groups);
  }
  return { errors, groups };
}

/** Writes promtool-style output (`Checking FILE`, `SUCCESS: N rules found` or `FAILED:` and errors) and returns the verdict. */
export async function runRuleCheck(paths: readonly string[], out: { stdout: (s: string) => void }, opts: CheckOptions = {}): Promise<{ passed: boolean }> {
  let passed = true;
  for (const file of paths) {
    out.stdout(`Checking ${file}\n`);
    const r = await checkRuleFiles([file], opts);
    if (r.errors.length > 0) {
      passed = false;
      out.stdout('  FAILED:\n');
      for (const e of r.errors) out.stdout(formatRuleFileError(e) + '\n');
    } else {
      const n = r.groups.reduce((s, g) => s + g.rules.length, 0);
      out.stdout(`  SUCCESS: ${n} rules found\n`);
    }
    out.stdout('\n');
  }
  return { passed };
}
