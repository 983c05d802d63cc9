/**
 * The approvals gateway's side of signed decisions: its Ed25519 key, and the compact JWS it signs for every
 * decision (the claims the workflow checks, workflows/decision-assertion.ts). Node's own crypto signs here; the
 * workflow verifies with pure JavaScript. The private key never leaves this module's KeyObject: it is not logged,
 * not put in an error, never part of a payload.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ASSERTION_TYPE,
  attachmentDigest,
  evidenceDigests,
  keyIdOf,
  sha256Hex,
  type AssertionClaims,
  type AssertionHeader,
  type AttachClaims,
  type CancelClaims,
  type DecisionClaims,
  type IdentityProof,
  type TrustClaims,
  type TrustedKey,
} from '../../workflows/decision-assertion';
import {
  evidenceOfGate,
  type AttachPayload,
  type CancelPayload,
  type DecisionPayload,
  type ProjectStatus,
  type TaskDetails,
} from '../../workflows/contract';

/**
 * What a signature binds to: the project and the gates the decision is about (the gate, and for a CAB gate its task,
 * whose artifacts the CAB approves). A whole `status` is one; so is what `taskDetails` answers (signingViewOf).
 */
export type SigningView = Pick<ProjectStatus, 'workflowId' | 'projectId' | 'gates'>;

/** The signing view of one task's details: its gate first, then for a CAB gate the task it belongs to. */
export function signingViewOf(details: TaskDetails): SigningView {
  return { workflowId: details.workflowId, projectId: details.projectId, gates: [details.gate, ...(details.task ? [details.task] : [])] };
}

export interface SigningKey {
  /** The public half, as projects trust it. */
  publicKey: TrustedKey;
  privateKey: KeyObject;
}

/** How long an assertion is valid: long enough to reach the workflow, too short to be kept and used later. */
export const DEFAULT_ASSERTION_TTL_SEC = 300;

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`the signing key must be an Ed25519 key, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('the signing key has no public part');
  return { publicKey: { kid: keyIdOf(jwk.x), x: jwk.x }, privateKey };
}

/** Reads a PKCS#8 PEM Ed25519 private key; errors name the file, never its content. */
export function loadSigningKey(path: string): SigningKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the signing key file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${path} is not a PEM private key (make one with \`openssl genpkey -algorithm ed25519 -out ${path}\`)`);
  }
  return signingKeyFrom(key);
}

/** A fresh key (development, tests): PEM to write to a file, and the key itself. */
export function generateSigningKey(): { pem: string; key: SigningKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), key: signingKeyFrom(privateKey) };
}

/** Development and the demo only: a signing key at `path`, written (mode 0600) when there is none yet. Returns whether it was made. */
export function ensureDevSigningKey(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, generateSigningKey().pem, { mode: 0o600 });
  return true;
}

export function signAssertion(key: SigningKey, claims: AssertionClaims): string {
  const header: AssertionHeader = { alg: 'EdDSA', typ: ASSERTION_TYPE, kid: key.publicKey.kid };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
}

interface Timing {
  nowSec?: number;
  ttlSec?: number;
  /** The assertion's id; random unless a one-time e-mail link gives its own (activities/notify/email-link.ts). */
  jti?: string;
}

function common(workflowId: string, timing: Timing) {
  const iat = timing.nowSec ?? Math.floor(Date.now() / 1000);
  return { v: 1 as const, wid: workflowId, iat, exp: iat + (timing.ttlSec ?? DEFAULT_ASSERTION_TTL_SEC), jti: timing.jti ?? randomUUID() };
}

/**
 * The claims of a decision on a gate as `status` shows it now: its round and its current evidence. The workflow
 * refuses the decision if either changed before it arrives.
 */
export function decisionClaims(
  status: SigningView,
  payload: Omit<DecisionPayload, 'assertion'>,
  identity: IdentityProof,
  timing: Timing = {},
): DecisionClaims {
  const gate = status.gates.find((g) => g.id === payload.taskId);
  if (!gate) throw new Error(`project ${status.projectId} has no task ${payload.taskId}`);
  return {
    ...common(status.workflowId, timing),
    typ: 'decision',
    tid: payload.taskId,
    rnd: gate.rounds,
    dec: payload.decision,
    evd: evidenceDigests(evidenceOfGate(status.gates, gate)),
    act: payload.actor,
    rol: payload.role,
    ...(payload.comment !== undefined ? { cmt: sha256Hex(payload.comment) } : {}),
    ...(payload.requestId !== undefined ? { rid: payload.requestId } : {}),
    ...(payload.evidence !== undefined ? { nev: payload.evidence } : {}),
    idp: identity,
  };
}

/** The claims of an attachment to a gate in the round `status` shows now; the workflow refuses it in another round. */
export function attachClaims(
  status: SigningView,
  payload: Omit<AttachPayload, 'assertion'>,
  identity: IdentityProof,
  timing: Timing = {},
): AttachClaims {
  const gate = status.gates.find((g) => g.id === payload.taskId);
  if (!gate) throw new Error(`project ${status.projectId} has no task ${payload.taskId}`);
  return {
    ...common(status.workflowId, timing),
    typ: 'attach',
    tid: payload.taskId,
    rnd: gate.rounds,
    act: payload.actor,
    rol: payload.role,
    att: attachmentDigest(payload.attachment),
    ...(payload.requestId !== undefined ? { rid: payload.requestId } : {}),
    idp: identity,
  };
}

export function cancelClaims(
  workflowId: string,
  payload: Omit<CancelPayload, 'assertion'>,
  identity: IdentityProof,
  timing: Timing = {},
): CancelClaims {
  return {
    ...common(workflowId, timing),
    typ: 'cancel',
    act: payload.actor,
    rol: payload.role,
    cmt: sha256Hex(payload.reason),
    ...(payload.requestId !== undefined ? { rid: payload.requestId } : {}),
    idp: identity,
  };
}

export function trustClaims(workflowId: string, change: { add: TrustedKey[]; remove: string[] }, timing: Timing = {}): TrustClaims {
  return { ...common(workflowId, timing), typ: 'trust', add: change.add, rem: change.remove };
}

/** A signed decision payload, ready for the `decide` update. */
export function signDecision(
  key: SigningKey,
  status: ProjectStatus,
  payload: Omit<DecisionPayload, 'assertion'>,
  identity: IdentityProof,
  timing?: Timing,
): DecisionPayload {
  return { ...payload, assertion: signAssertion(key, decisionClaims(status, payload, identity, timing)) };
}
