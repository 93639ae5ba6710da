"""Writes on proposals, by stage: drafting, review, handling, feedback, recognition."""

from proposals.services.drafting import (
    attach_supporting_files,
    create_proposal,
    make_individual,
    parse_source,
    remove_supporting_file,
    resolve_cosigner_names,
    respond_cosign,
    set_cosigners,
    update_draft,
)
from proposals.services.feedback import rate_reply
from proposals.services.handling import record_contact, reveal_proposer_contacts, submit_opinion, submit_reply
from proposals.services.recognition import mark_key, schedule_handling_meeting, select_excellent, withdraw_excellent

__all__ = [
    "attach_supporting_files",
    "create_proposal",
    "make_individual",
    "mark_key",
    "parse_source",
    "rate_reply",
    "record_contact",
    "remove_supporting_file",
    "resolve_cosigner_names",
    "reveal_proposer_contacts",
    "respond_cosign",
    "schedule_handling_meeting",
    "select_excellent",
    "withdraw_excellent",
    "set_cosigners",
    "submit_opinion",
    "submit_reply",
    "update_draft",
]
