/**
 * The state of one upgrade project and the approval rules over it (DESIGN.md, "Rules of the approval model").
 * Pure and deterministic: the workflow owns one instance, its handlers call `validate`/`apply`, and unit tests drive
 * it without a server. The clock is injected (the workflow passes its deterministic `Date.now`).
 */
import type { ArtifactRef, AutomationResult, ReworkNote } from '../activities/contract';
import {
  DECISIONS,
  MAX_ATTACHMENTS_PER_GATE,
  type AttachmentInput,
  type AttachPayload,
  type AttachResult,
  type CancelPayload,
  type Decision,
  type DecisionPayload,
  type DecisionResult,
} from './messages';
import {
  approvalRulesOf,
  playbookOf,
  type ApprovalRules,
  type CabGate,
  type GateId,
  type PhaseId,
  type Playbook,
  type PlaybookTask,
  type StepName,
  type TaskId,
} from './playbook';
import type { ProjectInput } from './project-input';
import { ProjectTrust, type ProjectTrustInput, type ProvenIdentity } from './project-trust';
import type { TrustedKey } from './decision-assertion';
import type { TrustPayload, TrustResult } from './messages';
import { ownerOf, raciRow, rolesWith } from './raci';
import type { Role } from './roles';

export const PROJECT_STATE_VERSION = 1 as const;

export type GateState = 'pending' | 'running' | 'blocked' | 'awaiting-approval' | 'waiting-window' | 'approved' | 'rejected' | 'cancelled';

export interface StepRecord {
  step: StepName;
  status: 'done' | 'skipped';
  at: string;
  summary: string;
  passed?: boolean;
  artifact?: ArtifactRef;
  facts?: Record<string, string | number | boolean>;
}

export interface Approval {
  actor: string;
  at: string;
  evidence: string[];
  auditId: number;
  /** The commit the approver named (`--evidence <sha>`) on a gate whose automation prepared a branch. */
  commit?: string;
  /** The evidence the approver named (`--evidence`), when it is an artifact or attachment: what they approved by hash. */
  named?: string;
}

/** Evidence a person attached to a gate in its current round (AttachmentInput, plus who, when and its id). */
export interface Attachment extends AttachmentInput {
  /** `attached:<first 16 hex digits of sha256>-<name>`: how it is shown, approved and named in the audit trail. */
  id: string;
  actor: string;
  role: Role;
  at: string;
  auditId: number;
}

/** The decision that ended a gate's last wait (approve, reject, retry, skip): the loop reads what it needs from here. */
export interface Verdict {
  decision: 'approve' | 'reject' | 'retry' | 'skip';
  actor: string;
  role: Role;
  comment: string;
  at: string;
  auditId: number;
  /** A rejection that named an attachment (gates that take attachments): the revision the redone work starts from. */
  revision?: Attachment;
}

/** A task or CAB gate as everyone outside ProjectState sees it: read-only; only ProjectState's methods change it. */
export interface Gate {
  readonly id: GateId;
  readonly kind: 'task' | 'cab';
  /** The playbook task this gate belongs to (itself for a task). */
  readonly taskId: TaskId;
  readonly phase: PhaseId;
  readonly title: string;
  readonly owner: Role;
  readonly contributors: readonly Role[];
  readonly state: GateState;
  /** When the current state began. */
  readonly since?: string;
  readonly requiredApprovals: number;
  readonly approvals: readonly Approval[];
  readonly acknowledgements: readonly { actor: string; role: Role; at: string }[];
  readonly steps: readonly StepRecord[];
  readonly blocked?: { step: StepName; error: string; at: string };
  /** Set by a `retry` or `skip` decision; the loop takes it with `takeResolution`. */
  readonly blockedResolution?: 'retry' | 'skip';
  readonly overdue: boolean;
  readonly reminders: number;
  readonly escalations: number;
  /** How many times the task was started (more than 1 after rework). */
  readonly rounds: number;
  readonly voidedApprovals: number;
  readonly window?: { startIso: string; endIso: string };
  /** The decision that ended the last wait on this gate (its reason and person), if any. */
  readonly lastVerdict?: Verdict;
  /** How many times the gate has blocked in this round (names each blocked notification). */
  readonly blocks?: number;
  /** Evidence people attached in this round (gates whose playbook rules take attachments). */
  readonly attachments?: readonly Attachment[];
  /** Who retried or skipped a blocked step in this round (kept where a gate's separation of duties asks). */
  readonly resolvedBy?: readonly string[];
}

export interface AuditEntry {
  id: number;
  at: string;
  kind:
    | 'decision'
    | 'refused'
    | 'automation'
    | 'blocked'
    | 'reminder'
    | 'escalation'
    | 'rework'
    | 'phase'
    | 'cancel'
    | 'window'
    | 'trust'
    | 'attachment';
  gateId?: string;
  actor?: string;
  role?: string;
  decision?: Decision | 'cancel';
  comment?: string;
  evidence?: string[];
  requestId?: string;
  via?: 'update' | 'signal' | 'workflow';
  reason?: string;
  /** How the person proved who they are (projects with signed decisions): issuer, subject, method, time, key. */
  identity?: ProvenIdentity;
  /** The gateway's signed assertion itself, so the record alone can be re-checked (`cuo verify`). */
  assertion?: string;
  /**
   * In a result since the patch `lean-result-and-upserts`, instead of `assertion`: its sha256 (hex). The assertion is
   * in the update or signal event that carried it (final-report.ts, ResultOptions).
   */
  assertionSha256?: string;
}

export interface ReworkRecord {
  at: string;
  rejectedTask: GateId;
  backTo: TaskId;
  reason: string;
  actor: string;
  /** Gates that take attachments: the round that was rejected and its evidence (what the redone round replaces). */
  round?: number;
  rejectedEvidence?: { id: string; sha256: string }[];
  /** The attachment the rejection named as the revision to redo from. */
  revision?: Attachment;
}

/** A step waiting for people: a decision, or the retry or skip of a blocked step. */
export interface AwaitedStep {
  gateId: GateId;
  title: string;
  state: GateState;
  roles: Role[];
  actors: string[];
  since: string;
  overdue: boolean;
}

export interface ProjectStatus {
  version: typeof PROJECT_STATE_VERSION;
  workflowId: string;
  projectId: string;
  customer: string;
  currentVersion: string;
  targetVersion: string;
  state: 'running' | 'completed' | 'cancelled';
  phase: PhaseId | 'completed' | 'cancelled';
  startedAt: string;
  completedAt?: string;
  gates: readonly Gate[];
  awaiting: AwaitedStep[];
  rework: readonly ReworkRecord[];
  audit: readonly AuditEntry[];
  /** Refused attempts beyond the ones kept in the audit trail (a flood is counted, not stored). */
  refusedNotKept: number;
  cancelled?: { actor: string; reason: string; at: string };
  report?: ArtifactRef;
  /** The approvals-gateway keys the project trusts; absent for projects started before signed decisions. */
  trust?: { keys: TrustedKey[] };
  /** Audit entries archived when the project continued as new (their artifacts hold them); absent before any. */
  auditArchives?: AuditArchive[];
  /** How many times the project continued as new (its runs minus one); absent before any. */
  continuedRuns?: number;
}

