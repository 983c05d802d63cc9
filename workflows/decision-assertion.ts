/**
 * Signed decision assertions: what the approvals gateway signs for every decision and what the workflow verifies
 * before it accepts one (DESIGN.md, "Rules of the approval model"). A compact JWS (RFC 7515) with EdDSA over
 * Ed25519 (RFC 8037): `base64url(header).base64url(claims).base64url(signature)`.
 *
 * Runs inside the workflow sandbox (no Node crypto there): pure JavaScript Ed25519 from @noble/ed25519 and SHA-2
 * from @noble/hashes. The same module verifies offline in `cuo verify`, so an auditor re-checks a decision with
 * exactly the rule the workflow applied.
 */
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { MAX_ASSERTION_LENGTH } from './messages';
import type { Role } from './roles';

ed.hashes.sha512 = sha512;

/** The JWS `typ` of our assertions, so a token of another kind (an ID token, say) is never read as one. */
export const ASSERTION_TYPE = 'cuo-assertion+jws';

/** How the person proved who they are: an OIDC login (browser or device grant) or a one-time e-mail link. */
export const AUTH_METHODS = ['oidc', 'oidc-device', 'email-link'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** A public key the project trusts, as the gateway publishes it: key id and the raw 32-byte key in base64url. */
export interface TrustedKey {
  kid: string;
  /** base64url of the 32-byte Ed25519 public key (the JWK `x`). */
  x: string;
}

/** Who signed in, as the identity provider proved it: issuer, subject, method and when. */
export interface IdentityProof {
  iss: string;
  sub: string;
  amr: AuthMethod;
  /** Seconds since the epoch when the person authenticated. */
  at: number;
}

interface CommonClaims {
  v: 1;
  /** The workflow the assertion is for. */
  wid: string;
  /** Issued at and expiry, seconds since the epoch. */
  iat: number;
  exp: number;
  /** Unique id: a project accepts each assertion once. */
  jti: string;
}

/** A decision on one gate, in one round, about one version of its evidence, by one person in one role. */
export interface DecisionClaims extends CommonClaims {
  typ: 'decision';
  tid: string;
  rnd: number;
  dec: string;
  /** sha256 of every artifact the gate had as evidence when the person decided, sorted. */
  evd: string[];
  act: string;
  rol: Role;
  /** sha256 (hex) of the comment or reason, when there is one: the text cannot be changed after signing. */
  cmt?: string;
  /** The request id the decision carries (idempotency), when there is one. */
  rid?: string;
  /** The evidence the person named (`--evidence`), when they named one. */
  nev?: string;
  idp: IdentityProof;
}

/** Evidence a person attaches to a gate, in one round: `att` binds every field of the attachment. */
export interface AttachClaims extends CommonClaims {
  typ: 'attach';
  tid: string;
  rnd: number;
  act: string;
  rol: Role;
  /** attachmentDigest of the attachment as sent. */
  att: string;
  rid?: string;
  idp: IdentityProof;
}

/** Cancelling the whole project. */
export interface CancelClaims extends CommonClaims {
  typ: 'cancel';
  act: string;
  rol: Role;
  cmt: string;
  rid?: string;
  idp: IdentityProof;
}

/** Rotating the project's trusted keys: signed by a key the project trusts now. */
export interface TrustClaims extends CommonClaims {
  typ: 'trust';
  add: TrustedKey[];
  rem: string[];
}

export type AssertionClaims = DecisionClaims | AttachClaims | CancelClaims | TrustClaims;

export interface AssertionHeader {
  alg: 'EdDSA';
  typ: typeof ASSERTION_TYPE;
  kid: string;
}

export type Verified<T extends AssertionClaims> = { ok: true; claims: T; kid: string } | { ok: false; reason: string };

// ---- encoding ----

const B64URL = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function base64UrlDecode(text: string): Uint8Array {
  if (!B64URL.test(text) || text.length % 4 === 1) throw new Error('not base64url');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const c of text) {
    value = (value << 6) | INDEX.get(c)!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value & 0xffff) << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(value >> bits) & 63];
    }
  }
  if (bits > 0) out += ALPHABET[(value << (6 - bits)) & 63];
  return out;
}

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** sha256 of a text, hex: how a comment is bound into an assertion. */
export function sha256Hex(text: string): string {
  return hex(sha256(encode(text)));
}

/**
 * The digest an attach assertion binds: sha256 of the attachment's fields in a fixed order, so neither the gateway
 * nor the workflow depends on how an object's keys happen to be ordered.
 */
export function attachmentDigest(attachment: {
  name: string;
  sha256: string;
  url?: string;
  bytes?: number;
  mediaType?: string;
  note?: string;
}): string {
  const { name, sha256, url, bytes, mediaType, note } = attachment;
  return sha256Hex(JSON.stringify([name, sha256, url ?? null, bytes ?? null, mediaType ?? null, note ?? null]));
}

/** The key id of a public key: the first 16 base64url characters of its sha256, stable across gateways. */
export function keyIdOf(x: string): string {
  return base64UrlEncode(sha256(base64UrlDecode(x))).slice(0, 16);
}

// ---- verification ----

// Verifying with ed.verify would multiply by the base point through a 4,224-point table that the library builds
// in each module instance: ~1.2 MB for every cached workflow that verified once (measured). The same equation,
// [S]B = R + [k]A, is computed here with S·B taken as (S/2)·(2B), which the library multiplies without a table.
// test/unit/decision-assertion.test.ts holds this to ed.verify on valid and tampered signatures.
const { n: ORDER } = ed.Point.CURVE();
const HALF = (ORDER + 1n) / 2n; // the inverse of 2 modulo the (odd) group order
const TWO_B = ed.Point.BASE.double();

