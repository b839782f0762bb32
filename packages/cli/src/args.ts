import { parseArgs } from 'node:util';
import { DocketError } from '@docket/protocol';

/** The option spec of node:util parseArgs. */
export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
>;

/** Options every command takes. */
export const COMMON: OptionSpec = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Parses a command's arguments strictly; unknown flags are a usage error naming the flag.
 *
 * @example
 * const { values, positionals } = parse(argv, { data: { type: 'string' } });
 */
export function parse(
  argv: string[],
  spec: OptionSpec,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON, ...spec },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (cause) {
    throw new DocketError('USAGE', (cause as Error).message, { cause });
  }
}

/** A required string option, or a usage error naming it. */
export function required(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    throw new DocketError('USAGE', `--${name} is required`, { where: `--${name}` });
  }
  return value;
}

/** An optional string option. */
export function optional(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