/** Refused attempts kept in the audit trail; more are only counted so hostile input cannot grow history. */
export const MAX_REFUSED_KEPT = 200;

/**
 * Bounds that keep a project's history and its status answer small however long it runs (issue #12, finding 7):
 * the longest text an audit entry keeps of a reason (an error, a refusal naming a 1.5 MB field name), and, for
 * projects with bounded history, how many comments and acknowledgements one person may send a project per hour.
 */
export const MAX_REASON_KEPT = 1000;
export const NOTES_PER_PERSON_PER_HOUR = 30;
/** What a continued run carries: the newest audit entries (older ones are archived), request ids and assertion ids. */
export const AUDIT_ENTRIES_CARRIED = 100;
export const REQUEST_IDS_CARRIED = 500;
export const ASSERTION_IDS_CARRIED = 2000;

/** Audit entries moved out of the workflow's state into a content-addressed artifact before it continued as new. */
export interface AuditArchive {
  firstId: number;
  lastId: number;
  entries: number;
  artifact: ArtifactRef;
}

/**
 * Everything a continued run needs to be the same project (continue-as-new): the gates, the rework trail, the
 * newest audit entries with the archives of the rest, the request ids and assertion ids it must still recognise.
 */
export interface ProjectSnapshot {
  version: 1;
  gates: Gate[];
  audit: AuditEntry[];
  archives: AuditArchive[];
  nextAuditId: number;
  rework: ReworkRecord[];
  results: [string, { result: DecisionResult; assertion?: string }][];
  /** Request ids of attachments (playbook 2): a retried attachment is answered, not added twice. */
  attachResults?: [string, { result: AttachResult; assertion?: string }][];
  requestScopes: [string, string][];
  trust?: { keys: TrustedKey[]; seen: string[] };
  notes: [string, number[]][];
  refusedKept: number;
  refusedNotKept: number;
  state: ProjectStatus['state'];
  phase: ProjectStatus['phase'];
  startedAt: string;
  cancelled?: ProjectStatus['cancelled'];
  /** How many runs this project has had before this one. */
  runs: number;
}

export type Validation = { ok: true; duplicateOf?: DecisionResult; proof?: ProvenIdentity } | { ok: false; reason: string };

/** How decisions prove who sent them: `declared` (projects started before signed decisions) or `signed`. */
export interface StateOptions {
  /** Present: every decision needs a valid assertion signed by one of these keys. */
  trust?: ProjectTrustInput;
  /** Projects since the patch `bounded-history`: comments and acknowledgements are rate-limited per person. */
  boundedHistory?: boolean;
}

/**
 * Current evidence of a gate: the artifacts its automation produced in this round. Pure over the gates, so the
 * gateway shows and signs exactly what the workflow will compare an approval with.
 */
export function evidenceOfGate(gates: readonly Gate[], gate: Gate): ArtifactRef[] {
  const own = gate.steps.flatMap((s) => (s.artifact ? [s.artifact] : []));
  const attached = (g: Gate | undefined) => (g?.attachments ?? []).map(attachmentArtifact);
  if (gate.kind === 'cab') {
    // CAB approves what the task has produced so far in this round (change request, launch plan), with the evidence
    // people attached to the task, and its own (the board's minutes).
    const task = gates.find((g) => g.id === gate.taskId);
    const automation = own.length ? own : (task?.steps ?? []).flatMap((s) => (s.artifact ? [s.artifact] : []));
    return [...automation, ...attached(task), ...attached(gate)];
  }
  return [...own, ...attached(gate)];
}

/** An attachment as evidence: the same shape as the automation's artifacts, so approvals and signatures treat both alike. */
export function attachmentArtifact(a: Attachment): ArtifactRef {
  return { id: a.id, sha256: a.sha256, name: a.name, mediaType: a.mediaType ?? 'application/octet-stream', bytes: a.bytes ?? 0 };
}

/** The id an attachment is shown and named under: its hash prefix and a tame form of its name. */
export function attachmentIdOf(attachment: Pick<AttachmentInput, 'name' | 'sha256'>): string {
  const name =
    attachment.name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+/, '')
      .slice(0, 60) || 'attachment';
  return `attached:${attachment.sha256.slice(0, 16)}-${name}`;
}

/** A gate as ProjectState holds it: the same fields, writable, for its own methods only. */
type GateRecord = { -readonly [K in keyof Gate]: Gate[K] extends readonly (infer U)[] | undefined ? U[] : Gate[K] };

/** Who resolves a blocked gate (retry or skip): its owner, and the CSE, who owns the engagement. */
export function resolversOf(gate: Pick<Gate, 'owner'>): Role[] {
  return gate.owner === 'managed-services' ? ['managed-services'] : [gate.owner, 'managed-services'];
}

/** The owner of a CAB gate: the Owner of the engagement RACI row the gate names (the CSE runs the CAB). */
export function cabOwner(cab: Pick<CabGate, 'raciActivity'>): Role {
  return ownerOf(cab.raciActivity);
}

/** Version 1: what every project started before playbook versions runs. */
function defaultPlaybook(): Playbook {
  return playbookOf(1)!;
}

function gatesFor(project: ProjectInput, playbook: Playbook): GateRecord[] {
  const gates: GateRecord[] = [];
  const fresh = (): Pick<
    GateRecord,
    'state' | 'approvals' | 'acknowledgements' | 'steps' | 'overdue' | 'reminders' | 'escalations' | 'rounds' | 'voidedApprovals'
  > => ({
    state: 'pending',
    approvals: [],
    acknowledgements: [],
    steps: [],
    overdue: false,
    reminders: 0,
    escalations: 0,
    rounds: 0,
    voidedApprovals: 0,
  });
  for (const task of playbook.tasks) {
    gates.push({
      ...fresh(),
      id: task.id,
      kind: 'task',
      taskId: task.id,
      phase: task.phase,
      title: task.title,
      owner: task.owner,
      contributors: [...task.contributors],
      requiredApprovals: project.requiredApprovals[task.id] ?? 1,
    });
    for (const cab of playbook.cabGates.filter((g) => g.taskId === task.id)) {
      const row = raciRow(cab.raciActivity);
      gates.push({
        ...fresh(),
        id: cab.id,
        kind: 'cab',
        taskId: task.id,
        phase: task.phase,
        title: cab.title,
        owner: cabOwner(cab),
        contributors: row ? rolesWith(row, 'contributor') : [],
        requiredApprovals: project.requiredApprovals[cab.id] ?? 1,
      });
    }
  }
  return gates;
}

