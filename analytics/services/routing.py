"""Routing: train versioned models from labelled appeals, suggest routing, record staff's decisions."""

from __future__ import annotations

import csv
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from analytics import intake_bridge
from analytics.classifier import RoutingModel, evaluate, train
from analytics.models import ClassifierVersion, RoutingLabel, RoutingSuggestion, SuggestionStatus
from core.exceptions import Refused
from core.http import as_int
from core.i18n import record_language

HEADS = ("category", "department", "handler")
HOLDOUT_ONE_IN = 5


@dataclass(frozen=True)
class LabelledRow:
    key: str  # what decides the held-out part: "appeal:<pk>" or the text's digest
    text: str
    labels: dict[str, str]


def in_holdout(key: str) -> bool:
    """A stable one-in-five split: a record is held out in every training, so versions compare fairly."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % HOLDOUT_ONE_IN == 0


def appeal_text(appeal) -> str:
    return f"{appeal.title}\n{appeal.body}"


def labelled_rows() -> list[LabelledRow]:
    """Appeals with a confirmed routing: staff's label if any, else the category and department on record."""
    from intake.models import Appeal

    qs = (
        Appeal.objects.select_related("category", "routing_label__category")
        .exclude(status="merged")
        .filter(Q(category__isnull=False) | Q(routing_label__isnull=False))
    )
    rows = []
    for appeal in qs.order_by("pk"):
        label = getattr(appeal, "routing_label", None)
        if label is not None:
            labels = {
                "category": label.category.code if label.category else "",
                "department": str(label.department_id or ""),
                "handler": label.handler,
            }
        else:
            labels = {
                "category": appeal.category.code if appeal.category else "",
                "department": str(appeal.department_id or ""),
                "handler": intake_bridge.handler_of(appeal),
            }
        rows.append(LabelledRow(key=f"appeal:{appeal.pk}", text=appeal_text(appeal), labels=labels))
    return rows


def csv_rows(path: Path, *, text_column: str = "text", label_column: str = "label") -> list[LabelledRow]:
    """Rows of a CSV file (one text and one category label per row) for the category head."""
    with Path(path).open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise Refused(_("CSV 文件缺少列：%(cols)s") % {"cols": "、".join(sorted(missing))})
        return [
            LabelledRow(
                key=hashlib.blake2b(r[text_column].encode(), digest_size=8).hexdigest(),
                text=r[text_column],
                labels={"category": r[label_column].strip()},
            )
            for r in reader
            if r[text_column].strip() and r[label_column].strip()
        ]


def _columns(rows: list[LabelledRow]) -> tuple[list[str], dict[str, list[str]]]:
    heads = [h for h in HEADS if any(r.labels.get(h) for r in rows)]
    return [r.text for r in rows], {h: [r.labels.get(h, "") for r in rows] for h in heads}


def _not_worse(new: dict, old: dict) -> bool:
    return all(h in new and new[h]["macro_f1"] >= old[h]["macro_f1"] for h in old)


