/**
 * The typed PromQL syntax tree. Offsets and `@` are folded into the selectors and subqueries they modify,
 * as Prometheus's own AST does.
 */
import type { Matcher } from '@hlmon/model';
import type { PositionRange } from './errors.js';

/** The four value types of PromQL. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** The `@` modifier: a fixed time in ms, or the query's start or end. */
export type AtModifier = { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' } | { readonly kind: 'end' };

/** A number literal. */
export interface NumberLiteral { readonly kind: 'number'; readonly value: number; readonly pos: PositionRange }
/** A string literal. */
export interface StringLiteral { readonly kind: 'string'; readonly value: string; readonly pos: PositionRange }
/** An instant vector selector. */
export interface VectorSelector {
  readonly kind: 'vectorSelector';
  readonly name: string | undefined;
  readonly matchers: readonly Matcher[];
  offsetMs: number;
  at: AtModifier | undefined;
  readonly pos: PositionRange;
}
/** A range vector selector: `sel[range]`. */
export interface MatrixSelector { readonly kind: 'matrixSelector'; readonly selector: VectorSelector; readonly rangeMs: number; readonly pos: PositionRange }
/** A subquery: `expr[range:step]`; stepMs 0 means the default evaluation interval. */
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  readonly stepMs: number;
  offsetMs: number;
  at: AtModifier | undefined;
  readonly pos: PositionRange;
}
/** A function call. */
export interface Call { readonly kind: 'call'; readonly func: string; readonly args: readonly Expr[]; readonly pos: PositionRange }
/** An aggregation such as `sum by (job) (x)`. */
export interface AggregateExpr {
  readonly kind: 'aggregate';
  readonly op: string;
  readonly expr: Expr;
  readonly param: Expr | undefined;
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly pos: PositionRange;
}
/** How the sides of a vector binary operation are matched. */
export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly include: readonly string[];
}
/** A binary operation. */
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: string;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly returnBool: boolean;
  readonly matching: VectorMatching | undefined;
  readonly pos: PositionRange;
}
/** A unary `-` or `+`. */
export interface UnaryExpr { readonly kind: 'unary'; readonly op: '-' | '+'; readonly expr: Expr; readonly pos: PositionRange }
/** A parenthesised expression. */
export interface ParenExpr { readonly kind: 'paren'; readonly expr: Expr; readonly pos: PositionRange }

/** Any PromQL expression. */
export type Expr = NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | SubqueryExpr | Call | AggregateExpr
  | BinaryExpr | UnaryExpr | ParenExpr;
