/**
 * The infrastructure change request for Pro Staging or Production. On Pro those environments take no
 * services.yaml change by a push: Adobe Support applies it from a ticket carrying the updated `.magento.app.yaml`,
 * `services.yaml` and PHP version, and Production needs ≥48 hours of notice excluding weekends, with the window in
 * UTC (facts §2, CLOUD `help/_includes/snippets.md#pro-update-service`). Pure: builds the text, sends nothing.
 */
import type { ProjectInput } from '../../workflows/project-input';
import { ROLE_LABELS, ROLES } from '../../workflows/roles';
import {
  describeChangeWindow,
  formatUtc,
  isWithinChangeWindow,
  parseIsoInstant,
  PRODUCTION_NOTICE_HOURS,
  weekdayHoursBetween,
  type TimeRange,
} from './change-window';
import type { InfrastructureChanges, ServiceChange, StagedPlan } from './types';
import { effectiveChanges } from './effective-changes';

export interface ChangeRequestInput {
  project: ProjectInput;
  environment: 'staging' | 'production';
  changes: InfrastructureChanges;
  /** `.magento/services.yaml` with the changes applied (see applyServiceChanges). */
  updatedServicesYaml: string;
  /** `.magento.app.yaml` with the PHP type and relationships applied. */
  updatedAppYaml: string;
  requestedWindow: TimeRange;
  nowIso: string;
  /** The staged plan: the request then says what it does not ask for (the launch window's work). */
  plan?: StagedPlan;
}

