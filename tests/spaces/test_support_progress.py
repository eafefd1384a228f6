"""Support progress (issue 19 §5): the compound's secretaries set the
supporting households a proposal needs before the council; the proposal page
says "12 / 20 户支持" in words, with a bar beside it."""
import pytest

from residentvoice.errors_domain import InvalidInput, NotAllowed
from residentvoice.spaces import discussion, progress

from ..factories import sign_in
from .helpers import make_proposal, make_space


@pytest.fixture
def proposal(factory):
    w = factory.world()
    p = make_proposal(w, make_space(w))
    p.w = w
    return p


def test_progress_counts_against_the_compounds_threshold(proposal):
    w = proposal.w
    assert progress.progress(proposal, 1).needed is None
    progress.set_threshold(w.secretary, w.compound_a, 2)
    half = progress.progress(proposal, 1)
    assert (half.count, half.needed, half.missing, half.percent, half.reached) == (1, 2, 1, 50, False)
    full = progress.progress(proposal, 3)
    assert full.reached and full.percent == 100 and full.missing == 0


def test_only_the_compounds_managers_set_it_and_within_its_households(proposal):
    w = proposal.w
    for outsider in (w.resident, w.other_secretary, w.staff):
        with pytest.raises(NotAllowed):
            progress.set_threshold(outsider, w.compound_a, 2)
    with pytest.raises(InvalidInput):
        progress.set_threshold(w.secretary, w.compound_a, 0)
    with pytest.raises(InvalidInput):     # compound A has two households
        progress.set_threshold(w.secretary, w.compound_a, 3)
    progress.set_threshold(w.street_admin, w.compound_a, 2)
    assert progress.threshold_of(w.compound_a.id).households == 2
    progress.set_threshold(w.secretary, w.compound_a, None)
    assert progress.threshold_of(w.compound_a.id) is None


def test_the_page_says_it_in_words(client, proposal):
    w = proposal.w
    discussion.support(w.resident, proposal, w.household_a.id)
    progress.set_threshold(w.secretary, w.compound_a, 2)
    sign_in(client, w.resident)
    page = client.get(proposal.path).get_data(as_text=True)
    assert "1 / 2 户支持" in page and "还差 1 户即可上会" in page
    assert 'max="2" value="1"' in page
    assert "设置上会所需支持数" not in page and "修改上会所需支持数" not in page


def test_the_secretary_sets_it_from_the_proposal_page(client, proposal):
    w = proposal.w
    sign_in(client, w.secretary)
    page = client.get(proposal.path).get_data(as_text=True)
    assert f"/spaces/compounds/{w.compound_a.id}/support-needed" in page
    url = f"/spaces/compounds/{w.compound_a.id}/support-needed?next={proposal.path}"
    bad = client.post(url, data={"households": "三"})
    assert bad.status_code == 422 and 'value="三"' in bad.get_data(as_text=True)
    too_many = client.post(url, data={"households": "9"})
    assert too_many.status_code == 422 and "1 到 2" in too_many.get_data(as_text=True)
    done = client.post(url, data={"households": "2"})
    assert done.status_code == 302 and done.headers["Location"].endswith(proposal.path)
    assert "0 / 2 户支持" in client.get(proposal.path).get_data(as_text=True)
