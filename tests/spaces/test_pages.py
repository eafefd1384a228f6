"""The pages, through the test client: forms keep what was typed and show
errors beside the field, nothing answers 500, HTML is escaped."""
import io
import re

import pytest

from residentvoice.spaces import discussion
from residentvoice.spaces.discussion_models import Comment, Support
from residentvoice.spaces.models import Proposal, ProposalStatus as P, Space
from tests.querycount import page_statements

from .helpers import make_proposal, make_space, png_bytes


@pytest.fixture
def w(factory, db):
    world = factory.world()
    for user in (world.resident, world.secretary, world.other_resident, world.staff):
        user.locale = "en"
    db.session.flush()
    return world


def login(auth, user):
    auth.logout()
    auth.login(user)


def text(response):
    return response.get_data(as_text=True)


def space_form(**overrides):
    data = {"name": "东侧空地", "location": "2号楼东侧", "area_m2": "35.50",
            "origin": "illegal_structure", "description": "拆违后空地", "latitude": "",
            "longitude": ""}
    data.update(overrides)
    return data


def test_secretary_creates_a_space_with_a_photo(w, auth, client, db):
    login(auth, w.secretary)
    data = space_form(photo=(io.BytesIO(png_bytes()), "site.png"))
    response = client.post(f"/spaces/new?compound_id={w.compound_a.id}", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    space = db.session.scalar(db.select(Space))
    page = client.get(response.headers["Location"])
    assert "东侧空地" in text(page) and "35.50 m²" in text(page)
    assert "/uploads/" in text(page)


def test_bad_space_input_keeps_values_and_shows_errors(w, auth, client, db):
    login(auth, w.secretary)
    long_text = "长" * 10000
    response = client.post(f"/spaces/new?compound_id={w.compound_a.id}", data=space_form(
        name="<script>alert(1)</script>", area_m2="-5", description=long_text))
    body = text(response)
    assert response.status_code == 422  # sent back with its errors
    assert "Enter a number greater than zero." in body
    assert "At most 5000 characters." in body
    assert 'value="-5"' in body and long_text in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body
    assert db.session.scalar(db.select(db.func.count(Space.id))) == 0


@pytest.mark.parametrize("payload,name", [
    (b"this is not a picture at all", "fake.jpg"),
    (b"%PDF-1.4 fake\n%%EOF", "form.pdf")])
def test_bad_upload_keeps_values_and_changes_nothing(w, auth, client, db, payload, name):
    login(auth, w.secretary)
    response = client.post(f"/spaces/new?compound_id={w.compound_a.id}",
                           data=space_form(photo=(io.BytesIO(payload), name)),
                           content_type="multipart/form-data")
    body = text(response)
    assert response.status_code == 422
    assert 'id="photo-error"' in body and 'value="东侧空地"' in body
    assert db.session.scalar(db.select(db.func.count(Space.id))) == 0


def test_a_20_mb_photo_is_refused_with_a_message(w, auth, client, db):
    login(auth, w.secretary)
    response = client.post(f"/spaces/new?compound_id={w.compound_a.id}",
                           data=space_form(photo=(io.BytesIO(b"\xff" * (20 << 20)), "big.jpg")),
                           content_type="multipart/form-data")
    body = text(response)
    assert response.status_code == 422
    assert 'id="photo-error"' in body and "The file is larger than 6 MB." in body
    assert 'value="东侧空地"' in body
    assert db.session.scalar(db.select(db.func.count(Space.id))) == 0


def proposal_form(**overrides):
    data = {"kind": "charging_piles", "title": "充电桩12个", "description": "北侧墙边",
            "quantity": "12", "estimated_cost": "180000", "payer": "operator",
            "action": "submit"}
    data.update(overrides)
    return data


def test_bad_proposal_input(w, auth, client, db):
    space = make_space(w)
    login(auth, w.resident)
    response = client.post(f"/spaces/{space.id}/proposals/new", data=proposal_form(
        title="", estimated_cost="-100", quantity="abc"))
    body = text(response)
    assert "Give your proposal a title." in body
    assert "Enter a number that is not negative." in body
    assert "Enter a whole number." in body
    assert 'value="-100"' in body and 'value="abc"' in body
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 0


def test_a_proposal_sent_back_keeps_its_photo(w, auth, client, db):
    """A resident forgets the title: the form comes back with the photo kept
    (a ticked box, not an empty file input), and the next send takes it."""
    from residentvoice.uploads.services import uploads_for
    space = make_space(w)
    login(auth, w.resident)
    back = client.post(f"/spaces/{space.id}/proposals/new", content_type="multipart/form-data",
                       data=proposal_form(title="", photo=(io.BytesIO(png_bytes()), "site.png")))
    assert back.status_code == 422
    body = text(back)
    kept = re.search(r'name="photo_kept" value="(\d+)" checked', body).group(1)
    assert "The photo you sent is kept" in body
    done = client.post(f"/spaces/{space.id}/proposals/new",
                       data=proposal_form(photo_kept=kept))
    assert done.status_code == 302
    proposal = db.session.scalar(db.select(Proposal))
    assert [u.id for u in uploads_for("proposal", proposal.id)] == [int(kept)]
    # The same when a draft is edited and sent back.
    proposal.status = P.draft
    db.session.commit()
    back = client.post(f"/spaces/proposals/{proposal.id}/edit",
                       content_type="multipart/form-data",
                       data=proposal_form(title="", action="draft",
                                          photo=(io.BytesIO(png_bytes()), "more.png")))
    second = re.search(r'name="photo_kept" value="(\d+)" checked', text(back)).group(1)
    assert client.post(f"/spaces/proposals/{proposal.id}/edit", data=proposal_form(
        action="draft", photo_kept=second)).status_code == 302
    assert len(uploads_for("proposal", proposal.id)) == 2


def test_the_journey_return_revise_open_support_discuss_hide_compare(w, auth, client, db):
    """Done-means of issue 3, in one run: two proposals, one returned for the fire
    lanes and opened after revision, support, discussion, a hidden comment, and
    the comparison page showing both."""
    space = make_space(w)
    login(auth, w.resident)
    client.post(f"/spaces/{space.id}/proposals/new", data=proposal_form())
    client.post(f"/spaces/{space.id}/proposals/new", data=proposal_form(
        kind="bike_shed", title="车棚", quantity="60", estimated_cost="45000",
        payer="renovation_fund"))
    piles, shed = db.session.scalars(db.select(Proposal).order_by(Proposal.id)).all()
    assert piles.status is P.submitted and shed.status is P.submitted

    login(auth, w.secretary)
    checklist = {"fire_lanes": "ok", "window_distance": "ok", "electrical_capacity": "ok",
                 "accessibility": "ok", "other": "not_applicable", "notes": ""}
    response = client.post(f"/spaces/proposals/{piles.id}/review", data=dict(
        checklist, fire_lanes="problem", outcome="return", reason="Blocks the fire lane"))
    assert response.status_code == 302
    client.post(f"/spaces/proposals/{shed.id}/review", data=dict(checklist, outcome="open"))

    login(auth, w.resident)
    page = client.get(f"/spaces/proposals/{piles.id}")
    assert "Blocks the fire lane" in text(page) and "Returned for revision" in text(page)
    response = client.post(f"/spaces/proposals/{piles.id}/edit", data=proposal_form(
        title="充电桩10个（避开消防通道）", quantity="10"))
    assert response.status_code == 302 and piles.status is P.submitted

    login(auth, w.secretary)
    client.post(f"/spaces/proposals/{piles.id}/review", data=dict(checklist, outcome="open"))
    assert piles.status is P.open

    login(auth, w.resident)
    client.post(f"/spaces/proposals/{shed.id}/support",
                data={"household_id": w.household_a.id})
    again = client.post(f"/spaces/proposals/{shed.id}/support",
                        data={"household_id": w.household_a.id}, follow_redirects=True)
    assert "Your household already supports this proposal." in text(again)
    assert db.session.scalar(db.select(db.func.count(Support.id))) == 1
    client.post(f"/spaces/proposals/{shed.id}/comments", data={"body": "<b>顶棚</b>要结实"})
    comment = db.session.scalar(db.select(Comment))
    client.post(f"/spaces/proposals/{shed.id}/comments",
                data={"body": "同意", "parent_id": str(comment.id)})

    login(auth, w.staff)
    client.post(f"/spaces/comments/{comment.id}/flag", data={"reason": "spam"})
    login(auth, w.secretary)
    assert "Flagged comments" in text(client.get(f"/spaces/{space.id}"))
    client.post(f"/spaces/comments/{comment.id}/hide", data={"reason": "Off topic"})
    assert "Flagged comments" not in text(client.get(f"/spaces/{space.id}"))
    moderator_view = text(client.get(f"/spaces/proposals/{shed.id}"))
    assert "Hidden by moderator: Off topic" in moderator_view
    assert "&lt;b&gt;顶棚&lt;/b&gt;要结实" in moderator_view  # original kept for moderators

    login(auth, w.resident)
    thread = text(client.get(f"/spaces/proposals/{shed.id}"))
    assert "Hidden by moderator: Off topic" in thread and "顶棚" not in thread
    assert "同意" in thread and "1 household supports this proposal" in thread

    compare = text(client.get(f"/spaces/{space.id}/compare"))
    assert "充电桩10个（避开消防通道）" in compare and "车棚" in compare
    assert "¥180,000.00" in compare and "¥45,000.00" in compare
    assert "1 household" in compare and "0 households" in compare
    assert 'data-label="Estimated cost"' in compare


def test_comment_edit_page_and_window(w, auth, client, db):
    space = make_space(w)
    proposal = make_proposal(w, space)
    comment = discussion.add_comment(w.resident, proposal, "原话")
    login(auth, w.resident)
    response = client.post(f"/spaces/comments/{comment.id}/edit", data={"body": "改了"})
    assert response.status_code == 302 and comment.body == "改了"
    comment.created_at = comment.created_at.replace(year=2020)
    db.session.flush()
    response = client.post(f"/spaces/comments/{comment.id}/edit", data={"body": "再改"})
    assert "within 15 minutes" in text(response) and '再改' in text(response)
    assert comment.body == "改了"
    login(auth, w.secretary)
    assert client.post(f"/spaces/comments/{comment.id}/edit",
                       data={"body": "x"}).status_code == 403


def test_outsiders_get_404(w, auth, client, db):
    space = make_space(w)
    proposal = make_proposal(w, space)
    login(auth, w.other_resident)
    for method, url in (("GET", f"/spaces/{space.id}"),
                        ("POST", f"/spaces/proposals/{proposal.id}/support"),
                        ("POST", f"/spaces/proposals/{proposal.id}/comments")):
        assert client.open(url, method=method, data={"body": "x"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Support.id))) == 0