export class ProjectState {
  private readonly records: GateRecord[];
  private readonly auditTrail: AuditEntry[] = [];
  private readonly reworkTrail: ReworkRecord[] = [];
  private readonly results = new Map<string, { result: DecisionResult; assertion?: string }>();
  private readonly attachResults = new Map<string, { result: AttachResult; assertion?: string }>();
  /** Whether any gate's separation of duties asks who resolved its blocked steps (playbook version 2 on). */
  private readonly tracksResolvers: boolean;
  /** Signed projects: which person and task each request id belongs to (a request id is theirs alone). */
  private readonly requestScopes = new Map<string, string>();
  private readonly trust?: ProjectTrust;
  private refusedKept = 0;
  private refusedNotKept = 0;
  private nextAuditId = 1;
  private archives: AuditArchive[] = [];
  private runs = 0;
  /** Per person: when their recent comments and acknowledgements were (bounded-history projects). */
  private readonly notes = new Map<string, number[]>();
  private readonly boundedHistory: boolean;
  private projectState: ProjectStatus['state'] = 'running';
  private currentPhase: ProjectStatus['phase'] = 'plan';
  private startedAt: string;
  private finishedAt?: string;
  private cancellation?: ProjectStatus['cancelled'];
  private finalReport?: ArtifactRef;

  constructor(
    readonly workflowId: string,
    readonly project: ProjectInput,
    private readonly now: () => string,
    options: StateOptions = {},
    readonly playbook: Playbook = defaultPlaybook(),
  ) {
    this.records = gatesFor(project, playbook);
    this.tracksResolvers = [...playbook.tasks, ...playbook.cabGates].some((g) => g.approvalRules?.separationOfDuties);
    this.startedAt = now();
    if (options.trust) this.trust = new ProjectTrust(options.trust);
    this.boundedHistory = options.boundedHistory ?? false;
  }

  /** The same project in a continued run: state as `snapshot()` left it, the clock and rules of the new run. */
  static restore(
    workflowId: string,
    project: ProjectInput,
    now: () => string,
    options: StateOptions,
    playbook: Playbook,
    snapshot: ProjectSnapshot,
  ): ProjectState {
    const state = new ProjectState(
      workflowId,
      project,
      now,
      { ...options, trust: snapshot.trust ? { keys: snapshot.trust.keys } : options.trust },
      playbook,
    );
    state.records.splice(0, state.records.length, ...(snapshot.gates as GateRecord[]));
    state.auditTrail.push(...snapshot.audit);
    state.archives = [...snapshot.archives];
    state.nextAuditId = snapshot.nextAuditId;
    state.reworkTrail.push(...snapshot.rework);
    for (const [key, value] of snapshot.results) state.results.set(key, value);
    for (const [key, value] of snapshot.attachResults ?? []) state.attachResults.set(key, value);
    for (const [requestId, key] of snapshot.requestScopes) state.requestScopes.set(requestId, key);
    for (const jti of snapshot.trust?.seen ?? []) state.trust?.markUsed(jti);
    for (const [actor, times] of snapshot.notes) state.notes.set(actor, [...times]);
    state.refusedKept = snapshot.refusedKept;
    state.refusedNotKept = snapshot.refusedNotKept;
    state.projectState = snapshot.state;
    state.currentPhase = snapshot.phase;
    state.startedAt = snapshot.startedAt;
    state.cancellation = snapshot.cancelled;
    state.runs = snapshot.runs;
    return state;
  }

  /**
   * What the next run carries. `archive`: the artifact that now holds the audit entries not carried (the caller
   * stored `entriesToArchive()` first); the newest AUDIT_ENTRIES_CARRIED entries stay in the state.
   */
  snapshot(archive?: AuditArchive): ProjectSnapshot {
    const carried = archive ? this.auditTrail.filter((e) => e.id > archive.lastId) : this.auditTrail;
    const results = [...this.results.entries()].slice(-REQUEST_IDS_CARRIED);
    const attachResults = [...this.attachResults.entries()].slice(-REQUEST_IDS_CARRIED);
    const kept = new Set([...results, ...attachResults].map(([key]) => key));
    return {
      version: 1,
      gates: this.records,
      audit: carried,
      archives: archive ? [...this.archives, archive] : this.archives,
      nextAuditId: this.nextAuditId,
      rework: this.reworkTrail,
      results,
      attachResults,
      requestScopes: [...this.requestScopes.entries()].filter(([, key]) => kept.has(key)),
      ...(this.trust ? { trust: { keys: [...this.trust.keys], seen: this.trust.usedIds().slice(-ASSERTION_IDS_CARRIED) } } : {}),
      notes: [...this.notes.entries()],
      refusedKept: this.refusedKept,
      refusedNotKept: this.refusedNotKept,
      state: this.projectState,
      phase: this.currentPhase,
      startedAt: this.startedAt,
      ...(this.cancellation ? { cancelled: this.cancellation } : {}),
      runs: this.runs + 1,
    };
  }

  /** The audit entries a continued run does not carry (all but the newest AUDIT_ENTRIES_CARRIED). */
  entriesToArchive(): AuditEntry[] {
    return this.auditTrail.slice(0, Math.max(0, this.auditTrail.length - AUDIT_ENTRIES_CARRIED));
  }

  get gates(): readonly Gate[] {
    return this.records;
  }

  get audit(): readonly AuditEntry[] {
    return this.auditTrail;
  }

  get rework(): readonly ReworkRecord[] {
    return this.reworkTrail;
  }

  get state(): ProjectStatus['state'] {
    return this.projectState;
  }

  get phase(): ProjectStatus['phase'] {
    return this.currentPhase;
  }

  get cancelled(): ProjectStatus['cancelled'] {
    return this.cancellation;
  }

  get completedAt(): string | undefined {
    return this.finishedAt;
  }

  get report(): ArtifactRef | undefined {
    return this.finalReport;
  }

  /** Whether decisions must carry a signed assertion (every project started since signed decisions). */
  get signedDecisions(): boolean {
    return this.trust !== undefined;
  }

  private nowSec(): number {
    return Math.floor(Date.parse(this.now()) / 1000);
  }

  /** Signed projects scope a request id to the person and the task; older ones keep the id alone. */
  private requestKey(actor: string, taskId: string, requestId: string): string {
    return this.trust ? `${actor}|${taskId}|${requestId}` : requestId;
  }

  private earlierResult(actor: string, taskId: string, requestId: string | undefined) {
    return requestId ? this.results.get(this.requestKey(actor, taskId, requestId)) : undefined;
  }

  private remember(actor: string, taskId: string, requestId: string | undefined, result: DecisionResult, assertion?: string): void {
    if (!requestId) return;
    const key = this.requestKey(actor, taskId, requestId);
    this.results.set(key, { result, assertion });
    if (this.trust) this.requestScopes.set(requestId, key);
  }

  /** A signed project's request id used by someone else, or for another task, is refused, never dropped as a duplicate. */
  private requestIdTaken(actor: string, taskId: string, requestId: string | undefined): string | undefined {
    if (!this.trust || !requestId) return undefined;
    const owner = this.requestScopes.get(requestId);
    if (owner === undefined || owner === this.requestKey(actor, taskId, requestId)) return undefined;
    return `request id "${requestId.slice(0, 128)}" was already used by another person or for another task; send the decision with a new request id`;
  }

  gate(id: GateId): Gate {
    return this.rec(id);
  }

