/** The start's static details for the Temporal UI: who takes part in which role (markdown the UI renders). */
import type { ProjectInput } from '../../workflows/project-input';
import { ROLE_LABELS, ROLES } from '../../workflows/roles';
import { describeWindow } from './plan';

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function participantsMarkdown(project: ProjectInput): string {
  const lines = [
    `**${cell(project.customer)}** — upgrade ${project.currentVersion} → ${project.targetVersion} (project \`${project.projectId}\`)`,
    '',
    '| role | name | e-mail |',
    '|---|---|---|',
  ];
  for (const role of ROLES) {
    for (const person of project.participants[role]) {
      lines.push(`| ${ROLE_LABELS[role]} (\`${role}\`) | ${cell(person.name)} | ${person.email} |`);
    }
  }
  lines.push('', `Staging: ${project.environments.staging.url} · Production: ${project.environments.production.url}`);
  lines.push(`Change windows: ${project.changeWindows.map(describeWindow).join('; ')}`);
  return lines.join('\n');
}