function littleEndianNumber(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** RFC 8032 verification (strict encodings, small-order keys refused), without the base-point table. */
/**
 * Signatures verified lately, by signature, key and message. A decision is checked twice on a live worker — by the
 * update's validator and again by its handler (validators are skipped on replay) — and the pure-JavaScript check
 * was ~20% of the bench worker's busy CPU (issue #16, bench/README.md). The answer depends on nothing else, so
 * remembering it is deterministic; the map is per workflow (each has its own module instance) and small.
 */
const recentlyVerified = new Map<string, boolean>();
const RECENTLY_VERIFIED_MAX = 16;

export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const key = `${hex(signature)}.${hex(publicKey)}.${hex(message)}`;
  const known = recentlyVerified.get(key);
  if (known !== undefined) return known;
  const valid = verifyOnce(signature, message, publicKey);
  recentlyVerified.set(key, valid);
  if (recentlyVerified.size > RECENTLY_VERIFIED_MAX) recentlyVerified.delete(recentlyVerified.keys().next().value!);
  return valid;
}

function verifyOnce(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    const r = signature.subarray(0, 32);
    const s = littleEndianNumber(signature.subarray(32));
    if (s >= ORDER) return false;
    const A = ed.Point.fromBytes(publicKey, false);
    const R = ed.Point.fromBytes(r, false);
    if (A.isSmallOrder()) return false;
    const k = littleEndianNumber(sha512(ed.etc.concatBytes(r, publicKey, message))) % ORDER;
    const SB = TWO_B.multiply((s * HALF) % ORDER, false);
    return R.add(A.multiply(k, false)).subtract(SB).clearCofactor().is0();
  } catch {
    return false;
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decode(bytes));
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Verifies a compact JWS against the trusted keys and returns its claims; every failure says what was wrong.
 * Checks the signature, the header, the claim set's shape, the workflow and the time window (`nowSec` is the
 * workflow's own clock, so replay gives the same answer). Field-by-field checks against the decision are the
 * caller's (ProjectState), because they need the gate.
 */
export function verifyAssertion<T extends AssertionClaims>(
  assertion: unknown,
  expected: { typ: T['typ']; workflowId: string; keys: readonly TrustedKey[]; nowSec: number },
): Verified<T> {
  if (typeof assertion !== 'string' || assertion.length === 0) {
    return { ok: false, reason: 'decisions need a signed assertion from the approvals gateway; sign in with `cuo login`' };
  }
  if (assertion.length > MAX_ASSERTION_LENGTH)
    return { ok: false, reason: `the assertion is longer than ${MAX_ASSERTION_LENGTH} characters` };
  const parts = assertion.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'the assertion is not a compact JWS (three base64url parts)' };
  const [head, body, sig] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  let signature: Uint8Array;
  try {
    header = parseJson(base64UrlDecode(head));
    claims = parseJson(base64UrlDecode(body));
    signature = base64UrlDecode(sig);
  } catch {
    return { ok: false, reason: 'the assertion is not a compact JWS (a part is not base64url)' };
  }
  if (!isObject(header) || header.alg !== 'EdDSA' || header.typ !== ASSERTION_TYPE || typeof header.kid !== 'string') {
    return { ok: false, reason: `the assertion's header must be {"alg":"EdDSA","typ":"${ASSERTION_TYPE}","kid":…}` };
  }
  const key = expected.keys.find((k) => k.kid === header.kid);
  if (!key) {
    return { ok: false, reason: `the assertion is signed by key "${String(header.kid).slice(0, 40)}", which this project does not trust` };
  }
  let publicKey: Uint8Array;
  try {
    publicKey = base64UrlDecode(key.x);
  } catch {
    return { ok: false, reason: `trusted key ${key.kid} is not base64url` };
  }
  if (!verifyEd25519(signature, encode(`${head}.${body}`), publicKey)) {
    return { ok: false, reason: `the assertion's signature does not verify with key ${key.kid}` };
  }
  if (!isObject(claims) || claims.v !== 1) return { ok: false, reason: 'the assertion carries no claim set of version 1' };
  if (claims.typ !== expected.typ) return { ok: false, reason: `the assertion is for a ${String(claims.typ)}, not a ${expected.typ}` };
  if (claims.wid !== expected.workflowId) {
    return { ok: false, reason: `the assertion is for workflow ${String(claims.wid)}, not ${expected.workflowId}` };
  }
  const { iat, exp, jti } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof jti !== 'string' || jti.length < 8 || jti.length > 128) {
    return { ok: false, reason: 'the assertion lacks iat, exp or a unique id (jti)' };
  }
  if (expected.nowSec >= exp) return { ok: false, reason: `the assertion expired at ${new Date(exp * 1000).toISOString()}; decide again` };
  // A minute of skew between the gateway's clock and the workflow's.
  if (iat > expected.nowSec + 60) return { ok: false, reason: 'the assertion was issued in the future; check the gateway clock' };
  return { ok: true, claims: claims as unknown as T, kid: key.kid };
}

/** The evidence claim of a gate: the sorted sha256 of its current artifacts. */
export function evidenceDigests(artifacts: readonly { sha256: string }[]): string[] {
  return artifacts.map((a) => a.sha256).sort();
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
