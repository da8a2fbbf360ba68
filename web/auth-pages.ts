import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { Email, EmailToken, OrgName, Password } from "../schemas";
import { logIn, logOut, signUp, verifySignUp } from "../workers/gateway/accounts/service";
import { clearSessionCookie, csrfToken, readSessionCookie, setSessionCookie, verifyCsrf } from "../workers/gateway/auth/cookies";
import type { AppEnv } from "../workers/gateway/env";
import { formAction, readForm } from "./forms";
import { errorBox, page } from "./layout";
import { pageAuth, safeNext } from "./session";

const SignUpForm = z.object({
  email: Email,
  password: Password,
  orgName: z.union([z.literal("").transform(() => undefined), OrgName]).optional(),
});
const LogInForm = z.object({ email: Email, password: z.string().min(1).max(256), next: z.string().max(2048).optional() });

function signUpPage(csrf: string, error?: string) {
  return page(
    "Sign up",
    html`<h1>Create your account</h1>${errorBox(error)}
      <form method="post" action="/signup">
        <input type="hidden" name="csrf" value="${csrf}">
        <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>
        <label for="password">Password (at least 10 characters)</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required>
        <label for="orgName">Organization name (optional)</label><input id="orgName" name="orgName" type="text">
        <button type="submit">Sign up</button>
      </form>
      <p>Already have an account? <a href="/login">Log in</a>.</p>`,
  );
}

function checkEmailPage(email: string, development: boolean) {
  return page(
    "Check your email",
    html`<h1>Check your email</h1>
      <p id="check-email">We sent a link to <strong>${email}</strong>. Open it to finish creating your account; it works once, for 24 hours.</p>
      ${development ? html`<p class="notice">Running locally: messages go to the <a id="dev-mailbox" href="/dev/mailbox">development mailbox</a>.</p>` : ""}`,
  );
}

function verifyPage(csrf: string, token: string, error?: string) {
  return page(
    "Confirm your email",
    html`<h1>Confirm your email</h1>${errorBox(error)}
      ${error
        ? html`<p><a href="/signup">Sign up again</a> or <a href="/login">log in</a>.</p>`
        : html`<form method="post" action="/verify/${token}"><input type="hidden" name="csrf" value="${csrf}">
            <p>Confirm this address and create your account.</p><button id="confirm" type="submit">Create my account</button></form>`}`,
  );
}

function logInPage(csrf: string, next: string, error?: string) {
  return page(
    "Log in",
    html`<h1>Log in</h1>${errorBox(error)}
      <form method="post" action="/login">
        <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
        <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Log in</button>
      </form>
      <p>New here? <a href="/signup">Create an account</a>.</p>`,
  );
}

/** Sign-up (verified by a mailed link), log-in and log-out pages, server-rendered, CSRF-protected. */
export const authPages = new Hono<AppEnv>()
  .get("/", async (c) => c.redirect((await pageAuth(c)) ? "/connect" : "/login", 303))
  .get("/signup", (c) => c.html(signUpPage(csrfToken(c))))
  .post("/signup", (c) =>
    formAction(
      async () => {
        const form = await readForm(c, SignUpForm);
        const { email } = await signUp(c.env, c.req.raw.headers, { email: form.email, password: form.password, orgName: form.orgName });
        return c.html(checkEmailPage(email, c.env.EXECUTOR_ENV === "development"), 202);
      },
      (error, status) => c.html(signUpPage(csrfToken(c), error), status as 400),
    ),
  )
  // GET only shows a button: mail scanners that prefetch links must not use up a single-use token.
  .get("/verify/:token", (c) => {
    const token = EmailToken.safeParse(c.req.param("token"));
    c.header("cache-control", "no-store");
    return c.html(verifyPage(csrfToken(c), token.success ? token.data : "", token.success ? undefined : "This link is invalid or has expired."));
  })
  .post("/verify/:token", (c) =>
    formAction(
      async () => {
        await readForm(c, z.object({}));
        const token = EmailToken.safeParse(c.req.param("token"));
        if (!token.success) return c.html(verifyPage(csrfToken(c), "", "This link is invalid or has expired."), 404);
        const result = await verifySignUp(c.env, token.data);
        setSessionCookie(c, result.sessionToken);
        return c.redirect("/connect", 303);
      },
      (error, status) => c.html(verifyPage(csrfToken(c), "", error), status as 400),
    ),
  )
  .get("/login", (c) => c.html(logInPage(csrfToken(c), safeNext(c.req.query("next")))))
  .post("/login", (c) =>
    formAction(
      async () => {
        const form = await readForm(c, LogInForm);
        const result = await logIn(c.env, c.req.raw.headers, { email: form.email, password: form.password });
        setSessionCookie(c, result.sessionToken);
        return c.redirect(safeNext(form.next), 303);
      },
      async (error, status) => {
        const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const next = typeof body.next === "string" ? body.next : undefined;
        return c.html(logInPage(csrfToken(c), safeNext(next), error), status as 400);
      },
    ),
  )
  .post("/logout", async (c) => {
    const body = await c.req.parseBody();
    verifyCsrf(c, typeof body.csrf === "string" ? body.csrf : undefined);
    await logOut(c.env, readSessionCookie(c));
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });
