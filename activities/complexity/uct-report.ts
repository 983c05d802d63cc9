/**
 * Reads an Upgrade Compatibility Tool report (`bin/uct upgrade:check`, facts §4). Pure. Two forms are supported:
 *
 * (a) **The CLI text output**, as documented by Adobe (OPS upgrade-compatibility-tool/reports.md): per file a
 *     `File: <path>` header, a dashed rule and issue lines
 *       ` * [ERROR][1328] Line 10: Implemented interface '…' that is non API on version '2.4.4'`
 *     (levels CRITICAL, ERROR, WARNING), then the summary table ("Current version", "Target version",
 *     "Execution time", "Modules that require update   71.67% (43/60)", "Files that require update",
 *     "Total critical issues", "Total errors", "Total warnings", "Memory peak usage"). ANSI colours are ignored.
 *
 * (b) **A JSON report in a form this project defines**, `format: "cuo-uct-report/1"` (example in
 *     test/support/git-fixtures.ts, UCT_JSON_REPORT):
 *       { "format": "cuo-uct-report/1", "currentVersion"?: "2.4.6-p8", "targetVersion"?: "2.4.7-p3",
 *         "summary"?: { "modulesRequiringUpdate"?: {percent,count,total}, "filesRequiringUpdate"?: {…},
 *                       "totalCritical"?: n, "totalErrors"?: n, "totalWarnings"?: n },
 *         "issues": [ { "file"?: "/app/code/…", "severity": "critical"|"error"|"warning", "code": 1328,
 *                       "line"?: 10, "message": "…" } ] }
 *     The tool's own `--json-output-path` file is NOT read: its field names are not publicly documented and no
 *     public sample exists (facts §4), so guessing them would misread real reports silently. Convert it to the
 *     form above (or give the text output) until a real report lets us build that parser.
 *
 * Anything else is rejected with a message naming the supported forms.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';

export const UCT_JSON_FORMAT = 'cuo-uct-report/1';
export const UCT_SEVERITIES = ['critical', 'error', 'warning'] as const;
export type UctSeverity = (typeof UCT_SEVERITIES)[number];

export const SUPPORTED_UCT_FORMS =
  'the CLI text output of `bin/uct upgrade:check` (lines like "* [ERROR][1328] Line 10: …" and the summary table), ' +
  `or JSON with "format": "${UCT_JSON_FORMAT}" (see activities/complexity/uct-report.ts)`;

export interface UctIssue {
  file?: string;
  severity: UctSeverity;
  code: number;
  line?: number;
  message: string;
}

export interface UctRatio {
  percent: number;
  count: number;
  total: number;
}

export interface UctReport {
  form: 'text' | 'json';
  currentVersion?: string;
  targetVersion?: string;
  issues: UctIssue[];
  /** The report's totals where it states them, otherwise counted from its issue lines. */
  counts: Record<UctSeverity, number>;
  modulesRequiringUpdate?: UctRatio;
  filesRequiringUpdate?: UctRatio;
  executionTime?: string;
  memoryPeakUsage?: string;
  /** What the files with issues belong to: `Vendor_Module` for app/code/<Vendor>/<Module>/, `vendor/package` for vendor/<vendor>/<package>/. */
  modules: string[];
}

const SEVERITY: Record<string, UctSeverity> = { CRITICAL: 'critical', ERROR: 'error', WARNING: 'warning' };
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const ISSUE_LINE = /^\s*\*\s*\[(CRITICAL|ERROR|WARNING)\]\[(\d+)\]\s*(?:Line\s+(\d+)\s*:\s*)?(.*)$/i;
const FILE_LINE = /^\s*File:\s*(.+?)\s*$/;
const SUMMARY_LINE =
  /^\s*(Current version|Target version|Execution time|Modules that require update|Files that require update|Total critical issues|Total errors|Total warnings|Memory peak usage)\s+(.+?)\s*$/i;

export function parseUctReport(text: string): UctReport {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJsonReport(trimmed);
  return parseTextReport(trimmed);
}

