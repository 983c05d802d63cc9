/**
 * workflows/update-ordering.ts reaches into SDK internals (maybeGetActivator, the activator's interceptor list).
 * An SDK upgrade must be a decision: re-run test/integration/update-ordering.test.ts (it replays a history made on
 * a cold worker), then move VERIFIED_WORKFLOW_SDK_VERSION. Until then this test fails and says so.
 */
import { VERIFIED_WORKFLOW_SDK_VERSION } from '../../workflows/update-ordering';

describe('the workflow SDK the update ordering was verified against', () => {
  it('is the installed @temporalio/workflow', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const installed = (require('@temporalio/workflow/package.json') as { version: string }).version;
    const hint = `installed @temporalio/workflow ${installed}, update-ordering.ts verified against ${VERIFIED_WORKFLOW_SDK_VERSION}: run test/integration/update-ordering.test.ts, then set VERIFIED_WORKFLOW_SDK_VERSION`;
    expect({ installed, hint }).toEqual({ installed: VERIFIED_WORKFLOW_SDK_VERSION, hint });
  });
});
