import { ApplicationFailure } from '@temporalio/common';
import { computeInfrastructureChanges } from '../../../activities/infrastructure/changes';
import { FAILURE_TYPES, nonRetryableInputErrors } from '../../../activities/infrastructure/failures';
import { requirementsFor } from '../../../activities/requirements/catalog';
import { APP_246 } from './fixtures';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('input errors become non-retryable failures', () => {
  it('an unknown version', () => {
    const failure = caught(() => nonRetryableInputErrors(() => requirementsFor('2.4.3')));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true, type: FAILURE_TYPES.unknownVersion });
    expect((failure as ApplicationFailure).message).toContain('Known versions: 2.4.4');
  });

  it('an unreadable services file names file and line', () => {
    const failure = caught(() =>
      nonRetryableInputErrors(() =>
        computeInfrastructureChanges({ servicesYaml: 'mysql:\n  type: mysql\n', appYaml: APP_246, targetVersion: '2.4.8' }),
      ),
    );
    expect(failure).toMatchObject({ nonRetryable: true, type: FAILURE_TYPES.invalidConfigFile });
    expect((failure as ApplicationFailure).message).toMatch(/^\.magento\/services\.yaml:2: /);
  });

  it('other errors pass through unchanged', () => {
    const failure = caught(() =>
      nonRetryableInputErrors(() => {
        throw new TypeError('boom');
      }),
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect(nonRetryableInputErrors(() => 42)).toBe(42);
  });
});
