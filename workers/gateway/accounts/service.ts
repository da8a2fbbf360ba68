import { accountDirectory } from "../../../durable-objects/account-directory/client";
import type { Identity, LogInInput, SignUpInput } from "../../../schemas";
import { randomToken, tokenHash } from "../../shared/crypto";
import { SESSION_TTL_MS } from "../auth/cookies";
import { endSession, startSession } from "../auth/credentials";
import { dummyPasswordHash, hashPassword, verifyPassword } from "../auth/password";
import { assertUnderLimit, clearBucket, clientAddress, countFailure, rateLimit } from "../auth/rate-limit";
import type { Env } from "../env";
import { alreadyRegisteredMessage, verifyEmailMessage } from "../mail/messages";
import { sendMail } from "../mail/outbox";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";

export type SignedIn = { identity: Identity; sessionToken: string; expiresAt: number };

/** One message for every log-in failure, so the answer never tells whether an email exists. */
export const LOGIN_FAILED = "email or password is incorrect";
/** How long a sign-up verification link works. */
export const VERIFY_TTL_MS = 24 * 3_600_000;

export function publicOrigin(env: Env): string {
  return new URL(env.PUBLIC_URL).origin;
}

/** Signs in as an identity the directory just answered; the session lives in the user's credential shard. */
export async function openSession(env: Env, identity: Identity): Promise<SignedIn> {
  const { token, session } = await startSession(env, identity, SESSION_TTL_MS);
  const opened = unwrap(session);
  return { identity: opened.identity, sessionToken: token, expiresAt: opened.expiresAt };
}

export function defaultOrgName(email: string): string {
  return `${email.split("@")[0] ?? "My"}'s organization`;
}

/**
 * Sign-up, step one. Nothing is created and nobody is signed in: a single-use link is mailed to the
 * address, and the account exists once it comes back (verifySignUp), so nobody can hold an address
 * they do not control. The answer is the same whether or not the address already has an account
 * (that person is mailed a note instead), and costs the same (the password is hashed either way).
 */
export async function signUp(env: Env, headers: Headers, input: SignUpInput): Promise<{ email: string }> {
  await rateLimit(env, "signup-ip", clientAddress(headers));
  await rateLimit(env, "signup-email", input.email);
  const passwordHash = await hashPassword(input.password);
  const token = randomToken("ver");
  const started = unwrap(
    await accountDirectory(env.ACCOUNT_DIRECTORY).startSignUp({
      email: input.email,
      passwordHash,
      orgName: input.orgName ?? defaultOrgName(input.email),
      tokenHash: await tokenHash(token),
      ttlMs: VERIFY_TTL_MS,
    }),
  );
  const base = publicOrigin(env);
  await sendMail(
    env,
    started.existing
      ? alreadyRegisteredMessage(input.email, `${base}/login`)
      : verifyEmailMessage(input.email, `${base}/verify/${token}`, VERIFY_TTL_MS / 3_600_000),
  );
  return { email: input.email };
}

/** Sign-up, step two: the mailed token proves the address; the account is created and signed in. */
export async function verifySignUp(env: Env, token: string): Promise<SignedIn> {
  const { user, org } = unwrap(await accountDirectory(env.ACCOUNT_DIRECTORY).completeSignUp(await tokenHash(token)));
  return openSession(env, { user, org, role: "owner" });
}

/**
 * Verifies the password (constant time, same cost for unknown emails) and signs the user in.
 * Only failures count against the account (OWASP ASVS V2.2.1): per client address and account
 * together, so a stranger failing on purpose cannot lock the person out from their own address,
 * and per account across all addresses, at a higher bound, against distributed guessing.
 */
export async function logIn(env: Env, headers: Headers, input: LogInInput): Promise<SignedIn> {
  const address = clientAddress(headers);
  const pair = `${address}|${input.email}`;
  await rateLimit(env, "login-ip", address);
  await assertUnderLimit(env, "login-pair", pair);
  await assertUnderLimit(env, "login-email", input.email);
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  const record = await directory.loginRecord(input.email);
  const stored = record.ok ? record.value.passwordHash : await dummyPasswordHash();
  const verified = await verifyPassword(input.password, stored);
  if (!record.ok || !verified) {
    await Promise.all([countFailure(env, "login-pair", pair), countFailure(env, "login-email", input.email)]);
    throw new HttpError(401, "unauthorized", LOGIN_FAILED);
  }
  await clearBucket(env, "login-pair", pair);
  const identity = unwrap(await directory.completeLogin(record.value.userId));
  return openSession(env, identity);
}

export async function logOut(env: Env, sessionToken: string | undefined): Promise<void> {
  if (sessionToken) await endSession(env, sessionToken);
}
