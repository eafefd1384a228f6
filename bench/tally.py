"""Tally benchmark (issue 4, `make bench`): the count of a 100,000-unit owners'
ballot against one hand-written SQL aggregate over the same rows.

Each database is created fresh (SQLite under bench/work/, PostgreSQL
``rv_bench_tally`` when reachable), migrated with ``flask db upgrade`` and
filled with INSERT … SELECT (generate_series on PostgreSQL, a recursive CTE on
SQLite): one compound, ~86,000 owners (most own one unit, some two or three,
an institution N/400 — 250: a cast's ``households`` column, VARCHAR(2000), holds
no more than ~285 six-digit ids — and N/200 units have no registered owner),
areas as exact decimals (35.00–174.99 m²); an earlier published ballot and
the closed ballot that is counted, each with its frozen electorate of every
unit and ~75% of the units voting (one cast per owner covering all of the
owner's units, as casting.py records them; hash-chain columns hold
well-formed dummies — the chain is not part of the count).

Timed, alternately and after a warm-up, median of ``--runs``:
  tally   ``residentvoice.voting.counting.tally(ballot)`` in an app context
          (a fresh session each run; the ballot is loaded before timing,
          with its options, by ``Ballot.fetch`` as the ballot pages do);
  raw     one SQL statement on the raw DB-API connection — per option the
          units, distinct-owner headcount and area of the votes (RAW_VOTES);
  raw+e   the same plus the electorate totals in one statement (RAW_FULL),
          shown for information.
The target (≤ 1.5×) is tally / raw.  The tally's figures are checked against
the raw statements' (and the participation against COUNT(DISTINCT …)) before
anything is timed; the JSON says whether the tally took its one-statement
path.  Prints a table and writes bench/results/tally-<stamp>.json.

    python bench/tally.py [--db sqlite|postgresql|both] [--units 100000]
                          [--turnout 75] [--runs 15] [--warmup 3] [--keep]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The running interpreter (the venv that runs this script), not a path inside ROOT.
FLASK = [sys.executable, "-m", "flask"]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("RV_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
PG_NAME = "rv_bench_tally"
TARGET = 1.5

COUNTED, EARLIER = 1, 2          # ballot ids: the one timed, and an earlier one beside it
STAMP = "2024-05-01 08:00:00.000000"
HASH = "ab" * 32                 # 64 hex digits
SALT = "cd" * 16                 # 32 hex digits
CAST_IDS = 10_000_000            # ballot b's casts have ids b * CAST_IDS + (owner number)

# The baseline: what a person would write to count the votes by hand.
RAW_VOTES = """
SELECT v.option_id, COUNT(*), COUNT(DISTINCT e.owner_key), SUM(e.area_centi)
FROM ballot_vote v
JOIN ballot_electorate e ON e.ballot_id = v.ballot_id AND e.household_id = v.household_id
WHERE v.ballot_id = {p}
GROUP BY v.option_id"""
RAW_FULL = RAW_VOTES + """
UNION ALL
SELECT NULL, COUNT(*), COUNT(DISTINCT owner_key), SUM(area_centi)
FROM ballot_electorate WHERE ballot_id = {p}"""
# Checked, not timed: the participation by the definition (each head once).
CHECK_PARTICIPATION = """
SELECT COUNT(*), COUNT(DISTINCT e.owner_key), SUM(e.area_centi)
FROM ballot_vote v
JOIN ballot_electorate e ON e.ballot_id = v.ballot_id AND e.household_id = v.household_id
WHERE v.ballot_id = {p}"""


# ---------------------------------------------------------------- databases

def database(kind):
    """A fresh, empty database; returns its URL (like bench/run.py's)."""
    if kind == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / "tally.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME


def drop_pg():
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def pg_reachable():
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def upgrade(url):
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench",
               RESIDENTVOICE_ENV="development", RV_BENCH="1")
    subprocess.run([*FLASK, "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------- data

class Dialect:
    """The few SQL spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, name):
        self.pg = name == "postgresql"
        self.param = "%s" if self.pg else "?"

    def series(self, n):
        """A relation ``s(i)`` of the integers 1..n."""
        if self.pg:
            return f"generate_series(CAST(1 AS BIGINT), {int(n)}) AS s(i)"
        return (f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
                f"WHERE i < {int(n)}) SELECT i FROM s) AS s")

    def decimal_centi(self, expr):
        """An integer number of 0.01 m² as the exact NUMERIC(10, 2) area."""
        return f"CAST({expr} AS NUMERIC(12, 2)) / 100" if self.pg else f"({expr}) / 100.0"

    def centi(self, column):
        """Household.area_m2 back to an integer of 0.01 m² (as freeze_electorate does)."""
        return (f"CAST({column} * 100 AS BIGINT)" if self.pg
                else f"CAST(ROUND({column} * 100) AS INTEGER)")

    def join_ids(self, column):
        return (f"string_agg(CAST({column} AS TEXT), ',' ORDER BY {column})" if self.pg
                else f"group_concat({column}, ',')")


def layout(units):
    """Unit ranges (in a shuffled order) by kind of owner: ~75% own one unit,
    ~17% of the units belong to owners of two, ~7% to owners of three, one
    institution holds N/400 units and N/200 units have no registered owner."""
    institution = max(1, units // 400)
    ownerless = units // 200
    doubles = units * 17 // 100 // 2
    triples = units * 7 // 100 // 3
    singles = units - institution - ownerless - 2 * doubles - 3 * triples
    return {"singles": singles, "ownerless": ownerless, "doubles": doubles,
            "triples": triples, "institution_units": institution,
            "owners": singles + doubles + triples + 1}


def stride(units):
    """A multiplier coprime with ``units``: i → i*k mod N shuffles the units."""
    for k in (7919, 7907, 7901, 7883):
        if math.gcd(k, units) == 1:
            return k
    raise ValueError("no stride")


def load(conn, d, units, turnout):
    """Fill an empty, migrated database; ``conn`` is a SQLAlchemy connection."""
    from sqlalchemy import text

    def run(sql, **params):
        return conn.execute(text(sql), params)

    shape = layout(units)
    s1 = shape["singles"]
    s2 = s1 + shape["ownerless"]
    s3 = s2 + 2 * shape["doubles"]
    s4 = s3 + 3 * shape["triples"]
    o3 = s1 + shape["doubles"]
    o4 = o3 + shape["triples"]
    k = stride(units)
    buildings = -(-units // 250)

    run("INSERT INTO district (id, name) VALUES (1, '朝阳区')")
    run("INSERT INTO street_office (id, district_id, name) VALUES (1, 1, '基准街道')")
    run("INSERT INTO community (id, street_office_id, name) VALUES (1, 1, '基准社区')")
    run("INSERT INTO compound (id, community_id, code, name, address, description, "
        f"created_at) VALUES (1, 1, 'BENCH', '基准小区', '', '', '{STAMP}')")
    run(f"INSERT INTO building (id, compound_id, number, floors, kind) "
        f"SELECT i, 1, CAST(i AS TEXT), 25, 'tower' FROM {d.series(buildings)}")
    run(f"INSERT INTO owner (id, community_id, kind, name, created_at) "
        f"SELECT i, 1, CASE WHEN i = {shape['owners']} THEN 'institution' ELSE 'person' END, "
        f"'业主' || CAST(i AS TEXT), '{STAMP}' FROM {d.series(shape['owners'])}")
    p = f"((i * {k}) % {units})"     # the unit's place in the shuffled order
    owner = (f"CASE WHEN {p} < {s1} THEN {p} + 1 "
             f"WHEN {p} < {s2} THEN NULL "
             f"WHEN {p} < {s3} THEN {s1} + ({p} - {s2}) / 2 + 1 "
             f"WHEN {p} < {s4} THEN {o3} + ({p} - {s3}) / 3 + 1 "
             f"ELSE {o4} + 1 END")
    area = "(3500 + (i * 104729) % 14000)"     # 35.00 … 174.99 m²
    run(f"INSERT INTO household (id, compound_id, building_id, code, unit, floor, area_m2, "
        f"occupancy, owner_id, created_at) "
        f"SELECT i, 1, (i - 1) / 250 + 1, 'B' || CAST(i AS TEXT), "
        f"CAST((i - 1) % 10 + 1 AS TEXT), ((i - 1) % 250) / 10 + 1, {d.decimal_centi(area)}, "
        f"'owner_occupied', {owner}, '{STAMP}' FROM {d.series(units)}")

    for ballot, status, matter, salt in ((EARLIER, "published", "use_fund", 3),
                                         (COUNTED, "closed", "common_parts_use", 0)):
        run("INSERT INTO ballot (id, compound_id, title, description, basis, matter, "
            "count_per, status, announced_at, opens_at, closes_at, secret, allow_change, "
            "live_counts, proxy_cap, opened_at, closed_at, published_at, chain_length, "
            "chain_tip, created_at) VALUES (:id, 1, :title, '', 'owners', :matter, "
            "'household', :status, :t, :t, :t, :no, :no, :no, 3, :t, :t, :pub, 0, :tip, :t)",
            id=ballot, title=f"基准表决 {ballot}", matter=matter, status=status, t=STAMP,
            no=False, pub=STAMP if status == "published" else None, tip="0" * 64)
        for position, (label, kind) in enumerate((("同意", "agree"), ("反对", "against"),
                                                  ("弃权", "abstain"))):
            run("INSERT INTO ballot_option (id, ballot_id, position, label, kind) "
                "VALUES (:id, :ballot, :pos, :label, :kind)",
                id=3 * (ballot - 1) + position + 1, ballot=ballot, pos=position,
                label=label, kind=kind)
        # The electorate frozen at opening, from the households (as freeze_electorate).
        run(f"INSERT INTO ballot_electorate (ballot_id, household_id, area_centi, owner_key, "
            f"owner_id) SELECT {ballot}, id, {d.centi('area_m2')}, "
            f"CASE WHEN owner_id IS NULL THEN 'h' || CAST(id AS TEXT) "
            f"ELSE 'o' || CAST(owner_id AS TEXT) END, owner_id FROM household ORDER BY id")
        # Who votes and how: a function of the owner (or the ownerless unit), so one
        # owner's units vote together — one cast covers them all.
        voter = f"COALESCE(e.owner_id, {10 * units} + e.household_id)"
        votes = f"(({voter} * 37 + {salt}) % 100) < {int(turnout)}"
        first = 3 * (ballot - 1)
        choice = (f"CASE WHEN (({voter} * 53 + {salt}) % 100) < 70 THEN {first + 1} "
                  f"WHEN (({voter} * 53 + {salt}) % 100) < 92 THEN {first + 2} "
                  f"ELSE {first + 3} END")
        # One cast per voting owner, its id a function of the owner so that each
        # unit's vote finds its cast without a join; seq numbers the casts in order.
        cast_id = f"{ballot * CAST_IDS} + {voter}"
        paper = f"({voter}) % 20 = 0"
        channel = f"CASE WHEN {paper} THEN 'paper' ELSE 'phone' END"
        run(f"INSERT INTO ballot_cast (id, ballot_id, seq, option_id, channel, households, "
            f"receipt, salt, prev_hash, hash, serial, witness, created_at) "
            f"SELECT k.id, {ballot}, k.seq, k.option_id, k.channel, k.households, "
            f"'R{ballot}' || CAST(k.seq AS TEXT), '{SALT}', '{HASH}', '{HASH}', "
            f"CASE WHEN k.channel = 'paper' THEN 'P' || CAST(k.seq AS TEXT) END, "
            f"CASE WHEN k.channel = 'paper' THEN '见证人' END, '{STAMP}' "
            f"FROM (SELECT MIN({cast_id}) AS id, MIN({choice}) AS option_id, "
            f"MIN({channel}) AS channel, {d.join_ids('e.household_id')} AS households, "
            f"ROW_NUMBER() OVER (ORDER BY MIN(e.household_id)) AS seq "
            f"FROM ballot_electorate e WHERE e.ballot_id = {ballot} AND {votes} "
            f"GROUP BY e.owner_key) k ORDER BY k.seq")
        run(f"INSERT INTO ballot_vote (ballot_id, household_id, option_id, cast_id, channel, "
            f"one_per_household) "
            f"SELECT {ballot}, e.household_id, {choice}, {cast_id}, {channel}, e.household_id "
            f"FROM ballot_electorate e WHERE e.ballot_id = {ballot} AND {votes} "
            f"ORDER BY {cast_id}, e.household_id")
        run("UPDATE ballot SET chain_length = (SELECT COUNT(*) FROM ballot_cast "
            "WHERE ballot_id = :id), chain_tip = :h, chain_head = :h WHERE id = :id",
            id=ballot, h=HASH)
    if d.pg:
        for table in ("district", "street_office", "community", "compound", "building",
                      "owner", "household", "ballot", "ballot_option", "ballot_cast"):
            run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM \"{table}\"))")
    return shape


# ---------------------------------------------------------------- timing

def raw_once(conn, statement, ballot_id):
    """One statement on the DB-API connection, timed from execute to the last row."""
    sql, params = statement
    cursor = conn.cursor()
    started = time.perf_counter()
    cursor.execute(sql, (ballot_id,) * params)
    rows = cursor.fetchall()
    elapsed = time.perf_counter() - started
    cursor.close()
    conn.rollback()
    return elapsed, rows


def tally_once(ballot_id):
    from residentvoice.extensions import db
    from residentvoice.voting.counting import tally
    from residentvoice.voting.models import Ballot
    db.session.remove()
    # Loaded as the ballot pages load it (and a transaction begun), untimed.
    ballot = Ballot.fetch(ballot_id) if hasattr(Ballot, "fetch") else db.session.get(
        Ballot, ballot_id)
    started = time.perf_counter()
    result = tally(ballot)
    elapsed = time.perf_counter() - started
    db.session.remove()
    return elapsed, result


def figures(rows):
    """{option_id or None (electorate): (units, headcount, area_centi)} in integers."""
    return {r[0]: tuple(int(x) for x in r[1:]) for r in rows}


def check(result, votes_rows, full_rows, participation_row):
    """The tally's numbers equal the raw statements'."""
    raw = figures(votes_rows)
    full = figures(full_rows)
    mine = {o.id: (o.totals.units, o.totals.headcount, o.totals.area_centi)
            for o in result.options if o.totals.units}
    assert mine == raw, (mine, raw)
    assert {k: v for k, v in full.items() if k is not None} == raw, (full, raw)
    e = result.electorate
    assert (e.units, e.headcount, e.area_centi) == full[None], (e, full[None])
    p = result.participation
    expected = tuple(int(x) for x in participation_row)
    assert (p.units, p.headcount, p.area_centi) == expected, (p, expected)


def ms(seconds):
    return round(seconds * 1000, 2)


def bench_db(kind, args):
    url = database(kind)
    started = time.time()
    upgrade(url)
    from residentvoice import create_app
    from residentvoice.extensions import db
    from residentvoice.voting.models import Ballot
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    from residentvoice.voting.counting import counted_by_owner
    d = Dialect(kind)
    with app.app_context():
        with db.engine.begin() as conn:
            shape = load(conn, d, args.units, args.turnout)
        if d.pg:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")   # what autovacuum does soon after
        with db.engine.connect() as conn:
            votes, casts = conn.exec_driver_sql(
                f"SELECT COUNT(*), COUNT(DISTINCT cast_id) FROM ballot_vote "
                f"WHERE ballot_id = {COUNTED}").one()
        loaded = time.time() - started
        print(f"  {kind}: {args.units} units, {votes} votes ({casts} casts) per ballot, "
              f"2 ballots, loaded in {loaded:.1f}s", flush=True)
        raw_votes = (RAW_VOTES.format(p=d.param), RAW_VOTES.count("{p}"))
        raw_full = (RAW_FULL.format(p=d.param), RAW_FULL.count("{p}"))
        raw_conn = db.engine.raw_connection()
        try:
            _, votes_rows = raw_once(raw_conn, raw_votes, COUNTED)
            _, full_rows = raw_once(raw_conn, raw_full, COUNTED)
            _, (participation_row,) = raw_once(raw_conn, (
                CHECK_PARTICIPATION.format(p=d.param), 1), COUNTED)
            _, result = tally_once(COUNTED)
            check(result, votes_rows, full_rows, participation_row)
            one_statement = counted_by_owner(db.session.get(Ballot, COUNTED)) is not None
            db.session.remove()
            samples = {"tally": [], "raw": [], "raw_full": []}
            for n in range(args.warmup + args.runs):
                timed = [("raw", lambda: raw_once(raw_conn, raw_votes, COUNTED)),
                         ("raw_full", lambda: raw_once(raw_conn, raw_full, COUNTED)),
                         ("tally", lambda: tally_once(COUNTED))]
                for name, fn in timed[n % 3:] + timed[:n % 3]:   # rotate the order
                    elapsed, _ = fn()
                    if n >= args.warmup:
                        samples[name].append(elapsed)
        finally:
            raw_conn.close()
        db.engine.dispose()
    med = {name: statistics.median(values) for name, values in samples.items()}
    ratio = med["tally"] / med["raw"]
    return {
        "units": args.units, "votes": votes, "casts": casts, "owners": shape["owners"],
        "electorate_headcount": result.electorate.headcount,
        "electorate_area_m2": str(result.electorate.area_m2),
        "participation_headcount": result.participation.headcount,
        "passed": result.passed, "rule": result.rule, "one_statement": one_statement,
        "tally_ms": ms(med["tally"]), "raw_ms": ms(med["raw"]),
        "raw_full_ms": ms(med["raw_full"]),
        "ratio": round(ratio, 3), "ratio_full": round(med["tally"] / med["raw_full"], 3),
        "target": TARGET, "met": ratio <= TARGET, "load_s": round(loaded, 1),
        "samples_ms": {k: [ms(v) for v in values] for k, values in samples.items()},
    }


def print_table(rows):
    head = (f"{'db':<11}{'units':>8}{'votes':>8}{'tally ms':>10}{'raw ms':>9}"
            f"{'ratio':>7}{'raw+e ms':>10}{'ratio':>7}  target ≤ {TARGET}×")
    print("\n" + head)
    print("-" * len(head))
    for kind, r in rows.items():
        print(f"{kind:<11}{r['units']:>8}{r['votes']:>8}{r['tally_ms']:>10.2f}"
              f"{r['raw_ms']:>9.2f}{r['ratio']:>6.2f}×{r['raw_full_ms']:>10.2f}"
              f"{r['ratio_full']:>6.2f}×  {'met' if r['met'] else 'NOT MET'}")
    print("\nraw:   one statement, per option: units, COUNT(DISTINCT owner_key), area "
          "(votes ⋈ frozen electorate)\nraw+e: the same UNION ALL the electorate totals "
          "(units, headcount, area) — for information; the target is tally / raw")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--turnout", type=int, default=75, help="per cent of owners voting")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    if not 1000 <= args.units < CAST_IDS // 11:
        parser.error(f"--units from 1000 to {CAST_IDS // 11 - 1}")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not pg_reachable():
        print("PostgreSQL is not reachable: benchmarking the tally on SQLite only.")
        kinds.remove("postgresql")
    print(f"Tally benchmark: {args.units} units, median of {args.runs} runs "
          f"after {args.warmup} warm-up runs", flush=True)
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "args": vars(args),
              "raw_sql": RAW_VOTES.strip(), "raw_full_sql": RAW_FULL.strip(), "results": {}}
    for kind in kinds:
        report["results"][kind] = bench_db(kind, args)
        if kind == "postgresql" and not args.keep:
            drop_pg()
    print_table(report["results"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"tally-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