  findGate(id: string): Gate | undefined {
    return this.records.find((g) => g.id === id);
  }

  private rec(id: GateId): GateRecord {
    const gate = this.records.find((g) => g.id === id);
    if (!gate) throw new Error(`no gate ${id}`);
    return gate;
  }

  isParticipant(actor: string, role: Role): boolean {
    return this.project.participants[role].some((p) => p.email === actor);
  }

  participantsOf(role: Role): string[] {
    return this.project.participants[role].map((p) => p.email);
  }

  // ---- transitions the loop makes (named, so every change of state is here, stamped with the injected clock) ----

  private setState(gate: GateRecord, state: GateState): void {
    gate.state = state;
    gate.since = this.now();
    if (state !== 'awaiting-approval' && state !== 'blocked') gate.overdue = false;
  }

  private startRound(gate: GateRecord): void {
    gate.rounds += 1;
    gate.steps = [];
    gate.approvals = [];
    gate.acknowledgements = [];
    gate.blocked = undefined;
    gate.blockedResolution = undefined;
    gate.blocks = 0;
    gate.reminders = 0;
    gate.escalations = 0;
    gate.window = undefined;
    if (gate.attachments) gate.attachments = [];
    if (gate.resolvedBy) gate.resolvedBy = [];
    // The revision a rejection named is the redone gate's evidence from the start of its next round.
    const last = this.reworkTrail.at(-1);
    if (last?.revision && last.rejectedTask === gate.id && last.backTo === gate.taskId && last.round === gate.rounds - 1)
      gate.attachments = [last.revision];
    this.setState(gate, 'running');
  }

  /** A task (re)starts: the project enters its phase and the task a new round. */
  startTask(task: PlaybookTask): Gate {
    const gate = this.rec(task.id);
    this.currentPhase = task.phase;
    this.startRound(gate);
    return gate;
  }

  /** A CAB gate inside a task opens a new round (every round of the task asks the board again). */
  startCab(id: GateId): Gate {
    const gate = this.rec(id);
    this.startRound(gate);
    return gate;
  }

  /** The gate's owner is asked to decide. */
  awaitDecision(id: GateId): Gate {
    const gate = this.rec(id);
    this.setState(gate, 'awaiting-approval');
    return gate;
  }

  /** Back to running: after a CAB approval, a change window opening, or a blocked step's retry or skip. */
  resume(id: GateId): void {
    this.setState(this.rec(id), 'running');
  }

  stepDone(id: GateId, step: StepName, result: AutomationResult): void {
    const gate = this.rec(id);
    gate.steps.push({
      step,
      status: 'done',
      at: this.now(),
      summary: result.summary,
      passed: result.passed,
      artifact: result.artifact,
      facts: result.facts,
    });
    this.record({ kind: 'automation', gateId: id, via: 'workflow', reason: `${step}: ${result.summary}`, evidence: [result.artifact.id] });
  }

  /** A step failed after its retries: the task waits for its owner or the CSE to retry or skip it. */
  block(id: GateId, step: StepName, error: string): Gate {
    const gate = this.rec(id);
    gate.blocked = { step, error, at: this.now() };
    gate.blockedResolution = undefined;
    gate.blocks = (gate.blocks ?? 0) + 1;
    this.setState(gate, 'blocked');
    this.record({ kind: 'blocked', gateId: id, via: 'workflow', reason: `${step}: ${error}` });
    return gate;
  }

  /** Takes the retry or skip that ended a blocked wait; a skip is recorded as the step's outcome, with its reason. */
  takeResolution(id: GateId): 'retry' | 'skip' {
    const gate = this.rec(id);
    const resolution = gate.blockedResolution;
    const step = gate.blocked?.step;
    if (!resolution || !step) throw new Error(`takeResolution: ${id} has no retry or skip to take`);
    gate.blockedResolution = undefined;
    gate.blocked = undefined;
    this.setState(gate, 'running');
    if (resolution === 'skip') {
      gate.steps.push({ step, status: 'skipped', at: this.now(), summary: `skipped: ${gate.lastVerdict?.comment ?? ''}` });
    }
    return resolution;
  }

  remind(id: GateId, roles: readonly Role[]): Gate {
    const gate = this.rec(id);
    gate.reminders += 1;
    this.record({ kind: 'reminder', gateId: id, via: 'workflow', reason: `reminder ${gate.reminders} to ${roles.join(', ')}` });
    return gate;
  }

  /** The wait outlasted the escalation period: the CSE is told and the gate is marked overdue. */
  escalate(id: GateId, waitingSince: string): Gate {
    const gate = this.rec(id);
    gate.escalations += 1;
    gate.overdue = true;
    this.record({ kind: 'escalation', gateId: id, via: 'workflow', reason: `waiting since ${waitingSince}` });
    return gate;
  }

  /** The gate waits for a change window to open. */
  enterWindow(id: GateId, window: { startIso: string; endIso: string }): void {
    const gate = this.rec(id);
    gate.window = window;
    this.setState(gate, 'waiting-window');
    this.record({ kind: 'window', gateId: id, via: 'workflow', reason: `change window ${window.startIso} – ${window.endIso}` });
  }

  /** A notification that could not be delivered is recorded; telling people never fails the project. */
  notificationFailed(gateId: string | undefined, kind: string, error: string): void {
    this.record({ kind: 'automation', gateId, via: 'workflow', reason: `notification ${kind} not delivered: ${error}` });
  }

  /** Every task was approved. */
  complete(): void {
    this.projectState = 'completed';
    this.currentPhase = 'completed';
    this.finishedAt = this.now();
  }

  /** The work was cancelled (by `cuo cancel`, or through Temporal when nobody asked the project itself). */
  endCancelled(): void {
    this.projectState = 'cancelled';
    this.currentPhase = 'cancelled';
    this.cancellation ??= { actor: 'temporal', reason: 'the workflow was cancelled through Temporal', at: this.now() };
    for (const gate of this.records) {
      if (gate.state !== 'approved' && gate.state !== 'pending') this.setState(gate, 'cancelled');
    }
    this.finishedAt = this.now();
  }

  reportStored(report: ArtifactRef): void {
    this.finalReport = report;
  }

  reportNotStored(error: string): void {
    this.record({ kind: 'automation', via: 'workflow', reason: `final report not stored: ${error}` });
  }

  // ---- commit evidence (issue #14) ----
  // A gate whose automation prepared a branch (a step's facts name `branch`) approves code, and code is named by
  // its commit: the partner pushes after the automation ran, so the commit is not among the artifacts and cannot be
  // checked here (no I/O in the workflow). The deploy activity checks it against the repository instead.

  /** The branch a gate's automation prepared in this round, if any. */
  branchOf(gate: Gate): string | undefined {
    const branch = gate.steps.map((s) => s.facts?.branch).find((b) => typeof b === 'string');
    return typeof branch === 'string' ? branch : undefined;
  }

  /** The evidence as a commit sha (lower case), when the gate approves a branch and it looks like one. */
  commitEvidence(gate: Gate, evidence: string): string | undefined {
    return this.branchOf(gate) && /^[0-9a-f]{7,40}$/i.test(evidence.trim()) ? evidence.trim().toLowerCase() : undefined;
  }

