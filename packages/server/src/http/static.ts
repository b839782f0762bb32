/**
 * Serves the web UI (@docket/web) beside the API: `/` redirects a browser to `/ui/`, `/ui/` is the page,
 * `/ui/js/…` the compiled browser modules, `/ui/vendor/noble-ed25519.js` the bundled Ed25519
 * fallback. None of these paths is in the OpenAPI document, so they never shadow an operation.
 * Every answer carries a strict Content-Security-Policy: the pages load nothing from elsewhere.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_PACKAGE_URL } from '@docket/web';

/** Where the UI is served. */
export const UI_PATH = '/ui/';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Headers of every UI answer: nothing from another origin, no framing, no sniffing. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/** Options of {@link createStaticHandler}. */
export interface StaticOptions {
  /** The @docket/web package folder (default: where it is installed). */
  readonly webRoot?: URL;
}

/** Answers a UI request and returns true, or returns false for any other path (the API's). */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The UI handler. Mount it before the API router; it takes only `/` and `/ui…`.
 *
 * @example
 * const ui = createStaticHandler();
 * createServer((req, res) => { if (!ui(req, res)) api(req, res); });
 */
export function createStaticHandler(options: StaticOptions = {}): StaticHandler {
  const root = fileURLToPath(options.webRoot ?? WEB_PACKAGE_URL);
  const publicDir = resolve(root, 'public');
  const distDir = resolve(root, 'dist');
  let noble: string | undefined;
  const noblePath = (): string =>
    (noble ??= createRequire(resolve(root, 'package.json')).resolve('@noble/ed25519'));

  /** The file a UI path stands for, or undefined (404). */
  const fileFor = (pathname: string): string | undefined => {
    const rest = pathname.slice(UI_PATH.length);
    if (rest === '' || rest === 'index.html') return resolve(publicDir, 'index.html');
    if (rest === 'vendor/noble-ed25519.js') return noblePath();
    const inside = (dir: string, relative: string): string | undefined => {
      const file = resolve(dir, relative);
      return file.startsWith(dir + sep) ? file : undefined;
    };
    if (rest.startsWith('js/')) {
      const relative = rest.slice(3);
      // Browser modules only: no tests, no declarations, no build info.
      if (!/^[\w/-]+\.js(?:\.map)?$/.test(relative) || /\.test\.js/.test(relative))
        return undefined;
      return inside(distDir, relative);
    }
    if (/^[\w-]+\.(?:css|svg|html)$/.test(rest)) return inside(publicDir, rest);
    // The page's own addresses (/ui/decisions/…, /ui/ledger): the same page, which routes itself.
    return /^[^.]+$/.test(rest) && !rest.startsWith('vendor/')
      ? resolve(publicDir, 'index.html')
      : undefined;
  };

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://docket.invalid').pathname;
    // `/` leads a browser (which asks for HTML) to the UI; an API client still gets the API's 404.
    const browser = (req.headers.accept ?? '').includes('text/html');
    if ((pathname === '/' && browser) || pathname === '/ui') {
      send(req, res, 302, 'text/plain; charset=utf-8', `see ${UI_PATH}\n`, { location: UI_PATH });
      return true;
    }
    if (!pathname.startsWith(UI_PATH)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, 405, 'text/plain; charset=utf-8', 'the UI is read with GET\n', {
        allow: 'GET, HEAD',
      });
      if (!req.complete) req.resume();
      return true;
    }
    const file = fileFor(pathname);
    if (file === undefined) {
      send(req, res, 404, 'text/plain; charset=utf-8', `no such page: ${pathname}\n`);
      return true;
    }
    readFile(file).then(
      (body) => {
        send(req, res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
      },
      (error: unknown) => {
        const missing = (error as { code?: string }).code === 'ENOENT';
        send(
          req,
          res,
          missing ? 404 : 500,
          'text/plain; charset=utf-8',
          missing ? `no such page: ${pathname}\n` : 'the UI file could not be read\n',
        );
      },
    );
    return true;
  };
}
