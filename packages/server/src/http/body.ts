import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { parseStrictJson } from '@docket/protocol';
import { ServerError } from '../errors.js';
import { BodyShapeScanner } from './body-shape.js';
import type { BodyShapeLimits } from './body-shape.js';

/** What one request body may cost: its size once decompressed, and its shape. */
export interface BodyLimits extends BodyShapeLimits {
  /** Largest body once decompressed (`DOCKET_MAX_BODY_BYTES`, default 8 MiB). */
  readonly maxBytes: number;
}

/**
 * Reads a JSON request body: `application/json` only, `gzip` or identity encoding, at most
 * `limits.maxBytes` bytes once decompressed (`BODY_TOO_LARGE`), within the shape limits
 * (`BODY_TOO_COMPLEX`, checked as the bytes arrive), parsed as strict I-JSON (duplicate keys,
 * lone surrogates and unsafe integers are refused with their code and JSON path).
 *
 * @example
 * const body = await readJsonBody(req, { maxBytes: 8 << 20, maxObjectKeys: 10_000, maxValues: 1_000_000, maxDepth: 512 });
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const limit = limits.maxBytes;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new ServerError(
      'MEDIA_TYPE_UNSUPPORTED',
      `the body must be application/json, not ${type === '' ? 'untyped' : type}`,
      { where: 'header.content-type' },
    );
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    req.resume();
    throw new ServerError(
      'MEDIA_TYPE_UNSUPPORTED',
      `content encoding ${encoding} is not supported (gzip or identity)`,
      { where: 'header.content-encoding' },
    );
  }
  const shape = new BodyShapeScanner(limits);
  const bytes = await collect(
    encoding === 'gzip' ? req.pipe(createGunzip()) : req,
    limit,
    req,
    shape,
  );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ServerError('ENCODING_INVALID', 'the body is not valid UTF-8', { where: '$', cause });
  }
  return parseStrictJson(text);
}

const tooLarge = (limit: number): ServerError =>
  new ServerError('BODY_TOO_LARGE', `the body exceeds ${limit} bytes`, { where: '$' });

function collect(
  stream: NodeJS.ReadableStream,
  limit: number,
  req: IncomingMessage,
  shape: BodyShapeScanner,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const fail = (error: Error): void => {
      if (done) return;
      done = true;
      // Drain what is left, so the connection can carry the answer.
      req.resume();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > limit) {
        fail(tooLarge(limit));
        return;
      }
      try {
        shape.scan(chunk);
      } catch (error) {
        fail(error as Error);
        return;
      }
      chunks.push(chunk);
    });
    // A connection closed before the body ended (the request timeout, a client gone): settle,
    // so the request does not stay in flight for ever.
    req.once('close', () => {
      if (!req.complete) {
        fail(
          new ServerError('REQUEST_MALFORMED', 'the connection closed before the body ended', {
            where: '$',
          }),
        );
      }
    });
    stream.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, total));
    });
    stream.on('error', (cause: Error) => {
      fail(
        new ServerError('ENCODING_INVALID', `the body could not be read: ${cause.message}`, {
          where: '$',
          cause,
        }),
      );
    });
  });
}