  /** The commit named by the newest approval of a task (what the launch must deploy), if one was named. */
  approvedCommit(taskId: GateId): string | undefined {
    return this.gate(taskId)
      .approvals.map((a) => a.commit)
      .filter((c) => c !== undefined)
      .at(-1);
  }

  /** Current evidence of a gate: the artifacts its automation produced in this round. */
  evidenceOf(gate: Gate): ArtifactRef[] {
    return evidenceOfGate(this.gates, gate);
  }

  /**
   * Rejection sends the project back: every gate from `backTo` up to the rejected one is reset to pending and its
   * approvals are void (redone work needs new approvals).
   */
  sendBack(rejectedId: GateId, backTo: TaskId): ReworkRecord {
    const rejected = this.rec(rejectedId);
    const reason = rejected.lastVerdict?.comment ?? '';
    const actor = rejected.lastVerdict?.actor ?? '';
    const from = this.records.findIndex((g) => g.id === backTo);
    // Through the rejected task's own CAB gates too: they approved work that is now redone.
    const to = this.records.findLastIndex((g) => g.taskId === rejected.taskId);
    for (const gate of this.records.slice(from, to + 1)) {
      gate.voidedApprovals += gate.approvals.length;
      gate.approvals = [];
      this.setState(gate, 'pending');
    }
    const rework: ReworkRecord = { at: this.now(), rejectedTask: rejected.id, backTo, reason, actor };
    if (this.rulesOf(rejected).attachments) {
      rework.round = rejected.rounds;
      rework.rejectedEvidence = this.evidenceOf(rejected).map((a) => ({ id: a.id, sha256: a.sha256 }));
      if (rejected.lastVerdict?.revision) rework.revision = rejected.lastVerdict.revision;
    }
    this.reworkTrail.push(rework);
    this.record({ kind: 'rework', gateId: rejected.id, actor, reason: `back to ${backTo}: ${reason}`, via: 'workflow' });
    return rework;
  }

  /**
   * What a step that takes rework (PlaybookStep.takesRework) is given when its gate is redone: the rejection that
   * sent the project back (the newest), its reason, the revision it named and the evidence it rejected.
   */
  reworkNote(id: GateId): ReworkNote | undefined {
    const gate = this.rec(id);
    const last = this.reworkTrail.at(-1);
    if (gate.rounds < 2 || !last) return undefined;
    return {
      round: gate.rounds,
      rejectedTask: last.rejectedTask,
      reason: last.reason,
      actor: last.actor,
      at: last.at,
      ...(last.rejectedEvidence ? { rejected: last.rejectedEvidence } : {}),
      ...(last.revision
        ? {
            revision: {
              id: last.revision.id,
              name: last.revision.name,
              sha256: last.revision.sha256,
              ...(last.revision.url ? { url: last.revision.url } : {}),
            },
          }
        : {}),
    };
  }

  /** The approval rules the project's playbook gives a gate (none in version 1). */
  rulesOf(gate: Pick<Gate, 'id'>): ApprovalRules {
    return approvalRulesOf(this.playbook, gate.id);
  }

  /** The CAB members the project file names (who alone decide CAB gates), if it names them. */
  cabMembers(): readonly string[] | undefined {
    const members = this.project.cab?.members;
    return members && members.length ? members : undefined;
  }

  /**
   * People who requested or produced what a gate with separation of duties approves, each with why (see
   * ApprovalRules.separationOfDuties); empty for other gates.
   */
  requestersOf(gate: Gate): Map<string, string> {
    const who = new Map<string, string>();
    const rule = this.rulesOf(gate).separationOfDuties;
    if (!rule) return who;
    for (const id of rule.requestedBy) {
      for (const a of this.gate(id).approvals) if (!who.has(a.actor)) who.set(a.actor, `approved ${id}, the change ${gate.id} approves`);
    }
    const task = this.gate(gate.taskId);
    for (const actor of task.resolvedBy ?? [])
      if (!who.has(actor)) who.set(actor, `retried or skipped a blocked step of ${task.id} in this round`);
    for (const a of task.attachments ?? [])
      if (!who.has(a.actor)) who.set(a.actor, `attached ${a.id} to ${task.id}, evidence ${gate.id} approves`);
    return who;
  }

  /** Who may decide a gate awaiting approval: its owner role's participants, less CAB non-members and requesters. */
  private eligibleDeciders(gate: Gate): string[] {
    const members = gate.kind === 'cab' ? this.cabMembers() : undefined;
    const requesters = this.requestersOf(gate);
    return this.participantsOf(gate.owner).filter((p) => (!members || members.includes(p)) && !requesters.has(p));
  }

  private record(entry: Omit<AuditEntry, 'id' | 'at'>): AuditEntry {
    if (entry.kind === 'refused') {
      if (this.refusedKept >= MAX_REFUSED_KEPT) {
        this.refusedNotKept += 1;
        return { id: -1, at: this.now(), ...entry };
      }
      this.refusedKept += 1;
    }
    const full: AuditEntry = { id: this.nextAuditId, at: this.now(), ...entry };
    // Reasons are capped (errors and refusals can quote what they were sent); comments are capped by their check.
    if (full.reason && full.reason.length > MAX_REASON_KEPT) full.reason = `${full.reason.slice(0, MAX_REASON_KEPT)}… (cut)`;
    this.nextAuditId += 1;
    this.auditTrail.push(full);
    return full;
  }

  // ---- decisions from people ----

  validate(payload: DecisionPayload): Validation {
    const earlier = this.earlierResult(payload.actor, payload.taskId, payload.requestId);
    // The very same request again (a retry after a lost answer) is answered. In a signed project only the very same
    // assertion is answered before its check; another one must verify first (below).
    if (earlier && (!this.trust || earlier.assertion === payload.assertion))
      return { ok: true, duplicateOf: { ...earlier.result, duplicate: true } };
    if (this.state !== 'running') {
      return { ok: false, reason: `project ${this.project.projectId} is ${this.state}; it takes no more decisions` };
    }
    const gate = this.findGate(payload.taskId);
    if (!gate) {
      return {
        ok: false,
        reason: `unknown task "${payload.taskId}"; tasks are ${this.gates.map((g) => g.id).join(', ')}`,
      };
    }
    let proof: ProvenIdentity | undefined;
    if (this.trust) {
      const check = this.trust.checkDecision(payload, gate, this.evidenceOf(gate), this.workflowId, this.nowSec());
      if (!check.ok) return check;
      if (earlier) return { ok: true, duplicateOf: { ...earlier.result, duplicate: true } };
      const taken = this.requestIdTaken(payload.actor, payload.taskId, payload.requestId);
      if (taken) return { ok: false, reason: taken };
      if (this.trust.isUsed(check.identity.jti)) {
        return { ok: false, reason: `assertion ${check.identity.jti} was already used in this project; a replayed assertion is refused` };
      }
      proof = check.identity;
    }
    const verdict = this.checkRules(payload, gate);
    return verdict.ok && proof ? { ...verdict, proof } : verdict;
  }

