import { z } from "zod";
import { EpochMs } from "./common";
import { Email } from "./account";

/** RFC 5322 §2.2: a header field (the subject) is one line. */
const Subject = z.string().min(1).max(200).regex(/^[^\r\n]*$/, "must be one line");

/** One email the platform sends: the outbox's input (cloud binding or development mailbox). */
export const MailMessage = z.object({
  to: Email,
  from: z.string().min(3).max(254),
  subject: Subject,
  text: z.string().min(1).max(20_000),
  html: z.string().max(50_000).optional(),
});
export type MailMessage = z.infer<typeof MailMessage>;

/** A message as the development mailbox keeps it. */
export const StoredMail = MailMessage.extend({ id: z.string(), createdAt: EpochMs });
export type StoredMail = z.infer<typeof StoredMail>;
