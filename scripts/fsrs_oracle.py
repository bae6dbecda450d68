#!/usr/bin/env python3
"""Generate the FSRS differential-test fixtures from the reference scheduler.

py-fsrs 6.3.2 (`pip install fsrs==6.3.2`) replays seeded review histories; the expected
states are written to tests/fixtures/fsrs/, and `cargo test --test fsrs_reference` holds
medterm's scheduler to them. Run from the repository root:

    python3 scripts/fsrs_oracle.py

medterm counts elapsed time in study days (local date minus the 4 am rollover, here in
America/New_York); py-fsrs counts whole 24-hour periods. So py-fsrs is fed synthetic times
whose 24-hour differences equal the study-day differences: day index * 24 h plus the event's
global sequence number in seconds (fewer than 86 400 events, so it never spills a day and
always increases).
"""

import json
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

ZONE = ZoneInfo("America/New_York")
ROLLOVER_HOURS = 4
STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}


def study_day(t_utc):
    local = t_utc.astimezone(ZONE).replace(tzinfo=None)
    return (local - timedelta(hours=ROLLOVER_HOURS)).date()


def history(rng, cards, start):
    """Seeded events: each card starts on some day and is reviewed again on the same day
    (steps) or days later; some reviews fall after midnight, across both DST changes."""
    events = []
    for c in range(cards):
        key = f"ref:card-{c}"
        t = start + timedelta(days=rng.randrange(0, 300), hours=rng.uniform(0, 24))
        for _ in range(rng.randrange(1, 25)):
            rating = rng.choices([1, 2, 3, 4], weights=[15, 12, 60, 13])[0]
            events.append((t, key, rating))
            if rng.random() < 0.35:
                t += timedelta(minutes=rng.uniform(1, 90))
            else:
                t += timedelta(days=rng.choice([1, 1, 2, 3, 5, 8, 13, 21, 40, 90]), hours=rng.uniform(-6, 6))
    events.sort(key=lambda e: (e[0], e[1]))
    return events


def run(name, steps, seed, cards):
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    events = history(rng, cards, start)
    assert len(events) < 86_400
    if steps:
        scheduler = Scheduler(enable_fuzzing=False)
    else:
        scheduler = Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())
    base_day = study_day(start)
    base = datetime(2030, 1, 1, tzinfo=timezone.utc)
    state = {}
    out = []
    for i, (t, key, rating) in enumerate(events):
        t = t.replace(microsecond=0)
        fake = base + timedelta(days=(study_day(t) - base_day).days, seconds=i)
        card = state.get(key) or Card()
        card, _ = scheduler.review_card(card, Rating(rating), fake)
        state[key] = card
        interval = (card.due - fake).days if card.state == State.Review else None
        out.append({
            "card": key,
            "time": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "rating": rating,
            "state": STATE_NAMES[card.state],
            "step": card.step,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "interval_days": interval,
        })
    path = f"tests/fixtures/fsrs/{name}.jsonl"
    with open(path, "w") as f:
        for line in out:
            f.write(json.dumps(line) + "\n")
    print(f"{path}: {len(out)} events over {len(state)} cards")


if __name__ == "__main__":
    import importlib.metadata
    assert importlib.metadata.version("fsrs") == "6.3.2", "pip install fsrs==6.3.2"
    run("default-steps", steps=True, seed=20261204, cards=400)
    run("no-steps", steps=False, seed=20261205, cards=300)
