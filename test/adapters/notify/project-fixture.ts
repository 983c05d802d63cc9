/** A valid project for the notification tests: two customer approvers, one partner, one CSE. */
import { projectInputSchema, type ProjectInput } from '../../../workflows/project-input';

export const WORKFLOW_ID = 'upgrade-acme-2-4-8';

export function acmeProject(): ProjectInput {
  return projectInputSchema.parse({
    version: 1,
    projectId: 'acme-2-4-8',
    customer: 'Acme Corp',
    participants: {
      customer: [
        { name: 'Jane Doe', email: 'jane@acme.example' },
        { name: 'Omar Haddad', email: 'omar@acme.example' },
      ],
      partner: [{ name: 'Priya Patel', email: 'priya@agency.example' }],
      'managed-services': [{ name: 'Chris CSE', email: 'chris@adobe.example' }],
    },
    currentVersion: '2.4.6-p8',
    targetVersion: '2.4.8',
    repository: { url: '/tmp/none' },
    environments: {
      staging: { url: 'https://mcstaging.acme.example', branch: 'staging' },
      production: { url: 'https://www.acme.example', branch: 'production' },
    },
    changeWindows: [{ days: ['tue', 'thu'], startUtc: '22:00', durationMinutes: 120 }],
  });
}