export interface ChangeRequest {
  subject: string;
  markdown: string;
  /** Production: at least 48 weekday hours between now and the window start. Staging: always true. */
  noticeOk: boolean;
  /** Monday–Friday hours between now and the window start (UTC), rounded down to 0.01. */
  noticeHours: number;
  /** What stops the request from going out as it is (empty when it may be sent). */
  problems: string[];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function versionCell(change: ServiceChange): string {
  if (change.kind === 'add') return `— → ${change.serviceName}:${change.toVersion}`;
  if (change.kind === 'replace') return `${change.serviceName}:${change.fromVersion} → removed (replaced by \`${change.replacedBy}\`)`;
  if (change.kind === 'keep') return `${change.serviceName}:${change.fromVersion} (unchanged)`;
  return `${change.serviceName}:${change.fromVersion} → ${change.serviceName}:${change.toVersion}`;
}

function fence(text: string): string {
  return ['```yaml', text.replace(/\n$/, ''), '```'].join('\n');
}

export function buildInfrastructureChangeRequest(input: ChangeRequestInput): ChangeRequest {
  const { project, environment, changes, requestedWindow } = input;
  const env = project.environments[environment];
  const problems: string[] = [];
  const label = environment === 'production' ? 'Production' : 'Staging';

  const now = parseIsoInstant(input.nowIso);
  const start = parseIsoInstant(requestedWindow.startIso);
  const end = parseIsoInstant(requestedWindow.endIso);
  const exactHours = weekdayHoursBetween(input.nowIso, requestedWindow.startIso);
  const noticeHours = Math.floor(exactHours * 100) / 100;
  const noticeOk = environment === 'staging' || exactHours >= PRODUCTION_NOTICE_HOURS;

  if (end <= start) problems.push('The requested window ends before it starts.');
  if (start <= now) problems.push('The requested window has already started.');
  if (!noticeOk) {
    problems.push(
      `Production needs at least ${PRODUCTION_NOTICE_HOURS} hours of notice excluding weekends; the window starts ` +
        `${noticeHours} weekday hours from now. Choose a later window (nextChangeWindow with ${PRODUCTION_NOTICE_HOURS} hours).`,
    );
  }
  if (environment === 'production' && end > start && !isWithinChangeWindow(project.changeWindows, requestedWindow)) {
    problems.push(
      `The requested window is outside the customer's change windows (${project.changeWindows.map(describeChangeWindow).join('; ')}).`,
    );
  }
  if (env.kind !== 'pro') {
    problems.push(`${label} is an Integration environment: commit the services change on the branch instead of a Support ticket.`);
  }
  const moving = effectiveChanges(changes);
  if (moving.length === 0 && changes.php.kind === 'keep' && changes.relationships.length === 0) {
    problems.push(`No service, relationship or PHP change is needed for ${changes.targetVersion}; there is nothing to request.`);
  }

  const subject =
    `[${project.projectId}] ${project.customer}: ${label} infrastructure change for Adobe Commerce ` +
    `${project.currentVersion} → ${project.targetVersion}, ${formatUtc(requestedWindow.startIso)}`;

  const lines: string[] = [
    `# Infrastructure change request: ${project.customer} ${label}`,
    '',
    `- Project: \`${project.projectId}\` (${project.customer})`,
    `- Adobe Commerce: ${project.currentVersion} → ${project.targetVersion}`,
    `- Environment: ${label} (${env.kind === 'pro' ? 'Pro' : 'Integration'}), ${env.url}, branch \`${env.branch}\``,
    `- Requested window: ${formatUtc(requestedWindow.startIso)} – ${formatUtc(requestedWindow.endIso)} ` +
      `(${new Date(start).toISOString()} – ${new Date(end).toISOString()})`,
    environment === 'production'
      ? `- Notice: ${noticeHours} weekday hours before the window (at least ${PRODUCTION_NOTICE_HOURS} required, ` +
        `weekends excluded): ${noticeOk ? 'OK' : 'TOO SHORT'}`
      : `- Notice: ${noticeHours} weekday hours before the window (the ${PRODUCTION_NOTICE_HOURS}-hour rule applies to Production)`,
    `- Customer change windows (UTC): ${project.changeWindows.map(describeChangeWindow).join('; ')}`,
    `- Requested on: ${new Date(now).toISOString()}`,
    '',
    '## Services',
    '',
    '| service id | change | upgrade path | why |',
    '|---|---|---|---|',
    ...changes.services.map(
      (c) =>
        `| \`${c.serviceId}\` | ${cell(versionCell(c))} | ${c.upgradePath.length ? cell(c.upgradePath.join(' → ')) : '—'} | ${cell(c.reason)} |`,
    ),
    '',
    `PHP: ${changes.php.kind === 'keep' ? `${changes.php.fromVersion} (unchanged)` : `${changes.php.fromVersion} → ${changes.php.toVersion}`} ` +
      `(${changes.targetVersion} supports ${changes.php.supported.join(', ')}).`,
    '',
  ];
  const notes = effectiveChanges(changes).filter((c) => c.notes.length > 0);
  if (notes.length > 0 || changes.php.notes.length > 0) {
    lines.push('### Notes', '');
    for (const c of notes) lines.push(...c.notes.map((n) => `- \`${c.serviceId}\`: ${n}`));
    lines.push(...changes.php.notes.map((n) => `- PHP: ${n}`), '');
  }
  if (changes.relationships.length > 0) {
    lines.push('### Relationships in .magento.app.yaml', '');
    for (const r of changes.relationships) {
      if (r.action === 'switch') lines.push(`- \`${r.name}\` → \`${r.newName}: "${r.serviceId}:${r.endpoint}"\` (${r.reason})`);
      if (r.action === 'add') lines.push(`- add \`${r.name}: "${r.serviceId}:${r.endpoint}"\` (${r.reason})`);
      if (r.action === 'remove') lines.push(`- remove \`${r.name}\` (${r.reason})`);
    }
    lines.push('');
  }
  lines.push('## Order of work', '', ...changes.sequence.map((step, i) => `${i + 1}. ${step}`), '');
  if (input.plan) {
    lines.push(
      '## Not part of this request: with the code update in the launch window',
      '',
      `${project.currentVersion} keeps running here until then, so PHP, the relationships and these changes wait for it:`,
      '',
      ...input.plan.launch.filter((s) => s.subject !== 'cache' || /Add service/.test(s.action)).map((s) => `- ${s.action}`),
      '',
    );
  }
  if (changes.warnings.length > 0) lines.push('## Warnings', '', ...changes.warnings.map((w) => `- ${w}`), '');
  lines.push(
    '## Updated files',
    '',
    '`.magento/services.yaml`:',
    '',
    fence(input.updatedServicesYaml),
    '',
    '`.magento.app.yaml`:',
    '',
    fence(input.updatedAppYaml),
    '',
    '## Contacts',
    '',
    ...ROLES.map((role) => `- ${ROLE_LABELS[role]}: ${project.participants[role].map((p) => `${p.name} <${p.email}>`).join(', ')}`),
    '',
    `Requirements: ${changes.requirementsSource}.`,
    '',
  );
  if (problems.length > 0) lines.push('## Problems to resolve before sending', '', ...problems.map((p) => `- ${p}`), '');

  return { subject, markdown: lines.join('\n'), noticeOk, noticeHours, problems };
}
