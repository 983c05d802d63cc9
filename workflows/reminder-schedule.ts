/**
 * When a wait for people reminds and escalates. Pure (the clock is passed in), so its rules are tested without a
 * server: test/unit/reminder-schedule.test.ts. Timers never decide: they remind the awaited roles every
 * `remindAfter` and escalate to the CSE every `escalateAfter`, for as long as the wait lasts.
 */
export type DueAction = 'escalate' | 'remind';

export class ReminderSchedule {
  private nextReminder: number;
  private nextEscalation: number;

  constructor(
    readonly since: number,
    private readonly remindMs: number,
    private readonly escalateMs: number,
  ) {
    this.nextReminder = since + remindMs;
    this.nextEscalation = since + escalateMs;
  }

  /** The next instant something is due. */
  get wake(): number {
    return Math.min(this.nextReminder, this.nextEscalation);
  }

  /**
   * What is due at `now`, escalation before reminder (the CSE hears first), each at most once per call: a wait
   * that slept through several periods (a worker down for a day) sends one of each, not a burst. Advances past them.
   */
  takeDue(now: number): DueAction[] {
    const due: DueAction[] = [];
    if (now >= this.nextEscalation) {
      due.push('escalate');
      this.nextEscalation += this.escalateMs;
    }
    if (now >= this.nextReminder) {
      due.push('remind');
      this.nextReminder += this.remindMs;
    }
    return due;
  }
}
