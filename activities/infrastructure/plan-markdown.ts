/** The staged plan as markdown lines, for the infrastructure report and the change requests. Pure. */
import type { StagedPlan } from './types';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderStagedPlan(plan: StagedPlan): string[] {
  const lines: string[] = [`## Staged plan: ${plan.currentVersion} → ${plan.targetVersion}`, ''];
  if (plan.needsDecision) {
    lines.push(
      '**No safe order is known: a person must decide before this goes ahead.**',
      '',
      ...plan.decisionReasons.map((r) => `- ${r}`),
      '',
    );
  }
  lines.push('### 1. Infrastructure task (Staging, then Production; the current version keeps running)', '');
  if (plan.bridge.length === 0) {
    lines.push('No service has a version both versions support: nothing changes before the launch window.', '');
  } else {
    lines.push('| service | from | bridge state | path | why |', '|---|---|---|---|---|');
    for (const c of plan.bridge) {
      lines.push(
        `| \`${c.serviceId}\` (${c.serviceName}) | ${c.fromVersion ?? '—'} | ${c.toVersion ?? '—'} | ${c.upgradePath.join(' → ') || '—'} | ${cell(c.reason)} |`,
      );
    }
    lines.push('');
  }
  if (plan.noCommonVersion.length) {
    lines.push(`No common version (these move with the code): ${plan.noCommonVersion.join(', ')}.`, '');
  }
  lines.push(
    `### 2. Launch window, in this order (~${plan.launchMinutes} min${plan.windowMinutes === undefined ? '' : ` of a ${plan.windowMinutes}-min window`}; ` +
      `planning estimates)`,
    '',
    ...plan.launch.map((s, i) => `${i + 1}. ${s.action} (~${s.minutes} min)`),
    '',
    'On Pro Staging and Production the service changes of the launch window are applied by Adobe Support: schedule them for the window with the launch.',
    '',
  );
  if (plan.afterLaunch.length) lines.push('### 3. After the launch', '', ...plan.afterLaunch.map((s) => `- ${s}`), '');
  lines.push('### Requirements', '');
  if (plan.eceTools) lines.push(`- magento/ece-tools ${plan.eceTools.minimum} or later (for ${plan.eceTools.for.join(', ')}).`);
  lines.push(
    `- Composer ${plan.composer.required} (\`.magento.app.yaml\` installs ${plan.composer.installed ?? 'no named version'}` +
      `${plan.composer.raiseTo ? `; raised to ${plan.composer.raiseTo} on the upgrade branch` : ''}).`,
    '',
  );
  return lines;
}
