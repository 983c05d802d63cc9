/**
 * The project's final report: JSON returned by the workflow and a markdown rendering stored as an artifact.
 * Pure, so the CLI can render the same report from a status.
 */
import type { ArtifactRef } from '../activities/contract';
import { sha256Hex } from './decision-assertion';
import type { AuditEntry, ProjectStatus, ReworkRecord } from './project-state';

export interface GateSummary {
  id: string;
  title: string;
  owner: string;
  state: string;
  rounds: number;
  approvals: { actor: string; at: string; evidence: string[] }[];
  steps: { step: string; status: string; summary: string; passed?: boolean; artifact?: string; sha256?: string }[];
  /** Evidence people attached in the gate's last round (gates that take attachments). */
  attachments?: { id: string; name: string; sha256: string; url?: string; actor: string; at: string }[];
}

export interface UpgradeProjectResult {
  version: 1;
  projectId: string;
  outcome: 'completed' | 'cancelled';
  startedAt: string;
  finishedAt: string;
  gates: GateSummary[];
  decisions: AuditEntry[];
  /** Every attachment people made, in every round (audit entries of kind `attachment`); absent when there was none. */
  attachments?: AuditEntry[];
  rework: ReworkRecord[];
  cancelled?: ProjectStatus['cancelled'];
  report?: ArtifactRef;
}

/** How a decision's person proved who they are: method, identity provider, subject, sign-in time and signing key. */
export function identityOf(entry: AuditEntry): string {
  const id = entry.identity;
  if (!id) return entry.kind === 'decision' || entry.kind === 'cancel' ? 'declared (before signed decisions)' : '';
  return `${id.amr} at ${id.iss} as ${id.sub}, signed in ${new Date(id.at * 1000).toISOString()}, key ${id.kid}`;
}

export interface ResultOptions {
  /**
   * Since the patch `lean-result-and-upserts`: an audit entry keeps its assertion's sha256 instead of the assertion
   * (~800 characters per decision, 12 of the result's 24 KiB after a happy path, issue #16). The assertion itself is
   * in the history's update or signal event that carried it, which is where `cuo verify` checks it; the digest ties
   * the entry to that event.
   */
  assertionDigests?: boolean;
}

/** An audit entry as a result keeps it: with its assertion, or (see ResultOptions) only the assertion's digest. */
function resultEntry(entry: AuditEntry, options: ResultOptions): AuditEntry {
  if (!options.assertionDigests || entry.assertion === undefined) return entry;
  const { assertion, ...rest } = entry;
  return { ...rest, assertionSha256: sha256Hex(assertion) };
}

export function buildResult(status: ProjectStatus, finishedAt: string, options: ResultOptions = {}): UpgradeProjectResult {
  const entries = (keep: (e: AuditEntry) => boolean) => status.audit.filter(keep).map((e) => resultEntry(e, options));
  return {
    version: 1,
    projectId: status.projectId,
    outcome: status.state === 'cancelled' ? 'cancelled' : 'completed',
    startedAt: status.startedAt,
    finishedAt,
    gates: status.gates.map((g) => ({
      id: g.id,
      title: g.title,
      owner: g.owner,
      state: g.state,
      rounds: g.rounds,
      approvals: g.approvals.map(({ actor, at, evidence }) => ({ actor, at, evidence })),
      steps: g.steps.map((s) => ({
        step: s.step,
        status: s.status,
        summary: s.summary,
        passed: s.passed,
        artifact: s.artifact?.id,
        sha256: s.artifact?.sha256,
      })),
      ...(g.attachments?.length
        ? {
            attachments: g.attachments.map(({ id, name, sha256, url, actor, at }) => ({
              id,
              name,
              sha256,
              ...(url ? { url } : {}),
              actor,
              at,
            })),
          }
        : {}),
    })),
    decisions: entries((e) => e.kind === 'decision' || e.kind === 'cancel' || e.kind === 'rework'),
    ...(status.audit.some((e) => e.kind === 'attachment') ? { attachments: entries((e) => e.kind === 'attachment') } : {}),
    rework: [...status.rework],
    cancelled: status.cancelled,
    report: status.report,
  };
}

