/**
 * The upgrade plan the Customer approves in the first task: versions and their support dates, the infrastructure
 * changes with their paths, the module inventory, the playbook timeline inside the customer's change windows, and
 * who owns what. Pure and deterministic: the same input gives the same text (the caller passes `nowIso`; nothing
 * here reads the clock), so the plan's hash identifies what the Customer approved.
 */
import type { ProjectInput } from '../../workflows/project-input';
import { PLAYBOOK_PHASES, PLAYBOOK_TASKS } from '../../workflows/playbook';
import { ROLE_LABELS, ROLES, type Role } from '../../workflows/roles';
import type { CommerceRequirements } from '../requirements/catalog';
import { LIFECYCLE_SOURCE, lifecycleFor, supportPhaseOn, type SupportPhase } from '../requirements/lifecycle';
import {
  describeChangeWindow,
  formatUtc,
  nextChangeWindow,
  parseIsoInstant,
  PRODUCTION_NOTICE_HOURS,
} from '../infrastructure/change-window';
import type { InfrastructureChanges, ServiceChange } from '../infrastructure/types';
import { effectiveChanges } from '../infrastructure/effective-changes';
import type { ReworkNote } from '../contract';

export interface ModuleInventory {
  adobe: string[];
  thirdParty: string[];
  custom: string[];
}

export interface UpgradePlanInput {
  project: ProjectInput;
  /** Requirements of the target version (requirementsFor(project.targetVersion)). */
  requirements: CommerceRequirements;
  changes: InfrastructureChanges;
  inventory?: ModuleInventory;
  nowIso: string;
  /** The plan is redrafted after a rejection: the reviewer's notes and revision lead the new round's plan. */
  rework?: ReworkNote;
}

