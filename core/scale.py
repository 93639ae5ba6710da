"""A synthetic city for load and scale measurements (`manage.py generate_scale`).

Everything is written with bulk inserts in batches: no per-row save, no signals. The rows are what
the application itself would have written (appeals with their StatusChange transitions, their
simple-history rows and their full-text index entries; proposals likewise), so the pages and the
benchmarks read realistic tables. Every generated record is labelled synthetic: the committee is
"合成市政协（合成数据）", and each appeal body and proposal case starts with "【合成数据】".

The generator refuses a database that already holds demo or real data (see `check_database`).
"""

from __future__ import annotations

import json
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from core.data.synthetic_city import (
    ASKS,
    DEPT_FIELDS,
    DEPT_KINDS,
    GIVEN,
    LABEL,
    PARTIES,
    PLACES,
    PROBLEMS,
    PROPOSAL_TOPICS,
    SECTORS,
    SURNAMES,
    TEXT,
    TOWN_HEADS,
    TOWN_TAILS,
)

MARKER = "synthetic:scale"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
YEARS = 5


class NotEmpty(Exception):
    """The database holds demo or real data; generating into it would mix synthetic rows in."""


def check_database(*, force: bool = False) -> None:
    """Refuse a database holding demo or real data (anything but an earlier synthetic run)."""
    from core.models import DemoMarker
    from district.models import Committee, Member
    from intake.models import Appeal
    from proposals.models import Proposal

    if force:
        return
    if DemoMarker.objects.filter(name=MARKER).exists():
        raise NotEmpty("this database already holds a synthetic city; flush it first (manage.py flush)")
    if DemoMarker.objects.exclude(name=MARKER).exists():
        raise NotEmpty("this database holds the demo data (load_demo ran)")
    from accounts.models import User

    for model in (User, Committee, Member, Appeal, Proposal):
        if model.objects.exists():
            raise NotEmpty(f"this database holds data ({model._meta.label} has rows)")


def tracking_code(i: int) -> str:
    """A unique code for the i-th synthetic appeal: an invertible scramble of i into 8 symbols."""
    x = (i * 0x5DEECE66D + 0x2545F491) % (32**8)
    chars = []
    for _ in range(8):
        x, r = divmod(x, 32)
        chars.append(CODE_ALPHABET[r])
    raw = "".join(chars)
    return f"{raw[:4]}-{raw[4:]}"


def shortest_paths(workflow) -> dict[str, list]:
    """For each state, the actions that reach it from the initial state by the fewest steps."""
    paths = {workflow.initial: []}
    todo = deque([workflow.initial])
    while todo:
        state = todo.popleft()
        for action in workflow.actions:
            if state in action.sources and action.target not in paths:
                paths[action.target] = [*paths[state], action]
                todo.append(action.target)
    return paths


@dataclass
class Phrase:
    text: str
    tokens: str


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _phrases(texts: list[str]) -> list[Phrase]:
    from analytics import lexicon, text

    tok = lexicon.tokenizer()
    return [Phrase(t, " ".join(text.search_tokens(t, tok))) for t in texts]


def _batches(n: int, size: int) -> Iterator[range]:
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), models)
    if sql:
        with connection.cursor() as cur:
            for statement in sql:
                cur.execute(statement)


