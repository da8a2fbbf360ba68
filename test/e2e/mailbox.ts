/**
 * The development mailbox of a running platform (`/dev/mailbox.json`): where `npm start` delivers
 * sign-up verification and invitation emails. Tests follow the links a person would click.
 */
export type Mail = { id: string; to: string; from: string; subject: string; text: string; createdAt: number };

/** The newest message to `to` whose subject matches, waiting briefly for it to arrive. */
export async function latestMail(base: string, to: string, subject?: RegExp, timeoutMs = 10_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${base}/dev/mailbox.json?to=${encodeURIComponent(to)}`);
    if (res.status !== 200) throw new Error(`mailbox answered ${res.status}: ${await res.text()}`);
    const { messages } = (await res.json()) as { messages: Mail[] };
    const found = messages.find((m) => !subject || subject.test(m.subject));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to}${subject ? ` matching ${subject}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The single-use token of the first `/<path>/<token>` link in a message. */
export function linkToken(mail: Mail, path: "verify" | "invitations"): string {
  const match = new RegExp(`/${path}/((?:ver|inv)_[0-9a-z]{32})`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no /${path}/ link in mail "${mail.subject}"`);
  return match[1];
}

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/**
 * Sign-up the way a person does it: `POST /v1/signup` (202, a link is mailed), then the link's token
 * to `POST /v1/signup/verify`, which creates the account and answers 201 with the session cookie.
 */
export async function verifiedSignUp(base: string, email: string, password: string, orgName?: string): Promise<Response> {
  const started = await fetch(`${base}/v1/signup`, json({ email, password, ...(orgName ? { orgName } : {}) }));
  if (started.status !== 202) throw new Error(`sign-up answered ${started.status}: ${await started.text()}`);
  const token = linkToken(await latestMail(base, email.trim().toLowerCase(), /Confirm your email/), "verify");
  return fetch(`${base}/v1/signup/verify`, json({ token }));
}

/** Accepts an invitation mailed to `email` by creating that person's account from its link (201 + session). */
export async function signUpFromInvitation(base: string, email: string, password: string): Promise<Response> {
  const token = linkToken(await latestMail(base, email, /invited/), "invitations");
  return fetch(`${base}/v1/invitations/signup`, json({ token, password }));
}
