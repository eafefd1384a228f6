"""Elder mode (长辈版, issue 18 §1) on the server side: who gets it, the ways in
(home page, account settings, the switch on every page, the welcome page), the
one-time offer after the first sign-in, and what a page in elder mode loads.
The measurements against the MIIT numbers are in tests/e2e/test_elder_mode.py."""
from .translated import html, page, shows, zh

OFFER = "elder-offer"


def _elder(response):
    return '<html lang="zh-Hans" class="elder">' in page(response)


def test_elder_mode_loads_its_stylesheet_and_script_only_when_on(client, db):
    standard = page(client.get("/login"))
    assert "css/elder.css" not in standard and "js/elder.js" not in standard
    assert "data-confirm-yes" not in standard
    client.post("/large-text", data={"on": "1"})
    elder = client.get("/login")
    assert _elder(elder)
    body = page(elder)
    assert 'css/elder.css" media="screen"' in body and "js/elder.js" in body
    # the words of the inline confirmation that stands in for window.confirm
    assert html(zh("Yes, go ahead")) in body and html(zh("No, go back")) in body


def test_the_switch_on_every_page_is_labelled_elder_mode(client, db):
    assert shows(client.get("/login"), zh("Elder mode"))
    client.post("/large-text", data={"on": "1"})
    assert shows(client.get("/login"), zh("Standard mode"))


def test_the_welcome_page_offers_elder_mode_to_visitors(client, db):
    welcome = client.get("/")
    assert shows(welcome, zh("Switch on elder mode"))
    client.post("/large-text", data={"on": "1"})
    assert not shows(client.get("/"), zh("Switch on elder mode"))


def test_the_offer_shows_after_the_first_sign_in_until_answered(app, client, auth, factory, db):
    w = factory.world()
    assert OFFER not in page(client.get("/login"))
    auth.login(w.resident)
    home = client.get("/")
    assert OFFER in page(home) and shows(home, zh("Try elder mode (长辈版)?"))
    assert OFFER in page(client.get("/account")), "on every page until answered"
    response = client.post("/elder-mode/offer", data={"next": "/account"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert OFFER not in page(client.get("/"))
    db.session.expire_all()
    assert w.resident.elder_offer_answered is True and w.resident.large_text is False
    other_phone = app.test_client()
    type(auth)(other_phone).login(w.resident)
    assert OFFER not in page(other_phone.get("/")), "the answer is kept with the account"


def test_taking_the_offer_switches_elder_mode_on(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    client.post("/large-text", data={"on": "1", "next": "/"})
    home = client.get("/")
    assert _elder(home) and OFFER not in page(home)
    db.session.expire_all()
    assert w.resident.large_text is True and w.resident.elder_offer_answered is True


def test_the_home_page_has_a_way_in_and_a_way_out(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    client.post("/elder-mode/offer")
    home = page(client.get("/"))
    assert html(zh("Switch on elder mode")) in home
    assert home.index("elder-card") < home.index("my-households"), "first on the page"
    client.post("/large-text", data={"on": "1"})
    home = page(client.get("/"))
    assert html(zh("Back to the standard mode")) in home
    assert home.index("elder-card") > home.index("my-households"), "last once it is on"


def test_staff_at_work_get_the_switch_but_no_home_card(client, auth, factory, db):
    w = factory.world()
    auth.login(w.secretary)
    client.post("/elder-mode/offer")
    home = page(client.get("/"))
    assert "elder-card" not in home and html(zh("Elder mode")) in home


def test_the_account_settings_start_with_elder_mode(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    account = page(client.get("/account"))
    assert html(zh("Elder mode (长辈版)")) in account
    assert account.index('name="large_text"') < account.index('name="locale"')
    response = client.post("/account", data={"large_text": "y", "locale": "zh_Hans",
                                             "notify_mode": "immediate", "email": ""})
    assert response.status_code == 302
    assert client.get_cookie("rv_large").value == "1", "the login page after logout stays large"
    assert _elder(client.get("/account"))
    db.session.expire_all()
    assert w.resident.large_text is True and w.resident.elder_offer_answered is True


def test_elder_mode_chosen_before_signing_in_stays_on(client, auth, factory, db):
    """The login page has the switch: whoever needed it there needs it after."""
    w = factory.world()
    client.post("/large-text", data={"on": "1"})
    auth.login(w.resident)
    assert _elder(client.get("/"))
    db.session.expire_all()
    assert w.resident.large_text is True


def test_signing_in_sets_this_browser_to_the_accounts_choice(client, auth, factory, db):
    w = factory.world()
    w.resident.large_text = True
    db.session.flush()
    auth.login(w.resident)
    assert client.get_cookie("rv_large").value == "1"
    auth.logout()
    assert _elder(client.get("/login")), "logging out does not shrink the login page"


def test_offer_answer_needs_a_signed_in_user(client, db):
    response = client.post("/elder-mode/offer")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
