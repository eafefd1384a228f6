"""The three rates on a crafted data set (DESIGN §5), small denominators and
"closed, not fixed" never counted as resolved."""
from datetime import timedelta


from residentvoice.models import utcnow
from residentvoice.tickets import actions, dashboard, stats
from residentvoice.tickets.models import Status
from tests.querycount import page_statements


def _resolve_and(world, ticket, outcome, rating=None, late=False):
    now = ticket.created_at + (timedelta(days=5) if late else timedelta(hours=1))
    actions.acknowledge(world.staff, ticket, now=now)
    if outcome == "refuse":
        actions.refuse(world.secretary, ticket, "不修了", now=now)
        return
    actions.resolve(world.staff, ticket, "修好", now=now)
    if outcome == "fixed":
        actions.confirm(world.resident, ticket, rating, now=now)
    elif outcome == "reopen":
        actions.reopen(world.resident, ticket, "没修好", now=now)


def test_rates_on_a_crafted_set(world, file_ticket):
    start = utcnow() - timedelta(days=10)
    tickets = [file_ticket(now=start) for _ in range(12)]
    # 10 fixed (ratings 5,5,4,4,3,2,1,5,5,4), 1 refused, 1 left unacknowledged
    ratings = [5, 5, 4, 4, 3, 2, 1, 5, 5, 4]
    for ticket, rating in zip(tickets[:10], ratings):
        _resolve_and(world, ticket, "fixed", rating, late=rating == 1)
    _resolve_and(world, tickets[10], "refuse")
    result = dashboard.rates({world.community_a.id})
    assert result["total"] == 12
    # 12 due (11 acknowledged + 1 past deadline), 10 in time (one late, one never)
    assert (result["response"].num, result["response"].den) == (10, 12)
    assert (result["resolution"].num, result["resolution"].den) == (10, 11)
    assert (result["satisfaction"].num, result["satisfaction"].den) == (7, 10)
    assert not result["satisfaction"].small and result["satisfaction"].percent == 70.0


def test_closed_not_fixed_is_never_resolved(world, file_ticket):
    ticket = file_ticket()
    _resolve_and(world, ticket, "refuse")
    result = dashboard.rates({world.community_a.id})
    assert ticket.status is Status.closed
    assert (result["resolution"].num, result["resolution"].den) == (0, 1)
    assert result["resolution"].small


def test_reopened_then_fixed_counts_once_with_one_reopening(world, file_ticket):
    ticket = file_ticket()
    _resolve_and(world, ticket, "reopen")
    actions.acknowledge(world.staff, ticket)
    actions.resolve(world.staff, ticket, "再修")
    actions.confirm(world.resident, ticket, 5)
    result = dashboard.rates({world.community_a.id})
    assert (result["resolution"].num, result["resolution"].den) == (1, 1)
    assert (result["satisfaction"].num, result["satisfaction"].den) == (1, 1)
    assert (result["reopen"].num, result["reopen"].den) == (1, 1)


def test_small_denominators_show_counts_not_percentages(world, file_ticket, auth, client):
    ticket = file_ticket()
    _resolve_and(world, ticket, "fixed", 5)
    auth.login(world.secretary)
    page = client.get("/tickets/dashboard", headers={"Accept-Language": "en"}).get_data(True)
    assert "1/1" in page and "100.0%" not in page


