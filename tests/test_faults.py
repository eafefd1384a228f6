"""Faults and races (issue 8; DESIGN §4/§5: rules hold under load, no 500s).

Each test runs an app on its own PostgreSQL database with committed rows:
the per-test transaction cannot show a race. A burst of concurrent requests
(one test client per thread, released together) supports a proposal, enters
paper and phone votes and moves a ticket; afterwards every rule still holds.
A gunicorn worker killed with SIGKILL in the middle of vote POSTs leaves no
partial vote, every acknowledged vote present, and a verifiable chain."""
import random
import threading

import pytest

from residentvoice.dates import beijing_today
from residentvoice.extensions import db

from .ops.apps import private_app, private_pg_database

pytestmark = pytest.mark.postgres_only
POOL = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 40, "max_overflow": 0, "pool_timeout": 60}}


@pytest.fixture
def race_app():
    with private_pg_database() as (_name, url), private_app(url, **POOL) as app:
        yield app


def burst(app, requests):
    """Run ``[(label, method, url, token, json)]`` all at once, one client per
    thread; returns ``[(label, status, json)]``."""
    barrier = threading.Barrier(len(requests))
    results = []

    def run(label, method, url, token, body):
        client = app.test_client()
        barrier.wait()
        response = client.open(url, method=method, json=body,
                               headers={"Authorization": f"Bearer {token}"})
        results.append((label, response.status_code, response.get_json(silent=True)))

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == len(requests), "some requests never finished"
    return results


def no_server_errors(results):
    errors = [(label, status, body) for label, status, body in results if status >= 500]
    assert errors == []


def tokens_for(users):
    from residentvoice.auth.models import ApiToken
    return {name: ApiToken.issue(user, 1)[0] for name, user in users.items()}


# ---- supports, paper ballots and phone votes --------------------------------

def setup_votes_and_supports(app):
    from residentvoice.directory.models import LinkCapacity
    from residentvoice.voting.paper import issue_paper_ballots
    from tests.factories import Factory
    from tests.spaces.helpers import make_proposal, make_space
    from tests.voting.helpers import make_ballot
    with app.app_context():
        factory = Factory(db)
        w = factory.world()
        housemates = [factory.resident(w.household_a, owner_of=False) for _ in range(2)]
        for housemate in housemates:   # co-owners the community office linked to the owner
            factory.link(w.household_a.owner, housemate, LinkCapacity.co_owner)
        neighbour = factory.resident(w.household_a2)  # also makes them the owner
        proposal = make_proposal(w, make_space(w))
        ballot = make_ballot(w.secretary, w.compound_a)
        tokens = tokens_for({"resident": w.resident, "housemate0": housemates[0],
                             "housemate1": housemates[1], "neighbour": neighbour,
                             "secretary": w.secretary})
        ids = {"proposal": proposal.id, "ballot": ballot.id, "a": w.household_a.id,
               "a2": w.household_a2.id, "option": ballot.options[0].id,
               "other_option": ballot.options[1].id}
        # the paper ballots printed for the two households (issue 18 §4)
        papers, _issued = issue_paper_ballots(w.secretary, ballot)
        ids.update({f"serial_{'a' if p.household_id == w.household_a.id else 'a2'}": p.serial
                    for p in papers})
        db.session.commit()
    return ids, tokens