class Generator:
    def __init__(
        self,
        *,
        appeals: int,
        proposals: int = 20_000,
        members: int = 500,
        departments: int = 200,
        towns: int = 30,
        batch: int = 5_000,
        contact_share: float = 0.1,
        seed: int = 20221,
        now: datetime | None = None,
        log: Callable[[str], None] = lambda s: None,
    ):
        self.n_appeals, self.n_proposals, self.n_members = appeals, proposals, members
        self.n_departments, self.n_towns, self.batch = departments, towns, batch
        self.contact_share = contact_share
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.start = self.now - timedelta(days=365 * YEARS)
        self.log = log
        self.report = Report()

    # Orchestration.

    def run(self) -> Report:
        from core.models import DemoMarker

        steps = [
            ("reference", self.reference),
            ("people", self.people),
            ("appeals", self.appeals),
            ("proposals", self.proposals),
        ]
        # A GIN index is far cheaper built once than updated row by row during a large load.
        rebuild_gin = connection.vendor == "postgresql" and self.n_appeals >= 100_000
        if rebuild_gin:
            with connection.cursor() as cur:
                cur.execute("DROP INDEX IF EXISTS analytics_search_tsv")
        try:
            for name, step in steps:
                t0 = time.perf_counter()
                step()
                self.report.seconds[name] = time.perf_counter() - t0
                self.log(f"{name}: {self.report.seconds[name]:.1f} s")
        finally:
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                if rebuild_gin:
                    from analytics.search_backend import POSTGRES_SETUP

                    for sql in POSTGRES_SETUP:
                        cur.execute(sql)
                # Fresh planner statistics, as autovacuum would gather them after a while.
                cur.execute("ANALYZE")
            self.report.seconds["index+analyze"] = time.perf_counter() - t0
            self.log(f"index+analyze: {self.report.seconds['index+analyze']:.1f} s")
        DemoMarker.objects.get_or_create(name=MARKER)
        return self.report

    def _count(self, key: str, n: int) -> None:
        self.report.counts[key] = self.report.counts.get(key, 0) + n

    # Reference data: committee, term, sessions, sectors, parties, towns, departments, categories.

    @transaction.atomic
    def reference(self) -> None:
        from district.models import Committee, Community, Department, Party, Sector, Session, Term, Town
        from grassroots.models import Workstation
        from intake.models import AppealCategory

        rng = self.rng
        self.committee = Committee.objects.create(
            name=TEXT["committee"],
            short_name=TEXT["committee_short"],
            district_name=TEXT["city"],
            doc_prefix=TEXT["doc_prefix"],
        )
        first_year = self.start.year + 1
        self.term = Term.objects.create(
            committee=self.committee, number=1, start_year=first_year, end_year=first_year + 4, is_current=True
        )
        self.sessions = Session.objects.bulk_create(
            [
                Session(term=self.term, number=k + 1, year=first_year + k, opens_on=date(first_year + k, 1, 10))
                for k in range(YEARS)
            ]
        )
        self.sectors = Sector.objects.bulk_create([Sector(name=n, order=k) for k, n in enumerate(SECTORS)])
        self.parties = Party.objects.bulk_create(
            [Party(name=n, short_name=n[-4:], order=k) for k, n in enumerate(PARTIES)]
        )
        names: list[str] = []
        while len(names) < self.n_towns:
            name = (
                rng.choice(TOWN_HEADS)
                + rng.choice(TOWN_TAILS)
                + (TEXT["town"] if len(names) % 3 else TEXT["subdistrict"])
            )
            if name not in names:
                names.append(name)
        self.towns = Town.objects.bulk_create([Town(name=n, order=k) for k, n in enumerate(names)])
        communities = []
        for town in self.towns:
            for k in range(20):
                communities.append(
                    Community(
                        town=town, name=f"{town.name[:2]}{k + 1}{TEXT['community'] if k % 2 else TEXT['village']}"
                    )
                )
        self.communities = Community.objects.bulk_create(communities, batch_size=self.batch)
        self.communities_by_town: dict[int, list] = {}
        for c in self.communities:
            self.communities_by_town.setdefault(c.town_id, []).append(c)
        depts = []
        for k in range(self.n_departments):
            field_, kind = DEPT_FIELDS[k % len(DEPT_FIELDS)], DEPT_KINDS[(k // len(DEPT_FIELDS)) % len(DEPT_KINDS)]
            extra = "" if k < len(DEPT_FIELDS) * len(DEPT_KINDS) else str(k)
            depts.append(
                Department(
                    name=TEXT["department"].format(field=field_, kind=kind, extra=extra),
                    short_name=f"{field_}{kind}"[:20],
                    order=k,
                )
            )
        self.departments = Department.objects.bulk_create(depts, batch_size=self.batch)
        self.categories = AppealCategory.objects.bulk_create(
            [
                AppealCategory(
                    code=f"syn-{k:02d}", name=short, description=long[:200], department=self.departments[k], order=k
                )
                for k, (short, long) in enumerate(PROBLEMS)
            ]
        )
        self.workstations = Workstation.objects.bulk_create(
            [
                Workstation(
                    name=TEXT["workstation"].format(town=town.name),
                    town=town,
                    address=TEXT["workstation_address"].format(town=town.name),
                )
                for town in self.towns[:20]
            ]
        )
        self._count("towns", len(self.towns))
        self._count("communities", len(self.communities))
        self._count("departments", len(self.departments))

    # People: one clerk, one liaison per department, members with their user accounts.

    @transaction.atomic
    def people(self) -> None:
        from accounts.models import User
        from accounts.roles import Role
        from district.models import Member

        rng = self.rng
        unusable = make_password(None)
        groups = {g.name: g for g in Group.objects.all()}
        for role in (Role.CLERK, Role.DEPT_LIAISON, Role.MEMBER, Role.STANDING_MEMBER):
            groups.setdefault(role, Group.objects.get_or_create(name=role)[0])
        users = [User(username="syn-clerk", full_name=TEXT["clerk"], password=unusable, date_joined=self.start)]
        users += [
            User(
                username=f"syn-liaison-{k:03d}",
                full_name=TEXT["liaison"].format(k=k),
                department=d,
                password=unusable,
                date_joined=self.start,
            )
            for k, d in enumerate(self.departments)
        ]
        names = []
        for k in range(self.n_members):
            names.append(rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if k % 3 else ""))
        users += [
            User(username=f"syn-member-{k:04d}", full_name=names[k], password=unusable, date_joined=self.start)
            for k in range(self.n_members)
        ]
        users = User.objects.bulk_create(users, batch_size=self.batch)
        self.clerk, liaisons, member_users = users[0], users[1 : 1 + len(self.departments)], users[-self.n_members :]
        through = User.groups.through
        links = [through(user_id=self.clerk.pk, group_id=groups[Role.CLERK].pk)]
        links += [through(user_id=u.pk, group_id=groups[Role.DEPT_LIAISON].pk) for u in liaisons]
        links += [through(user_id=u.pk, group_id=groups[Role.MEMBER].pk) for u in member_users]
        standing = set(rng.sample(range(self.n_members), self.n_members // 5))
        links += [through(user_id=member_users[k].pk, group_id=groups[Role.STANDING_MEMBER].pk) for k in standing]
        through.objects.bulk_create(links, batch_size=self.batch)
        self.members = Member.objects.bulk_create(
            [
                Member(
                    user=u,
                    term=self.term,
                    name=names[k],
                    gender=rng.choice("MF"),
                    birth_year=rng.randint(1960, 1990),
                    sector=rng.choice(self.sectors),
                    party=rng.choice(self.parties),
                    town=rng.choice(self.towns),
                    workplace=TEXT["workplace"],
                    # Encrypted at rest: bulk_create runs the field's get_prep_value like save() does.
                    phone=f"138{rng.randrange(10**8):08d}",
                    is_standing=k in standing,
                )
                for k, u in enumerate(member_users)
            ],
            batch_size=self.batch,
        )
        self.member_users = member_users
        self._count("users", len(users))
        self._count("members", len(self.members))

    # Appeals with their transitions, history rows and index entries.

    def _appeal_state(self, age_days: float) -> str:
        r = self.rng.random()
        if age_days > 60:
            table = [("closed", 0.86), ("merged", 0.05), ("answered", 0.05), ("routed", 0.03), ("received", 0.01)]
        elif age_days > 7:
            table = [("closed", 0.45), ("merged", 0.04), ("answered", 0.2), ("routed", 0.25), ("received", 0.06)]
        else:
            table = [("closed", 0.05), ("merged", 0.02), ("answered", 0.13), ("routed", 0.4), ("received", 0.4)]
        for state, p in table:
            if r < p:
                return state
            r -= p
        return table[-1][0]

    def appeals(self) -> None:
        from analytics.models import SearchDocument
        from core.models import StatusChange
        from core.workflow import workflow_for
        from intake.models import Appeal, Channel, Outcome, Route

        rng = self.rng
        wf = workflow_for(Appeal)
        paths = shortest_paths(wf)
        ct_id = ContentType.objects.get_for_model(Appeal).pk
        History = Appeal.history.model
        problems = _phrases([p[1] for p in PROBLEMS])
        places = _phrases(PLACES)
        asks = _phrases(ASKS)
        label = _phrases([LABEL])[0]
        channels = [Channel.WEB] * 40 + [Channel.WECHAT] * 30 + [Channel.PHONE] * 15
        channels += [Channel.LETTER] * 5 + [Channel.MAILBOX] * 4 + [Channel.RECEPTION] * 4 + [Channel.VISIT] * 2
        channels = [str(c) for c in channels]
        outcomes = [str(o) for o in Outcome.values]
        town_tokens = {t.pk: _tokens(t.name)[0] for t in self.towns}
        span = (self.now - self.start).total_seconds()
        first_id = _next_id(Appeal)
        clerk_id = self.clerk.pk
        appeal_rows = Inserter(Appeal)
        change_rows = Inserter(StatusChange, skip=("id",))
        history_rows = Inserter(History, skip=("history_id",))
        doc_rows = Inserter(SearchDocument, skip=("id",))
        private = {"address", "contact_name", "contact_phone"}
        # Creation times ascend with the id, as they do in a live system.
        step = span / max(self.n_appeals, 1)
        for chunk in _batches(self.n_appeals, self.batch):
            appeals, changes, history, docs = [], [], [], []
            for i in chunk:
                pk = first_id + i
                created = self.start + timedelta(seconds=step * i + rng.random() * step)
                age = (self.now - created).total_seconds() / 86400
                k = rng.randrange(len(PROBLEMS))
                cat = self.categories[k]
                town = rng.choice(self.towns)
                community = rng.choice(self.communities_by_town[town.pk])
                place, ask = rng.choice(places), rng.choice(asks)
                title = f"{community.name}{place.text}{PROBLEMS[k][0]}"
                body = f"{LABEL}{town.name}{community.name}{place.text}{problems[k].text}。{ask.text}"
                state = self._appeal_state(age)
                path = paths[state]
                if state == "merged" and pk == first_id:
                    state, path = "received", []
                with_contact = rng.random() < self.contact_share
                row = {
                    "id": pk,
                    "created_at": created,
                    "updated_at": created,
                    "tracking_code": tracking_code(pk),
                    "title": title,
                    "body": body,
                    "channel": rng.choice(channels),
                    "category_id": cat.pk,
                    "town_id": town.pk,
                    "community_id": community.pk,
                    "department_id": cat.department_id,
                    # Encrypted by the inserter, as EncryptedTextField would on save().
                    "address": TEXT["address"].format(community=community.name, n=rng.randint(1, 40))
                    if with_contact
                    else "",
                    "contact_name": (rng.choice(SURNAMES) + TEXT["mister"]) if with_contact else "",
                    "contact_phone": f"139{rng.randrange(10**8):08d}" if with_contact else "",
                    "status": "received",
                }
                history.append(
                    history_rows.row(
                        {k: v for k, v in row.items() if k not in private},
                        history_date=created,
                        history_type="+",
                        history_user_id=None,
                    )
                )
                # Transitions spread over the appeal's life, never in the future.
                t = created
                for n, action in enumerate(path):
                    t = min(t + timedelta(hours=rng.uniform(2, 240)), self.now)
                    data = {}
                    if action.name == "route":
                        row["route"] = Route.OFFICE.value if rng.random() < 0.7 else Route.WORKSTATION.value
                        if row["route"] == Route.WORKSTATION:
                            row["workstation_id"] = rng.choice(self.workstations).pk
                        data = {"route": row["route"]}
                    elif action.name == "answer":
                        row["answer"] = TEXT["answer"]
                        row["answered_at"] = t
                    elif action.name == "close":
                        row["outcome"] = rng.choice(outcomes)
                        row["outcome_note"] = TEXT["outcome_note"]
                        row["closed_at"] = t
                        data = {"outcome": row["outcome"]}
                    elif action.name == "merge":
                        row["merged_into_id"] = max(first_id, pk - rng.randint(1, 50))
                        data = {"into": row["merged_into_id"]}
                    changes.append(
                        change_rows.row(
                            {
                                "content_type_id": ct_id,
                                "object_id": pk,
                                "action": action.name,
                                "from_state": path[n - 1].target if n else wf.initial,
                                "to_state": action.target,
                                "actor_id": clerk_id,
                                "note": "",
                                "data": data,
                                "created_at": t,
                            }
                        )
                    )
                row["status"], row["updated_at"] = state, t
                appeals.append(appeal_rows.row(row))
                if path:
                    history.append(
                        history_rows.row(
                            {k: v for k, v in row.items() if k not in private},
                            history_date=t,
                            history_type="~",
                            history_user_id=clerk_id,
                            history_change_reason=path[-1].name,
                        )
                    )
                tokens = [*_tokens(community.name), town_tokens[town.pk], label.tokens]
                tokens += [place.tokens, problems[k].tokens, ask.tokens, *_tokens(PROBLEMS[k][0])]
                docs.append(
                    doc_rows.row(
                        {
                            "kind": "appeal",
                            "content_type_id": ct_id,
                            "object_id": pk,
                            "title": title,
                            "body": body,
                            "tokens": " ".join(tokens),
                            "town_id": town.pk,
                            "created_at": created,
                            "indexed_at": self.now,
                        }
                    )
                )
            with transaction.atomic():
                # Inserted in id order, so a merged appeal's main case (a smaller id) already exists.
                appeal_rows.insert(appeals)
                change_rows.insert(changes)
                history_rows.insert(history)
                doc_rows.insert(docs)
            self._count("appeals", len(appeals))
            self._count("appeal status changes", len(changes))
            self._count("appeal history rows", len(history))
            self._count("search documents", len(docs))
            if (chunk.stop // self.batch) % 20 == 0 or chunk.stop == self.n_appeals:
                self.log(f"  appeals: {chunk.stop:,}/{self.n_appeals:,}")
        _reset_sequences([Appeal, StatusChange, History, SearchDocument])

    # Proposals: five sessions, filed ones numbered, with transitions and history.

    def proposals(self) -> None:
        from core.models import StatusChange
        from core.workflow import workflow_for
        from proposals.models import Proposal, Status

        rng = self.rng
        wf = workflow_for(Proposal)
        paths = shortest_paths(wf)
        ct_id = ContentType.objects.get_for_model(Proposal).pk
        History = Proposal.history.model
        weights = [
            (Status.CLOSED, 55),
            (Status.FOLLOW_UP, 8),
            (Status.REPLIED, 6),
            (Status.IN_PROGRESS, 8),
            (Status.ASSIGNED, 3),
            (Status.REJECTED, 6),
            (Status.CONVERTED, 4),
            (Status.SUBMITTED, 4),
            (Status.DRAFT, 6),
        ]
        states = [s.value for s, w in weights for _ in range(w)]
        first_id = _next_id(Proposal)
        per_session = self.n_proposals // len(self.sessions) + 1
        serials = {s.pk: 0 for s in self.sessions}
        proposal_rows = Inserter(Proposal)
        change_rows = Inserter(StatusChange, skip=("id",))
        history_rows = Inserter(History, skip=("history_id",))
        clerk_id = self.clerk.pk
        for chunk in _batches(self.n_proposals, self.batch):
            rows, changes, history = [], [], []
            for i in chunk:
                pk = first_id + i
                session = self.sessions[min(i // per_session, len(self.sessions) - 1)]
                created = timezone.make_aware(datetime(session.year, 1, 1)) + timedelta(
                    days=rng.uniform(0, 60), seconds=rng.randrange(86400)
                )
                created = min(created, self.now - timedelta(days=1))
                k = rng.randrange(len(self.members))
                state = rng.choice(states)
                topic = rng.choice(PROPOSAL_TOPICS)
                row = {
                    "id": pk,
                    "created_at": created,
                    "updated_at": created,
                    "title": topic,
                    "case": TEXT["case"].format(label=LABEL, topic=topic),
                    "analysis": TEXT["analysis"],
                    "suggestions": TEXT["suggestions"],
                    "status": Status.DRAFT.value,
                    "author_id": self.member_users[k].pk,
                    "member_id": self.members[k].pk,
                    "session_id": session.pk,
                }
                history.append(
                    history_rows.row(dict(row), history_date=created, history_type="+", history_user_id=None)
                )
                path = paths[state]
                if any(a.name == "file" for a in path):
                    serials[session.pk] += 1
                    row["serial"] = serials[session.pk]
                t = created
                for n, action in enumerate(path):
                    t = min(t + timedelta(days=rng.uniform(1, 20)), self.now)
                    if action.name == "submit":
                        row["submitted_at"] = t
                    elif action.name == "file":
                        row["filed_at"] = t
                        row["reply_due"] = (t + timedelta(days=90)).date()
                    elif action.name == "assign":
                        row["assigned_at"] = t
                    elif action.name == "approve_reply":
                        row["replied_at"] = t
                    elif action.name in ("close", "conclude_closed"):
                        row["closed_at"] = t
                    changes.append(
                        change_rows.row(
                            {
                                "content_type_id": ct_id,
                                "object_id": pk,
                                "action": action.name,
                                "from_state": path[n - 1].target if n else wf.initial,
                                "to_state": action.target,
                                "actor_id": clerk_id,
                                "note": "",
                                "data": {},
                                "created_at": t,
                            }
                        )
                    )
                row["status"], row["updated_at"] = state, t
                rows.append(proposal_rows.row(row))
                if path:
                    history.append(
                        history_rows.row(
                            dict(row),
                            history_date=t,
                            history_type="~",
                            history_user_id=clerk_id,
                            history_change_reason=path[-1].name,
                        )
                    )
            with transaction.atomic():
                proposal_rows.insert(rows)
                change_rows.insert(changes)
                history_rows.insert(history)
            self._count("proposals", len(rows))
            self._count("proposal status changes", len(changes))
            self._count("proposal history rows", len(history))
        _reset_sequences([Proposal, StatusChange, History])


class Inserter:
    """Raw bulk inserts for one model: executemany on SQLite, COPY on PostgreSQL.

    Values are converted as the fields would convert them on save (datetimes to UTC text on SQLite,
    JSON dumped, EncryptedTextField values encrypted); columns not given get the field's default.
    """

    def __init__(self, model, *, skip: tuple[str, ...] = ()):
        from django.db import models as m

        from core import crypto
        from core.fields import EncryptedTextField

        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
        self.columns = [f.attname for f in self.fields]
        self.defaults = {f.attname: (f.get_default() if f.has_default() or not f.null else None) for f in self.fields}
        for f in self.fields:
            if isinstance(f, m.DateTimeField | m.DateField) and not f.has_default():
                self.defaults[f.attname] = None
            if f.is_relation:
                self.defaults[f.attname] = None
        sqlite = connection.vendor == "sqlite"
        adapters = []
        for f in self.fields:
            if isinstance(f, EncryptedTextField):
                adapters.append(lambda v, enc=crypto.encrypt: enc(v) if v else v)
            elif isinstance(f, m.JSONField):
                adapters.append(lambda v: json.dumps(v, ensure_ascii=False))
            elif sqlite and isinstance(f, m.DateTimeField):
                adapters.append(_sqlite_datetime)
            elif sqlite and isinstance(f, m.DateField):
                adapters.append(lambda v: v.isoformat() if v is not None else None)
            else:
                adapters.append(None)
        self.adapters = adapters

    def row(self, values: dict, **more) -> tuple:
        values.update(more)
        out = []
        for col, adapt in zip(self.columns, self.adapters, strict=True):
            v = values.get(col, self.defaults[col])
            out.append(adapt(v) if adapt is not None and v is not None else v)
        return tuple(out)

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def _sqlite_datetime(v: datetime) -> str:
    # What Django's SQLite backend stores: naive UTC, ISO format with a space.
    return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


_TOKEN_CACHE: dict[str, str] = {}


def _tokens(*parts: str) -> list[str]:
    """Index words of short strings (names), segmented once each."""
    from analytics import lexicon, text

    out = []
    for part in parts:
        if part not in _TOKEN_CACHE:
            _TOKEN_CACHE[part] = " ".join(text.search_tokens(part, lexicon.tokenizer()))
        out.append(_TOKEN_CACHE[part])
    return out
