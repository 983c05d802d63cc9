/** Across projects: `pending` (who is awaited, since when) and `list` (projects by search attributes). */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  UpgradeAwaitingActors,
  UpgradeAwaitingRoles,
  UpgradeAwaitingSince,
  UpgradeCustomer,
  UpgradeOverdue,
  UpgradePhase,
  UpgradeProjectId,
  UpgradeTargetVersion,
  type ProjectStatus,
} from '../../workflows/contract';
import { CliError, EXIT } from '../exit-codes';
import type { ListItem } from '../format/list';
import { projectStatusWord, renderList } from '../format/list';
import { wide } from '../io';
import { renderPending, sortPending, type PendingItem } from '../format/pending';
import { checkRole, listQuery, pendingQuery } from '../queries';
import type { Session } from '../session';
import { withSession, type CommandContext } from './context';

/** Status queries run in parallel, a few at a time, so one slow project does not hold up the others. */
const PARALLEL_QUERIES = 8;

function listItem(info: WorkflowExecutionInfo): ListItem {
  const sa = info.typedSearchAttributes;
  const phase = sa.get(UpgradePhase) ?? '';
  return {
    projectId: sa.get(UpgradeProjectId) ?? info.workflowId.replace(/^upgrade-/, ''),
    workflowId: info.workflowId,
    customer: sa.get(UpgradeCustomer) ?? '',
    targetVersion: sa.get(UpgradeTargetVersion) ?? '',
    phase,
    awaitingRoles: sa.get(UpgradeAwaitingRoles) ?? [],
    awaitingActors: sa.get(UpgradeAwaitingActors) ?? [],
    overdue: sa.get(UpgradeOverdue) ?? false,
    ...(sa.get(UpgradeAwaitingSince) ? { awaitingSince: sa.get(UpgradeAwaitingSince)!.toISOString() } : {}),
    executionStatus: info.status.name,
    status: projectStatusWord(info.status.name, phase),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
  };
}

async function listExecutions(session: Session, query: string, limit: number): Promise<ListItem[]> {
  const items: ListItem[] = [];
  for await (const info of session.client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    items.push(listItem(info));
    if (items.length >= limit) break;
  }
  return items;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A project's row from its search attributes alone. */
function projectPending(item: ListItem): PendingItem {
  return {
    projectId: item.projectId,
    workflowId: item.workflowId,
    customer: item.customer,
    phase: item.phase,
    roles: item.awaitingRoles,
    actors: item.awaitingActors,
    ...(item.awaitingSince ? { since: item.awaitingSince } : {}),
    overdue: item.overdue,
  };
}

function pendingOf(
  item: ListItem,
  status: Pick<ProjectStatus, 'projectId' | 'workflowId' | 'customer' | 'phase' | 'awaiting'> | undefined,
): PendingItem[] {
  if (!status) {
    // The status query did not answer (no worker): what the search attributes say is still worth showing.
    return [{ ...projectPending(item), gateId: '?', title: '', state: '?' }];
  }
  return status.awaiting.map((a) => ({
    projectId: status.projectId,
    workflowId: status.workflowId,
    customer: status.customer,
    phase: status.phase,
    gateId: a.gateId,
    title: a.title,
    state: a.state,
    roles: a.roles,
    actors: a.actors,
    since: a.since,
    overdue: a.overdue,
  }));
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--limit must be a whole number greater than 0, got "${value}"`, EXIT.usage);
  return n;
}

export function registerOverview(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('pending')
    .description('across all running projects: what waits on whom and for how long, oldest first (one visibility query)')
    .option('--role <role>', 'only what waits on this role (customer, partner, managed-services)')
    .option('--actor <email>', 'only what waits on this person')
    .option('--limit <n>', 'at most this many projects', '200')
    .option('--tasks', 'name each awaited task (asks every listed project for its status: slower, needs a worker)')
    .option('--wide', 'whole cells, however wide (default: the table fits the terminal)')
    .option('--json', 'print JSON')
    .action(async (opts: { role?: string; actor?: string; limit: string; tasks?: boolean; wide?: boolean; json?: boolean }) => {
      const role = opts.role === undefined ? undefined : checkRole(opts.role);
      let actor: string | undefined;
      if (opts.actor !== undefined) {
        const parsed = z.string().trim().toLowerCase().email().safeParse(opts.actor);
        if (!parsed.success) throw new CliError(`--actor must be an e-mail address, got "${opts.actor}"`, EXIT.usage);
        actor = parsed.data;
      }
      const settings = ctx.settings();
      const limit = positiveInt(opts.limit);
      const items = await withSession(ctx, undefined, async (session) => {
        const projects = (
          await listExecutions(
            session,
            pendingQuery({ role, actor, taskQueue: settings.taskQueueExplicit ? settings.taskQueue : undefined }),
            limit,
          )
        ).filter((p) => p.awaitingRoles.length > 0);
        // The search attributes say whom each project waits on and since when: one query answers the question.
        if (!opts.tasks) return projects.map(projectPending);
        const statuses = await mapLimited(projects, PARALLEL_QUERIES, (p) => session.summary(p.projectId).catch(() => undefined));
        return projects
          .flatMap((p, i) => pendingOf(p, statuses[i]))
          .filter((item) => (!role || item.roles.includes(role)) && (!actor || item.actors.includes(actor)));
      });
      const sorted = sortPending(items);
      const filter = [role && `role ${role}`, actor && `actor ${actor}`].filter(Boolean).join(', ');
      if (opts.json) io.json(sorted);
      else io.out(renderPending(sorted, io.now(), wide(io.style, opts.wide), filter));
    });

  program
    .command('list')
    .description('upgrade projects found by their search attributes')
    .option('--phase <phase>', 'only projects in this phase (plan … post-launch, completed, cancelled)')
    .option('--customer <name>', 'only this customer (exact name)')
    .option('--awaiting <role>', 'only projects waiting on this role')
    .option('--open', 'only running projects')
    .option('--closed', 'only finished projects')
    .option('--overdue', 'only projects with an overdue step')
    .option('--limit <n>', 'at most this many projects', '100')
    .option('--wide', 'whole cells, however wide (default: the table fits the terminal)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        phase?: string;
        customer?: string;
        awaiting?: string;
        open?: boolean;
        closed?: boolean;
        overdue?: boolean;
        limit: string;
        wide?: boolean;
        json?: boolean;
      }) => {
        const settings = ctx.settings();
        const query = listQuery({ ...opts, taskQueue: settings.taskQueueExplicit ? settings.taskQueue : undefined });
        const limit = positiveInt(opts.limit);
        const items = await withSession(ctx, undefined, (session) => listExecutions(session, query, limit));
        if (opts.json) io.json(items);
        else io.out(renderList(items, wide(io.style, opts.wide)));
      },
    );
}
