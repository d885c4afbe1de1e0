"""Reports on the attached population: each report is ONE aggregate SQL statement, read from the
reports database (the replica when configured), never a Python loop over attachment rows.

"Attached on D" is `attachment.population.attached_on_sql` (the attachment's period covers D, the
person was born by D and had not died before D), the twin of the ORM filter every page uses.
Because attachments are dated rows that end and never vanish, a past date gives the same count
however people move later.

Organization scoping is passed in as `organizations`: a list of ids, or None for all (the views
take it from `patients.access`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from patients.models import LegalCategory, Sex

from ..population import attached_on_sql
from .routing import reports_database

# Age in completed years on the date: the birthday itself counts.
# (age() of two timestamps without time zone: several times cheaper than of dates, which
# PostgreSQL would cast to timestamps with time zone.)
AGE_ON = "date_part('year', age({on}::timestamp, p.birth_date::timestamp))::int"


def _name_column() -> str:
    return "name_kk" if (get_language() or "").startswith("kk") else "name_ru"


def _fetch(sql: str, params: dict) -> list[dict]:
    alias = reports_database()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # One aggregate pass over many rows: JIT compilation costs more than it saves here.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _scope_sql(organizations: list[int] | None, column: str, params: dict) -> str:
    if organizations is None:
        return ""
    params["scope"] = list(organizations)
    return f" AND {column} = ANY(%(scope)s)"


# ---------------------------------------------------------------------------------------------
# Attached population as of a date


@dataclass(frozen=True)
class Dimension:
    label: str
    inner: str  # the raw key selected and grouped by in the inner query
    join: str  # joins of the outer query that give the key and the name
    code: str  # outer expression of the code column
    name: str  # outer expression of the name column ({name} is the language's name column)
    order: str  # outer expression to sort by
    choices: dict | None = None  # names of choice codes, translated in Python
    code_shown: bool = False  # the code is a number people use (BIN, KATO, district), not internal


DIMENSIONS: dict[str, Dimension] = {
    "region": Dimension(
        _("region"),
        "left(oa.kato, 2)",
        "LEFT JOIN patients_atu r ON r.kato = t.region || '0000000'",
        "coalesce(r.kato, t.region || '0000000')",
        "r.{name}",
        "t.region",
        code_shown=True,
    ),
    "atu": Dimension(
        _("ATU"),
        "o.atu_id",
        "JOIN patients_atu u ON u.id = t.atu",
        "u.kato",
        "u.{name}",
        "u.kato",
        code_shown=True,
    ),
    "organization": Dimension(
        _("organization"),
        "a.organization_id",
        "JOIN attachment_organization og ON og.id = t.organization",
        "og.bin",
        "og.{name}",
        "og.{name}, og.bin",
        code_shown=True,
    ),
    "district": Dimension(
        _("district"),
        "a.district_id",
        "LEFT JOIN attachment_district d ON d.id = t.district"
        " LEFT JOIN attachment_organization dorg ON dorg.id = d.organization_id",
        "d.code",
        "dorg.{name} || ' / ' || d.code",
        "dorg.{name} NULLS LAST, d.code",
    ),
    "sex": Dimension(_("sex"), "p.sex", "", "t.sex", "t.sex", "t.sex DESC", dict(Sex.choices)),
    "age_group": Dimension(
        _("age group"),
        AGE_ON,
        "LEFT JOIN attachment_agegroup g"
        " ON t.age_group >= g.min_age AND (g.max_age IS NULL OR t.age_group <= g.max_age)",
        "g.code",
        "g.label",
        "g.min_age NULLS LAST",
    ),
    "category": Dimension(
        _("legal category"),
        "p.category",
        "",
        "t.category",
        "t.category::text",
        "t.category",
        {str(k): v for k, v in LegalCategory.choices},
    ),
    "ground": Dimension(
        _("ground"),
        "a.ground_id",
        "JOIN attachment_ground gr ON gr.id = t.ground",
        "gr.code",
        "gr.{name}",
        "gr.code",
    ),
}
DIMENSION_CHOICES = [(key, dim.label) for key, dim in DIMENSIONS.items()]


@dataclass
class Table:
    """An aggregate table: `headers` name the columns of `rows`; the last column is the count.
    The columns in `file_only` (internal codes such as `70-plus`, `M`, `already_attached`) are
    written to the files, for machines, and left off the page, which shows their labels."""

    headers: list
    rows: list[tuple]
    total: int = 0
    extra: dict = field(default_factory=dict)
    file_only: frozenset[int] = frozenset()

    @property
    def screen_headers(self) -> list:
        return [h for i, h in enumerate(self.headers) if i not in self.file_only]

    @property
    def screen_rows(self) -> list[tuple]:
        if not self.file_only:
            return self.rows
        return [tuple(c for i, c in enumerate(row) if i not in self.file_only) for row in self.rows]


def population_on(
    *,
    on: datetime.date,
    by: list[str],
    organizations: list[int] | None,
    organization: int | None = None,
    district: int | None = None,
    region: str = "",
) -> Table:
    """The population attached on `on`, grouped by the dimensions `by` (in that order)."""
    by = [b for b in dict.fromkeys(by) if b in DIMENSIONS]
    params: dict = {"on": on}
    on_sql = "%(on)s::date"
    where = attached_on_sql(on_sql) + _scope_sql(organizations, "a.organization_id", params)
    if organization is not None:
        params["organization"] = organization
        where += " AND a.organization_id = %(organization)s"
    if district is not None:
        params["district"] = district
        where += " AND a.district_id = %(district)s"
    if region:
        params["region"] = region[:2]
        where += " AND left(oa.kato, 2) = %(region)s"
    # The organization's place is joined only when asked for (it costs a pass over every row).
    place_joins = ""
    if region or {"region", "atu"} & set(by):
        place_joins = " JOIN attachment_organization o ON o.id = a.organization_id"
        if region or "region" in by:
            place_joins += " JOIN patients_atu oa ON oa.id = o.atu_id"
    name = _name_column()
    inner_cols = [f"{DIMENSIONS[b].inner.format(on=on_sql)} AS {b}" for b in by]
    inner_select = ", ".join([*inner_cols, "count(*) AS n"])
    inner_group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    outer_cols, outer_group, joins, order = [], [], [], []
    for b in by:
        dim = DIMENSIONS[b]
        code, label = dim.code.format(name=name), dim.name.format(name=name)
        outer_cols += [f"{code} AS {b}_code", f"{label} AS {b}_name"]
        outer_group += [code, label]
        if dim.join:
            joins.append(dim.join)
        order.append(dim.order.format(name=name))
        if b == "region":
            outer_group.append("t.region")
        if b == "age_group":
            outer_group.append("g.min_age")
        if b == "district":
            outer_group.append(f"dorg.{name}")
    sql = (
        f"SELECT {', '.join([*outer_cols, 'sum(t.n)::bigint AS n'])}"
        f" FROM (SELECT {inner_select}"
        " FROM attachment_attachment a"
        " JOIN patients_person p ON p.id = a.person_id"
        f"{place_joins}"
        f" WHERE {where}{inner_group}) t"
        f" {' '.join(joins)}"
        + (f" GROUP BY {', '.join(outer_group)} ORDER BY {', '.join(order)}" if by else "")
    )
    rows = []
    for record in _fetch(sql, params):
        row = []
        for b in by:
            code, label = record[f"{b}_code"], record[f"{b}_name"]
            choices = DIMENSIONS[b].choices
            if choices is not None:
                label = choices.get(str(code), label)
            row += [code if code is not None else "", label if label is not None else ""]
        row.append(record["n"] or 0)
        rows.append(tuple(row))
    headers = []
    for b in by:
        headers += [_("%(dimension)s code") % {"dimension": DIMENSIONS[b].label}, DIMENSIONS[b].label]
    headers.append(_("attached"))
    file_only = frozenset(2 * i for i, b in enumerate(by) if not DIMENSIONS[b].code_shown)
    return Table(headers=headers, rows=rows, total=sum(r[-1] for r in rows), file_only=file_only)


@dataclass
class PyramidBar:
    label: str
    male: int
    female: int


def pyramid_on(
    *,
    on: datetime.date,
    organizations: list[int] | None,
    organization: int | None = None,
    district: int | None = None,
) -> list[PyramidBar]:
    """Sex × age group, every age group present (zero bars included), youngest first."""
    params: dict = {"on": on}
    on_sql = "%(on)s::date"
    where = attached_on_sql(on_sql) + _scope_sql(organizations, "a.organization_id", params)
    if organization is not None:
        params["organization"] = organization
        where += " AND a.organization_id = %(organization)s"
    if district is not None:
        params["district"] = district
        where += " AND a.district_id = %(district)s"
    sql = (
        "SELECT g.label, coalesce(sum(t.n) FILTER (WHERE t.sex = 'M'), 0)::bigint AS male,"
        " coalesce(sum(t.n) FILTER (WHERE t.sex = 'F'), 0)::bigint AS female"
        " FROM attachment_agegroup g LEFT JOIN ("
        f"  SELECT p.sex, {AGE_ON.format(on=on_sql)} AS age, count(*) AS n"
        "   FROM attachment_attachment a JOIN patients_person p ON p.id = a.person_id"
        f"  WHERE {where} GROUP BY 1, 2"
        " ) t ON t.age >= g.min_age AND (g.max_age IS NULL OR t.age <= g.max_age)"
        " GROUP BY g.id, g.label, g.min_age ORDER BY g.min_age"
    )
    return [PyramidBar(r["label"], r["male"], r["female"]) for r in _fetch(sql, params)]


# ---------------------------------------------------------------------------------------------
# Campaign: who moved during a campaign window


def campaign_moves(*, window, organizations: list[int] | None) -> Table:
    """People gained and lost per organization during the campaign window, by ground, with the
    organization they came from / went to, and each organization's totals and net change.

    A move is an attachment that starts between the window's first day and the day its
    attachments take effect (inclusive) and attaches its person on that first day; it comes from
    the person's attachment that ended the day before (if any). An attachment that ended in that
    span with no attachment (attaching the person) the next day is a loss without a new
    organization (death, contract end, detachment). Moves between districts of one organization
    are not gains or losses."""
    params: dict = {"start": window.starts_on, "end": window.takes_effect_on}
    name = _name_column()
    area = ""
    if window.atu_id is not None:
        params["area"] = window.atu.kato.rstrip("0") + "%"
        area = (
            " AND EXISTS (SELECT 1 FROM attachment_organization ao JOIN patients_atu aa"
            " ON aa.id = ao.atu_id WHERE ao.id IN (m.to_org, m.from_org) AND aa.kato LIKE %(area)s)"
        )
    scope = ""
    if organizations is not None:
        params["scope"] = list(organizations)
        scope = " WHERE x.org = ANY(%(scope)s)"
    # An attachment moves its person when it attaches them on its first day (one that a death
    # before it cancels moves nobody).
    gains = attached_on_sql("n.valid_from", attachment="n", person="np")
    follows = attached_on_sql("nxt.valid_from", attachment="nxt", person="op")
    sql = f"""
        WITH moves AS (
            SELECT n.organization_id AS to_org, prev.organization_id AS from_org, n.ground_id
              FROM attachment_attachment n
              JOIN patients_person np ON np.id = n.person_id
              LEFT JOIN attachment_attachment prev
                ON prev.person_id = n.person_id AND prev.valid_to = n.valid_from - 1
             WHERE n.valid_from BETWEEN %(start)s AND %(end)s AND {gains}
            UNION ALL
            SELECT NULL, o.organization_id, NULL
              FROM attachment_attachment o
              JOIN patients_person op ON op.id = o.person_id
              LEFT JOIN attachment_attachment nxt
                ON nxt.person_id = o.person_id AND nxt.valid_from = o.valid_to + 1 AND {follows}
             WHERE o.valid_to BETWEEN %(start)s::date - 1 AND %(end)s::date - 1 AND nxt.id IS NULL
        ), flows AS (
            SELECT m.to_org AS org, 'gained' AS direction, m.ground_id, m.from_org AS other
              FROM moves m WHERE m.to_org IS NOT NULL AND m.to_org IS DISTINCT FROM m.from_org{area}
            UNION ALL
            SELECT m.from_org, 'lost', m.ground_id, m.to_org
              FROM moves m WHERE m.from_org IS NOT NULL AND m.from_org IS DISTINCT FROM m.to_org{area}
        ), x AS (
            SELECT org, direction, ground_id, other, count(*) AS n FROM flows GROUP BY 1, 2, 3, 4
        )
        SELECT og.bin AS org_code, og.{name} AS org_name, x.direction, gr.code AS ground_code,
               gr.{name} AS ground_name, ot.bin AS other_code, ot.{name} AS other_name, x.n,
               sum(x.n) FILTER (WHERE x.direction = 'gained') OVER w AS gained,
               sum(x.n) FILTER (WHERE x.direction = 'lost') OVER w AS lost
          FROM x
          JOIN attachment_organization og ON og.id = x.org
          LEFT JOIN attachment_ground gr ON gr.id = x.ground_id
          LEFT JOIN attachment_organization ot ON ot.id = x.other
          {scope}
        WINDOW w AS (PARTITION BY x.org)
         ORDER BY og.{name}, og.bin, x.direction, gr.code NULLS LAST, ot.{name} NULLS FIRST
    """
    directions = {"gained": _("gained"), "lost": _("lost")}
    rows = []
    for r in _fetch(sql, params):
        gained, lost = int(r["gained"] or 0), int(r["lost"] or 0)
        rows.append(
            (
                r["org_code"],
                r["org_name"],
                directions[r["direction"]],
                r["ground_code"] or "",
                r["ground_name"] or "",
                r["other_code"] or "",
                r["other_name"] or "",
                r["n"],
                gained,
                lost,
                gained - lost,
            )
        )
    headers = [
        _("organization code"),
        _("organization"),
        _("direction"),
        _("ground code"),
        _("ground"),
        _("came from / went to (code)"),
        _("came from / went to"),
        _("people"),
        _("gained in total"),
        _("lost in total"),
        _("net change"),
    ]
    return Table(headers=headers, rows=rows, total=sum(r[7] for r in rows))


# ---------------------------------------------------------------------------------------------
# Applications


def applications_summary(
    *, start: datetime.datetime, end: datetime.datetime, now: datetime.datetime, organizations
) -> Table:
    """Per organization: applications received in [start, end), decided within one working day
    (by their `due_by`), decided late, still open past due at `now`, refused; then the motivated
    refusals recorded in the period by reason. One statement (two branches of a UNION ALL)."""
    params: dict = {"start": start, "end": end, "now": now}
    name = _name_column()
    scope_a = _scope_sql(organizations, "ap.organization_id", params)
    scope_r = _scope_sql(organizations, "r.organization_id", params)
    sql = f"""
        SELECT og.bin AS org_code, og.{name} AS org_name, NULL AS reason_code, NULL AS reason_name,
               s.received, s.in_time, s.late, s.open_overdue, s.open, s.refused
          FROM (SELECT ap.organization_id, count(*) AS received,
                       count(*) FILTER (WHERE ap.decided_at <= ap.due_by) AS in_time,
                       count(*) FILTER (WHERE ap.decided_at > ap.due_by) AS late,
                       count(*) FILTER (WHERE ap.status = 'received' AND ap.due_by < %(now)s) AS open_overdue,
                       count(*) FILTER (WHERE ap.status = 'received') AS open,
                       count(*) FILTER (WHERE ap.status = 'refused') AS refused
                  FROM attachment_application ap
                 WHERE ap.received_at >= %(start)s AND ap.received_at < %(end)s{scope_a}
                 GROUP BY ap.organization_id) s
          JOIN attachment_organization og ON og.id = s.organization_id
        UNION ALL
        SELECT og.bin, og.{name}, rr.code, rr.{name}, NULL, NULL, NULL, NULL, NULL, count(*)
          FROM attachment_refusal r
          JOIN attachment_organization og ON og.id = r.organization_id
          JOIN attachment_refusalreason rr ON rr.id = r.reason_id
         WHERE r.created_at >= %(start)s AND r.created_at < %(end)s{scope_r}
         GROUP BY og.bin, og.{name}, rr.code, rr.{name}
         ORDER BY 2, 1, 3 NULLS FIRST
    """
    summary, reasons = [], []
    for r in _fetch(sql, params):
        if r["reason_code"] is None:
            summary.append(
                (
                    r["org_code"],
                    r["org_name"],
                    r["received"],
                    r["in_time"],
                    r["late"],
                    r["open_overdue"],
                    r["open"],
                    r["refused"],
                )
            )
        else:
            reasons.append((r["org_code"], r["org_name"], r["reason_code"], r["reason_name"], r["refused"]))
    headers = [
        _("organization code"),
        _("organization"),
        _("received"),
        _("decided within one working day"),
        _("decided late"),
        _("open and overdue"),
        _("open"),
        _("refused"),
    ]
    return Table(
        headers=headers,
        rows=summary,
        total=sum(r[2] for r in summary),
        extra={
            "reason_headers": [
                _("organization code"),
                _("organization"),
                _("reason code"),
                _("reason"),
                _("refusals"),
            ],
            "reasons": reasons,
            "reasons_table": Table(
                headers=[
                    _("organization code"),
                    _("organization"),
                    _("reason code"),
                    _("reason"),
                    _("refusals"),
                ],
                rows=reasons,
                file_only=frozenset({2}),
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# District load


def district_load_on(*, on: datetime.date, organizations: list[int] | None) -> Table:
    """Every district in scope: attached on the date vs its planned capacity (over 100 % flagged)."""
    params: dict = {"on": on}
    name = _name_column()
    scope = _scope_sql(organizations, "d.organization_id", params)
    sql = f"""
        SELECT og.bin AS org_code, og.{name} AS org_name, d.code, d.capacity,
               coalesce(t.n, 0)::bigint AS attached
          FROM attachment_district d
          JOIN attachment_organization og ON og.id = d.organization_id
          LEFT JOIN (SELECT a.district_id, count(*) AS n
                       FROM attachment_attachment a JOIN patients_person p ON p.id = a.person_id
                      WHERE a.district_id IS NOT NULL AND {attached_on_sql("%(on)s::date")}
                      GROUP BY a.district_id) t ON t.district_id = d.id
         WHERE TRUE{scope}
         ORDER BY og.{name}, og.bin, d.code
    """
    rows = []
    for r in _fetch(sql, params):
        capacity, attached = r["capacity"], r["attached"]
        percent = round(Decimal(100 * attached) / capacity, 1) if capacity else None
        rows.append((r["org_code"], r["org_name"], r["code"], capacity, attached, percent))
    headers = [
        _("organization code"),
        _("organization"),
        _("district"),
        _("planned capacity"),
        _("attached"),
        _("load, %"),
    ]
    return Table(headers=headers, rows=rows, total=sum(r[4] for r in rows))


def is_over_capacity(row: tuple) -> bool:
    return row[5] is not None and row[5] > 100


# ---------------------------------------------------------------------------------------------
# Planning estimate


def planning_estimate(*, year: int, organizations: list[int] | None) -> Table:
    """An ESTIMATE from the tables, per organization for a year: for each month, the population
    attached on the month's first day × the sex-age coefficient × the per-capita norm (tenge per
    person per month), both as in force on that day; summed over the 12 months. Future months use
    the attachments known today. Person-months with no norm or no coefficient are counted apart
    and add nothing to the sum."""
    params: dict = {"start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 1)}
    name = _name_column()
    scope = _scope_sql(organizations, "a.organization_id", params)
    sql = f"""
        WITH months AS (
            SELECT generate_series(%(start)s::date, %(end)s::date, interval '1 month')::date AS m
        ), pop AS (
            SELECT mo.m, a.organization_id AS org, p.sex, {AGE_ON.format(on="mo.m")} AS age,
                   count(*) AS n
              FROM months mo
              JOIN (attachment_attachment a JOIN patients_person p ON p.id = a.person_id)
                ON {attached_on_sql("mo.m")}
             WHERE TRUE{scope}
             GROUP BY 1, 2, 3, 4
        ), priced AS (
            SELECT pop.org, pop.n, c.value AS coefficient, k.amount AS norm
              FROM pop
              LEFT JOIN attachment_agegroup g
                ON pop.age >= g.min_age AND (g.max_age IS NULL OR pop.age <= g.max_age)
              LEFT JOIN LATERAL (
                  SELECT c.value FROM attachment_sexagecoefficient c
                   WHERE c.sex = pop.sex AND c.age_group_id = g.id AND c.valid_from <= pop.m
                   ORDER BY c.valid_from DESC LIMIT 1) c ON TRUE
              LEFT JOIN LATERAL (
                  SELECT k.amount FROM attachment_capitationnorm k
                   WHERE k.valid_from <= pop.m ORDER BY k.valid_from DESC LIMIT 1) k ON TRUE
        )
        SELECT og.bin AS org_code, og.{name} AS org_name,
               round(sum(priced.n) / 12.0, 1) AS average_attached,
               coalesce(sum(priced.n * priced.coefficient * priced.norm), 0)::numeric(18, 2) AS estimate,
               coalesce(sum(priced.n) FILTER (WHERE priced.coefficient IS NULL OR priced.norm IS NULL), 0)
                   AS unpriced
          FROM priced JOIN attachment_organization og ON og.id = priced.org
         GROUP BY og.id, og.bin, og.{name}
         ORDER BY og.{name}, og.bin
    """
    rows = [
        (r["org_code"], r["org_name"], r["average_attached"], r["estimate"], r["unpriced"])
        for r in _fetch(sql, params)
    ]
    headers = [
        _("organization code"),
        _("organization"),
        _("average attached in the year"),
        _("estimate, tenge"),
        _("person-months without a norm or coefficient"),
    ]
    return Table(headers=headers, rows=rows, total=sum((r[3] for r in rows), Decimal(0)))
