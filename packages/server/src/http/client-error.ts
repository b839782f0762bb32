import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@docket/protocol';
import { ServerError } from '../errors.js';
import type { Emit } from './pipeline.js';
import { toProblem } from './problem.js';

/** Node's parser and timeout errors as the catalogue's codes; any other parser error is malformed. */
function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'REQUEST_MALFORMED';
}

const MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = {
  HEADERS_TOO_LARGE: 'the request headers are larger than the server accepts',
  REQUEST_TIMEOUT: 'the request (headers or body) did not arrive in time; the connection is closed',
  REQUEST_MALFORMED: 'the request is not valid HTTP/1.1',
};

/**
 * Answers a request Node's HTTP parser refused (`clientError`: a malformed request line, headers
 * too large, a request that did not arrive within the headers or request timeout) with a problem
 * body, as every other refusal, then closes the connection: after a parser error the connection's
 * framing can't be trusted. Nothing of the request is logged but Node's error code.
 *
 * @example
 * server.on('clientError', (error, socket) => answerClientError(error, socket, emit));
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, emit: Emit): void {
  // A reset connection can't be answered; an answer already under way can't be replaced.
  const current = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || current?.headersSent === true) {
    socket.destroy();
    return;
  }
  const code = codeOf(error);
  const problem = toProblem(new ServerError(code, MESSAGES[code] ?? 'bad request'));
  const body = JSON.stringify(problem);
  emit('warn', 'request refused by the HTTP parser', {
    status: problem.status,
    code,
    parserError: error.code ?? 'unknown',
  });
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
  // end() flushes and closes; a client that never reads must not keep the socket open.
  if (socket instanceof Socket) {
    socket.setTimeout(5_000, () => {
      socket.destroy();
    });
  }
}
