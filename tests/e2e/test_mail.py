"""Mail to requesters in the real window (issue 18): Settings › Mail (on the Reports screen)
is filled in against a real SMTP server on loopback (aiosmtpd, STARTTLS, a certificate from a CA
of the test's own, pasted into the form so TLS verifies), a test message arrives, a bad address
is answered with its code and a sentence; completing step 16 of a demo ticket queues the
resolution summary, the app's background sender delivers it, and the ticket's Mail tab follows
it to "sent". Screenshots of both at 1024x700 and 1920x1080.

Needs target/mail-venv (made by .ci/setup-debian) with aiosmtpd, and openssl."""

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from flows import Ticket, query_db, queue_row, search_queue, stored_signature
from tfwindow import REPO

USER = "desk"
PASSWORD = "app-password-e2e-51f3"
FROM = "Northwind IT <helpdesk@northwind.example>"


def openssl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d: Path) -> str:
    """A CA and a certificate for localhost / 127.0.0.1 signed by it; returns the CA's PEM."""
    openssl(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Ticketflow e2e mail CA")
    openssl(d, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (d / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                               "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl(d, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return (d / "ca.pem").read_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """tests/mail/smtp_server.py with STARTTLS; what it accepts lands in `out` as NNNN.json."""

    def __init__(self, pki: Path, out: Path, refuse: list[str]):
        python = REPO / "target/mail-venv/bin/python"
        if not python.exists():
            pytest.fail("target/mail-venv is missing: run .ci/setup-debian (it installs aiosmtpd)")
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc = subprocess.Popen(
            [str(python), str(REPO / "tests/mail/smtp_server.py"), "--port", str(self.port),
             "--mode", "starttls", "--cert", str(pki / "server.pem"),
             "--key", str(pki / "server.key"), "--user", USER, "--password", PASSWORD,
             "--out", str(out), *[a for r in refuse for a in ("--refuse", r)]],
            stdout=subprocess.PIPE, stderr=open(out / "server.stderr", "wb"), text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("READY"), f"the SMTP server did not start: {line!r}"

    def received(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in sorted(self.out.glob("*.json"))]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def smtp_factory(tmp_path):
    """Starts the server (refusing the given recipients for good); stopped after the test."""
    started = []

    def start(refuse: list[str]) -> SmtpServer:
        pki = tmp_path / "pki"
        pki.mkdir()
        ca = make_pki(pki)
        server = SmtpServer(pki, tmp_path / "received", refuse)
        server.ca_pem = ca
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def shots_dir(desk) -> Path:
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    return shots


def resize(desk, page, w: int, h: int) -> None:
    desk.driver.set_window_size(w, h)
    page.until(lambda: page.d.execute_script("return innerWidth") == w)


def open_mail_settings(page):
    page.click("nav-reports")
    page.click("reports-tab-closure")
    return page.wait("mail-settings")


def open_ticket(page, ticket_id: int, number: str) -> Ticket:
    page.click("nav-queue")
    search_queue(page, number)
    page.until(lambda: queue_row(page, ticket_id), message=f"{number} is not queued").click()
    ticket = Ticket(page)
    ticket.wait_loaded(ticket_id)
    return ticket


def summarise(desk, ticket: Ticket, ticket_id: int) -> str:
    """Steps 14-16, step 16 with the summary the end user signed; returns that summary."""
    signed = stored_signature(desk.sandbox.db, ticket_id, 13)["content"]
    ticket.complete(14, {"notes": "Monitoring green."})
    ticket.complete(15, {"root_cause": "Stale cache.", "changes": "Cleared it."})
    ticket.complete(16, {"summary": signed})
    return signed


def received_count(smtp, n: int) -> list[dict]:
    deadline = time.monotonic() + 10
    while len(smtp.received()) < n and time.monotonic() < deadline:
        time.sleep(0.2)
    got = smtp.received()
    assert len(got) == n, got
    return got


def test_the_account_is_set_up_tested_and_the_summary_of_step_16_is_sent(desk, smtp_factory):
    # Two resolved demo tickets of requesters with distinct addresses; the server refuses the
    # second requester's address for good.
    (a_id, a_number, email), (b_id, b_number, refused) = query_db(
        desk.sandbox.db,
        "SELECT t.id, t.number, c.email FROM tickets t JOIN contacts c ON c.id = t.contact_id "
        "WHERE t.status = 'resolved' AND c.email IS NOT NULL GROUP BY c.email "
        "ORDER BY t.id LIMIT 2")
    smtp = smtp_factory([refused])
    # The password goes into the keychain: a session keyring of this run, never the developer's.
    desk.sandbox.extra["TICKETFLOW_KEYSTORE"] = "keyutils"
    page = desk.launch()
    shots = shots_dir(desk)

    # -- Settings › Mail -------------------------------------------------------------------------
    settings = open_mail_settings(page)
    assert page.find_all("mail-password-none"), "a fresh desk has no password stored"
    page.type_into(page.find("mail-host"), "localhost")
    page.type_into(page.find("mail-port"), str(smtp.port))
    page.choose("mail-security", "start_tls")
    page.type_into(page.find("mail-user"), USER)
    page.type_into(page.find("mail-password"), PASSWORD)
    page.type_into(page.find("mail-from"), FROM)
    page.insert_text(page.find("mail-ca"), smtp.ca_pem)
    page.click("mail-save")
    page.wait("mail-saved")
    page.wait("mail-password-stored")
    # Never shown back: the field is empty again, the database does not hold it.
    assert page.value(page.find("mail-password")) == ""
    assert PASSWORD not in page.d.page_source
    db_bytes = b"".join(p.read_bytes() for p in desk.sandbox.tf_data.glob("ticketflow.db*"))
    assert PASSWORD.encode() not in db_bytes

    # A bad address is answered with its code and a sentence saying what to do.
    page.type_into(page.find("mail-test-to"), "it at northwind")
    page.click("mail-test-send")
    failed = page.wait("mail-test-error")
    assert failed.find_element(By.CSS_SELECTOR, '[data-testid="error-message"]') \
        .get_attribute("data-code") == "MAIL_ADDRESS_INVALID"
    assert "name@example.com" in page.text(page.find("mail-test-hint"))

    # The test message goes through STARTTLS (verified against the pasted CA) and arrives.
    page.type_into(page.find("mail-test-to"), "it@northwind.example")
    page.click("mail-test-send")
    status = page.wait("mail-test-status", timeout=60)
    assert "250" in page.text(status), page.text(status)
    got = smtp.received()
    assert len(got) == 1, got
    assert got[0]["rcpt_tos"] == ["it@northwind.example"]
    assert got[0]["mail_from"] == "helpdesk@northwind.example"

    for w, h in ((1024, 700), (1920, 1080)):
        resize(desk, page, w, h)
        page.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", settings)
        page.screenshot(shots / f"mail-settings-{w}x{h}.png")
        if h < 1000:  # the card is taller than the window: its test message part too
            page.scroll_into_view(page.find("mail-test-status"))
            page.screenshot(shots / f"mail-settings-test-{w}x{h}.png")

    # -- Step 16 queues the summary; the background sender delivers it ----------------------------
    ticket_id = a_id
    ticket = open_ticket(page, a_id, a_number)
    ticket.open_tab("mail")
    page.wait("outbox-empty")
    signed = summarise(desk, ticket, a_id)

    ticket.open_tab("mail")
    message = page.wait("outbox-message")
    assert message.get_attribute("data-kind") == "summary"
    assert page.text(page.find("outbox-to", message)) == email
    page.until(lambda: page.find("outbox-message").get_attribute("data-state") == "sent",
               timeout=60,
               message=lambda: f"the summary was not sent: {page.text(page.find('outbox'))}")
    message = page.find("outbox-message")
    assert page.text(page.find("outbox-state", message)) == "Sent"
    assert page.text(page.find("outbox-attempts", message)) == "1"
    assert "250" in page.text(page.find("outbox-answer", message))
    page.wait("outbox-sent-at")

    summary = received_count(smtp, 2)[1]
    assert summary["rcpt_tos"] == [email]
    assert signed in summary["text"]
    stored_id = query_db(desk.sandbox.db,
                         "SELECT message_id FROM mail_outbox WHERE ticket_id = ?", (ticket_id,))
    assert [(summary["message_id"],)] == stored_id

    for w, h in ((1024, 700), (1920, 1080)):
        resize(desk, page, w, h)
        # The Mail tab opens at the top of the side panel: the window as the technician sees it.
        page.d.execute_script("window.scrollTo(0, 0)")
        page.screenshot(shots / f"mail-outbox-{w}x{h}.png")

    # -- A recipient the server refuses: failed, said why, re-addressed in the window -------------
    ticket = open_ticket(page, b_id, b_number)
    summarise(desk, ticket, b_id)
    ticket.open_tab("mail")
    page.until(lambda: page.find("outbox-message").get_attribute("data-state") == "failed",
               timeout=60,
               message=lambda: f"the summary did not fail: {page.text(page.find('outbox'))}")
    message = page.find("outbox-message")
    answer = page.find("outbox-answer", message)
    assert answer.get_attribute("data-code") == "MAIL_RECIPIENT_REFUSED"
    assert "550" in page.text(answer)
    assert "Re-address" in page.text(message)
    # Above the steps too, coded, whichever tab is open.
    notice = page.wait("mail-notice", timeout=10)
    assert [e.get_attribute("data-code") for e in page.find_all("error-message", notice)] \
        == ["MAIL_RECIPIENT_REFUSED"]
    for w, h in ((1024, 700), (1920, 1080)):
        resize(desk, page, w, h)
        page.d.execute_script("window.scrollTo(0, 0)")
        page.screenshot(shots / f"mail-outbox-failed-{w}x{h}.png")

    page.click("outbox-readdress")
    page.type_into(page.wait("outbox-readdress-to"), "Dana Reyes <dana.private@contoso.example>")
    page.click("outbox-readdress-send")
    page.until(lambda: page.find("outbox-message").get_attribute("data-state") == "sent",
               timeout=60,
               message=lambda: f"the re-addressed summary was not sent: {page.text(page.find('outbox'))}")
    assert page.text(page.find("outbox-to")) == "dana.private@contoso.example"
    page.wait_gone("mail-notice", timeout=10)
    got = received_count(smtp, 3)
    assert got[2]["rcpt_tos"] == ["dana.private@contoso.example"]
    assert refused not in [r for m in got for r in m["rcpt_tos"]]
