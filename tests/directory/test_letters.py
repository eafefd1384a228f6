"""Invitation letters: issue codes for a building or compound, one printed
letter per household with a QR code of the registration URL, the list of
issued codes with status, revoking."""
import io
import re
from urllib.parse import parse_qs, urlsplit

import segno
from markupsafe import escape

from residentvoice.auth.models import InvitationCode
from residentvoice.directory import letters
from residentvoice.models import utcnow

from ..translated import page


def _login(auth, user, locale="en"):
    user.locale = locale
    auth.login(user)


def _issue(client, w, **data):
    form = {"building_id": str(w.building_a.id), "days": "30"}
    form.update(data)
    return client.post(f"/directory/compounds/{w.compound_a.id}/invitations/new", data=form)


def _codes(db, household):
    return db.session.scalars(db.select(InvitationCode).where(
        InvitationCode.household_id == household.id).order_by(InvitationCode.id)).all()


def _qr_path(url):
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", nl=False, omitsize=True, border=2)
    return re.search(r' d="([^"]+)"', out.getvalue().decode()).group(1)


def test_one_letter_per_household_with_code_qr_and_url(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    response = _issue(client, w)
    assert response.status_code == 302 and "/letters?batch=" in response.headers["Location"]
    letters_page = client.get(response.headers["Location"])
    html = page(letters_page)
    assert html.count('<article class="letter"') == 2
    for household in (w.household_a, w.household_a2):
        invitation = _codes(db, household)[-1]
        url = (f"http://localhost/register?code={invitation.code}"
               f"&compound={w.compound_a.id}")
        assert str(escape(url)) in html                      # the URL printed as text
        assert _qr_path(url) in html                         # the QR encodes that URL
        assert letters.format_code(invitation.code) in html  # the code in large type
        assert household.code in html
    assert html.count("<svg") == 2 and "style=" not in html
    # Chinese always, even for a secretary reading English; English only on request
    assert "如何注册" in html and "How to register" not in html
    english = page(client.get(response.headers["Location"] + "&en=1"))
    assert "如何注册" in english and "How to register" in english
    assert 'href="/static/css/letters.css"' in html


def test_only_households_without_a_registered_resident(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    response = _issue(client, w, only_unregistered="y")
    html = page(client.get(response.headers["Location"]))
    assert html.count('<article class="letter"') == 1
    assert _codes(db, w.household_a) == [] and len(_codes(db, w.household_a2)) == 1


def test_a_new_batch_revokes_the_household_earlier_unused_code(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    _issue(client, w)
    _issue(client, w)
    first, second = _codes(db, w.household_a2)
    assert first.revoked_at is not None and second.is_usable()
    html = page(client.get(f"/directory/compounds/{w.compound_a.id}/letters"))
    assert first.code not in html and letters.format_code(second.code) in html


def test_bad_issue_input_is_shown_beside_the_field(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    response = _issue(client, w, days="999")
    assert response.status_code == 422
    assert "Codes stay valid between 1 and 365 days." in page(response)
    assert 'value="999"' in page(response)
    empty = factory.building(w.compound_a, number="8")
    response = _issue(client, w, building_id=str(empty.id))
    assert "There are no households here yet." in page(response)
    assert db.session.scalar(db.select(db.func.count(InvitationCode.id))) == 0


def test_the_letter_url_registers_a_resident_for_that_household(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    html = page(client.get(_issue(client, w, only_unregistered="y").headers["Location"]))
    url = re.search(r'class="code letter-url">([^<]+)<', html).group(1).replace("&amp;", "&")
    parts = urlsplit(url)
    auth.logout()
    form = page(client.get(f"{parts.path}?{parts.query}"))
    code = parse_qs(parts.query)["code"][0]
    assert f'value="{code}"' in form
    response = client.post(f"{parts.path}?{parts.query}", data={
        "code": code, "name": "新住户", "phone": "13711112222", "relation": "tenant",
        "password": "a-good-password"})
    assert response.status_code == 302
    invitation = _codes(db, w.household_a2)[-1]
    assert invitation.used_by.name == "新住户"
    auth.logout()
    _login(auth, w.secretary)
    listing = page(client.get(f"/directory/compounds/{w.compound_a.id}/invitations"))
    assert "Used by 新住户" in listing


def test_statuses_and_revoking(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    _issue(client, w)
    fresh, other = _codes(db, w.household_a)[-1], _codes(db, w.household_a2)[-1]
    other.expires_at = utcnow().replace(year=2000)
    db.session.flush()
    assert letters.status_of(fresh) is letters.InvitationStatus.unused
    assert letters.status_of(other) is letters.InvitationStatus.expired
    response = client.post(f"/directory/invitations/{fresh.id}/revoke")
    assert response.status_code == 302
    assert letters.status_of(fresh) is letters.InvitationStatus.revoked
    again = client.post(f"/directory/invitations/{other.id}/revoke", follow_redirects=True)
    assert "Only a code that has not been used" in page(again)
    assert other.revoked_at is None
    listing = page(client.get(f"/directory/compounds/{w.compound_a.id}/invitations?status=revoked"))
    assert fresh.code in listing and other.code not in listing
    expired = page(client.get(f"/directory/compounds/{w.compound_a.id}/invitations?status=expired"))
    assert other.code in expired and fresh.code not in expired


def test_another_community_cannot_revoke(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    _issue(client, w)
    code = _codes(db, w.household_a)[-1]
    auth.logout()
    _login(auth, w.other_secretary)
    assert client.post(f"/directory/invitations/{code.id}/revoke").status_code == 404
    assert code.revoked_at is None


def test_a_single_household_gets_a_new_letter(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    response = client.post(f"/directory/households/{w.household_a.id}/letter")
    html = page(client.get(response.headers["Location"]))
    assert html.count('<article class="letter"') == 1
    assert w.household_a.code in html


def test_markup_in_directory_text_is_escaped_on_letters(client, auth, factory, db):
    w = factory.world()
    w.compound_a.name = "<script>alert(1)</script>"
    w.compound_a.address = "<b>东城区</b>"
    db.session.flush()
    _login(auth, w.secretary)
    html = page(client.get(_issue(client, w).headers["Location"]))
    assert "<script>alert(1)</script>" not in html and "<b>东城区</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;东城区&lt;/b&gt;" in html
