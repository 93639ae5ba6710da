"""The annual consultation plan (拟题 and 确题): collection rounds, suggestions, the plan and its approval."""

from topics.models.plan import (
    ConsultationPlan,
    LeaderReview,
    OfficeSignOff,
    PlanItem,
    PlanStatus,
    PlanVersion,
    SignOffItemComment,
)
from topics.models.suggestions import (
    CollectionRound,
    ConsultationFormat,
    RoundStatus,
    SuggestionStatus,
    TopicSuggestion,
)
from topics.models.votes import Ballot, DepartmentReceipt, PlanVote, VoteChoice

__all__ = [
    "Ballot",
    "CollectionRound",
    "ConsultationFormat",
    "ConsultationPlan",
    "DepartmentReceipt",
    "LeaderReview",
    "OfficeSignOff",
    "PlanItem",
    "PlanStatus",
    "PlanVersion",
    "PlanVote",
    "RoundStatus",
    "SignOffItemComment",
    "SuggestionStatus",
    "TopicSuggestion",
    "VoteChoice",
]