const PHASE_LABEL: Record<SupportPhase, string> = {
  'not-yet-released': 'not yet released',
  standard: 'standard support',
  extended: 'extended support',
  'security-only': 'security-only support',
  ended: 'out of support',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function people(project: ProjectInput, role: Role): string {
  return project.participants[role].map((p) => p.name).join(', ');
}

function roleWithPeople(project: ProjectInput, role: Role): string {
  return `${ROLE_LABELS[role]}: ${people(project, role)}`;
}

function versionRow(label: string, version: string, day: string): string {
  const lifecycle = lifecycleFor(version);
  if (!lifecycle) return `| ${label} | ${version} | — | — | — | — | — | — | not in the lifecycle table |`;
  return (
    `| ${label} | ${version} | ${lifecycle.line} | ${lifecycle.generalAvailability} | ${lifecycle.endOfStandardSupport} | ` +
    `${lifecycle.endOfExtendedSupport} | ${lifecycle.endOfSecurityOnlySupport} | ${lifecycle.cloudEnforcement} | ` +
    `${PHASE_LABEL[supportPhaseOn(lifecycle, day)]} |`
  );
}

function serviceRow(c: ServiceChange): string {
  const from = c.fromVersion === null ? '—' : `${c.serviceName}:${c.fromVersion}`;
  const to =
    c.kind === 'replace' ? `removed, replaced by \`${c.replacedBy}\`` : c.toVersion === null ? '—' : `${c.serviceName}:${c.toVersion}`;
  const path = c.upgradePath.length ? c.upgradePath.join(' → ') : '—';
  return `| \`${c.serviceId}\` | ${c.kind} | ${from} | ${cell(to)} | ${path} | ${cell(c.reason)} |`;
}

function requirementLines(req: CommerceRequirements): string[] {
  const optional = (label: string, value: { raw: string } | undefined) => (value ? [`- ${label}: ${value.raw}`] : []);
  return [
    `- PHP: ${req.php.join(', ')}`,
    `- Composer: ${req.composer.raw}`,
    `- MariaDB (\`mysql\` service): ${req.raw[req.cloudOverrides.includes('MariaDB') ? 'MariaDB Cloud' : 'MariaDB'] ?? req.mariadb.join(', ')}`,
    `- OpenSearch: ${req.opensearch.raw}`,
    ...optional('Valkey', req.valkey),
    ...optional('Redis', req.redis),
    `- RabbitMQ: ${req.rabbitmq.raw}`,
    `- Varnish: ${req.varnish.raw}`,
    `- nginx: ${req.nginx.raw}`,
  ];
}

function timeline(project: ProjectInput, nowIso: string): string[] {
  const windows = project.changeWindows;
  const lines = [
    `- Planned start: ${project.timeline.start ?? 'not set (timeline.start)'}`,
    `- Planned launch: ${project.timeline.launch ?? 'not set (timeline.launch)'}`,
    `- Customer change windows for Production (UTC): ${windows.map(describeChangeWindow).join('; ')}`,
  ];
  // Notice runs from today, or from the planned start if that is later (ISO strings of one form compare as text).
  const startIso = project.timeline.start ? `${project.timeline.start}T00:00:00.000Z` : undefined;
  const from = startIso && startIso > new Date(parseIsoInstant(nowIso)).toISOString() ? startIso : nowIso;
  const infra = nextChangeWindow(windows, from, PRODUCTION_NOTICE_HOURS);
  lines.push(
    `- Earliest Production infrastructure window (${PRODUCTION_NOTICE_HOURS} hours' notice, weekends excluded, ` +
      `from ${formatUtc(from)}): ${formatUtc(infra.startIso)} – ${formatUtc(infra.endIso)}`,
  );
  if (project.timeline.launch) {
    const launch = nextChangeWindow(windows, `${project.timeline.launch}T00:00:00Z`);
    lines.push(
      `- Launch window (first change window on or after the planned launch): ${formatUtc(launch.startIso)} – ${formatUtc(launch.endIso)}`,
    );
    if (launch.startIso <= infra.startIso) {
      lines.push('- ⚠ The planned launch comes before the Production infrastructure change can happen; move the launch.');
    }
  }
  return lines;
}

/**
 * What a redrafted plan says first: which round it is, the rejection it answers (reason, who, when), the plan it
 * replaces by hash, and the reviewer's revision when one was attached — which then is this round's plan, approved by
 * its own hash, with the draft below kept for comparison.
 */
export function reworkSection(rework: ReworkNote): string[] {
  const lines = [
    `## Round ${rework.round}: what changed`,
    '',
    `Redrafted after ${rework.actor} rejected round ${rework.round - 1} of \`${rework.rejectedTask}\` on ${formatUtc(rework.at)}.`,
    '',
    "The reviewer's notes:",
    '',
    ...rework.reason.split('\n').map((line) => `> ${line}`),
    '',
  ];
  if (rework.rejected?.length) {
    lines.push('Rejected evidence:', '', ...rework.rejected.map((a) => `- \`${a.id}\` (sha256 \`${a.sha256}\`)`), '');
  }
  if (rework.revision) {
    const r = rework.revision;
    lines.push(
      `The reviewer attached a revision, **${cell(r.name)}** (sha256 \`${r.sha256}\`${r.url ? `, ${r.url}` : ''}): it replaces this draft as the ` +
        `plan of round ${rework.round} and is part of this round's evidence as \`${r.id}\`; approve it by its hash. The draft below is kept for comparison.`,
      '',
    );
  } else {
    lines.push(
      'Every section below is drafted again from the repository and the project file as they are now; the notes above are what the review asked for.',
      '',
    );
  }
  return lines;
}

export function renderUpgradePlan(input: UpgradePlanInput): string {
  const { project, requirements, changes, inventory, nowIso } = input;
  const day = nowIso.slice(0, 10);
  const out: string[] = [
    `# Upgrade plan: ${project.customer}, Adobe Commerce ${project.currentVersion} → ${project.targetVersion}`,
    '',
    `Project \`${project.projectId}\`, drafted ${day}. The Customer owns this plan; the Development Partner and Managed ` +
      'Services contribute.',
    '',
    ...(input.rework ? reworkSection(input.rework) : []),
    '## Versions',
    '',
    `| | version | line | GA | end of standard support | end of extended support | end of security-only | cloud enforcement | on ${day} |`,
    '|---|---|---|---|---|---|---|---|---|',
    versionRow('current', project.currentVersion, day),
    versionRow('target', project.targetVersion, day),
    '',
    `Support dates: ${LIFECYCLE_SOURCE}. After the cloud enforcement date Adobe suspends traffic of projects still on the line.`,
    '',
    `### What ${requirements.version} needs on cloud`,
    '',
    ...requirementLines(requirements),
    '',
    `Source: ${requirements.source.repository} ${requirements.source.path}@${requirements.source.commit} (${requirements.source.date}).`,
    '',
    '## Infrastructure changes',
    '',
    '| service id | change | from | to | path | why |',
    '|---|---|---|---|---|---|',
    ...changes.services.map(serviceRow),
    '',
    changes.php.kind === 'keep'
      ? `PHP stays at ${changes.php.fromVersion}.`
      : `PHP ${changes.php.fromVersion} → ${changes.php.toVersion} (${changes.php.reason}).`,
    '',
    'Order of work:',
    '',
    ...changes.sequence.map((step, i) => `${i + 1}. ${step}`),
    '',
  ];
  const notes = [
    ...effectiveChanges(changes).flatMap((c) => c.notes.map((n) => `- \`${c.serviceId}\`: ${n}`)),
    ...changes.php.notes.map((n) => `- PHP: ${n}`),
  ];
  if (notes.length) out.push('Notes:', '', ...notes, '');
  if (changes.warnings.length) out.push('Warnings:', '', ...changes.warnings.map((w) => `- ⚠ ${w}`), '');
  out.push(
    'On Pro Staging and Production these changes go to Adobe Support as a change request with the updated files; ' +
      `Production needs at least ${PRODUCTION_NOTICE_HOURS} hours' notice, weekends excluded.`,
    '',
    '## Module inventory',
    '',
  );
  if (inventory) {
    const list = (items: string[]) => (items.length ? [...items].sort().map((m) => `  - ${m}`) : ['  - none']);
    out.push(
      `- Adobe packages: ${inventory.adobe.length}`,
      `- Third-party modules: ${inventory.thirdParty.length}`,
      ...list(inventory.thirdParty),
      `- Custom modules: ${inventory.custom.length}`,
      ...list(inventory.custom),
      '',
    );
  } else {
    out.push('Not assessed yet: the Development Partner inventories packages and modules in "Assess upgrade complexity".', '');
  }
  out.push('## Timeline', '', ...timeline(project, nowIso), '');
  for (const phase of PLAYBOOK_PHASES) {
    const tasks = PLAYBOOK_TASKS.filter((t) => t.phase === phase.id);
    if (!tasks.length) continue;
    out.push(`${phase.title}:`, '');
    for (const task of tasks) {
      out.push(`- ${task.title}${task.production ? ' (Production: CAB approval, in a change window)' : ''}`);
    }
    out.push('');
  }
  out.push(
    '## Who owns what',
    '',
    '| task | owner | contributors | Managed Services |',
    '|---|---|---|---|',
    ...PLAYBOOK_TASKS.map(
      (t) =>
        `| ${cell(t.title)} | ${roleWithPeople(project, t.owner)} | ` +
        `${t.contributors.length ? t.contributors.map((r) => ROLE_LABELS[r]).join(', ') : '—'} | ${cell(t.cseNote ?? '—')} |`,
    ),
    '',
    '## Participants',
    '',
    ...ROLES.map((role) => `- ${ROLE_LABELS[role]}: ${project.participants[role].map((p) => `${p.name} <${p.email}>`).join(', ')}`),
    '',
  );
  return out.join('\n');
}
