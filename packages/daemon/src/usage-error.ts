import { UsageError } from './errors.js';

/** Turn node:util's parse errors into one short line. */
export function usageFromParseError(err: unknown): UsageError {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const opt = /option '([^']+)'/i.exec(message)?.[1];
    return new UsageError(`unknown option ${opt ?? message}`, { cause: err });
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const opt = (/Option '([^']+?)(?: <value>)?'/.exec(message)?.[1] ?? 'an option').replace(', ', '/');
    const problem = message.includes('does not take an argument')
      ? 'takes no value'
      : message.includes('ambiguous') && opt.startsWith('--')
        ? `needs a value (write ${opt}=VALUE for a value that starts with '-')`
        : 'needs a value';
    return new UsageError(`${opt} ${problem}`, { cause: err });
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /argument '([^']*)'/.exec(message)?.[1];
    return new UsageError(`unexpected argument ${JSON.stringify(arg ?? message)}`, { cause: err });
  }
  return new UsageError(message, { cause: err });
}
