"""Drives a running Portico through the client openapi-python-client generated from
its spec: register, log in, read the profile, add and verify an email address with
the mailed token, turn on two-factor authentication, and log in with the second
factor. Every step asserts the typed answer it expects; any other answer fails."""

import base64
import email
import hashlib
import hmac
import os
import struct
import time
from email import policy
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from portico_client import AuthenticatedClient, Client
from portico_client.api.accounts import register_account
from portico_client.api.profile import add_email_address, get_profile, verify_email_address
from portico_client.api.security import confirm_totp_enrolment, start_totp_enrolment
from portico_client.api.sessions import complete_second_factor, log_in
from portico_client.models import (
    CodeRequest,
    EmailItem,
    EmailRequest,
    EnrolmentBody,
    LoginRequest,
    ProfileBody,
    RecoveryCodesBody,
    RegisterRequest,
    SecondFactorRequest,
    SessionCreated,
    VerifyRequest,
)

BASE_URL = os.environ["PORTICO_URL"]
MAIL_DIR = Path(os.environ["PORTICO_MAIL_DIR"])
PASSWORD = "generated violet tractor sings"


def expect(response, status, kind):
    """The parsed answer, after checking its status and its generated type."""
    assert response.status_code == status, (response.status_code, response.content)
    assert isinstance(response.parsed, kind), (type(response.parsed), response.content)
    return response.parsed


def totp(secret, at):
    """The six-digit TOTP code (RFC 6238: SHA-1, 30 s steps) of a base32 secret."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def mailed_token(to, path):
    """The `token` of the link to `path` in the newest mail to `to`, read as a mail
    client reads the .eml file (transfer encoding undone)."""
    for _ in range(100):
        for file in sorted(MAIL_DIR.glob("*.eml"), key=lambda f: f.stat().st_mtime, reverse=True):
            message = email.message_from_bytes(file.read_bytes(), policy=policy.default)
            if to not in str(message["To"]):
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            for word in text.split():
                if path in word:
                    return parse_qs(urlparse(word).query)["token"][0]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} with a link to {path}")


def main():
    anonymous = Client(base_url=BASE_URL)
    profile = expect(
        register_account.sync_detailed(
            client=anonymous,
            body=RegisterRequest(
                username="client-ada",
                email="client-ada@example.com",
                password=PASSWORD,
                first_name="Ada",
                last_name="Lovelace",
            ),
        ),
        201,
        ProfileBody,
    )
    assert profile.username == "client-ada"

    session = expect(
        log_in.sync_detailed(client=anonymous, body=LoginRequest(login="client-ada", password=PASSWORD)),
        201,
        SessionCreated,
    )
    assert session.second_factor_required is False
    ada = AuthenticatedClient(base_url=BASE_URL, token=session.token)
    assert expect(get_profile.sync_detailed(client=ada), 200, ProfileBody).first_name == "Ada"

    added = expect(
        add_email_address.sync_detailed(client=ada, body=EmailRequest(address="ada.work@example.com")),
        201,
        EmailItem,
    )
    assert added.verified is False
    token = mailed_token("ada.work@example.com", "/verify-email")
    verified = expect(
        verify_email_address.sync_detailed(id=added.id, client=ada, body=VerifyRequest(token=token)),
        200,
        EmailItem,
    )
    assert verified.verified is True

    enrolment = expect(start_totp_enrolment.sync_detailed(client=ada), 201, EnrolmentBody)
    confirmed_at = time.time()
    codes = expect(
        confirm_totp_enrolment.sync_detailed(
            client=ada, body=CodeRequest(code=totp(enrolment.secret, confirmed_at))
        ),
        200,
        RecoveryCodesBody,
    )
    assert len(codes.recovery_codes) == 10

    pending = expect(
        log_in.sync_detailed(client=anonymous, body=LoginRequest(login="client-ada", password=PASSWORD)),
        201,
        SessionCreated,
    )
    assert pending.second_factor_required is True
    # A code works once: the app's next code, in the next 30-second step, completes it.
    next_step = (int(confirmed_at) // 30 + 1) * 30
    time.sleep(max(0.0, next_step - time.time()) + 0.5)
    waiting = AuthenticatedClient(base_url=BASE_URL, token=pending.token)
    complete = expect(
        complete_second_factor.sync_detailed(
            client=waiting, body=SecondFactorRequest(code=totp(enrolment.secret, time.time()))
        ),
        200,
        SessionCreated,
    )
    full = AuthenticatedClient(base_url=BASE_URL, token=complete.token)
    assert expect(get_profile.sync_detailed(client=full), 200, ProfileBody).username == "client-ada"
    print("generated client: register, login, profile, email verification and second factor passed")


if __name__ == "__main__":
    main()
