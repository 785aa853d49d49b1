#!/usr/bin/env python3
"""A real SMTP server on loopback for Ticketflow's mail tests (src-tauri/core/tests/mail.rs).

aiosmtpd, with implicit TLS or STARTTLS (or neither, to show the client refuses), sign-in
checked against one user, an optional SIZE limit and recipients it refuses. Each accepted
message is parsed with Python's own email package (a MIME reader independent of the sender's)
and written to --out as NNNN.json (envelope, headers, text) plus NNNN.eml and any attachment's
decoded bytes; each file appears whole (written aside, then renamed).

--script names a JSON list of what to do at each DATA, consumed in order (then "ok"):
  "ok"          accept (250)
  "451"         refuse for now (451 4.3.0)
  "drop"        close the connection without answering and without keeping the message
  "stall:SECS"  keep the message, then wait SECS before answering 250 (a client killed in that
                window has handed the message over without learning it was accepted)
Prints "READY <port>" once it listens; stops on SIGTERM.
"""

import argparse
import asyncio
import email
import email.policy
import hashlib
import json
import os
import signal
import ssl
import logging
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


# aiosmtpd 1.4 logs a warning about its own use of a deprecated attribute on every sign-in.
logging.getLogger("mail.log").setLevel(logging.ERROR)


def on_tls(server, session):
    """Whether this connection is encrypted: STARTTLS done, or TLS from the first byte."""
    return session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None


def write_whole(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = len([n for n in os.listdir(args.out) if n.endswith(".json")])

    def log(self, line):
        with open(os.path.join(self.args.out, "events.log"), "a") as f:
            f.write(line + "\n")

    def next_action(self):
        if not self.args.script or not os.path.exists(self.args.script):
            return "ok"
        with open(self.args.script) as f:
            actions = json.load(f)
        if not actions:
            return "ok"
        action = actions.pop(0)
        write_whole(self.args.script, json.dumps(actions).encode())
        return action

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.log(f"EHLO tls={on_tls(server, session)}")
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.args.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def keep(self, envelope):
        self.count += 1
        stem = os.path.join(self.args.out, f"{self.count:04d}")
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        attachments = []
        for i, part in enumerate(msg.iter_attachments()):
            data = part.get_payload(decode=True)
            path = f"{stem}.att{i}"
            write_whole(path, data)
            attachments.append({
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "sha256": hashlib.sha256(data).hexdigest(),
                "path": path,
            })
        write_whole(stem + ".eml", raw)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": msg["Message-ID"],
            "subject": msg["Subject"],
            "from": msg["From"],
            "to": msg["To"],
            "x_unsent": msg["X-Unsent"],
            "content_type": msg.get_content_type(),
            "text": body.get_content() if body is not None else None,
            "attachments": attachments,
            "defects": [str(d) for d in msg.defects],
        }
        write_whole(stem + ".json", json.dumps(record, indent=1).encode())

    async def handle_DATA(self, server, session, envelope):
        action = self.next_action()
        self.log(f"DATA action={action}")
        if action == "drop":
            server.transport.abort()
            return "421 4.4.2 closing"
        if action == "451":
            return "451 4.3.0 Try again later"
        self.keep(envelope)
        if action.startswith("stall:"):
            await asyncio.sleep(float(action.split(":", 1)[1]))
        return "250 2.0.0 OK queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["implicit", "starttls", "plain"], required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user", default="desk")
    p.add_argument("--password", default="secret")
    p.add_argument("--out", required=True)
    p.add_argument("--script")
    p.add_argument("--size-limit", type=int, default=33554432)
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--no-auth", action="store_true", help="take mail without signing in")
    args = p.parse_args()
    args.refuse = [a.lower() for a in args.refuse]
    os.makedirs(args.out, exist_ok=True)
    handler = Handler(args)

    ctx = None
    if args.mode != "plain":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == args.user
            and auth_data.password.decode() == args.password
        )
        handler.log(f"AUTH {mechanism} tls={on_tls(server, session)} ok={ok}")
        return AuthResult(success=ok)

    def factory():
        return SMTP(
            handler,
            hostname="localhost",
            data_size_limit=args.size_limit,
            tls_context=ctx if args.mode == "starttls" else None,
            require_starttls=args.mode == "starttls",
            authenticator=None if args.no_auth else authenticator,
            # aiosmtpd only knows of STARTTLS; with implicit TLS every connection is encrypted.
            auth_require_tls=args.mode == "starttls",
            auth_required=not args.no_auth,
        )

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            factory,
            host="127.0.0.1",
            port=args.port,
            ssl=ctx if args.mode == "implicit" else None,
            reuse_address=True,
        )
    )
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    print(f"READY {args.port}", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
