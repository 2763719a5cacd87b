"""Authentication for the contract fuzz runs: a session of the run's own client
account (opened by `run` before the fuzzer starts), and the platform token for the
platform run. After an answer of 401 (the fuzzer logged the session out, say)
schemathesis drops the cached session and fetches a new one."""

import os

import requests
import schemathesis

BASE_URL = os.environ["PORTICO_FUZZ_URL"]
MODE = os.environ.get("PORTICO_FUZZ_MODE", "client")
PASSWORD = os.environ["PORTICO_FUZZ_PASSWORD"]
USERNAME = os.environ["PORTICO_FUZZ_USERNAME"]


@schemathesis.auth(refresh_interval=60)
class PorticoToken:
    """A session token of the run's account, or the platform token."""

    device_token = None

    def get(self, case, context):
        if MODE == "platform":
            return os.environ["PORTICO_PLATFORM_TOKEN"]
        body = {"login": USERNAME, "password": PASSWORD}
        if PorticoToken.device_token:
            # A known device is judged by its own counter alone, so the wrong
            # passwords the fuzzer sends cannot lock the run's own logins out.
            body["device_token"] = PorticoToken.device_token
        answer = requests.post(f"{BASE_URL}/v1/sessions", json=body, timeout=30)
        answer.raise_for_status()
        session = answer.json()
        PorticoToken.device_token = session.get("device_token") or PorticoToken.device_token
        return session["token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