def test_support_before_review_is_refused_with_a_message(w, auth, client, db):
    proposal = make_proposal(w, make_space(w), status="submitted")
    login(auth, w.resident)
    response = client.post(f"/spaces/proposals/{proposal.id}/support", follow_redirects=True)
    assert "passed the compliance review" in text(response)
    assert db.session.scalar(db.select(db.func.count(Support.id))) == 0


def test_home_section_lists_open_proposals(w, auth, client):
    proposal = make_proposal(w, make_space(w), title="花箱美化")
    login(auth, w.resident)
    assert "花箱美化" in text(client.get("/"))
    login(auth, w.other_resident)
    assert "花箱美化" not in text(client.get("/"))
    assert proposal.id


def test_space_status_and_progress_forms(w, auth, client, db):
    space = make_space(w)
    login(auth, w.secretary)
    client.post(f"/spaces/{space.id}/status", data={"action": "deliberate", "reason": "开会"})
    assert space.status.name == "deliberating"
    client.post(f"/spaces/{space.id}/status", data={"action": "decide"})
    assert space.status.name == "deliberating"
    proposal = make_proposal(w, space)
    proposal.status = P.on_agenda
    client.post(f"/spaces/proposals/{proposal.id}/decision",
                data={"decision-decision": "accept", "decision-reason": "议事会 20:3"})
    assert proposal.status is P.accepted and space.status.name == "decided"
    response = client.post(f"/spaces/{space.id}/progress", data={"percent": "150",
                                                                 "note": "进展"})
    assert response.status_code == 422 and "Enter a whole number from 0 to 100." in text(response)
    assert 'value="150"' in text(response)
    client.post(f"/spaces/{space.id}/status", data={"action": "start_construction"})
    client.post(f"/spaces/{space.id}/progress", data={"percent": "40", "note": "地基"})
    page = text(client.get(f"/spaces/{space.id}"))
    assert "40% done" in page and "Under construction" in page
    client.post(f"/spaces/{space.id}/status", data={"action": "complete", "reason": "验收"})
    assert space.status.name == "in_use" and proposal.status is P.implemented