def test_exports(world, file_ticket, auth, client):
    file_ticket()
    auth.login(world.secretary)
    csv = client.get("/tickets/dashboard.csv")
    assert csv.status_code == 200 and "T0" in csv.get_data(True)
    assert "空调外机震动" not in csv.get_data(True)  # no descriptions
    xlsx = client.get("/tickets/dashboard.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def _statements(_db, client, url):
    return page_statements(client, url, commit=True)


def test_the_dashboard_and_summary_do_not_grow_with_the_tickets(world, file_ticket, auth,
                                                                 client, db):
    """Counted by the database: the same statements for 2 tickets or 18, in
    other categories, months and states (DESIGN §8)."""
    first = file_ticket()
    _resolve_and(world, first, "fixed", 5)
    file_ticket(now=utcnow() - timedelta(days=30))     # one overdue: the list has its query
    auth.login(world.secretary)
    pages = ["/tickets/dashboard", f"/tickets/compounds/{world.household_a.compound_id}/summary"]
    small = [_statements(db, client, url) for url in pages]
    start = utcnow() - timedelta(days=70)
    for n, category in enumerate(["facade_ac", "roads", "facade_ac", "greenery"] * 4):
        ticket = file_ticket(category=category, now=start + timedelta(days=4 * n))
        if n % 4 == 0:      # facade tickets reach world.staff's organisation
            _resolve_and(world, ticket, "fixed", 1 + n % 5)
        elif n % 4 == 2:
            _resolve_and(world, ticket, "reopen")
    assert [_statements(db, client, url) for url in pages] <= small


def _plain(data):
    """The figures as plain values, to compare."""
    def rates(r):
        return {k: (v.num, v.den) if isinstance(v, dashboard.Rate) else v for k, v in r.items()}
    out = {"rates": rates(data["rates"]), "medians": data["medians"],
           "weekly": data["weekly"]}
    for key in ("by_organisation", "by_compound", "by_category", "by_month"):
        out[key] = [(str(name), rates(r)) for name, r in data[key]]
    return out


def _all_live(db, scope, now=None):
    """The figures with nothing counted in ticket_stats."""
    with db.session.begin_nested() as savepoint:
        db.session.execute(db.delete(stats.TicketStatsWatermark))
        figures = _plain(dashboard.summary(scope, now=now))
        savepoint.rollback()
    return figures


def test_counted_history_changes_no_figure(world, file_ticket, db):
    """Settled tickets counted once in ticket_stats, the rest live: the same
    figures as counting everything live, before and after tickets change."""
    scope = {world.community_a.id}
    start = utcnow() - timedelta(days=20)
    tickets = [file_ticket(category=c, now=start + timedelta(days=i)) for i, c in
               enumerate(["facade_ac", "facade_ac", "facade_ac", "facade_ac", "roads",
                          "facade_ac"])]
    _resolve_and(world, tickets[0], "fixed", 5)
    _resolve_and(world, tickets[1], "fixed", 2, late=True)
    _resolve_and(world, tickets[2], "refuse")
    _resolve_and(world, tickets[3], "reopen")
    live = _all_live(db, scope)
    assert stats.watermark() is None
    before = stats.refresh()
    assert before is not None and db.session.scalar(
        db.select(db.func.count(stats.TicketStats.id))) > 0
    assert _plain(dashboard.summary(scope)) == live
    # After the refresh (at the time of each request, as in use): one is
    # fixed, one filed, the reopened one fixed.
    actions.acknowledge(world.staff, tickets[5])
    actions.resolve(world.staff, tickets[5], "修好")
    actions.confirm(world.resident, tickets[5], 4)
    file_ticket(category="roads", now=utcnow())
    actions.acknowledge(world.staff, tickets[3])
    actions.resolve(world.staff, tickets[3], "再修")
    actions.confirm(world.resident, tickets[3], 3)
    assert _plain(dashboard.summary(scope)) == _all_live(db, scope)
    stats.refresh()
    assert _plain(dashboard.summary(scope)) == _all_live(db, scope)


def test_a_ticket_closed_before_its_deadline_to_acknowledge_stays_live(world, file_ticket, db):
    """Handed back unacknowledged and closed not fixed before the deadline to
    acknowledge: it becomes "due" (and late) only when the deadline comes, so
    it is not counted as settled until then."""
    scope = {world.community_a.id}
    ticket = file_ticket(now=utcnow() - timedelta(hours=2))
    actions.hand_back(world.staff, ticket, "不归我们管")
    actions.refuse(world.secretary, ticket, "转交城管")
    assert ticket.status is Status.closed and ticket.first_ack_due_at > utcnow()
    stats.refresh()
    assert stats.watermark() <= ticket.closed_at
    later = ticket.first_ack_due_at + timedelta(hours=1)
    for now in (None, later):
        assert _plain(dashboard.summary(scope, now=now)) == _all_live(db, scope, now=now)
    assert dashboard.rates(scope, now=later)["response"].den == 1


def _table(page, heading):
    """The HTML of the dashboard's table under ``heading``."""
    return page.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]


