import type { BinaryOperator, ExpressionNode, PathNode } from './ast';
import { ExpressionSyntaxError } from './errors';
import type { Token } from './lexer';
import { createTokenizer, quoteForMessage } from './lexer';
import { EXPRESSION_LIMITS } from './limits';

// Binary operators by precedence, lowest first; all left-associative.
const PRECEDENCE: readonly (readonly BinaryOperator[])[] = [
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<', '<=', '>', '>=', 'in', 'contains', 'startsWith'],
  ['+', '-'],
  ['*', '/', '%'],
];
const WORD_OPERATORS = new Set(['in', 'contains', 'startsWith']);
const UNARY_LEVEL = PRECEDENCE.length;

/** A parsed subtree and its height: levels of nesting below it (0 for literals and paths). */
interface Parsed {
  readonly node: ExpressionNode;
  readonly height: number;
}

/**
 * Recursive descent over a token array. Every recursive step into a nested slot (parenthesis,
 * array element, unary operand, right operand) carries `depth` and is refused past maxDepth
 * before recursing, so the call stack stays bounded whatever the input.
 * The nesting of a node is `depth + height`; it is checked whenever a node is built.
 */
export function parse(source: string): ExpressionNode {
  if (typeof source !== 'string') throw new ExpressionSyntaxError('expression must be a string', 0);
  if (source.length > EXPRESSION_LIMITS.maxLength) {
    throw new ExpressionSyntaxError(`expression is too long (${source.length} characters, limit ${EXPRESSION_LIMITS.maxLength})`, 0);
  }
  const read = createTokenizer(source);
  // One token of lookahead, read only when needed so that the leftmost error wins.
  let lookahead: Token | undefined;
  let nodeCount = 0;

  const peek = (): Token => (lookahead ??= read());
  const next = (): Token => {
    const token = peek();
    lookahead = undefined;
    return token;
  };

  const isOperator = (token: Token, value: string): boolean => token.kind === 'operator' && token.value === value;

  // Never called with the end token: running out of input is "expected an expression" or "expected ...".
  const unexpected = (token: Token, hint?: string): ExpressionSyntaxError =>
    new ExpressionSyntaxError(token.kind === 'string' ? 'unexpected string literal' : `unexpected token ${quoteForMessage(token.text)}`, token.start, hint);

  const countNode = (position: number): void => {
    if (++nodeCount > EXPRESSION_LIMITS.maxNodes) {
      throw new ExpressionSyntaxError(`expression has too many nodes (limit ${EXPRESSION_LIMITS.maxNodes})`, position);
    }
  };
  const checkDepth = (depth: number, position: number): void => {
    if (depth > EXPRESSION_LIMITS.maxDepth) {
      throw new ExpressionSyntaxError(`expression is nested too deeply (limit ${EXPRESSION_LIMITS.maxDepth})`, position);
    }
  };

  const binaryOperatorAt = (token: Token, level: number): BinaryOperator | undefined => {
    if (token.kind !== 'operator' && !(token.kind === 'identifier' && WORD_OPERATORS.has(token.text))) return undefined;
    return PRECEDENCE[level].find((operator) => operator === token.text);
  };

  function parseBinary(level: number, depth: number): Parsed {
    if (level === UNARY_LEVEL) return parseUnary(depth);
    let left = parseBinary(level + 1, depth);
    for (;;) {
      const token = peek();
      const operator = binaryOperatorAt(token, level);
      if (operator === undefined) return left;
      next();
      checkDepth(depth + 1, token.start);
      const right = parseBinary(level + 1, depth + 1);
      const height = 1 + Math.max(left.height, right.height);
      checkDepth(depth + height, token.start);
      countNode(token.start);
      left = {
        node: { type: 'Binary', operator, left: left.node, right: right.node, position: left.node.position, operatorPosition: token.start },
        height,
      };
    }
  }

  function parseUnary(depth: number): Parsed {
    const token = peek();
    if (isOperator(token, '!') || isOperator(token, '-')) {
      next();
      checkDepth(depth + 1, token.start);
      const operand = parseUnary(depth + 1);
      countNode(token.start);
      return { node: { type: 'Unary', operator: token.text === '!' ? '!' : '-', operand: operand.node, position: token.start }, height: operand.height + 1 };
    }
    return parsePrimary(depth);
  }

  function parsePrimary(depth: number): Parsed {
    const token = next();
    switch (token.kind) {
      case 'number':
      case 'string':
        countNode(token.start);
        return { node: { type: 'Literal', value: token.value, position: token.start }, height: 0 };
      case 'identifier':
        return parseIdentifier(token);
      case 'end':
        throw new ExpressionSyntaxError('expected an expression', token.start);
      case 'operator':
        break;
    }
    if (token.text === '(') {
      checkDepth(depth + 1, token.start);
      const inner = parseBinary(0, depth + 1);
      const close = peek();
      if (!isOperator(close, ')')) throw new ExpressionSyntaxError('expected ")"', close.start);
      next();
      return { node: inner.node, height: inner.height + 1 };
    }
    if (token.text === '[') return parseArray(token, depth);
    if (token.text === '.' && /[0-9]/.test(source.charAt(token.start + 1))) {
      throw unexpected(token, 'numbers need a digit before the decimal point (0.5)');
    }
    throw unexpected(token);
  }

  function parseArray(open: Token, depth: number): Parsed {
    checkDepth(depth + 1, open.start);
    const elements: ExpressionNode[] = [];
    let height = 1;
    if (isOperator(peek(), ']')) {
      next();
    } else {
      for (;;) {
        const element = parseBinary(0, depth + 1);
        elements.push(element.node);
        height = Math.max(height, element.height + 1);
        const token = next();
        if (isOperator(token, ']')) break;
        if (!isOperator(token, ',')) throw new ExpressionSyntaxError('expected "," or "]"', token.start);
      }
    }
    countNode(open.start);
    return { node: { type: 'Array', elements, position: open.start }, height };
  }

  function parseIdentifier(token: Token): Parsed {
    switch (token.text) {
      case 'true':
      case 'false':
        countNode(token.start);
        return { node: { type: 'Literal', value: token.text === 'true', position: token.start }, height: 0 };
      case 'null':
        countNode(token.start);
        return { node: { type: 'Literal', value: null, position: token.start }, height: 0 };
      case 'data':
      case 'meta':
        return { node: parsePath(token, token.text), height: 0 };
    }
    if (WORD_OPERATORS.has(token.text)) throw unexpected(token);
    throw new ExpressionSyntaxError(`unknown identifier ${quoteForMessage(token.text)}`, token.start, 'paths start with data. or meta.');
  }

  function parsePath(rootToken: Token, root: 'data' | 'meta'): PathNode {
    const segments: (string | number)[] = [];
    for (;;) {
      const token = peek();
      if (isOperator(token, '.')) {
        next();
        // Any identifier is a segment here, keywords included (`data.in`, `meta.null`).
        const name = next();
        if (name.kind !== 'identifier') throw new ExpressionSyntaxError('expected a property name after "."', name.start);
        segments.push(name.text);
      } else if (isOperator(token, '[')) {
        next();
        const key = next();
        if (key.kind === 'string') {
          segments.push(String(key.value));
        } else if (key.kind === 'number' && /^[0-9]+$/.test(key.text) && Number.isSafeInteger(key.value)) {
          segments.push(Number(key.value));
        } else {
          throw new ExpressionSyntaxError('expected a string or non-negative integer index', key.start);
        }
        const close = next();
        if (!isOperator(close, ']')) throw new ExpressionSyntaxError('expected "]"', close.start);
      } else {
        countNode(rootToken.start);
        return { type: 'Path', root, segments, position: rootToken.start };
      }
    }
  }

  const result = parseBinary(0, 0);
  const rest = peek();
  if (rest.kind !== 'end') throw unexpected(rest);
  return result.node;
}