def test_handoff_sections_for_the_secretary(w, auth, client, monkeypatch):
    from residentvoice.spaces import handoff
    space = make_space(w)
    make_proposal(w, space)
    monkeypatch.setattr(handoff, "upcoming_meetings",
                        lambda cid: [{"id": 3, "title": "六月议事会", "starts_at": None}])
    login(auth, w.secretary)
    page = text(client.get(f"/spaces/{space.id}"))
    assert "六月议事会" in page and "Create a ballot from the proposals" in page


def _count_queries(client, url):
    return page_statements(client, url)


def test_query_counts_do_not_grow_with_proposals_and_comments(w, auth, client, factory):
    space = make_space(w)
    first = make_proposal(w, space)
    login(auth, w.secretary)
    urls = [f"/spaces/{space.id}", f"/spaces/proposals/{first.id}",
            f"/spaces/{space.id}/compare"]

    def add_activity(n):
        neighbour = factory.resident(factory.household(w.building_a))
        make_proposal(w, space, author=neighbour, title=f"方案{n}")
        discussion.support(neighbour, first)
        top = discussion.add_comment(neighbour, first, f"意见{n}")
        discussion.add_comment(w.resident, first, "回复", parent_id=top.id)
        discussion.flag_comment(w.resident, top)

    add_activity(0)
    before = [_count_queries(client, url) for url in urls]
    for n in range(1, 5):
        add_activity(n)
    assert [_count_queries(client, url) for url in urls] == before


