"""The load scenario of bench/load.py: clients browsing availability, booking and
checking their points; staff checking out. bench/load.py writes the set-up it made
to the environment (LOAD_* variables) before starting locust."""

import json
import os
import random
from datetime import date, timedelta

from locust import HttpUser, between, task

SETUP = json.loads(os.environ.get("LOAD_SETUP", "{}"))


class Client(HttpUser):
    """Someone on the booking site's API: availability, a booking now and then, points."""

    weight = 4
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {SETUP['token']}"
        self.rng = random.Random()

    @task(6)
    def availability(self):
        day = date.fromisoformat(SETUP["first_day"]) + timedelta(days=self.rng.randrange(14))
        self.client.get("/api/v1/availability/", name="availability",
                        params={"service": self.rng.choice(SETUP["services"]),
                                "start": day.isoformat(), "days": 1})

    @task(3)
    def balance(self):
        self.client.get(f"/api/v1/loyalty/clients/{self.rng.choice(SETUP['clients'])}/",
                        name="balance")

    @task(1)
    def book(self):
        day = date.fromisoformat(SETUP["first_day"]) + timedelta(days=self.rng.randrange(14))
        service = self.rng.choice(SETUP["services"])
        free = self.client.get("/api/v1/availability/", name="availability",
                               params={"service": service, "start": day.isoformat(),
                                       "days": 1}).json()
        slots = [slot for day_slots in free for slot in day_slots["slots"]]
        if not slots:
            return
        slot = self.rng.choice(slots)
        with self.client.post("/api/v1/appointments/", name="book", catch_response=True,
                              json={"client": self.rng.choice(SETUP["clients"]),
                                    "service": service, "start": slot["start"]}) as answer:
            # Someone else took the slot meanwhile: a refusal, not an error.
            if answer.status_code == 400:
                answer.success()


class Desk(HttpUser):
    """Staff at the till: a draft with a service line, paid in cash."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {SETUP['token']}"
        self.rng = random.Random()

    @task
    def checkout(self):
        invoice = self.client.post("/api/v1/invoices/", name="checkout: start",
                                   json={"client": self.rng.choice(SETUP["clients"])}).json()
        lines = self.client.post(f"/api/v1/invoices/{invoice['id']}/lines/",
                                 name="checkout: add line",
                                 json={"kind": "service",
                                       "service": self.rng.choice(SETUP["services"])}).json()
        self.client.post(f"/api/v1/invoices/{invoice['id']}/pay/", name="checkout: pay",
                         json={"tenders": [{"tender": "cash", "amount": lines["total"]}]})
