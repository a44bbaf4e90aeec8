import type { ExpressionNode } from './ast';

/**
 * Paths read by an expression, deduplicated in source order. Segments are joined with dots
 * whether written `.name` or `[...]`: `data.items[0]` → `data.items.0`, `data["odd key"]` →
 * `data.odd key`. Projection checks compare top-level fields, for which this is unambiguous.
 */
export function collectPaths(root: ExpressionNode): string[] {
  const paths = new Set<string>();
  const visit = (node: ExpressionNode): void => {
    switch (node.type) {
      case 'Literal':
        return;
      case 'Path':
        paths.add([node.root, ...node.segments].join('.'));
        return;
      case 'Array':
        node.elements.forEach(visit);
        return;
      case 'Unary':
        visit(node.operand);
        return;
      case 'Binary':
        visit(node.left);
        visit(node.right);
        return;
    }
  };
  visit(root);
  return [...paths];
}
