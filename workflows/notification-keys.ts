/**
 * The idempotency key of every notification the workflow sends, in one place. Receivers deduplicate on it, so a
 * retried send is never a second message, and two different messages never share a key: each names the gate,
 * the round, the kind and, for repeated kinds, its count. The workflow id is prefixed by the sender.
 */
import type { Gate } from './project-state';

type KeyedGate = Pick<Gate, 'id' | 'rounds' | 'reminders' | 'escalations' | 'blocks'>;

export const notificationKeys = {
  awaiting: (gate: KeyedGate) => `${gate.id}/r${gate.rounds}/awaiting`,
  reminder: (gate: KeyedGate) => `${gate.id}/r${gate.rounds}/reminder/${gate.reminders}`,
  escalation: (gate: KeyedGate) => `${gate.id}/r${gate.rounds}/escalation/${gate.escalations}`,
  /** The n-th block of the gate in its round, with the step that failed. */
  blocked: (gate: KeyedGate, step: string) => `${gate.id}/r${gate.rounds}/blocked/${step}/${gate.blocks ?? 0}`,
  rejected: (gate: KeyedGate) => `${gate.id}/r${gate.rounds}/rejected`,
  closed: (outcome: 'completed' | 'cancelled') => `project/${outcome}`,
};
