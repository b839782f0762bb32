import type { OperationSpec } from '../openapi/document.js';

/** A route: an operation and the regular expression of its path template. */
interface Route {
  readonly operation: OperationSpec;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/** Result of {@link Router.match}. */
export type RouteMatch =
  | {
      readonly kind: 'found';
      readonly operation: OperationSpec;
      readonly path: Record<string, string>;
    }
  | { readonly kind: 'method'; readonly allowed: readonly string[] }
  | { readonly kind: 'none' };

/**
 * Matches method and path against the document's path templates (`/v1/decisions/{id}`); a
 * template segment matches one non-empty path segment, percent-decoded, except an operation's
 * rest parameter (`x-docket-path-rest`), which matches the rest of the path.
 *
 * @example
 * const m = new Router(listOperations()).match('GET', '/v1/decisions/0190…');
 */
export class Router {
  readonly #routes: Route[];

  constructor(operations: readonly OperationSpec[]) {
    this.#routes = operations.map((operation) => {
      const names: string[] = [];
      const source = operation.path
        .split('/')
        .map((segment) => {
          const m = /^\{(\w+)\}$/.exec(segment);
          if (m === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          // The operation's rest parameter (`x-docket-path-rest`) takes the rest of the path,
          // slashes included: a tlog-tiles path (`tile/1/x001/234.p/8`) has a variable depth.
          return m[1] === operation.pathRest ? '(.+)' : '([^/]+)';
        })
        .join('/');
      return { operation, pattern: new RegExp(`^${source}$`), names };
    });
  }

  match(method: string, pathname: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const m = route.pattern.exec(pathname);
      if (m === null) continue;
      if (route.operation.method !== method) {
        allowed.push(route.operation.method);
        continue;
      }
      const path: Record<string, string> = {};
      route.names.forEach((name, i) => {
        path[name] = safeDecode(m[i + 1]!);
      });
      return { kind: 'found', operation: route.operation, path };
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  }
}

/** Percent-decodes a path segment; a malformed escape stays as written (and fails validation). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