  /** The approval model's rules for a decision on `gate` (who may decide what, and when). */
  private checkRules(payload: DecisionPayload, gate: Gate): Validation {
    const { decision, role, actor } = payload;
    if (!this.isParticipant(actor, role)) {
      return {
        ok: false,
        reason: `${actor} is not a named ${role} participant of ${this.project.projectId} (${role}: ${this.participantsOf(role).join(', ')})`,
      };
    }
    switch (decision) {
      case 'approve':
      case 'reject': {
        if (gate.state !== 'awaiting-approval') {
          return { ok: false, reason: `task ${gate.id} is ${gate.state}, not awaiting approval; nothing to ${decision}` };
        }
        if (role !== gate.owner) {
          return { ok: false, reason: `only the owner role (${gate.owner}) decides ${gate.id}; ${role} may comment` };
        }
        const members = gate.kind === 'cab' ? this.cabMembers() : undefined;
        if (members && !members.includes(actor)) {
          return {
            ok: false,
            reason: `only the CAB members the project file names (cab.members: ${members.join(', ')}) decide ${gate.id}; ${actor} is not one`,
          };
        }
        if (decision === 'approve') {
          const why = this.requestersOf(gate).get(actor);
          if (why) {
            const others = this.eligibleDeciders(gate).filter((p) => !gate.approvals.some((a) => a.actor === p));
            return {
              ok: false,
              reason:
                `separation of duties: ${actor} ${why}, so may not approve it; ` +
                (others.length
                  ? `another ${members ? 'CAB member' : `${gate.owner} participant`} must (${others.join(', ')})`
                  : `no other ${gate.owner} participant${members ? ' among cab.members' : ''} can; the project file must name one who took no part in the change`),
            };
          }
        }
        if (decision === 'reject' && payload.evidence && this.rulesOf(gate).attachments && !this.attachmentNamed(gate, payload.evidence)) {
          const attached = (gate.attachments ?? []).map((a) => a.id);
          return {
            ok: false,
            reason: `a rejection names the revision to redo from among ${gate.id}'s attachments (${attached.join(', ') || 'none yet: attach it first with `cuo attach`'}); "${payload.evidence}" is not one`,
          };
        }
        if (decision === 'reject' && !payload.comment?.trim()) {
          return { ok: false, reason: 'a rejection must say why: add a comment with the reason' };
        }
        if (decision === 'approve' && gate.approvals.some((a) => a.actor === actor)) {
          return { ok: false, reason: `${actor} has already approved ${gate.id}; it needs another person of the ${gate.owner} role` };
        }
        if (decision === 'approve' && payload.evidence) {
          const current = this.evidenceOf(gate);
          const matches = current.some((a) => matchesEvidence(a, payload.evidence!));
          if (!matches && !this.commitEvidence(gate, payload.evidence)) {
            return {
              ok: false,
              reason: `evidence "${payload.evidence}" is not the current evidence of ${gate.id} (${current.map((a) => a.id).join(', ') || 'none'}${this.branchOf(gate) ? `, or a commit sha of 7 to 40 hex digits on ${this.branchOf(gate)}` : ''}); review the current version`,
            };
          }
        }
        return { ok: true };
      }
      case 'retry':
      case 'skip': {
        if (gate.state !== 'blocked') {
          return { ok: false, reason: `task ${gate.id} is ${gate.state}, not blocked; ${decision} resolves blocked tasks only` };
        }
        if (!resolversOf(gate).includes(role)) {
          return { ok: false, reason: `a blocked task is resolved by its owner (${gate.owner}) or the CSE (managed-services)` };
        }
        if (decision === 'skip' && !payload.comment?.trim()) {
          return { ok: false, reason: 'skipping a blocked step needs a reason: add a comment' };
        }
        return { ok: true };
      }
      case 'comment':
      case 'acknowledge': {
        const roles = new Set<Role>([gate.owner, ...gate.contributors, 'managed-services']);
        if (!roles.has(role)) {
          return { ok: false, reason: `${role} is neither owner nor contributor of ${gate.id}` };
        }
        const recent = this.recentNotes(actor);
        if (this.boundedHistory && recent.length >= NOTES_PER_PERSON_PER_HOUR) {
          const again = new Date(recent[0]! + 3_600_000).toISOString();
          return {
            ok: false,
            reason: `${actor} has sent ${NOTES_PER_PERSON_PER_HOUR} comments and acknowledgements to this project in the last hour, the most a person may; send again after ${again}`,
          };
        }
        if (decision === 'comment' && !payload.comment?.trim()) {
          return { ok: false, reason: 'a comment needs text: add -m "..."' };
        }
        return { ok: true };
      }
    }
  }

  /** Applies a validated decision; returns what the caller is told. */
  apply(payload: DecisionPayload, via: 'update' | 'signal', proof?: ProvenIdentity): DecisionResult {
    const gate = this.rec(payload.taskId as GateId);
    let message: string;
    let evidence: string[] | undefined;
    let commit: string | undefined;
    switch (payload.decision) {
      case 'approve': {
        evidence = this.evidenceOf(gate).map((a) => a.id);
        commit = payload.evidence ? this.commitEvidence(gate, payload.evidence) : undefined;
        if (commit) evidence.push(`commit:${commit}`);
        break;
      }
      case 'reject': {
        const revision = payload.evidence && this.rulesOf(gate).attachments ? this.attachmentNamed(gate, payload.evidence) : undefined;
        if (revision) evidence = [revision.id];
        break;
      }
      default:
        break;
    }
    const entry = this.record({
      kind: 'decision',
      gateId: gate.id,
      actor: payload.actor,
      role: payload.role,
      decision: payload.decision,
      comment: payload.comment,
      evidence,
      requestId: payload.requestId,
      via,
      ...(proof ? { identity: proof, assertion: payload.assertion } : {}),
    });
    if (proof) this.trust?.markUsed(proof.jti);
    if (payload.decision === 'approve' || payload.decision === 'reject' || payload.decision === 'retry' || payload.decision === 'skip') {
      gate.lastVerdict = {
        decision: payload.decision,
        actor: payload.actor,
        role: payload.role,
        comment: payload.comment ?? '',
        at: entry.at,
        auditId: entry.id,
      };
      const revision = payload.decision === 'reject' && evidence ? gate.attachments?.find((a) => a.id === evidence![0]) : undefined;
      if (revision) gate.lastVerdict.revision = revision;
    }
    if ((payload.decision === 'retry' || payload.decision === 'skip') && this.tracksResolvers) {
      gate.resolvedBy = [...new Set([...(gate.resolvedBy ?? []), payload.actor])];
    }
    switch (payload.decision) {
      case 'approve':
        {
          const named =
            payload.evidence && !commit && this.rulesOf(gate).attachments
              ? this.evidenceOf(gate).find((a) => matchesEvidence(a, payload.evidence!))?.id
              : undefined;
          gate.approvals.push({
            actor: payload.actor,
            at: entry.at,
            evidence: evidence ?? [],
            auditId: entry.id,
            ...(commit ? { commit } : {}),
            ...(named ? { named } : {}),
          });
        }
        if (gate.approvals.length >= gate.requiredApprovals) {
          this.setState(gate, 'approved');
          message = `${gate.id} approved by ${gate.approvals.map((a) => a.actor).join(', ')}`;
        } else {
          message = `${gate.id}: approval ${gate.approvals.length} of ${gate.requiredApprovals} recorded`;
        }
        break;
      case 'reject':
        this.setState(gate, 'rejected');
        message = `${gate.id} rejected: ${payload.comment ?? ''}`;
        break;
      case 'retry':
      case 'skip':
        gate.blockedResolution = payload.decision;
        message = `${gate.id}: ${payload.decision} of ${gate.blocked?.step ?? 'the blocked step'} accepted`;
        break;
      case 'acknowledge':
        // Bounded-history projects keep one acknowledgement per person and round (the audit trail has them all).
        if (!this.boundedHistory || !gate.acknowledgements.some((a) => a.actor === payload.actor)) {
          gate.acknowledgements.push({ actor: payload.actor, role: payload.role, at: entry.at });
        }
        message = `${gate.id} acknowledged by ${payload.actor}`;
        break;
      case 'comment':
        message = `comment on ${gate.id} recorded`;
        break;
    }
    if (this.boundedHistory && (payload.decision === 'comment' || payload.decision === 'acknowledge')) {
      this.notes.set(payload.actor, [...this.recentNotes(payload.actor), Date.parse(entry.at)]);
    }
    const result: DecisionResult = {
      taskId: gate.id,
      decision: payload.decision,
      taskState: gate.state,
      auditId: entry.id,
      duplicate: false,
      message,
    };
    this.remember(payload.actor, gate.id, payload.requestId, result, payload.assertion);
    return result;
  }