def test_a_long_compound_table_shows_the_worst_first_and_every_row_on_request(
        world, file_ticket, factory, auth, client, monkeypatch):
    """A street office with hundreds of compounds (issue 15): the compound and
    organisation tables show the rows whose lowest rate is lowest, saying so;
    the whole table, by name, is one link away."""
    monkeypatch.setattr(dashboard, "LONG_TABLE", 1)
    fixed = file_ticket()
    _resolve_and(world, fixed, "fixed", 5)               # 1/1 everywhere
    late = factory.compound(world.community_a, name="槐树院")
    household = factory.household(factory.building(late, number="2"), unit="0101")
    file_ticket(household=household, reporter=factory.resident(household),
                now=utcnow() - timedelta(days=30))       # never acknowledged: 0/1
    auth.login(world.secretary)
    table = _table(client.get("/tickets/dashboard").get_data(True), "按小区")
    assert "槐树院" in table and world.compound_a.name not in table
    assert "共 2 个，这里列出响应率、解决率或满意率最低的 1 个" in table
    assert "rows=all" in table
    every = _table(client.get("/tickets/dashboard?rows=all").get_data(True), "按小区")
    assert "槐树院" in every and world.compound_a.name in every
    assert "只显示比率最低的 1 个" in every


def test_the_compound_filter_groups_a_street_offices_compounds_by_community(
        world, factory, auth, client):
    """Hundreds of compounds in one list are found by their community first;
    a secretary of one community gets a plain list."""
    second = factory.community(world.office_a, name="东四街道第二社区")
    factory.compound(second, name="枣树院")
    auth.login(world.street_admin)
    page = client.get("/tickets/dashboard").get_data(True)
    choices = page.split('id="compound"')[1].split("</select>")[0]
    assert choices.count("<optgroup") == 2
    group = choices.split('<optgroup label="东四街道第二社区">')[1].split("</optgroup>")[0]
    assert "枣树院" in group and world.compound_a.name not in group
    auth.logout()
    auth.login(world.secretary)
    page = client.get("/tickets/dashboard").get_data(True)
    choices = page.split('id="compound"')[1].split("</select>")[0]
    assert "<optgroup" not in choices and world.compound_a.name in choices


def test_worst_first_orders_by_the_lowest_rate_then_by_size():
    def row(name, *pairs, total):
        names = ("response", "resolution", "satisfaction", "reopen")
        return name, {"total": total, **{n: dashboard.Rate(*p) for n, p in zip(names, pairs)}}
    quiet = row("no figures yet", (0, 0), (0, 0), (0, 0), (0, 0), total=0)
    unhappy = row("unhappy", (9, 9), (9, 9), (1, 9), (0, 9), total=9)
    slow_big = row("slow, big", (1, 4), (4, 4), (4, 4), (0, 4), total=40)
    slow_small = row("slow, small", (1, 4), (4, 4), (4, 4), (0, 4), total=4)
    fine = row("fine", (5, 5), (5, 5), (5, 5), (0, 5), total=5)
    items = [quiet, fine, slow_small, unhappy, slow_big]
    assert [n for n, _ in dashboard.worst_first(items, 4)] == [
        "unhappy", "slow, big", "slow, small", "fine"]
    assert dashboard.worst_first(items, 10)[-1] is quiet
    # A rate over ten tickets or more tells more than one over a few: 60 %
    # of 100 comes before 1 of 4, which the page shows as a count.
    telling = row("many tickets", (60, 100), (90, 100), (80, 100), (0, 100), total=100)
    assert [n for n, _ in dashboard.worst_first([slow_small, telling, quiet], 3)] == [
        "many tickets", "slow, small", "no figures yet"]


def test_the_dashboard_lists_the_most_overdue_and_the_queue_every_one(
        world, file_ticket, auth, client, monkeypatch):
    monkeypatch.setattr(dashboard, "OVERDUE_SHOWN", 1)
    oldest = file_ticket(now=utcnow() - timedelta(days=40))
    newer = file_ticket(now=utcnow() - timedelta(days=30))
    auth.login(world.secretary)
    listed = _table(client.get("/tickets/dashboard").get_data(True), "超时")
    assert f"/tickets/{oldest.id}\"" in listed and f"/tickets/{newer.id}\"" not in listed
    assert "列出超时最久的 1 件。" in listed and "/tickets/queue?overdue=1" in listed
    queue = client.get("/tickets/queue?overdue=1").get_data(True)
    assert f"/tickets/{oldest.id}\"" in queue and f"/tickets/{newer.id}\"" in queue