def test_the_proposal_page_reads_the_proposal_its_space_and_compound_once(w, auth, client, db):
    """The page's guard reads the proposal with what the page shows of it
    (``queries.page_details``): it was read twice, and its space and
    compound one statement each."""
    from tests.querycount import recorded
    url = f"/spaces/proposals/{make_proposal(w, make_space(w)).id}"
    login(auth, w.resident)
    db.session.commit()
    db.session.expunge_all()        # as a request starts: nothing read yet
    with recorded() as statements:
        assert client.get(url).status_code == 200
    reads = [s for s in statements if s.lstrip().startswith(
        ("SELECT proposal.id", "SELECT space.id", "SELECT compound.id"))]
    assert len(reads) == 1, [r[:60] for r in reads]


def test_the_discussion_shows_the_latest_threads_a_page_at_a_time(w, auth, client, monkeypatch):
    """Twenty threads a page, latest first page (a new comment shows where it
    was posted), each with its replies, oldest first within the page."""
    from residentvoice.spaces import queries
    monkeypatch.setattr(queries, "THREADS_PER_PAGE", 3)
    space = make_space(w)
    proposal = make_proposal(w, space)
    tops = [discussion.add_comment(w.resident, proposal, f"意见{n}") for n in range(5)]
    discussion.add_comment(w.secretary, proposal, "回复一", parent_id=tops[0].id)
    discussion.add_comment(w.secretary, proposal, "回复四", parent_id=tops[3].id)
    login(auth, w.resident)
    latest = text(client.get(f"/spaces/proposals/{proposal.id}"))
    assert [n for n in range(5) if f"意见{n}" in latest] == [2, 3, 4]
    assert latest.index("意见3") < latest.index("回复四") < latest.index("意见4")
    assert "回复一" not in latest and "Earlier comments" in latest
    assert "Later comments" not in latest
    earlier = text(client.get(f"/spaces/proposals/{proposal.id}?page=2"))
    assert [n for n in range(5) if f"意见{n}" in earlier] == [0, 1] and "回复一" in earlier
    assert "Later comments" in earlier and "Earlier comments" not in earlier
    assert client.get(f"/spaces/proposals/{proposal.id}?page=x").status_code == 200
