"""An SMTP server on this machine (aiosmtpd) and Django pointed at it."""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.urls import NoReverseMatch, reverse


def free_port() -> int:
    # aiosmtpd's Controller cannot bind port 0: ask the OS for a free port, then release it.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectingHandler:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


class SMTPServer:
    """A real SMTP server on a fixed port that a test can start late (to simulate an outage)."""

    def __init__(self):
        self.port = free_port()
        self.handler = CollectingHandler()
        self.controller: Controller | None = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_down(settings):
    """Django sends through SMTP to a port nothing listens on (yet): call .start() to recover."""
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def smtp_server(smtp_down):
    smtp_down.start()
    return smtp_down


@pytest.fixture
def page_urls(settings):
    """base.html links to other apps' pages; stand in for the ones not written yet."""
    try:
        reverse("shipments:case_list")
        reverse("registry:index")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.notifications.urls"
