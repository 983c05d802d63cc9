/** `verify`: every decision of a project re-checked from its history, one row each, and the verdicts counted. */
import type { Style } from '../io';
import type { CheckedDecision, Verdict, VerifyReport } from '../verify-history';
import { renderTable } from './table';
import { clean } from './text';
import { shortIso } from './time';

const VERDICT_TEXT: Record<Verdict, string> = {
  verified: 'verified',
  'not-verified': 'NOT VERIFIED',
  refused: 'refused',
  duplicate: 'duplicate',
  declared: 'declared',
};

function verdictCell(d: CheckedDecision, style: Style): string {
  const text = VERDICT_TEXT[d.verdict];
  if (d.verdict === 'verified') return style.colors.green(text);
  if (d.verdict === 'not-verified') return style.colors.red(style.colors.bold(text));
  return text;
}

export function summaryLine(report: VerifyReport): string {
  const { verified, notVerified, refusedSignals, refused, duplicates } = report.summary;
  const extra = [
    duplicates ? `${duplicates} duplicate${duplicates === 1 ? '' : 's'}` : '',
    refused ? `${refused} refused after acceptance` : '',
  ].filter(Boolean);
  return (
    `${verified} verified, ${notVerified} not verified, ${refusedSignals} refused ` +
    `signal${refusedSignals === 1 ? '' : 's'}${extra.length ? `, ${extra.join(', ')}` : ''}`
  );
}

export function renderVerify(report: VerifyReport, style: Style): string {
  const lines = [
    `Decisions of ${clean(report.workflowId) || '(unknown workflow)'} (${clean(report.execution)}), re-checked from its history`,
  ];
  for (const problem of report.problems) lines.push(`! ${clean(problem)}`);
  if (!report.signed) {
    lines.push('Started before signed decisions: identities were declared, nothing to verify.', '');
  } else {
    for (const k of report.keys) {
      lines.push(
        `${k.change ? `Keys rotated at ${shortIso(k.at)} (event ${k.eventId}): ${clean(k.change)}; trusted` : `Keys trusted at the start (${shortIso(k.at)})`}: ` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `` +
          `${clean(k.kids.join(', ')) || 'none'}`,
      );
    }
    lines.push(
      report.keysPinned
        ? 'The start keys were compared with the published keys given with --keys.'
        : "The start keys are the history's own: compare them with the approvals gateway's published keys (or give them with --keys).",
      report.auditChecked
        ? "Checked against the audit trail of the project's final result too."
        : 'No final result yet: round and evidence are as signed, not compared with an audit entry.',
      '',
    );
  }
  const rows = report.decisions.map((d) => [
    shortIso(d.at),
    clean(d.task),
    clean(d.decision ?? d.message),
    d.actor ? clean(`${d.actor}${d.role ? ` (${d.role})` : ''}`) : '',
    d.identity ? clean(`${d.identity.iss} ${d.identity.sub} ${d.identity.amr}`) : '',
    clean(d.kid),
    verdictCell(d, style),
    clean(`${d.via === 'signal' ? 'signal; ' : ''}${d.reason ?? ''}`).replace(/; $/, ''),
  ]);
  // Declared decisions have no identity proof and no key: those columns would stay empty.
  const table = report.signed
    ? renderTable(['at', 'task', 'decision', 'who', 'identity (issuer subject method)', 'key', 'verdict', 'note'], rows, style, {
        keep: [0, 6],
        flex: [4, 7],
      })
    : renderTable(
        ['at', 'task', 'decision', 'who', 'verdict', 'note'],
        rows.map((r) => [...r.slice(0, 4), ...r.slice(6)]),
        style,
        { keep: [0, 4], flex: [5] },
      );
  lines.push(rows.length ? table : '(no decisions in the history)');
  if (report.signed) lines.push('', summaryLine(report));
  else if (report.decisions.length)
    lines.push('', `${report.decisions.length} decision${report.decisions.length === 1 ? '' : 's'} as declared`);
  return lines.join('\n');
}
