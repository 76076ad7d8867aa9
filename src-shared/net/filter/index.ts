// Public API of the display-filter package.
export { compileFilter, checkFilter, parseSlice, type CompiledFilter, type FilterFrame, type LookupField, type CompileResult, type CheckResult } from './compile';
export { parse, type ParseResult } from './parser';
export { lex, type FilterError, type Token, type TokenKind } from './lexer';
export type { FilterNode, Operand, RelOp, SetElement } from './ast';
