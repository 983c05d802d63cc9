/**
 * The demo worker's log lines in the demo's feed: the SDK's DefaultLogger prints a log entry's attributes as a
 * multi-line object (a refused decision came out as a 15-line `[WARN] decision refused {…}`), which breaks the
 * feed's one line per event. Here each entry is one line, `worker   WARN  decision refused: <reason> · task …`,
 * its text neutralised like the CLI's (a refused decision's comment is anybody's text).
 */
import type { LogEntry } from '@temporalio/worker';
import { clean } from '../../client/format/text';

/** Attributes every workflow and activity log entry carries: the project is named once, the rest is noise here. */
const CONTEXT_KEYS = new Set([
  'namespace',
  'taskQueue',
  'runId',
  'workflowType',
  'sdkComponent',
  'activityId',
  'attempt',
  'isLocal',
  'activityType',
  'taskToken',
]);
/** The attributes a person reads first, in this order. */
const FIRST = ['reason', 'error', 'taskId', 'gateId', 'decision', 'actor', 'role'];

function value(v: unknown): string {
  if (v instanceof Error) return v.message;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function workerLogLine(entry: Pick<LogEntry, 'level' | 'message' | 'meta'>): string {
  const meta = { ...(entry.meta ?? {}) } as Record<string, unknown>;
  const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
  delete meta.workflowId;
  for (const key of CONTEXT_KEYS) delete meta[key];
  const reason = meta.reason ?? meta.error;
  delete meta.reason;
  delete meta.error;
  const keys = [
    ...FIRST.filter((k) => k in meta),
    ...Object.keys(meta)
      .filter((k) => !FIRST.includes(k))
      .sort(),
  ];
  const details = keys.filter((k) => meta[k] !== undefined && meta[k] !== '').map((k) => `${k} ${value(meta[k])}`);
  const text = [
    `${entry.message}${reason !== undefined ? `: ${value(reason)}` : ''}`,
    ...(details.length ? [details.join(', ')] : []),
    ...(workflowId ? [workflowId] : []),
  ].join(' · ');
  return `worker   ${entry.level.padEnd(5)} ${clean(text)}`;
}
