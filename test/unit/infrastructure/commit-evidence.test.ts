/**
 * Issue #14 item 11: approving the code update with `--evidence <commit>` was refused for a short and a full sha,
 * because evidence was matched only against the step's artifacts; the commit is in the step's facts (the partner
 * pushes after the automation ran). The approval now names the commit, and the launch can read it.
 */
import type { DecisionPayload } from '../../../workflows/messages';
import { validateProjectInput } from '../../../workflows/project-input';
import { ProjectState } from '../../../workflows/project-state';
import { makeProject } from '../../support/project-fixture';
import { artifactRef, awaitingDecision } from '../../support/state-driver';

const FULL = '3f9a1c2b4d5e6f708192a3b4c5d6e7f809a1b2c3';

function awaitingCodeUpdate() {
  const parsed = validateProjectInput(makeProject());
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  let tick = 0;
  const state = new ProjectState('upgrade-x', parsed.project, () => new Date(Date.UTC(2026, 10, 28, 9, 0, tick++)).toISOString());
  awaitingDecision(state, 'update-code-base', [
    {
      step: 'prepareUpgradeBranch',
      summary: 'branch',
      artifact: artifactRef('p/0123456789abcdef-upgrade-branch.md', '0123456789abcdef'),
      facts: {
        branch: 'upgrade/2.4.8-p3',
        commit: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        head: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        created: true,
      },
    },
  ]);
  const partner = parsed.project.participants.partner[0]!.email;
  const approve = (evidence: string): DecisionPayload => ({
    taskId: 'update-code-base',
    decision: 'approve',
    actor: partner,
    role: 'partner',
    evidence,
  });
  return { state, approve };
}

describe('commit evidence on the code update', () => {
  it('accepts a full and a short sha, and records the commit the launch deploys', () => {
    const { state, approve } = awaitingCodeUpdate();
    expect(state.validate(approve(FULL))).toEqual({ ok: true });
    expect(state.validate(approve(FULL.slice(0, 10)))).toEqual({ ok: true });
    expect(state.validate(approve(FULL.slice(0, 7).toUpperCase()))).toEqual({ ok: true });
    state.apply(approve(FULL.toUpperCase()), 'update');
    expect(state.approvedCommit('update-code-base')).toBe(FULL);
    expect(state.gate('update-code-base').approvals[0]?.evidence).toEqual(['p/0123456789abcdef-upgrade-branch.md', `commit:${FULL}`]);
  });

  it('still refuses what is neither the artifact nor a sha, and a sha on a gate that prepared no branch', () => {
    const { state, approve } = awaitingCodeUpdate();
    expect(state.validate(approve('not-a-commit'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/or a commit sha of 7 to 40 hex digits on upgrade\/2\.4\.8-p3/),
    });
    expect(state.validate(approve('abc12'))).toMatchObject({ ok: false });
    // The plan approves a document, not code: a sha is no evidence there.
    awaitingDecision(state, 'create-upgrade-plan', [
      { step: 'draftUpgradePlan', summary: 'plan', artifact: artifactRef('p/1111-plan.md', '1111') },
    ]);
    const customer = 'carla@acme.example';
    expect(
      state.validate({ taskId: 'create-upgrade-plan', decision: 'approve', actor: customer, role: 'customer', evidence: FULL }),
    ).toMatchObject({ ok: false });
  });
});
