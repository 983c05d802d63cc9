/**
 * When a wait for people reminds and escalates. Pure (the clock is passed in), so its rules are tested without a
 * server: test/unit/reminder-schedule.test.ts. Timers never decide: they remind the awaited roles every
 * `remindAfter` and escalate to the CSE every `escalateAfter`, for as long as the wait lasts.
 */
export type DueAction = 'escalate' | 'remind';

export class ReminderSchedule {
  private nextReminder: number;
  private nextEscalation: number;

  /**
   * `skipMissed` (projects since the patch `reminders-skip-missed-periods`): after a long sleep (a worker down for a
   * day) the next reminder and escalation are one period from now. Before, each wake-up caught up by one period,
   * and the next wake-up was then already due: one message per missed period, in quick succession.
   */
  constructor(
    readonly since: number,
    private readonly remindMs: number,
    private readonly escalateMs: number,
    private readonly skipMissed = false,
  ) {
    this.nextReminder = since + remindMs;
    this.nextEscalation = since + escalateMs;
  }

  /** What a continued run needs to go on with the same schedule. */
  snapshot(): { since: number; nextReminder: number; nextEscalation: number } {
    return { since: this.since, nextReminder: this.nextReminder, nextEscalation: this.nextEscalation };
  }

  static restore(
    saved: { since: number; nextReminder: number; nextEscalation: number },
    remindMs: number,
    escalateMs: number,
    skipMissed = false,
  ): ReminderSchedule {
    const schedule = new ReminderSchedule(saved.since, remindMs, escalateMs, skipMissed);
    schedule.nextReminder = saved.nextReminder;
    schedule.nextEscalation = saved.nextEscalation;
    return schedule;
  }

  /** The next instant something is due. */
  get wake(): number {
    return Math.min(this.nextReminder, this.nextEscalation);
  }

  /**
   * What is due at `now`, escalation before reminder (the CSE hears first), each at most once per call.
   * Advances past them (see `skipMissed` for a wait that slept through several periods).
   */
  takeDue(now: number): DueAction[] {
    const due: DueAction[] = [];
    if (now >= this.nextEscalation) {
      due.push('escalate');
      this.nextEscalation = this.after(this.nextEscalation, this.escalateMs, now);
    }
    if (now >= this.nextReminder) {
      due.push('remind');
      this.nextReminder = this.after(this.nextReminder, this.remindMs, now);
    }
    return due;
  }

  private after(due: number, period: number, now: number): number {
    if (!this.skipMissed) return due + period;
    return due + period * (Math.floor((now - due) / period) + 1);
  }
}
