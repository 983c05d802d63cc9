/**
 * Which approvals-gateway keys a project trusts, and the check every decision's assertion passes before the
 * approval rules look at it: signed by a trusted key, about this workflow, this gate, its current round and
 * evidence, by the person and role the payload names, not expired, and never seen before in this project.
 * Deterministic (the workflow's clock is passed in); ProjectState owns one instance.
 */
import {
  attachmentDigest,
  evidenceDigests,
  keyIdOf,
  sameList,
  sha256Hex,
  verifyAssertion,
  type AttachClaims,
  type CancelClaims,
  type DecisionClaims,
  type IdentityProof,
  type TrustClaims,
  type TrustedKey,
} from './decision-assertion';
import type { AttachPayload, CancelPayload, DecisionPayload } from './messages';

/** What the project starts with (from the gateway's published keys, via `cuo start`). */
export interface ProjectTrustInput {
  keys: TrustedKey[];
}

/** How a decision's identity was proven, as the audit trail keeps it. */
export interface ProvenIdentity extends IdentityProof {
  /** The gateway key that signed the assertion. */
  kid: string;
  jti: string;
}

export type TrustCheck<T> = { ok: true; claims: T; identity: ProvenIdentity } | { ok: false; reason: string };

/** The most keys a project trusts at once: rotation adds the new key before it removes the old one. */
export const MAX_TRUSTED_KEYS = 8;

export class ProjectTrust {
  private keyList: TrustedKey[];
  private readonly seen = new Set<string>();

  constructor(input: ProjectTrustInput | undefined) {
    this.keyList = (input?.keys ?? []).slice(0, MAX_TRUSTED_KEYS).map((k) => ({ kid: k.kid, x: k.x }));
  }

  get keys(): readonly TrustedKey[] {
    return this.keyList;
  }

  /** Checks a decision's assertion against the payload and the gate it decides (its round and evidence now). */
  checkDecision(
    payload: DecisionPayload,
    gate: { id: string; rounds: number },
    evidence: readonly { sha256: string }[],
    workflowId: string,
    nowSec: number,
  ): TrustCheck<DecisionClaims> {
    if (this.keyList.length === 0) {
      return {
        ok: false,
        reason:
          'this project trusts no approvals gateway key, so it takes no decision; start it with `cuo start`, which asks the gateway for its keys',
      };
    }
    const verified = verifyAssertion<DecisionClaims>(payload.assertion, { typ: 'decision', workflowId, keys: this.keyList, nowSec });
    if (!verified.ok) return verified;
    const c = verified.claims;
    const mismatch =
      differs('task', c.tid, payload.taskId) ??
      differs('decision', c.dec, payload.decision) ??
      differs('actor', c.act, payload.actor) ??
      differs('role', c.rol, payload.role) ??
      differs('request id', c.rid, payload.requestId) ??
      differs('named evidence', c.nev, payload.evidence) ??
      differs('comment', c.cmt, payload.comment === undefined ? undefined : sha256Hex(payload.comment));
    if (mismatch) return { ok: false, reason: mismatch };
    if (c.rnd !== gate.rounds) {
      return {
        ok: false,
        reason: `the assertion is for round ${String(c.rnd)} of ${gate.id}, which is in round ${gate.rounds} now; review the current round and decide again`,
      };
    }
    const current = evidenceDigests(evidence);
    if (!Array.isArray(c.evd) || !sameList([...c.evd].sort(), current)) {
      return {
        ok: false,
        reason:
          `the evidence of ${gate.id} changed since it was shown (now ${current.map((h) => h.slice(0, 12)).join(', ') || 'none'}); ` +
          `review the current evidence and decide again`,
      };
    }
    return proven(c, verified.kid);
  }

  /** Checks an attachment's assertion: this gate, its current round, this person and role, this attachment. */
  checkAttach(payload: AttachPayload, gate: { id: string; rounds: number }, workflowId: string, nowSec: number): TrustCheck<AttachClaims> {
    if (this.keyList.length === 0) return { ok: false, reason: 'this project trusts no approvals gateway key, so it takes no attachment' };
    const verified = verifyAssertion<AttachClaims>(payload.assertion, { typ: 'attach', workflowId, keys: this.keyList, nowSec });
    if (!verified.ok) return verified;
    const c = verified.claims;
    const mismatch =
      differs('task', c.tid, payload.taskId) ??
      differs('actor', c.act, payload.actor) ??
      differs('role', c.rol, payload.role) ??
      differs('request id', c.rid, payload.requestId) ??
      differs('attachment', c.att, attachmentDigest(payload.attachment));
    if (mismatch) return { ok: false, reason: mismatch };
    if (c.rnd !== gate.rounds) {
      return {
        ok: false,
        reason: `the assertion is for round ${String(c.rnd)} of ${gate.id}, which is in round ${gate.rounds} now; attach it again`,
      };
    }
    return proven(c, verified.kid);
  }

