// Syntax tree of a display filter, before field lookup and type checking.

/** A field reference or a literal, still unresolved: the type checker decides which. */
export interface Operand {
  kind: 'word' | 'string';
  text: string;
  start: number;
  end: number;
  /** `[…]` after a field: raw text between the brackets and the bracket span. */
  slice?: { text: string; start: number; end: number };
}

/** Relation operators, normalised: word forms (eq, ne, …) map onto the symbols. */
export type RelOp = '==' | '!=' | '===' | '~=' | '<' | '>' | '<=' | '>=' | 'contains' | 'matches' | '&';

export interface SetElement {
  low: Operand;
  /** Present for a `low..high` range. */
  high?: Operand;
}

export type FilterNode =
  | { kind: 'or' | 'and'; left: FilterNode; right: FilterNode; start: number; end: number }
  | { kind: 'not'; operand: FilterNode; start: number; end: number }
  | { kind: 'exists'; operand: Operand; start: number; end: number }
  | { kind: 'relation'; op: RelOp; opText: string; opStart: number; opEnd: number; left: Operand; right: Operand; start: number; end: number }
  | { kind: 'in'; left: Operand; elements: SetElement[]; start: number; end: number };
