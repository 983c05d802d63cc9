/** `infrastructure <repo> --to <target>`: the staged plan a project would get, as tables. */
import type { PlannedFiles } from '../../activities/infrastructure/project-files';
import type { Style } from '../io';
import { renderTable } from './table';

export function renderInfrastructurePreview(planned: PlannedFiles, style: Style): string {
  const { changes } = planned;
  const plan = changes.plan;
  const b = style.colors.bold;
  const lines: string[] = [b(`Adobe Commerce ${plan?.currentVersion ?? '?'} → ${changes.targetVersion} on cloud infrastructure`), ''];
  if (plan?.needsDecision) {
    lines.push(b('NO SAFE ORDER KNOWN: a person must decide before this goes ahead'), ...plan.decisionReasons.map((r) => `  - ${r}`), '');
  }
  lines.push(
    renderTable(
      ['service', 'now', 'infrastructure task (bridge)', 'target', 'when', 'path'],
      [
        ...changes.services.map((c) => {
          const bridged = plan?.bridge.find((x) => x.serviceId === c.serviceId);
          return [
            `${c.serviceId} (${c.serviceName})`,
            c.fromVersion ?? '—',
            bridged ? (bridged.toVersion ?? '—') : (c.fromVersion ?? '—'),
            c.kind === 'replace' ? `removed (→ ${c.replacedBy})` : (c.toVersion ?? '—'),
            c.stage ?? c.kind,
            c.upgradePath.join(' → ') || '—',
          ];
        }),
        [
          'php',
          changes.php.fromVersion,
          changes.php.fromVersion,
          changes.php.toVersion,
          changes.php.kind === 'keep' ? 'none' : 'launch',
          '—',
        ],
      ],
      style,
    ),
  );
  if (plan) {
    if (plan.noCommonVersion.length) lines.push('', `No common version (moves with the code): ${plan.noCommonVersion.join(', ')}`);
    lines.push(
      '',
      b(
        `Launch window, in this order (~${plan.launchMinutes} min, planning ` +
          `estimates${plan.windowMinutes === undefined ? '' : `; window ${plan.windowMinutes} min`})`,
      ),
    );
    lines.push(
      renderTable(
        ['#', 'step', 'min'],
        plan.launch.map((s, i) => [String(i + 1), s.action, String(s.minutes)]),
        style,
      ),
    );
    if (plan.afterLaunch.length) lines.push('', b('After the launch'), ...plan.afterLaunch.map((s) => `  - ${s}`));
    lines.push('', b('Requirements'));
    if (plan.eceTools) lines.push(`  magento/ece-tools ${plan.eceTools.minimum} or later (for ${plan.eceTools.for.join(', ')})`);
    lines.push(
      `  Composer ${plan.composer.required}; .magento.app.yaml installs ` +
        `${plan.composer.installed ?? 'no named version'}${plan.composer.raiseTo ? ` → raise to ${plan.composer.raiseTo}` : ''}`,
    );
  }
  if (changes.warnings.length) lines.push('', b('Warnings'), ...changes.warnings.map((w) => `  - ${w}`));
  lines.push('', `Source: ${changes.requirementsSource}`);
  return lines.join('\n');
}
