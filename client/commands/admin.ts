/**
 * `cuo admin rotate-keys`: the operator's side of key rotation. With the gateway's current key (trusted by the
 * running projects) and its new one, every running project (or the ones named) gets a `trust` update signed with
 * the current key that adds the new key and, with --remove-old, retires the current one. Talks to Temporal
 * directly: it is for the operator who holds the gateway's keys and a Temporal identity, never for approvers.
 */
import type { Command } from 'commander';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { loadSigningKey, signAssertion, trustClaims } from '../gateway/assertion-signer';
import { WORKFLOW_TYPE, trustUpdate, workflowIdFor } from '../../workflows/contract';
import { CliError, EXIT } from '../exit-codes';
import { withSession, type CommandContext } from './context';

export function registerAdmin(program: Command, ctx: CommandContext): void {
  const admin = program.command('admin').description("operator commands (need the gateway's keys and Temporal access)");
  admin
    .command('rotate-keys')
    .description("make running projects trust the gateway's new signing key (signed with the key they trust now)")
    .requiredOption('--old-key <file>', "the PEM Ed25519 key the projects trust now (the gateway's current key)")
    .requiredOption('--new-key <file>', 'the PEM Ed25519 key the gateway signs with next')
    .option('--remove-old', 'stop trusting the old key in the same rotation')
    .option('--project <id...>', 'only these projects (default: every running upgrade project)')
    .action(async (opts: { oldKey: string; newKey: string; removeOld?: boolean; project?: string[] }) => {
      let oldKey, newKey;
      try {
        oldKey = loadSigningKey(opts.oldKey);
        newKey = loadSigningKey(opts.newKey);
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.usage);
      }
      const { io } = ctx;
      let failed = 0;
      await withSession(ctx, undefined, async (session) => {
        const ids = opts.project ?? [];
        if (!opts.project) {
          for await (const wf of session.client.workflow.list({
            query: `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
          })) {
            if (wf.workflowId.startsWith('upgrade-')) ids.push(wf.workflowId.slice('upgrade-'.length));
          }
        }
        for (const projectId of ids) {
          const workflowId = workflowIdFor(projectId);
          const assertion = signAssertion(
            oldKey,
            trustClaims(workflowId, { add: [newKey.publicKey], remove: opts.removeOld ? [oldKey.publicKey.kid] : [] }),
          );
          try {
            const result = await session.withDeadline(() =>
              session.handle(projectId).executeUpdate(trustUpdate, { args: [{ assertion }] }),
            );
            io.out(`✔ ${projectId}: trusts ${result.keys.join(', ')}`);
          } catch (err) {
            failed += 1;
            const reason =
              err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : session.explain(err, projectId).message;
            io.err(`✘ ${projectId}: ${reason}`);
          }
        }
        if (ids.length === 0) io.out('no running upgrade project');
      });
      if (failed) throw new CliError(`${failed} project(s) not rotated (see above)`, EXIT.refused);
    });
}