@transaction.atomic
def train_routing_model(*, rows: list[LabelledRow], source: str, actor=None, force: bool = False) -> ClassifierVersion:
    """Train on the non-held-out rows, measure on the held-out ones, and switch only if not worse."""
    train_rows = [r for r in rows if not in_holdout(r.key)]
    holdout = [r for r in rows if in_holdout(r.key)]
    texts, labels = _columns(train_rows)
    if not labels:
        raise Refused(_("没有带标注的诉求，无法训练分派模型。"))
    start = time.perf_counter()
    model = train(texts, labels)
    seconds = time.perf_counter() - start
    held_texts, held_labels = _columns(holdout)
    metrics = evaluate(model, held_texts, held_labels) if holdout else {}
    current = ClassifierVersion.objects.select_for_update().filter(is_active=True).first()
    baseline = evaluate(load_model(current), held_texts, held_labels) if current and holdout else {}
    with record_language():  # the decision is stored with the version
        if current is None:
            switch, decision = True, _("首个模型，直接启用。")
        elif force:
            switch, decision = True, _("按要求强制启用。")
        elif not holdout:
            switch, decision = False, _("没有留出样本可供比较，保留当前模型。")
        elif _not_worse(metrics, baseline):
            switch, decision = True, _("留出集上不差于当前模型，已启用。")
        else:
            switch, decision = False, _("留出集上不如当前模型，未启用。")
    number = (ClassifierVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ClassifierVersion(
        number=number,
        source=source[:200],
        n_train=len(train_rows),
        n_holdout=len(holdout),
        metrics=metrics,
        baseline_metrics=baseline,
        train_seconds=round(seconds, 3),
        decision=decision,
        trained_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    version.artefact.save(f"routing-v{number}.joblib", ContentFile(model.dumps()), save=False)
    if switch and current is not None:
        ClassifierVersion.objects.filter(pk=current.pk).update(is_active=False)
    version.is_active = switch
    version.save()
    return version


_loaded: dict[tuple, RoutingModel] = {}


def load_model(version: ClassifierVersion | None) -> RoutingModel | None:
    """The model of a version, loaded from its artefact once per process.

    Keyed by the artefact's name and training time as well as the primary key: a key can be reused
    (a restored backup, a test database rolled back), an artefact file name with its time is not."""
    if version is None:
        return None
    key = (version.pk, version.artefact.name, version.created_at)
    model = _loaded.get(key)
    if model is None:
        with version.artefact.open("rb") as fh:
            model = RoutingModel.loads(fh.read())
        _loaded.clear()
        _loaded[key] = model
    return model


def active_version() -> ClassifierVersion | None:
    return ClassifierVersion.objects.filter(is_active=True).first()


def _category(label: str):
    from intake.models import AppealCategory

    if not label:
        return None
    qs = AppealCategory.objects.filter(is_active=True).select_related("department")
    return qs.filter(code=label).first() or qs.filter(name=label).first()


def _department(label: str):
    from district.models import Department

    return Department.objects.filter(pk=as_int(label), is_active=True).first() if as_int(label) is not None else None


def suggest_routing(*, appeal) -> RoutingSuggestion | None:
    """Predict category, department and handler for an appeal (kept if staff already decided)."""
    version = active_version()
    model = load_model(version)
    if model is None:
        return None
    existing = RoutingSuggestion.objects.filter(appeal=appeal).first()
    if existing is not None and existing.status != SuggestionStatus.PENDING:
        return existing
    start = time.perf_counter()
    predicted = model.predict_one(appeal_text(appeal))
    elapsed = (time.perf_counter() - start) * 1000
    category = _category(predicted["category"].label) if "category" in predicted else None
    department = _department(predicted["department"].label) if "department" in predicted else None
    if department is None and category is not None and category.department_id and "department" not in predicted:
        department = category.department
    handler = predicted["handler"].label if "handler" in predicted else ""
    values = {
        "model_version": version,
        "category": category,
        "category_confidence": round(predicted["category"].confidence, 3) if category else 0,
        "department": department,
        "department_confidence": round(predicted["department"].confidence, 3) if "department" in predicted else 0,
        "handler": handler if intake_bridge.handler_label(handler) != handler else "",
        "handler_confidence": round(predicted["handler"].confidence, 3) if "handler" in predicted else 0,
        "predict_ms": round(elapsed, 3),
        "status": SuggestionStatus.PENDING,
    }
    suggestion, _created = RoutingSuggestion.objects.update_or_create(appeal=appeal, defaults=values)
    return suggestion


# Workflow guards and effects (analytics/workflow.py).


def _chosen(data: dict):
    from district.models import Department
    from intake.models import AppealCategory

    def pk(name):
        raw = str(data.get(name) or "").strip()
        return as_int(raw)

    category = AppealCategory.objects.filter(pk=pk("category"), is_active=True).first() if pk("category") else None
    department = Department.objects.filter(pk=pk("department"), is_active=True).first() if pk("department") else None
    handler = str(data.get("handler") or "").strip()
    errors = {}
    if data.get("category") and category is None:
        errors["category"] = _("所选类别不存在或已停用。")
    if data.get("department") and department is None:
        errors["department"] = _("所选部门不存在或已停用。")
    if handler and handler not in dict(intake_bridge.handler_choices()):
        errors["handler"] = _("所选办理主体不存在。")
    if not errors and not (category or department or handler):
        errors["category"] = _("请至少选择类别、承办部门或办理主体之一。")
    if errors:
        raise Refused(next(iter(errors.values())), fields=errors)
    return category, department, handler


def routing_blocker(suggestion: RoutingSuggestion) -> str | None:
    """Why the appeal's routing may no longer be decided (accepted or corrected), or None.

    A closed, merged or withdrawn appeal keeps the category and department it was handled under: the
    statistics of its year must not change after the fact. One rule for what the pages offer
    (`routing_offered`) and what the guards take."""
    if not intake_bridge.open_appeals().filter(pk=suggestion.appeal_id).exists():
        return _("该诉求已办结、已合并或已撤回，分派不能再更改。")
    return None


def routing_offered(user, suggestion: RoutingSuggestion) -> bool:
    return routing_blocker(suggestion) is None


def check_accept(suggestion: RoutingSuggestion, *, actor, note: str, data: dict) -> None:
    reason = routing_blocker(suggestion)
    if reason:
        raise Refused(reason)


def check_correct(suggestion: RoutingSuggestion, *, actor, note: str, data: dict) -> None:
    check_accept(suggestion, actor=actor, note=note, data=data)
    _chosen(data)


def _label(suggestion, *, category, department, handler, source, actor) -> None:
    label = RoutingLabel.objects.filter(appeal=suggestion.appeal).first() or RoutingLabel(appeal=suggestion.appeal)
    label.category, label.department, label.handler = category, department, handler
    label.source, label.labelled_by = source, actor
    label._history_user = actor
    label.full_clean()
    label.save()
    intake_bridge.apply_routing(
        suggestion.appeal, category=category, department=department, handler=handler, actor=actor
    )


def on_accept(suggestion: RoutingSuggestion, *, actor, note: str, data: dict, change) -> None:
    _label(
        suggestion,
        category=suggestion.category,
        department=suggestion.department,
        handler=suggestion.handler,
        source=RoutingLabel.Source.ACCEPTED,
        actor=actor,
    )


def on_correct(suggestion: RoutingSuggestion, *, actor, note: str, data: dict, change) -> None:
    category, department, handler = _chosen(data)
    _label(
        suggestion,
        category=category,
        department=department,
        handler=handler,
        source=RoutingLabel.Source.CORRECTED,
        actor=actor,
    )


def accept_suggestion(*, suggestion: RoutingSuggestion, actor) -> RoutingSuggestion:
    """Staff agree with the suggestion: one click, stored as a label."""
    from core.workflow import perform

    return perform(suggestion, "accept", actor=actor)


def correct_suggestion(
    *, suggestion: RoutingSuggestion, actor, category=None, department=None, handler=""
) -> RoutingSuggestion:
    """Staff choose another routing: stored as a corrected label for the next training."""
    from core.workflow import perform

    data = {
        "category": category.pk if category else "",
        "department": department.pk if department else "",
        "handler": handler,
    }
    return perform(suggestion, "correct", actor=actor, data=data)
