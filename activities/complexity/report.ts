/**
 * The complexity assessment as a markdown artifact: the rating and its reasons first (what the owner approves),
 * then the evidence. Pure and deterministic (no dates), so equal inputs give the same artifact id.
 */
import type { ComplexityAssessment } from './assess';
import type { PackageInventory } from './inventory';
import { SUPPORTED_UCT_FORMS, type UctReport } from './uct-report';

export interface ComplexityReportInput {
  projectId?: string;
  customer?: string;
  currentVersion?: string;
  targetVersion?: string;
  inventory: PackageInventory;
  uct?: UctReport;
  /** Where the UCT report came from, shown as provenance. */
  uctSource?: string;
  assessment: ComplexityAssessment;
  /** Issues listed in full up to this many (default 50); the rest are counted. */
  maxIssues?: number;
}

export function renderComplexityReport(input: ComplexityReportInput): string {
  const { inventory, uct, assessment } = input;
  const out: string[] = [];
  const title = [input.customer, input.projectId].filter(Boolean).join(' · ');
  out.push(`# Upgrade complexity assessment${title ? `: ${title}` : ''}`, '');
  if (input.currentVersion || input.targetVersion)
    out.push(`Adobe Commerce ${input.currentVersion ?? '?'} → ${input.targetVersion ?? '?'}`, '');
  out.push(`**Rating: ${assessment.rating}** (score ${assessment.score})`, '');
  for (const reason of assessment.reasons) out.push(`- ${reason}`);
  out.push('');

  out.push('## Package inventory', '');
  out.push('| bucket | packages |', '|---|---|');
  out.push(`| Adobe (incl. bundled and cloud metapackage extensions) | ${inventory.adobe.length} |`);
  out.push(`| Third-party extensions | ${inventory.thirdParty.length} (${inventory.thirdPartyVendors.length} vendors) |`);
  out.push(`| Libraries | ${inventory.libraries.length} |`);
  out.push(`| Custom modules (app/code) | ${inventory.custom.length} |`, '');

  out.push('### Third-party extensions', '');
  if (inventory.thirdParty.length === 0) out.push('None.', '');
  else {
    out.push('| package | version | type |', '|---|---|---|');
    for (const p of inventory.thirdParty) out.push(`| ${cell(p.name)} | ${cell(p.version)} | ${cell(p.type)} |`);
    out.push('');
  }

  out.push('### Custom modules', '');
  if (inventory.custom.length === 0) out.push('None.', '');
  else {
    const issuesByModule = new Map<string, number>();
    for (const issue of uct?.issues ?? []) {
      const match = issue.file ? /app\/code\/([^/]+)\/([^/]+)\//.exec(issue.file) : null;
      if (match) issuesByModule.set(`${match[1]}_${match[2]}`, (issuesByModule.get(`${match[1]}_${match[2]}`) ?? 0) + 1);
    }
    out.push(`| module | path${uct ? ' | UCT issues' : ''} |`, `|---|---${uct ? '|---' : ''}|`);
    for (const m of inventory.custom)
      out.push(`| ${cell(m.name)} | ${cell(m.path ?? '')}${uct ? ` | ${issuesByModule.get(m.name) ?? 0}` : ''} |`);
    out.push('');
  }

  const bundled = inventory.adobe.filter((p) => p.via);
  if (bundled.length) {
    out.push('### Extensions shipped by Adobe packages', '');
    out.push("Other vendors' extensions that Adobe's packages require; they move with the product version.", '');
    for (const p of bundled) out.push(`- ${p.name} ${p.version} (via ${p.via})`);
    out.push('');
  }

  out.push('## Upgrade Compatibility Tool', '');
  if (!uct) {
    out.push(
      'No report was provided. Run `bin/uct upgrade:check <dir> -c <target>` and set `repository.uctReportPath`.',
      `Supported forms: ${SUPPORTED_UCT_FORMS}.`,
      '',
    );
  } else {
    if (input.uctSource) out.push(`Source: \`${input.uctSource}\` (${uct.form} form)`, '');
    out.push('| | |', '|---|---|');
    if (uct.currentVersion) out.push(`| Current version | ${cell(uct.currentVersion)} |`);
    if (uct.targetVersion) out.push(`| Target version | ${cell(uct.targetVersion)} |`);
    if (uct.modulesRequiringUpdate) out.push(`| Modules that require update | ${ratioText(uct.modulesRequiringUpdate)} |`);
    if (uct.filesRequiringUpdate) out.push(`| Files that require update | ${ratioText(uct.filesRequiringUpdate)} |`);
    out.push(
      `| Critical issues | ${uct.counts.critical} |`,
      `| Errors | ${uct.counts.error} |`,
      `| Warnings | ${uct.counts.warning} |`,
      '',
    );
    if (uct.targetVersion && input.targetVersion && uct.targetVersion !== input.targetVersion) {
      out.push(
        `> The report was made for ${uct.targetVersion}, not for the project's target ${input.targetVersion}; re-run it with \`-c ${input.targetVersion}\`.`,
        '',
      );
    }
    const limit = input.maxIssues ?? 50;
    const order = { critical: 0, error: 1, warning: 2 } as const;
    const issues = [...uct.issues].sort((a, b) => order[a.severity] - order[b.severity]);
    if (issues.length) {
      out.push('| severity | code | file | line | message |', '|---|---|---|---|---|');
      for (const i of issues.slice(0, limit))
        out.push(`| ${i.severity} | ${i.code} | ${cell(i.file ?? '')} | ${i.line ?? ''} | ${cell(i.message)} |`);
      if (issues.length > limit) out.push('', `…and ${issues.length - limit} more issues in the report.`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function ratioText(r: { percent: number; count: number; total: number }): string {
  return `${r.percent}% (${r.count}/${r.total})`;
}

/** Markdown table cells: pipes and newlines would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
