/**
 * The demo's feed keeps one line per event: a worker log entry (here the workflow's "decision refused" warning,
 * with the attributes the SDK adds to every workflow log) is one line, with its text neutralised.
 */
import { workerLogLine } from '../../examples/demo/worker-log';

describe('demo worker log lines', () => {
  it('renders a refused decision as one line: message, reason, who, which project', () => {
    const line = workerLogLine({
      level: 'WARN',
      message: 'decision refused',
      meta: {
        namespace: 'default',
        taskQueue: 'commerce-upgrades-demo',
        workflowId: 'upgrade-acme-demo-k3x9',
        runId: '01a2-…',
        workflowType: 'upgradeProject',
        sdkComponent: 'workflow',
        taskId: 'create-upgrade-plan',
        decision: 'approve',
        actor: 'pat@agency.example',
        role: 'customer',
        comment: 'looks good\nto me',
        reason: 'pat@agency.example is not a named customer participant',
      },
    });
    expect(line).toBe(
      'worker   WARN  decision refused: pat@agency.example is not a named customer participant · ' +
        'taskId create-upgrade-plan, decision approve, actor pat@agency.example, role customer, comment looks good to me · upgrade-acme-demo-k3x9',
    );
    expect(line).not.toContain('\n');
  });

  it('keeps errors and odd values on the line and shows escape sequences instead of obeying them', () => {
    const line = workerLogLine({
      level: 'ERROR',
      message: 'activity failed',
      meta: { error: new Error('boom\u001b[2J'), facts: { a: 1 } },
    });
    expect(line).toBe('worker   ERROR activity failed: boom\\x1b[2J · facts {"a":1}');
    expect(workerLogLine({ level: 'WARN', message: 'plain' })).toBe('worker   WARN  plain');
  });
});
