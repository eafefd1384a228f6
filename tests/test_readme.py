"""Every demo account the README names works with the password it gives
(issue 17 §11: the example owner account it named was refused)."""
import re

import pytest

from residentvoice.config import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def named_phones():
    table = re.findall(r"^\| [^|]+ \| (1\d{10}) \| demo1234 \|", README, flags=re.M)
    inline = re.findall(r"`(151\d{8})`", README)
    return sorted(set(table + inline))


def test_the_readme_names_the_accounts():
    assert len(named_phones()) >= 10


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    from residentvoice import create_app
    from residentvoice.extensions import db
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads"))})
    with app.app_context():
        db.create_all()
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    return app


def test_every_account_the_readme_names_logs_in(demo_app):
    from residentvoice.auth import services
    with demo_app.app_context():
        refused = [p for p in named_phones() if services.authenticate(p, "demo1234") is None]
    assert refused == []