  checkCancel(payload: CancelPayload, workflowId: string, nowSec: number): TrustCheck<CancelClaims> {
    const verified = verifyAssertion<CancelClaims>(payload.assertion, { typ: 'cancel', workflowId, keys: this.keyList, nowSec });
    if (!verified.ok) return verified;
    const c = verified.claims;
    const mismatch =
      differs('actor', c.act, payload.actor) ??
      differs('role', c.rol, payload.role) ??
      differs('request id', c.rid, payload.requestId) ??
      differs('reason', c.cmt, sha256Hex(payload.reason));
    if (mismatch) return { ok: false, reason: mismatch };
    return proven(c, verified.kid);
  }

  /** Checks a key rotation: signed by a key trusted now, leaving at least one key and no more than the maximum. */
  checkRotation(
    assertion: string,
    workflowId: string,
    nowSec: number,
  ): { ok: true; claims: TrustClaims; kid: string } | { ok: false; reason: string } {
    const verified = verifyAssertion<TrustClaims>(assertion, { typ: 'trust', workflowId, keys: this.keyList, nowSec });
    if (!verified.ok) return verified;
    const { add, rem, jti } = verified.claims;
    if (!Array.isArray(add) || !Array.isArray(rem))
      return { ok: false, reason: 'a key rotation names the keys to add and to remove (add, rem)' };
    if (!rem.every((kid) => typeof kid === 'string')) return { ok: false, reason: 'the keys to remove (rem) are key ids' };
    for (const key of add) {
      if (typeof key?.kid !== 'string' || typeof key?.x !== 'string' || safeKeyId(key.x) !== key.kid) {
        return { ok: false, reason: 'every added key needs its base64url Ed25519 key (x) and the key id derived from it (kid)' };
      }
    }
    if (this.seen.has(jti))
      return { ok: false, reason: `assertion ${jti} was already used in this project; a replayed assertion is refused` };
    const after = this.rotated(verified.claims);
    if (after.length === 0) return { ok: false, reason: 'a rotation must leave the project at least one trusted key' };
    if (after.length > MAX_TRUSTED_KEYS)
      return { ok: false, reason: `a project trusts at most ${MAX_TRUSTED_KEYS} keys; remove old ones in the same rotation` };
    return { ok: true, claims: verified.claims, kid: verified.kid };
  }

  applyRotation(claims: TrustClaims): void {
    this.seen.add(claims.jti);
    this.keyList = this.rotated(claims);
  }

  isUsed(jti: string): boolean {
    return this.seen.has(jti);
  }

  /** The ids of the assertions used so far, oldest first (a continued run carries the newest). */
  usedIds(): string[] {
    return [...this.seen];
  }

  /** Marks an accepted assertion as used: the same assertion is never accepted twice. */
  markUsed(jti: string): void {
    this.seen.add(jti);
  }

  private rotated(claims: TrustClaims): TrustedKey[] {
    const kept = this.keyList.filter((k) => !claims.rem.includes(k.kid));
    const added = claims.add.filter((k) => !kept.some((existing) => existing.kid === k.kid)).map((k) => ({ kid: k.kid, x: k.x }));
    return [...kept, ...added];
  }
}

/** The identity proof of a verified assertion; the caller checks that its id was not used before. */
function proven<T extends DecisionClaims | AttachClaims | CancelClaims>(claims: T, kid: string): TrustCheck<T> {
  const { iss, sub, amr, at } = claims.idp ?? ({} as Partial<IdentityProof>);
  if (typeof iss !== 'string' || typeof sub !== 'string' || typeof amr !== 'string' || typeof at !== 'number') {
    return { ok: false, reason: 'the assertion does not say how the person signed in (idp: iss, sub, amr, at)' };
  }
  return { ok: true, claims, identity: { iss, sub, amr, at, kid, jti: claims.jti } };
}

function safeKeyId(x: string): string | undefined {
  try {
    return keyIdOf(x);
  } catch {
    return undefined;
  }
}

/** Names the first field where what was signed and what was sent differ. */
function differs(field: string, signed: unknown, sent: unknown): string | undefined {
  if (signed === sent) return undefined;
  return (
    `the assertion's ${field} does not match the decision sent (signed ${JSON.stringify(signed ?? null)?.slice(0, 80)}); ` +
    `decisions are sent by the approvals gateway`
  );
}
