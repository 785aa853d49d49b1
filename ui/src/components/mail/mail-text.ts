// Words for mail to requesters (issue 18): a sentence per failure code saying what to do, the
// outbox's states and kinds, and the Settings › Mail form turned into what the core saves.

import type { MailAccount, MailAccountInput, MailKind, MailState, Security } from "../../ipc";

/** What to do about each coded mail failure, in one sentence beside the core's message. */
export const MAIL_HINTS: Record<string, string> = {
  MAIL_NO_ACCOUNT:
    "This desk has no mail account yet: set one up under Reports › Mail settings, or open the message as a draft.",
  MAIL_PASSWORD_MISSING:
    "The account signs in but its password is not in this computer's keychain: enter it again and save.",
  MAIL_NO_RECIPIENT:
    "The requester has no email address: add it to the contact in the Directory, then queue the message.",
  MAIL_ADDRESS_INVALID:
    "An address is not an email address: write it as name@example.com or Name <name@example.com>.",
  MAIL_CONNECT_FAILED:
    "The server could not be reached: check the server name and port, and that this computer may connect to it.",
  MAIL_TLS_FAILED:
    "The secure connection failed, so nothing was sent: check the security choice (implicit TLS on 465, STARTTLS on 587) and, for an in-house server, paste its CA certificate.",
  MAIL_AUTH_REJECTED:
    "The server refused the user name and password: check them (some providers want an app password).",
  MAIL_RECIPIENT_REFUSED:
    "The server refused the recipient's address for good: correct it with Re-address.",
  MAIL_TOO_LARGE:
    "The message is larger than the server accepts: send the report another way (export it from the ticket).",
  MAIL_REJECTED:
    "The server refused the message for good: its answer says why; fix the cause, then retry.",
  MAIL_TEMPORARY:
    "The server asked to try later: Ticketflow tries again on its own.",
  MAIL_CONNECTION_LOST:
    "The connection broke before the server confirmed the message: Ticketflow tries again on its own, and the same message is never sent twice under two names.",
  KEYCHAIN_UNAVAILABLE:
    "This computer's keychain did not answer: the password cannot be stored or read until it does.",
  HANDOVER_ACTIVE: "A hand-over is under way: finish it first.",
};

export function mailHint(code: string): string | null {
  return MAIL_HINTS[code] ?? null;
}

export const STATE_LABELS: Record<MailState, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
};

export const KIND_LABELS: Record<MailKind, string> = {
  summary: "Resolution summary",
  report: "Signed closure report",
};

export const SECURITY_CHOICES: { value: Security; label: string; port: number; detail: string }[] = [
  { value: "start_tls", label: "STARTTLS", port: 587, detail: "usually port 587" },
  { value: "implicit_tls", label: "Implicit TLS", port: 465, detail: "usually port 465" },
];

/** The settings form's fields, as typed. */
export interface MailForm {
  host: string;
  port: string;
  security: Security;
  user: string;
  from: string;
  tlsRootPem: string;
  /** A new password; "" keeps the stored one. */
  password: string;
  /** Remove the stored password (an account that does not sign in). */
  forgetPassword: boolean;
}

export function emptyForm(): MailForm {
  return {
    host: "",
    port: "587",
    security: "start_tls",
    user: "",
    from: "",
    tlsRootPem: "",
    password: "",
    forgetPassword: false,
  };
}

export function formOf(account: MailAccount): MailForm {
  return {
    host: account.host,
    port: String(account.port),
    security: account.security,
    user: account.user,
    from: account.from,
    tlsRootPem: account.tls_root_pem ?? "",
    password: "",
    forgetPassword: false,
  };
}

/** Why a field cannot be saved as typed (checked here so the form can point at it), or null. */
export function formProblem(form: MailForm): { field: keyof MailForm; message: string } | null {
  if (form.host.trim() === "") {
    return { field: "host", message: "Enter the server's name, e.g. smtp.example.com." };
  }
  const port = Number(form.port.trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { field: "port", message: "A port from 1 to 65535 (587 for STARTTLS, 465 for implicit TLS)." };
  }
  if (form.from.trim() === "") {
    return { field: "from", message: "Enter the address mail comes from, e.g. Contoso IT <helpdesk@contoso.example>." };
  }
  return null;
}

/** What the core saves: a blank password keeps the stored one (null), "forget" removes it (""). */
export function accountInput(form: MailForm): MailAccountInput {
  const pem = form.tlsRootPem.trim();
  return {
    host: form.host.trim(),
    port: Number(form.port.trim()),
    security: form.security,
    user: form.user.trim(),
    from: form.from.trim(),
    tls_root_pem: pem === "" ? null : pem,
    password: form.forgetPassword ? "" : form.password === "" ? null : form.password,
  };
}