def test_burst_of_supports_and_votes_keeps_one_per_household(race_app):
    from residentvoice.spaces.discussion_models import Support
    from residentvoice.voting.models import Cast, Vote
    ids, tokens = setup_votes_and_supports(race_app)
    support = f"/api/v1/proposals/{ids['proposal']}/support"
    phone = f"/api/v1/ballots/{ids['ballot']}/votes"
    paper = f"/api/v1/ballots/{ids['ballot']}/paper-votes"
    requests = []
    for n in range(4):
        for who, household in (("resident", "a"), ("housemate0", "a"), ("housemate1", "a"),
                               ("neighbour", "a2")):
            requests.append((f"support {household}", "POST", support, tokens[who],
                             {"household_id": ids[household]}))
        for who, household in (("resident", "a"), ("housemate0", "a"), ("neighbour", "a2")):
            requests.append((f"vote {household}", "POST", phone, tokens[who],
                             {"household_id": ids[household], "option_id": ids["option"]}))
        for household in ("a", "a2"):
            requests.append((f"vote {household}", "POST", paper, tokens["secretary"],
                             {"household_id": ids[household], "option_id": ids["other_option"],
                              "serial": ids[f"serial_{household}"], "witness": "居委会 张"}))
    random.Random(8).shuffle(requests)
    results = burst(race_app, requests)
    no_server_errors(results)

    for household in ("a", "a2"):
        supports = [s for label, s, _b in results if label == f"support {household}"]
        votes = [s for label, s, _b in results if label == f"vote {household}"]
        assert supports.count(201) == 1 and set(supports) <= {201, 409}, (household, supports)
        assert votes.count(201) == 1 and set(votes) <= {201, 409}, (household, votes)
    with race_app.app_context():
        for household in ("a", "a2"):
            assert db.session.scalar(db.select(db.func.count(Support.id)).where(
                Support.proposal_id == ids["proposal"],
                Support.household_id == ids[household])) == 1
        votes = db.session.scalars(db.select(Vote).where(Vote.ballot_id == ids["ballot"])).all()
        assert sorted(v.household_id for v in votes) == sorted([ids["a"], ids["a2"]])
        casts = db.session.scalars(db.select(Cast).where(Cast.ballot_id == ids["ballot"])).all()
        assert sorted(c.households for c in casts) == sorted([str(ids["a"]), str(ids["a2"])])
    verify = race_app.test_cli_runner().invoke(args=["ballots", "verify", str(ids["ballot"])])
    assert verify.exit_code == 0, verify.output


# ---- ticket transitions -----------------------------------------------------

def setup_ticket(app):
    from residentvoice.tickets import services
    from tests.factories import Factory
    with app.app_context():
        w = Factory(db).world()
        services.set_rule(w.secretary, w.compound_a, "facade_ac", w.organisation.id)
        ticket = services.create_ticket(w.resident, compound_id=w.compound_a.id,
                                        category="facade_ac", description="空调外机震动",
                                        household_id=w.household_a.id)
        tokens = tokens_for({"staff": w.staff, "secretary": w.secretary})
        ticket_id = ticket.id
        db.session.commit()
    return ticket_id, tokens


def assert_timeline_is_one_chain(app, ticket_id):
    """Every transition starts where the one before ended, is in the table,
    and the ticket's status is where the chain ends."""
    from residentvoice.tickets.models import EventKind, Ticket, TicketEvent
    from residentvoice.tickets.workflow import TRANSITIONS
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        events = db.session.scalars(db.select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == EventKind.transition,
            TicketEvent.from_status.is_not(None)).order_by(TicketEvent.id)).all()
        chain = [(e.from_status, e.action, e.to_status) for e in events]
        for (before, after) in zip(chain, chain[1:]):
            assert after[0] == before[2], f"broken timeline: {chain}"
        for from_status, action, to_status in chain:
            assert TRANSITIONS[(from_status, action)][0] == to_status, chain
        assert chain and ticket.status == chain[-1][2], chain
        return chain


def test_burst_of_ticket_transitions_keeps_one_timeline(race_app):
    ticket_id, tokens = setup_ticket(race_app)
    url = f"/api/v1/tickets/{ticket_id}/transitions"
    first = burst(race_app, [("acknowledge", "POST", url, tokens["staff"],
                              {"action": "acknowledge"}) for _ in range(8)])
    no_server_errors(first)
    assert sorted(s for _l, s, _b in first) == [200] + [409] * 7
    second = [("start", "POST", url, tokens["staff"],
               {"action": "start", "planned_for": f"{beijing_today().year + 1}-01-01"})] * 4 + \
             [("hand_back", "POST", url, tokens["staff"],
               {"action": "hand_back", "comment": "不属于我们"})] * 4 + \
             [("refuse", "POST", url, tokens["secretary"],
               {"action": "refuse", "comment": "不予处理"})] * 4
    results = burst(race_app, second)
    no_server_errors(results)
    assert {s for _l, s, _b in results} <= {200, 409}, results
    chain = assert_timeline_is_one_chain(race_app, ticket_id)
    # One link per accepted request, each from where the one before ended: two
    # can both succeed only one after the other (start, then hand back).
    actions = [action for _f, action, _t in chain]
    after = actions[len(actions) - actions[::-1].index("acknowledge"):]
    accepted = sorted(label for label, status, _b in results if status == 200)
    assert accepted and sorted(after) == accepted, (chain, accepted)
    assert actions.count("acknowledge") == 1


# ---- a worker killed in the middle of vote POSTs ----------------------------

VOTERS = 60


def setup_many_voters(app):
    from tests.factories import Factory
    from tests.voting.helpers import make_ballot
    with app.app_context():
        factory = Factory(db)
        w = factory.world()
        voters = []
        for n in range(VOTERS):
            household = factory.household(w.building_a, area=f"{50 + n % 30}.25",
                                          floor=1 + n // 10, unit=f"K{n:03d}")
            voters.append((household.id, factory.resident(household)))
        ballot = make_ballot(w.secretary, w.compound_a)
        plan = [(household_id, tokens_for({"v": user})["v"]) for household_id, user in voters]
        ids = {"ballot": ballot.id, "options": [o.id for o in ballot.options]}
        db.session.commit()
    return ids, plan


def post_vote(base, ballot_id, household_id, option_id, token):
    """``(status, receipt)``; ``(None, None)`` when the connection broke."""
    import json
    import urllib.error
    import urllib.request
    request = urllib.request.Request(
        f"{base}/api/v1/ballots/{ballot_id}/votes", method="POST",
        data=json.dumps({"household_id": household_id, "option_id": option_id}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response).get("receipt")
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:  # reset or refused: the worker died with the request
        return None, None


def test_worker_killed_mid_votes_leaves_no_partial_vote(race_app, tmp_path):
    import os
    import signal
    import time
    from concurrent.futures import ThreadPoolExecutor

    from residentvoice.voting.models import Cast, Vote

    from .ops.servers import gunicorn, worker_pids
    ids, plan = setup_many_voters(race_app)
    url = race_app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")
    outcomes = {}
    with gunicorn(url, tmp_path / "gunicorn.log", workers=2) as (base, master):
        def vote(entry):
            household_id, token = entry
            option = ids["options"][household_id % 2]
            outcomes[household_id] = post_vote(base, ids["ballot"], household_id, option, token)

        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(vote, entry) for entry in plan]
            while len(outcomes) < VOTERS // 3:
                time.sleep(0.01)
            victim = worker_pids(master.pid)[0]
            os.kill(victim, signal.SIGKILL)  # in the middle of the load
            for future in futures:
                future.result()
        # The master replaced the worker; the clients whose answer was lost retry.
        for household_id, token in plan:
            if outcomes[household_id][0] is None:
                retried = post_vote(base, ids["ballot"], household_id,
                                    ids["options"][household_id % 2], token)
                outcomes[household_id] = ("retried",) + retried
    log = (tmp_path / "gunicorn.log").read_text()
    assert f"Worker (pid:{victim}) was sent SIGKILL" in log, log[-2000:]
    statuses = [o[0] if o[0] != "retried" else o[1] for o in outcomes.values()]
    assert all(status in (201, 409) for status in statuses), outcomes
    acknowledged = {h: o[1] for h, o in outcomes.items() if o[0] == 201}
    assert len(acknowledged) >= VOTERS // 2
    with race_app.app_context():
        casts = db.session.scalars(db.select(Cast).where(Cast.ballot_id == ids["ballot"])).all()
        votes = db.session.scalars(db.select(Vote).where(Vote.ballot_id == ids["ballot"])).all()
        receipts = {c.receipt: c for c in casts}
        for household_id, receipt in acknowledged.items():  # every 201 is there
            assert receipt in receipts and receipts[receipt].households == str(household_id)
        # No partial vote: each cast has its vote row and each vote its cast.
        assert sorted(v.cast_id for v in votes) == sorted(c.id for c in casts)
        assert sorted(v.household_id for v in votes) == sorted(h for h, _t in plan)
    verify = race_app.test_cli_runner().invoke(args=["ballots", "verify", str(ids["ballot"])])
    assert verify.exit_code == 0, verify.output
