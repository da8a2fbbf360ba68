import { accountDirectory } from "../../../durable-objects/account-directory/client";
import type { Identity, LogInInput, SignUpInput } from "../../../schemas";
import { randomToken, tokenHash } from "../auth/crypto";
import { SESSION_TTL_MS } from "../auth/cookies";
import { dummyPasswordHash, hashPassword, verifyPassword } from "../auth/password";
import { clientAddress, rateLimit } from "../auth/rate-limit";
import type { Env } from "../env";
import { HttpError } from "../problem";
import { unwrap } from "../result";

export type SignedIn = { identity: Identity; sessionToken: string; expiresAt: number };

/** One message for every log-in failure, so the answer never tells whether an email exists. */
export const LOGIN_FAILED = "email or password is incorrect";

async function openSession(env: Env, identity: Identity): Promise<SignedIn> {
  const sessionToken = randomToken("ses");
  const session = unwrap(
    await accountDirectory(env.ACCOUNT_DIRECTORY).createSession({
      tokenHash: await tokenHash(sessionToken),
      userId: identity.user.id,
      orgId: identity.org.id,
      ttlMs: SESSION_TTL_MS,
    }),
  );
  return { identity: session.identity, sessionToken, expiresAt: session.expiresAt };
}

/** Creates the user and their org (they own it) and signs them in. */
export async function signUp(env: Env, headers: Headers, input: SignUpInput): Promise<SignedIn> {
  await rateLimit(env, "signup-ip", clientAddress(headers));
  const passwordHash = await hashPassword(input.password);
  const orgName = input.orgName ?? `${input.email.split("@")[0] ?? "My"}'s organization`;
  const created = await accountDirectory(env.ACCOUNT_DIRECTORY).signUp({ email: input.email, passwordHash, orgName });
  if (!created.ok && created.error.code === "conflict") {
    throw new HttpError(409, "conflict", "could not create an account with this email; if it is yours, log in instead");
  }
  const { user, org } = unwrap(created);
  return openSession(env, { user, org, role: "owner" });
}

/** Verifies the password (constant time, same cost for unknown emails) and signs the user in. */
export async function logIn(env: Env, headers: Headers, input: LogInInput): Promise<SignedIn> {
  await rateLimit(env, "login-ip", clientAddress(headers));
  await rateLimit(env, "login-email", input.email);
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  const record = await directory.loginRecord(input.email);
  const stored = record.ok ? record.value.passwordHash : await dummyPasswordHash();
  const verified = await verifyPassword(input.password, stored);
  if (!record.ok || !verified) throw new HttpError(401, "unauthorized", LOGIN_FAILED);
  const identity = unwrap(await directory.completeLogin(record.value.userId));
  return openSession(env, identity);
}

export async function logOut(env: Env, sessionToken: string | undefined): Promise<void> {
  if (!sessionToken) return;
  await accountDirectory(env.ACCOUNT_DIRECTORY).deleteSession(await tokenHash(sessionToken));
}
