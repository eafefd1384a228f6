"""BaseForm: every text field is trimmed and loses control characters
(PostgreSQL refuses NUL in text; a 500 would follow)."""
from residentvoice.auth.models import User


def test_control_characters_never_reach_the_database(client, factory, db):
    w = factory.world()
    from residentvoice.auth.services import issue_invitations
    invitation = issue_invitations(w.secretary, [w.household_a2])[0]
    response = client.post("/register", data={
        "code": invitation.code, "name": " 张\x00三\x07 ", "phone": "13611112222",
        "relation": "family", "password": "long-enough-password"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.phone == "13611112222"))
    assert user.name == "张三"


def test_newlines_are_kept_inside_text(app):
    from residentvoice.forms import strip_filter
    assert strip_filter("  第一行\n第二行\t完 \x00") == "第一行\n第二行\t完"
