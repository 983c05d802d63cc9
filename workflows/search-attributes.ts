/**
 * Custom search attributes of the public contract. The dev-server start script and the test harness register
 * exactly these; the workflow upserts them at every transition so managers can filter in the UI and the CLI.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const UpgradeProjectId = defineSearchAttributeKey('UpgradeProjectId', SearchAttributeType.KEYWORD);
export const UpgradeCustomer = defineSearchAttributeKey('UpgradeCustomer', SearchAttributeType.KEYWORD);
export const UpgradeTargetVersion = defineSearchAttributeKey('UpgradeTargetVersion', SearchAttributeType.KEYWORD);
export const UpgradePhase = defineSearchAttributeKey('UpgradePhase', SearchAttributeType.KEYWORD);
export const UpgradeAwaitingRoles = defineSearchAttributeKey('UpgradeAwaitingRoles', SearchAttributeType.KEYWORD_LIST);

/**
 * Beyond the contract's five: who by name is awaited (so `pending --actor` is one visibility query) and whether any
 * awaited step is overdue (so managers filter late projects in the UI).
 */
export const UpgradeAwaitingActors = defineSearchAttributeKey('UpgradeAwaitingActors', SearchAttributeType.KEYWORD_LIST);
export const UpgradeOverdue = defineSearchAttributeKey('UpgradeOverdue', SearchAttributeType.BOOL);
/**
 * Since when the oldest awaited step has waited (absent when nothing is awaited): the manager board and
 * `cuo pending` sort and age by it with one visibility query, and the Temporal UI filters on it ("awaiting the
 * customer for more than three days"). Projects started before the patch `board-search-attributes` do not set it.
 */
export const UpgradeAwaitingSince = defineSearchAttributeKey('UpgradeAwaitingSince', SearchAttributeType.DATETIME);
/** The tasks (and CAB gates) awaited now, and how many times the project was sent back: the board's columns. */
export const UpgradeAwaitingTasks = defineSearchAttributeKey('UpgradeAwaitingTasks', SearchAttributeType.KEYWORD_LIST);
export const UpgradeReworkCount = defineSearchAttributeKey('UpgradeReworkCount', SearchAttributeType.INT);

export const UPGRADE_SEARCH_ATTRIBUTES = [
  UpgradeProjectId,
  UpgradeCustomer,
  UpgradeTargetVersion,
  UpgradePhase,
  UpgradeAwaitingRoles,
  UpgradeAwaitingActors,
  UpgradeOverdue,
  UpgradeAwaitingSince,
  UpgradeAwaitingTasks,
  UpgradeReworkCount,
] as const;

/** Task queue of the public contract. */
export const TASK_QUEUE = 'commerce-upgrades';