const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderFinalReport(result: UpgradeProjectResult, status: ProjectStatus): string {
  const lines = [
    `# Upgrade report — ${status.projectId}`,
    '',
    `- Customer: ${status.customer}`,
    `- Versions: ${status.currentVersion} → ${status.targetVersion}`,
    `- Outcome: **${result.outcome}**`,
    `- Started: ${result.startedAt}; finished: ${result.finishedAt}`,
  ];
  if (result.cancelled) lines.push(`- Cancelled by ${result.cancelled.actor} at ${result.cancelled.at}: ${result.cancelled.reason}`);
  lines.push('', '## Tasks', '', '| task | owner | state | rounds | approved by | evidence |', '|---|---|---|---|---|---|');
  for (const gate of result.gates) {
    const evidence = [
      ...gate.steps.filter((s) => s.artifact).map((s) => `${s.artifact} (${s.sha256?.slice(0, 12)})`),
      ...(gate.attachments ?? []).map((a) => `${a.id} (${a.sha256.slice(0, 12)}, attached by ${a.actor})`),
    ];
    lines.push(
      `| ${gate.id} | ${gate.owner} | ${gate.state} | ${gate.rounds} | ${cell(gate.approvals.map((a) => `${a.actor} ${a.at}`).join('; '))} | ${cell(evidence.join('; '))} |`,
    );
  }
  lines.push('', '## Automation', '');
  for (const gate of result.gates) {
    for (const step of gate.steps) {
      lines.push(`- ${gate.id} / ${step.step}: ${step.status}${step.passed === false ? ' (check failed)' : ''} — ${step.summary}`);
    }
  }
  lines.push(
    '',
    '## Decisions',
    '',
    '| # | at | task | who | role | decision | comment | evidence | identity proven by |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const entry of result.decisions) {
    lines.push(
      `| ${entry.id} | ${entry.at} | ${entry.gateId ?? ''} | ${entry.actor ?? ''} | ${entry.role ?? ''} | ${entry.decision ?? entry.kind} | ${cell(entry.comment ?? entry.reason)} | ${cell(entry.evidence?.join(', '))} | ${cell(identityOf(entry))} |`,
    );
  }
  if (result.decisions.some((e) => e.assertion)) {
    lines.push(
      '',
      "Every signed decision keeps the approvals gateway's assertion in the result; `cuo verify` re-checks them from the history.",
    );
  } else if (result.decisions.some((e) => e.assertionSha256)) {
    lines.push(
      '',
      "Every signed decision keeps the sha256 of the approvals gateway's assertion; the assertion is in the history's event " +
        'that carried it, and `cuo verify` re-checks each one there.',
    );
  }
  if (result.attachments?.length) {
    lines.push('', '## Evidence people attached', '', '| # | at | task | who | role | document |', '|---|---|---|---|---|---|');
    for (const entry of result.attachments) {
      lines.push(
        `| ${entry.id} | ${entry.at} | ${entry.gateId ?? ''} | ${entry.actor ?? ''} | ${entry.role ?? ''} | ${cell(entry.reason)} |`,
      );
    }
  }
  if (result.rework.length) {
    lines.push('', '## Rework', '');
    for (const r of result.rework) {
      const revision = r.revision ? `; revision ${r.revision.id} (sha256 ${r.revision.sha256.slice(0, 12)})` : '';
      lines.push(`- ${r.at}: ${r.rejectedTask} rejected by ${r.actor}, back to ${r.backTo}: ${r.reason}${revision}`);
    }
  }
  const refused = status.audit.filter((e) => e.kind === 'refused').length + status.refusedNotKept;
  lines.push('', `Refused attempts: ${refused}.`);
  return lines.join('\n') + '\n';
}
