"""State machines of the analytics area: routing suggestions, duplicate pairs, candidate topics."""

from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_cppcc_leader, is_office
from analytics.models import DuplicateStatus, SuggestionStatus, TopicStatus
from core.workflow import Action, Workflow, register

# Office work: everyone who may open these records reads their notes.
READS_NOTES = is_office | is_cppcc_leader

ROUTING = register(
    Workflow(
        model="analytics.RoutingSuggestion",
        list_url="analytics:suggestions",
        states=SuggestionStatus,
        initial=SuggestionStatus.PENDING,
        actions=[
            Action(
                "accept",
                _("采纳建议"),
                (SuggestionStatus.PENDING,),
                SuggestionStatus.ACCEPTED,
                is_office,
                guard="analytics.services.routing.check_accept",
                offered="analytics.services.routing.routing_offered",
                effect="analytics.services.routing.on_accept",
            ),
            Action(
                "correct",
                _("更正分派"),
                (SuggestionStatus.PENDING, SuggestionStatus.ACCEPTED, SuggestionStatus.CORRECTED),
                SuggestionStatus.CORRECTED,
                is_office,
                fields=("category", "department", "handler"),
                guard="analytics.services.routing.check_correct",
                offered="analytics.services.routing.routing_offered",
                effect="analytics.services.routing.on_correct",
                style="outline-secondary",
            ),
        ],
        visible="analytics.selectors.suggestions_visible_to",
        reads_notes=READS_NOTES,
    )
)

DUPLICATES = register(
    Workflow(
        model="analytics.DuplicateCandidate",
        list_url="analytics:duplicates",
        states=DuplicateStatus,
        initial=DuplicateStatus.OPEN,
        actions=[
            Action(
                "merge",
                _("合并办理"),
                (DuplicateStatus.OPEN,),
                DuplicateStatus.MERGED,
                is_office,
                guard="analytics.services.duplicates.check_merge",
                offered="analytics.services.duplicates.merge_offered",
                effect="analytics.services.duplicates.on_merge",
            ),
            Action(
                "dismiss",
                _("不是重复"),
                (DuplicateStatus.OPEN,),
                DuplicateStatus.DISMISSED,
                is_office,
                style="outline-secondary",
            ),
            Action(
                "reopen",
                _("重新判断"),
                (DuplicateStatus.DISMISSED,),
                DuplicateStatus.OPEN,
                is_office,
                style="outline-secondary",
            ),
        ],
        visible="analytics.selectors.duplicates_visible_to",
        reads_notes=READS_NOTES,
    )
)

TOPICS = register(
    Workflow(
        model="analytics.HotTopic",
        list_url="analytics:topics",
        states=TopicStatus,
        initial=TopicStatus.NEW,
        actions=[
            Action(
                "send",
                _("送入拟题征集"),
                (TopicStatus.NEW,),
                TopicStatus.SENT,
                is_office,
                guard="analytics.services.hot_topics.check_send",
                effect="analytics.services.hot_topics.on_send",
            ),
            Action(
                "dismiss",
                _("暂不采用"),
                (TopicStatus.NEW,),
                TopicStatus.DISMISSED,
                is_office,
                note_required=True,
                note_label=_("不采用的理由"),
                style="outline-secondary",
            ),
            Action(
                "restore",
                _("恢复待研判"),
                (TopicStatus.DISMISSED,),
                TopicStatus.NEW,
                is_office,
                style="outline-secondary",
            ),
        ],
        visible="analytics.selectors.topics_visible_to",
        reads_notes=READS_NOTES,
        timeline="analytics.services.hot_topics.timeline",
    )
)