function parseTextReport(text: string): UctReport {
  const issues: UctIssue[] = [];
  const summary = new Map<string, string>();
  let file: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(ANSI, '');
    const fileMatch = FILE_LINE.exec(line);
    if (fileMatch) {
      file = fileMatch[1];
      continue;
    }
    const issue = ISSUE_LINE.exec(line);
    if (issue) {
      issues.push({
        ...(file ? { file } : {}),
        severity: SEVERITY[(issue[1] as string).toUpperCase()] as UctSeverity,
        code: Number(issue[2]),
        ...(issue[3] ? { line: Number(issue[3]) } : {}),
        message: (issue[4] ?? '').trim(),
      });
      continue;
    }
    const row = SUMMARY_LINE.exec(line);
    if (row) summary.set((row[1] as string).toLowerCase(), row[2] as string);
  }
  if (issues.length === 0 && summary.size === 0) {
    throw ApplicationFailure.nonRetryable(
      `The Upgrade Compatibility Tool report is in no supported form: it has neither issue lines nor a summary table. Supported: ${SUPPORTED_UCT_FORMS}.`,
      'UnsupportedUctReport',
    );
  }
  const total = (key: string) => {
    const value = summary.get(key);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const listed = countBySeverity(issues);
  return {
    form: 'text',
    currentVersion: summary.get('current version'),
    targetVersion: summary.get('target version'),
    issues,
    counts: {
      critical: total('total critical issues') ?? listed.critical,
      error: total('total errors') ?? listed.error,
      warning: total('total warnings') ?? listed.warning,
    },
    modulesRequiringUpdate: ratio(summary.get('modules that require update')),
    filesRequiringUpdate: ratio(summary.get('files that require update')),
    executionTime: summary.get('execution time'),
    memoryPeakUsage: summary.get('memory peak usage'),
    modules: modulesOf(issues),
  };
}

const ratioSchema = z.strictObject({ percent: z.number().min(0).max(100), count: z.number().int().min(0), total: z.number().int().min(0) });
const jsonReportSchema = z.strictObject({
  format: z.literal(UCT_JSON_FORMAT),
  currentVersion: z.string().optional(),
  targetVersion: z.string().optional(),
  summary: z
    .strictObject({
      modulesRequiringUpdate: ratioSchema.optional(),
      filesRequiringUpdate: ratioSchema.optional(),
      totalCritical: z.number().int().min(0).optional(),
      totalErrors: z.number().int().min(0).optional(),
      totalWarnings: z.number().int().min(0).optional(),
      executionTime: z.string().optional(),
      memoryPeakUsage: z.string().optional(),
    })
    .optional(),
  issues: z.array(
    z.strictObject({
      file: z.string().optional(),
      severity: z.enum(UCT_SEVERITIES),
      code: z.number().int(),
      line: z.number().int().min(0).optional(),
      message: z.string(),
    }),
  ),
});

function parseJsonReport(text: string): UctReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      `The Upgrade Compatibility Tool report looks like JSON but does not parse (${(error as Error).message}). Supported: ${SUPPORTED_UCT_FORMS}.`,
      'UnsupportedUctReport',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as Record<string, unknown>).format !== UCT_JSON_FORMAT) {
    throw ApplicationFailure.nonRetryable(
      "This JSON report is not in a supported form (the Upgrade Compatibility Tool's own JSON schema is not publicly documented, so it is not read). " +
        `Supported: ${SUPPORTED_UCT_FORMS}.`,
      'UnsupportedUctReport',
    );
  }
  const result = jsonReportSchema.safeParse(parsed);
  if (!result.success) {
    const problem = result.error.issues[0];
    throw ApplicationFailure.nonRetryable(
      `The ${UCT_JSON_FORMAT} report is invalid at ${problem?.path.join('.') || '(root)'}: ${problem?.message ?? 'invalid'}.`,
      'UnsupportedUctReport',
    );
  }
  const report = result.data;
  const listed = countBySeverity(report.issues);
  return {
    form: 'json',
    currentVersion: report.currentVersion,
    targetVersion: report.targetVersion,
    issues: report.issues,
    counts: {
      critical: report.summary?.totalCritical ?? listed.critical,
      error: report.summary?.totalErrors ?? listed.error,
      warning: report.summary?.totalWarnings ?? listed.warning,
    },
    modulesRequiringUpdate: report.summary?.modulesRequiringUpdate,
    filesRequiringUpdate: report.summary?.filesRequiringUpdate,
    executionTime: report.summary?.executionTime,
    memoryPeakUsage: report.summary?.memoryPeakUsage,
    modules: modulesOf(report.issues),
  };
}

function countBySeverity(issues: UctIssue[]): Record<UctSeverity, number> {
  const counts: Record<UctSeverity, number> = { critical: 0, error: 0, warning: 0 };
  for (const issue of issues) counts[issue.severity] += 1;
  return counts;
}

function ratio(value: string | undefined): UctRatio | undefined {
  const match = value === undefined ? null : /([\d.]+)\s*%\s*\((\d+)\s*\/\s*(\d+)\)/.exec(value);
  return match ? { percent: Number(match[1]), count: Number(match[2]), total: Number(match[3]) } : undefined;
}

function modulesOf(issues: UctIssue[]): string[] {
  const modules = new Set<string>();
  for (const { file } of issues) {
    const match = file ? (/(?:^|\/)app\/code\/([^/]+)\/([^/]+)\//.exec(file) ?? /(?:^|\/)vendor\/([^/]+)\/([^/]+)\//.exec(file)) : null;
    if (match) modules.add(file?.includes('app/code/') ? `${match[1]}_${match[2]}` : `${match[1]}/${match[2]}`);
  }
  return [...modules].sort();
}
