/** Visibility queries of `list` and `pending`: exact text, quoting, and refusal of values outside the contract. */
import { CliError } from '../../client/exit-codes';
import { listQuery, pendingQuery, quote } from '../../client/queries';

describe('visibility queries', () => {
  it('builds pending on the awaiting search attributes of running projects', () => {
    expect(pendingQuery({})).toBe("WorkflowType = 'upgradeProject' AND ExecutionStatus = 'Running'");
    expect(pendingQuery({ role: 'customer', actor: 'jane@acme.example', taskQueue: 'q1' })).toBe(
      "WorkflowType = 'upgradeProject' AND ExecutionStatus = 'Running' AND UpgradeAwaitingRoles = 'customer' AND UpgradeAwaitingActors = 'jane@acme.example' AND TaskQueue = 'q1'",
    );
  });

  it('builds list filters and quotes free text', () => {
    expect(listQuery({ phase: 'uat', customer: "O'Brien \\ Sons", awaiting: 'partner', closed: true, overdue: true })).toBe(
      "WorkflowType = 'upgradeProject' AND UpgradePhase = 'uat' AND UpgradeCustomer = 'O\\'Brien \\\\ Sons' AND UpgradeAwaitingRoles = 'partner' AND ExecutionStatus != 'Running' AND UpgradeOverdue = true",
    );
    expect(quote("a'b")).toBe("'a\\'b'");
  });

  it('refuses unknown phases, roles and contradictory flags with exit 2', () => {
    for (const filters of [{ phase: 'testing' }, { awaiting: 'cse' }, { open: true, closed: true }]) {
      try {
        listQuery(filters);
        throw new Error('expected a CliError');
      } catch (err) {
        expect(err).toBeInstanceOf(CliError);
        expect((err as CliError).exitCode).toBe(2);
      }
    }
  });
});
