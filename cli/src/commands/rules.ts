/**
 * `hlmon rules check FILES` and `hlmon rules test FILES`: promtool's `check rules` and `test rules`.
 */
import { runRuleCheck, runRuleTests } from '@hlmon/rules';
import { parse, type Command, UsageError } from '../args.js';

const out = { stdout: (s: string) => void process.stdout.write(s), stderr: (s: string) => void process.stderr.write(s) };

/** `hlmon rules check`. */
export const rulesCheckCommand: Command = {
  name: 'rules check',
  summary: 'validate Prometheus rule files (as promtool check rules)',
  usage: `Usage: hlmon rules check FILE...

Validates Prometheus-format rule files and prints every error as file:line:column: message.
Exits 0 when all files are valid, 1 otherwise.`,
  async run(argv) {
    const { positionals } = parse(argv, {}, true);
    if (positionals.length === 0) throw new UsageError('name at least one rule file');
    return (await runRuleCheck(positionals, out)).passed ? 0 : 1;
  },
};

/** `hlmon rules test`. */
export const rulesTestCommand: Command = {
  name: 'rules test',
  summary: 'run rule unit tests (as promtool test rules)',
  usage: `Usage: hlmon rules test FILE...

Runs rule unit test files in promtool's format (input_series, alert_rule_test, promql_expr_test).
Exits 0 when every test passes, 1 otherwise.`,
  async run(argv) {
    const { positionals } = parse(argv, {}, true);
    if (positionals.length === 0) throw new UsageError('name at least one test file');
    return (await runRuleTests(positionals, out)).passed ? 0 : 1;
  },
};