  refuse(raw: unknown, reason: string, via: 'update' | 'signal'): void {
    const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : undefined);
    this.record({
      kind: 'refused',
      gateId: text(fields.taskId),
      actor: text(fields.actor),
      role: text(fields.role),
      decision: (DECISIONS as readonly string[]).includes(String(fields.decision)) ? (fields.decision as Decision) : undefined,
      requestId: text(fields.requestId),
      via,
      reason,
    });
  }

  private attachmentNamed(gate: Gate, evidence: string): Attachment | undefined {
    return (gate.attachments ?? []).find((a) => matchesEvidence(a, evidence));
  }

  // ---- evidence people attach (gates whose rules take attachments) ----

  validateAttach(payload: AttachPayload): { ok: true; duplicateOf?: AttachResult; proof?: ProvenIdentity } | { ok: false; reason: string } {
    const scope = `attach:${payload.taskId}`;
    const key = payload.requestId ? this.requestKey(payload.actor, scope, payload.requestId) : undefined;
    const earlier = key ? this.attachResults.get(key) : undefined;
    if (earlier && (!this.trust || earlier.assertion === payload.assertion))
      return { ok: true, duplicateOf: { ...earlier.result, duplicate: true } };
    if (this.state !== 'running')
      return { ok: false, reason: `project ${this.project.projectId} is ${this.state}; it takes no more attachments` };
    const gate = this.findGate(payload.taskId);
    if (!gate) return { ok: false, reason: `unknown task "${payload.taskId}"; tasks are ${this.gates.map((g) => g.id).join(', ')}` };
    if (!this.rulesOf(gate).attachments) {
      return {
        ok: false,
        reason: `${gate.id} takes no attachments in this project (playbook version ${this.playbook.version}); projects started since playbook version 2 take them`,
      };
    }
    let proof: ProvenIdentity | undefined;
    if (this.trust) {
      const check = this.trust.checkAttach(payload, gate, this.workflowId, this.nowSec());
      if (!check.ok) return check;
      if (earlier) return { ok: true, duplicateOf: { ...earlier.result, duplicate: true } };
      const taken = this.requestIdTaken(payload.actor, scope, payload.requestId);
      if (taken) return { ok: false, reason: taken };
      if (this.trust.isUsed(check.identity.jti))
        return { ok: false, reason: `assertion ${check.identity.jti} was already used in this project; a replayed assertion is refused` };
      proof = check.identity;
    }
    const { actor, role } = payload;
    if (!this.isParticipant(actor, role)) {
      return {
        ok: false,
        reason: `${actor} is not a named ${role} participant of ${this.project.projectId} (${role}: ${this.participantsOf(role).join(', ')})`,
      };
    }
    if (!new Set<Role>([gate.owner, ...gate.contributors, 'managed-services']).has(role)) {
      return { ok: false, reason: `${role} is neither owner nor contributor of ${gate.id}; its owner and contributors attach evidence` };
    }
    if (gate.state === 'pending' || gate.state === 'approved' || gate.state === 'rejected' || gate.state === 'cancelled') {
      return {
        ok: false,
        reason: `${gate.id} is ${gate.state}; evidence is attached while a task is in its round (running, blocked or awaiting approval)`,
      };
    }
    const attached = gate.attachments ?? [];
    const same = attached.find((a) => a.sha256 === payload.attachment.sha256);
    if (same)
      return { ok: false, reason: `${same.id} (sha256 ${same.sha256.slice(0, 12)}…) is already attached to ${gate.id}, by ${same.actor}` };
    if (attached.length >= MAX_ATTACHMENTS_PER_GATE) {
      return {
        ok: false,
        reason: `${gate.id} has ${attached.length} attachments in this round, the most it takes; put further documents in one archive and attach that`,
      };
    }
    return proof ? { ok: true, proof } : { ok: true };
  }

  applyAttach(payload: AttachPayload, proof?: ProvenIdentity): AttachResult {
    const gate = this.rec(payload.taskId as GateId);
    const input = payload.attachment;
    const id = attachmentIdOf(input);
    const entry = this.record({
      kind: 'attachment',
      gateId: gate.id,
      actor: payload.actor,
      role: payload.role,
      evidence: [id],
      requestId: payload.requestId,
      via: 'update',
      reason: `attached ${input.name} (sha256 ${input.sha256}${input.bytes !== undefined ? `, ${input.bytes} bytes` : ''})${input.url ? ` at ${input.url}` : ''}${input.note ? `: ${input.note}` : ''}`,
      ...(proof ? { identity: proof, assertion: payload.assertion } : {}),
    });
    if (proof) this.trust?.markUsed(proof.jti);
    const attachment: Attachment = { ...input, id, actor: payload.actor, role: payload.role, at: entry.at, auditId: entry.id };
    gate.attachments = [...(gate.attachments ?? []), attachment];
    const result: AttachResult = {
      taskId: gate.id,
      attachmentId: id,
      sha256: input.sha256,
      auditId: entry.id,
      duplicate: false,
      message: `${input.name} attached to ${gate.id} as ${id}; approve it by hash with --evidence ${input.sha256.slice(0, 12)}`,
    };
    if (payload.requestId) {
      const key = this.requestKey(payload.actor, `attach:${gate.id}`, payload.requestId);
      this.attachResults.set(key, { result, assertion: payload.assertion });
      if (this.trust) this.requestScopes.set(payload.requestId, key);
    }
    return result;
  }

  validateCancel(payload: CancelPayload): Validation {
    const earlier = this.earlierResult(payload.actor, '*', payload.requestId);
    if (earlier && (!this.trust || earlier.assertion === payload.assertion))
      return { ok: true, duplicateOf: { ...earlier.result, duplicate: true } };
    // The same request, signed anew (a retry through the gateway), is answered once its assertion verifies.
    if (earlier && this.trust?.checkCancel(payload, this.workflowId, this.nowSec()).ok)
      return { ok: true, duplicateOf: { ...earlier.result, duplicate: true } };
    if (this.state !== 'running') return { ok: false, reason: `project ${this.project.projectId} is already ${this.state}` };
    let proof: ProvenIdentity | undefined;
    if (this.trust) {
      const check = this.trust.checkCancel(payload, this.workflowId, this.nowSec());
      if (!check.ok) return check;
      const taken = this.requestIdTaken(payload.actor, '*', payload.requestId);
      if (taken) return { ok: false, reason: taken };
      if (this.trust.isUsed(check.identity.jti)) {
        return { ok: false, reason: `assertion ${check.identity.jti} was already used in this project; a replayed assertion is refused` };
      }
      proof = check.identity;
    }
    if (payload.role !== 'managed-services') return { ok: false, reason: 'only the CSE (managed-services) cancels a project' };
    if (!this.isParticipant(payload.actor, payload.role)) {
      return { ok: false, reason: `${payload.actor} is not a named managed-services participant of ${this.project.projectId}` };
    }
    return proof ? { ok: true, proof } : { ok: true };
  }

  applyCancel(payload: CancelPayload, proof?: ProvenIdentity): DecisionResult {
    const entry = this.record({
      kind: 'cancel',
      actor: payload.actor,
      role: payload.role,
      decision: 'cancel',
      comment: payload.reason,
      requestId: payload.requestId,
      via: 'update',
      ...(proof ? { identity: proof, assertion: payload.assertion } : {}),
    });
    if (proof) this.trust?.markUsed(proof.jti);
    this.cancellation = { actor: payload.actor, reason: payload.reason, at: entry.at };
    const result: DecisionResult = {
      taskId: '*',
      decision: 'comment',
      taskState: 'cancelled',
      auditId: entry.id,
      duplicate: false,
      message: `cancellation of ${this.project.projectId} accepted`,
    };
    this.remember(payload.actor, '*', payload.requestId, result, payload.assertion);
    return result;
  }

  // ---- the keys decisions are checked with ----

  validateTrust(payload: TrustPayload): { ok: true } | { ok: false; reason: string } {
    if (!this.trust)
      return { ok: false, reason: `project ${this.project.projectId} was started before signed decisions; it has no keys to rotate` };
    if (this.state !== 'running') return { ok: false, reason: `project ${this.project.projectId} is ${this.state}` };
    const check = this.trust.checkRotation(payload.assertion, this.workflowId, this.nowSec());
    return check.ok ? { ok: true } : check;
  }

  applyTrust(payload: TrustPayload): TrustResult {
    const check = this.trust?.checkRotation(payload.assertion, this.workflowId, this.nowSec());
    if (!this.trust || !check?.ok) throw new Error('applyTrust needs a rotation that validateTrust accepted');
    this.trust.applyRotation(check.claims);
    const keys = this.trust.keys.map((k) => k.kid);
    const entry = this.record({
      kind: 'trust',
      via: 'update',
      reason: `trusted keys now ${keys.join(', ')} (added ${check.claims.add.map((k) => k.kid).join(', ') || 'none'}, removed ${check.claims.rem.join(', ') || 'none'}; signed by ${check.kid})`,
      assertion: payload.assertion,
    });
    return { keys, auditId: entry.id, message: `project ${this.project.projectId} now trusts ${keys.join(', ')}` };
  }

  /** When `actor`'s comments and acknowledgements of the last hour were (oldest first). */
  private recentNotes(actor: string): number[] {
    const hourAgo = Date.parse(this.now()) - 3_600_000;
    return (this.notes.get(actor) ?? []).filter((t) => t > hourAgo);
  }

  // ---- what people and the UI see ----

  awaiting(): AwaitedStep[] {
    return this.gates
      .filter((g) => g.state === 'awaiting-approval' || g.state === 'blocked')
      .map((g) => {
        const roles: Role[] = g.state === 'blocked' ? resolversOf(g) : [g.owner];
        const approved = new Set(g.approvals.map((a) => a.actor));
        // Separation of duties and CAB members narrow who is awaited; gates without either list the role's people.
        const people = g.state === 'awaiting-approval' ? this.eligibleDeciders(g) : roles.flatMap((r) => this.participantsOf(r));
        const actors = people.filter((a) => !approved.has(a));
        return { gateId: g.id, title: g.title, state: g.state, roles, actors, since: g.since ?? this.startedAt, overdue: g.overdue };
      });
  }

  status(): ProjectStatus {
    return {
      version: PROJECT_STATE_VERSION,
      workflowId: this.workflowId,
      projectId: this.project.projectId,
      customer: this.project.customer,
      currentVersion: this.project.currentVersion,
      targetVersion: this.project.targetVersion,
      state: this.state,
      phase: this.phase,
      startedAt: this.startedAt,
      completedAt: this.completedAt,
      gates: this.gates,
      awaiting: this.awaiting(),
      rework: this.rework,
      audit: this.audit,
      refusedNotKept: this.refusedNotKept,
      cancelled: this.cancelled,
      report: this.report,
      ...(this.trust ? { trust: { keys: [...this.trust.keys] } } : {}),
      ...(this.archives.length ? { auditArchives: this.archives } : {}),
      ...(this.runs ? { continuedRuns: this.runs } : {}),
    };
  }
}

/** Whether `evidence` (an id, or a sha256 prefix of at least 7 hex digits as the payload check holds) names an artifact. */
function matchesEvidence(artifact: { id: string; sha256: string }, evidence: string): boolean {
  return artifact.id === evidence || artifact.sha256.startsWith(evidence.toLowerCase());
}

/**
 * What `status` answers while the project file is being checked (the workflow's first local activity, a few
 * milliseconds), before the project's state exists: who and what from the file as sent, no gates yet. A query that
 * lands in that moment gets an answer instead of "no handler for status".
 */
export function statusWhileChecking(workflowId: string, projectFile: unknown, startedAt: string): ProjectStatus {
  const file = typeof projectFile === 'object' && projectFile !== null ? (projectFile as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    version: PROJECT_STATE_VERSION,
    workflowId,
    projectId: text(file.projectId),
    customer: text(file.customer),
    currentVersion: text(file.currentVersion),
    targetVersion: text(file.targetVersion),
    state: 'running',
    phase: 'plan',
    startedAt,
    gates: [],
    awaiting: [],
    rework: [],
    audit: [],
    refusedNotKept: 0,
  };
}
