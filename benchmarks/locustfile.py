"""Locust users for `manage.py bench`: the case page by session, the API list by token.

Started by benchmarks.measure.http_load with BENCH_* variables; only ever aimed at 127.0.0.1.
Sessions are made by the benchmark beforehand (one per user): logging 20 users in through
the form inside the measured window would time PBKDF2 password hashing, which occupies
both gunicorn workers for seconds, instead of the pages.
"""

import os
import random
import re
from itertools import count
from pathlib import Path

from locust import between
from locust.contrib.fasthttp import FastHttpUser

CASE_IDS = [
    int(line) for line in Path(os.environ["BENCH_CASE_IDS"]).read_text().split() if line.strip()
]
SESSIONS = Path(os.environ["BENCH_SESSIONS"]).read_text().split()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_session = count()


def case_page(user: "Officer") -> None:
    headers = {"Cookie": user.cookie} if user.cookie else {}
    user.client.get(f"/cases/{random.choice(CASE_IDS)}/", headers=headers, name="/cases/<pk>/")


def api_case_list(user: "Officer") -> None:
    user.client.get(
        "/api/v1/cases/",
        headers={"Authorization": f"Token {os.environ['BENCH_API_TOKEN']}"},
        name="/api/v1/cases/",
    )


# The mix: 3 case pages to 1 API list by default; BENCH_API_WEIGHT=0 for case pages only.
_api_weight = int(os.environ.get("BENCH_API_WEIGHT", "1"))
TASKS = {case_page: 3} | ({api_case_list: _api_weight} if _api_weight else {})


class Officer(FastHttpUser):
    # Seconds between a user's requests: ~0 saturates the server (the default); 2-8 s is a
    # person reading a case page before opening the next.
    wait_time = between(
        float(os.environ.get("BENCH_THINK_MIN", "0")),
        float(os.environ.get("BENCH_THINK_MAX", "0.05")),
    )
    tasks = TASKS
    cookie = ""

    def on_start(self) -> None:
        if SESSIONS:
            self.cookie = f"sessionid={SESSIONS[next(_next_session) % len(SESSIONS)]}"
            return
        # No sessions given: log in through the login form, as a person would.
        page = self.client.get("/accounts/login/", name="login form")
        match = CSRF.search(page.text or "")
        self.client.post(
            "/accounts/login/",
            data={
                "username": os.environ["BENCH_USERNAME"],
                "password": os.environ["BENCH_PASSWORD"],
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )
