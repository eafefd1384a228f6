"""The proxy cap holds under concurrent entries (issue 14.4): six secretaries'
entries for one proxy at once, each for another principal, against a cap of
3 — exactly three are recorded.  The cap is counted under the ballot's row
lock, taken before the count and held to the commit.

The per-test transaction cannot show a race: the test has its own
PostgreSQL database and one app context (one session) per thread, as each
request has in production."""
import io
import threading

import pytest
from werkzeug.datastructures import FileStorage

from residentvoice.errors_domain import DomainError
from residentvoice.extensions import db

from ..factories import Factory
from ..ops.apps import private_app, private_pg_database
from .helpers import make_ballot

pytestmark = pytest.mark.postgres_only

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENTRIES = 6


def _scan():
    return FileStorage(io.BytesIO(PDF), filename="form.pdf", content_type="application/pdf")


def test_six_concurrent_entries_for_one_proxy_record_exactly_the_cap(tmp_path):
    from residentvoice.voting.proxy_entry import enter_proxy_vote
    from residentvoice.voting.models import Ballot, Proxy, ProxyPrincipal, Vote
    with private_pg_database() as (_name, url), private_app(
            url, TESTING=True, UPLOAD_FOLDER=str(tmp_path),
            SQLALCHEMY_ENGINE_OPTIONS={"pool_size": ENTRIES + 2, "max_overflow": 0}) as app:
        with app.app_context():
            factory = Factory(db)
            world = factory.world()
            # six units of six different registered owners: six principals
            codes = [factory.household(world.building_a, owner=factory.owner(
                world.community_a), unit=f"08{i:02d}").code for i in range(ENTRIES)]
            ballot = make_ballot(world.secretary, world.compound_a, proxy_cap=3)
            ballot_id, option_id = ballot.id, ballot.options[0].id
            secretary_id = world.secretary.id
            db.session.commit()
        barrier = threading.Barrier(ENTRIES)
        outcomes = [None] * ENTRIES

        def enter(index):
            from residentvoice.auth.models import User
            with app.app_context(), app.test_request_context():
                try:
                    ballot = db.session.get(Ballot, ballot_id)
                    secretary = db.session.get(User, secretary_id)
                    assert ballot.compound.community    # loaded before the start, as a view does
                    barrier.wait(30)
                    enter_proxy_vote(secretary, ballot, proxy_name="张代理",
                                     proxy_phone="13912345678", proxy_id_tail="",
                                     households=[codes[index]], option_id=option_id,
                                     authorisation=_scan())
                    db.session.commit()
                    outcomes[index] = "ok"
                except DomainError as error:
                    db.session.rollback()
                    outcomes[index] = type(error).__name__
                except Exception as error:  # noqa: BLE001 - reported below
                    db.session.rollback()
                    outcomes[index] = repr(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=enter, args=(i,)) for i in range(ENTRIES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(outcomes) == ["Conflict"] * 3 + ["ok"] * 3, outcomes
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count(ProxyPrincipal.id)).where(
                ProxyPrincipal.ballot_id == ballot_id)) == 3
            assert db.session.scalar(db.select(db.func.count(Proxy.id)).where(
                Proxy.ballot_id == ballot_id)) == 3
            assert db.session.scalar(db.select(db.func.count(Vote.id)).where(
                Vote.ballot_id == ballot_id)) == 3
