/** When a wait for people reminds and escalates, with an injected clock (no server). */
import { ReminderSchedule } from '../../workflows/reminder-schedule';

const MIN = 60_000;

describe('ReminderSchedule', () => {
  it('reminds every remindAfter and escalates every escalateAfter, escalation first when both are due', () => {
    const schedule = new ReminderSchedule(0, 10 * MIN, 30 * MIN);
    expect(schedule.wake).toBe(10 * MIN);
    expect(schedule.takeDue(5 * MIN)).toEqual([]);
    expect(schedule.takeDue(10 * MIN)).toEqual(['remind']);
    expect(schedule.wake).toBe(20 * MIN);
    expect(schedule.takeDue(20 * MIN)).toEqual(['remind']);
    expect(schedule.takeDue(30 * MIN)).toEqual(['escalate', 'remind']);
    expect(schedule.wake).toBe(40 * MIN);
  });

  it('sends one of each after a long sleep (a worker down for hours) and resumes its period from then', () => {
    const schedule = new ReminderSchedule(0, 10 * MIN, 30 * MIN, true);
    expect(schedule.takeDue(305 * MIN)).toEqual(['escalate', 'remind']);
    expect(schedule.wake).toBe(310 * MIN);
    expect(schedule.takeDue(306 * MIN)).toEqual([]);
    expect(schedule.takeDue(310 * MIN)).toEqual(['remind']);
    expect(schedule.takeDue(330 * MIN)).toEqual(['escalate', 'remind']);
  });

  it('as projects before reminders-skip-missed-periods did: catches up one period per wake-up (a burst)', () => {
    const schedule = new ReminderSchedule(0, 10 * MIN, 30 * MIN);
    let sent = 0;
    while (schedule.wake <= 300 * MIN) sent += schedule.takeDue(300 * MIN).filter((a) => a === 'remind').length;
    expect(sent).toBe(30);
  });

  it('never decides: it only ever answers remind or escalate', () => {
    const schedule = new ReminderSchedule(1_000, 1_000, 2_500);
    const seen = new Set<string>();
    for (let now = 0; now < 60_000; now += 700) for (const action of schedule.takeDue(now)) seen.add(action);
    expect([...seen].sort()).toEqual(['escalate', 'remind']);
  });
});
